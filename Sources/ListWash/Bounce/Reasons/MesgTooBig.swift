extension BounceReason {
    /// The message is larger than the receiver accepts.
    public static let mesgtoobig = BounceReason(rawValue: "mesgtoobig")
}

extension ReasonDefinition {
    /// Message too large: our content.
    static let mesgTooBig = ReasonDefinition(
        .mesgtoobig, kind: .sender,
        summary: "the message is larger than the receiver accepts",
        phrases: [
            "message too large", "message too big", "message is too large", "message is too big",
            "message size exceeds", "size exceeds", "exceeds size limit", "exceeds the maximum size",
            "exceeds maximum message size", "exceeds fixed maximum message size", "message length exceeds",
            "mail size limit", "message size limit", "maximum message size", "email is too large",
            "size of message exceeds", "message exceeded max size", "too large for",
            // sisimai's record (rb-sisimai lib/sisimai/reason/mesgtoobig.rb).
            "exceeded maximum inbound message size", "max message size exceeded", "message file too big",
            "size limit",
        ],
        examples: [
            "552 5.3.4 Message size exceeds fixed maximum message size",
            "552 5.2.3 Message length exceeds administrative limit",
            "552 Message too large",
            "550 5.3.4 Message too big for system",
        ],
        counterExamples: [
            "552 5.2.2 Mailbox full",
        ])
}
