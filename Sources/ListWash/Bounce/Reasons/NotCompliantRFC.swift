extension BounceReason {
    /// The message breaks an RFC (e.g. RFC 5322 header rules).
    public static let notcompliantrfc = BounceReason(rawValue: "notcompliantrfc")
}

extension ReasonDefinition {
    /// Non-compliant message format: our content.
    static let notCompliantRFC = ReasonDefinition(
        .notcompliantrfc, kind: .sender,
        summary: "the message does not comply with the RFCs",
        phrases: [
            "rfc 5322", "rfc5322", "rfc 2822", "rfc2822", "rfc 5321", "rfc5321",
            "not rfc compliant", "non-compliant", "not compliant", "duplicate header", "multiple addresses in from",
            "messages with multiple addresses", "addresses in from:", "missing required header", "header is missing",
            "message-id header", "bare lf", "bare linefeed", "line too long", "lines longer than",
        ],
        examples: [
            "550-5.7.1 Messages with multiple addresses in From: header are not accepted.",
            "554 Transaction failed: Duplicate header 'DKIM-Signature'.",
            "550 5.7.1 This message is not RFC 5322 compliant.",
            "554 5.6.0 Message rejected: missing required header field: Date",
        ],
        counterExamples: [
            "552 5.3.4 Message size exceeds fixed maximum message size",
        ])
}
