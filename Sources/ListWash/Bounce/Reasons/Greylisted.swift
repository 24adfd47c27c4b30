extension BounceReason {
    /// The receiver defers first attempts from unknown senders (greylisting); not evidence about the address.
    public static let greylisted = BounceReason(rawValue: "greylisted")
}

extension ReasonDefinition {
    /// Greylisting: a deliberate "come back later" (listwash's own reason, not sisimai's).
    static let greylisted = ReasonDefinition(
        .greylisted, kind: .ignore,
        summary: "the receiver deferred the message on purpose and expects a retry",
        phrases: [
            "greylist",            // Postfix postgrey, Exim greylistd: "Greylisted, see http://postgrey…"
            "graylist",
            "grey-list", "gray-list", "grey list", "gray list",
            "greylisting in action",
        ],
        transientPhrases: [
            "try again later", "please retry later", "retry later", "try later", "retry again later",
            "please try again in", "try again in a few minutes", "temporarily deferred",
            "temporarily rejected", "come back later", "deferred: please retry",
        ],
        examples: [
            "450 4.2.0 <kijitora@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html",
            "451 4.7.1 Greylisting in action, please come back later",
            "450 4.7.1 Graylisted, please try again in 300 seconds",
            "451 4.7.1 Please try again later",
            "421 4.7.0 Temporarily deferred, please retry later",
        ],
        counterExamples: [
            "550 5.7.1 Message rejected, please try again later with a valid sender",
            "452 4.2.2 Mailbox full, try again later",
            "452 4.4.5 Insufficient disk space; try again later",
            "451 Temporary local problem - please try again later",
            "450 4.2.0 Mailbox busy, try again later",
            "447 4.4.2 Connection lost, bad connection, retry later",
        ])
}
