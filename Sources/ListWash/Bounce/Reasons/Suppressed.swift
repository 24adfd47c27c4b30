extension BounceReason {
    /// Our own ESP refused to send because the address is on its suppression list.
    public static let suppressed = BounceReason(rawValue: "suppressed")
}

extension ReasonDefinition {
    /// On the sending provider's suppression list: not new evidence about the address.
    static let suppressed = ReasonDefinition(
        .suppressed, kind: .sender,
        summary: "the sending provider suppressed the message (address on its suppression list)",
        phrases: [
            "suppression list", "suppressed", "on the suppression", "previously bounced",
            "address has previously bounced", "bounced address", "recipient is on the suppression",
            "unsubscribed address",
        ],
        examples: [
            "Amazon SES did not send the message to this address because it is on the suppression list for your account.",
            "550 5.1.1 Recipient address is on the suppression list",
            "Bounced Address: a message to this address has previously bounced",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
