extension BounceReason {
    /// A per-message or per-recipient limit was exceeded (e.g. too many recipients).
    public static let exceedlimit = BounceReason(rawValue: "exceedlimit")
}

extension ReasonDefinition {
    /// Too many recipients or another per-message limit: our sending.
    static let exceedLimit = ReasonDefinition(
        .exceedlimit, kind: .sender,
        summary: "a per-message or per-recipient limit was exceeded",
        phrases: [
            "too many recipients", "too many rcpt", "recipient limit", "recipients limit",
            "maximum number of recipients", "max recipients", "exceeded the maximum number of",
            "limit exceeded", "exceeded the limit", "exceeds the limit", "too many addresses",
        ],
        examples: [
            "452 4.5.3 Too many recipients",
            "552 Too many recipients",
            "550 5.5.3 Recipient limit exceeded",
        ],
        counterExamples: [
            "552 5.2.2 Mailbox full",
        ])
}
