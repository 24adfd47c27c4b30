extension BounceReason {
    /// The mailbox moved and the receiver does not forward.
    public static let hasmoved = BounceReason(rawValue: "hasmoved")
}

extension ReasonDefinition {
    /// The mailbox moved away: the address is dead.
    static let hasMoved = ReasonDefinition(
        .hasmoved, kind: .hard,
        summary: "the mailbox has moved and mail is not forwarded",
        phrases: [
            "no longer on server", "has moved", "address has changed", "mailbox has moved",
            "user not local; please try", "not our customer", "no longer with", "no longer works here",
            "mailbox owner has changed", "domain owner has changed",
        ],
        examples: [
            "550 5.1.6 recipient no longer on server: kijitora@example.jp",
            "551 5.1.6 User not local; please try <kijitora@example.net>",
            "550 5.1.6 The mailbox has moved, no forwarding address",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
