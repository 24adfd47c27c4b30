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
            // sisimai's record of receivers' own failures (rb-sisimai lib/sisimai/reason/systemerror.rb);
            // here, last in precedence, so any named cause in the same reply wins.
            "aliasing/forwarding loop broken",
            "can't create user output file",
            "could not load drd for domain",
            "interrupted system call",
            "it encountered an error while being processed",
            "loop was found in the mail exchanger",
            "queue file write error",
            "recipient deferred because there is no mdb",
            "remote server is misconfigured",
            "service currently unavailable",
            "timeout waiting for input",
        ],
        examples: [
            "550 5.3.5 <kuroneko@example.org>... Internal System Error",
            "553 5.3.5 system config error",
            "451 4.3.0 Requested action aborted: local error in processing",
            "451 4.3.2 Internal server error, please try again later",
            "Duplicated Message-ID in <20100429@example.co.jp>.",
            "Duplicated Message-ID in <20100429@example.co.jp>.",
            "554 Service currently unavailable",
            "451 4.3.0 Error: queue file write error",
        ],
        counterExamples: [
            "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
            "554 joem@example.com... aliasing/forwarding loop broken (11 aliases deep; 10 max) 550 5.1.1 joem@example.com... User unknown",
        ])
}
