extension BounceReason {
    /// The receiver found a virus (or malware) in the message.
    public static let virusdetected = BounceReason(rawValue: "virusdetected")
}

extension ReasonDefinition {
    /// Content judged malware: our content.
    static let virusDetected = ReasonDefinition(
        .virusdetected, kind: .sender,
        summary: "the message was judged to contain a virus or malware",
        phrases: [
            "virus", "malware", "infected", "malicious content", "malicious attachment", "trojan",
            "mcspamsignature",                      // Mimecast signature rejects
            "email rejected due to security policies",
            "banned attachment", "dangerous attachment", "contains a threat",
        ],
        examples: [
            "554 5.7.1 The message was rejected because it contains prohibited virus or spam content",
            "550 5.7.0 Message rejected: virus found (Eicar-Test-Signature)",
            "554 email rejected due to security policies - MCSpamSignature.sa.2.2",
            "552 5.7.0 This message was blocked because it contains malware",
        ],
        counterExamples: [
            "550 5.7.1 Message content rejected, UBE, id=00000-22-225",
        ])
}
