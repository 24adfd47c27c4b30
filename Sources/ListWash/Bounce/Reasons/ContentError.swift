extension BounceReason {
    /// The message content is malformed (headers, encoding, MIME).
    public static let contenterror = BounceReason(rawValue: "contenterror")
}

extension ReasonDefinition {
    /// Malformed headers or content: our content.
    static let contentError = ReasonDefinition(
        .contenterror, kind: .sender,
        summary: "the message headers or content are malformed",
        phrases: [
            "improper use of 8-bit data", "8-bit data in message header", "headers too large", "header too large",
            "header line too long", "illegal characters in header", "invalid header", "malformed header",
            "mime error", "malformed mime", "invalid mime", "message content not available",
            "conversion required", "media not supported", "improper use of 8bit",
        ],
        examples: [
            "550 5.6.9 improper use of 8-bit data in message header",
            "552 5.6.0 Headers too large (3 max)",
            "554 5.6.0 Message rejected: malformed MIME structure",
        ],
        counterExamples: [
            "552 5.3.4 Message size exceeds fixed maximum message size",
        ])
}
