extension BounceReason {
    /// A recipient-side filter refused the message after reading it.
    public static let filtered = BounceReason(rawValue: "filtered")
}

extension ReasonDefinition {
    /// Refused by the recipient's own filters or preferences: the receiver's choice of our mail.
    static let filtered = ReasonDefinition(
        .filtered, kind: .sender,
        summary: "a recipient-side filter or preference refused the message",
        phrases: [
            "message filtered", "filtered", "user refuses to receive", "refuse to receive mail",
            "refused due to recipient preferences", "message rejected due to user rules",
            "you have been blocked by the recipient", "only accepting mail from specific",
            "not accepting mail from this sender", "blocked by the recipient", "user reject",
            "account is protected by", "has restricted sms e-mail",
        ],
        examples: [
            "550 5.2.0 Message Filtered",
            "550 5.7.1 Message rejected due to user rules",
            "554 5.7.1 The recipient is only accepting mail from specific email addresses",
            "550 Refused due to recipient preferences",
            "550 Unknown user kijitora@example.ne.jp (in reply to end of DATA command)",
            "host mx.example.jp [192.0.2.1] SMTP error from remote mail server after end of data: 550 Unknown user kijitora@example.jp",
            "550 : User unknown",
        ],
        counterExamples: [
            "550 5.7.1 Message content rejected, UBE, id=00000-22-225",
        ])
}
