extension BounceReason {
    /// The mailbox is over quota.
    public static let mailboxfull = BounceReason(rawValue: "mailboxfull")
}

extension ReasonDefinition {
    /// Over quota: may clear, counts as soft (the policy escalates after repeated ones).
    static let mailboxFull = ReasonDefinition(
        .mailboxfull, kind: .soft,
        summary: "the mailbox is over its quota",
        phrases: [
            "mailbox full", "mailbox is full", "full mailbox", "mailbox*full", "over quota", "overquota",
            "over*quota", "quota exceeded", "quota*exceeded", "exceeded*quota", "quota violation",
            "mailbox*quota", "disk quota", "exceeds allowed size", "mailbox size limit",
            "exceeded storage allocation", "exceeded the storage", "mailfolder is full", "user is over",
            "insufficient storage for user", "not enough storage space", "out of storage space",
            "boite du destinataire pleine", "too much mail data", "too many messages on the server",
            "space has been used up", "mailbox would exceed", "would exceed mailbox",
            // sisimai's record (rb-sisimai lib/sisimai/reason/mailboxfull.rb).
            "exceeding their quota", "exceeding its mailbox quota", "does not have enough space",
            "mailbox exceeded the local limit", "exceeded its disk space limit", "over the allowed quota",
            "recipient reached disk quota",
        ],
        examples: [
            "552 5.2.2 Mailbox full",
            "550 5.2.2 <kijitora@example.jp>... Mailbox Full",
            "522 5.2.0 Delivery failed: Over quota",
            "452 4.2.2 The email account that you tried to reach is over quota.",
            "552 5.2.2 <kijitora@icloud.com>: user is over quota",
            "Quota exceeded message delivery failed to /var/mail/kijitora",
        ],
        counterExamples: [
            "452 4.3.1 Insufficient system storage",
            "552 5.3.4 Message size exceeds fixed maximum message size",
        ])
}
