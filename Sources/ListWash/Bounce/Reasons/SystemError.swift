extension BounceReason {
    /// The receiving system failed internally.
    public static let systemerror = BounceReason(rawValue: "systemerror")
}

extension ReasonDefinition {
    /// The receiver's own system error: temporary, counts as soft.
    static let systemError = ReasonDefinition(
        .systemerror, kind: .soft,
        summary: "the receiving system failed internally",
        phrases: [
            "internal system error", "system error", "internal error", "internal server error", "server error",
            "local error in processing", "temporary local problem", "system config error",
            "system configuration error", "incorrectly configured", "mail system problem",
            "server configuration error", "local configuration error",
            "temporary server error", "service temporarily unavailable", "service unavailable",
            "duplicated message-id",
            "duplicated message-id",
        ],
        examples: [
            "550 5.3.5 <kuroneko@example.org>... Internal System Error",
            "553 5.3.5 system config error",
            "451 4.3.0 Requested action aborted: local error in processing",
            "451 4.3.2 Internal server error, please try again later",
            "Duplicated Message-ID in <20100429@example.co.jp>.",
            "Duplicated Message-ID in <20100429@example.co.jp>.",
        ],
        counterExamples: [
            "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
        ])
}
