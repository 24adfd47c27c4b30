extension BounceReason {
    /// The receiver will not relay for us (wrong route or configuration).
    public static let norelaying = BounceReason(rawValue: "norelaying")
}

extension ReasonDefinition {
    /// Relaying denied: our routing or configuration.
    static let noRelaying = ReasonDefinition(
        .norelaying, kind: .sender,
        summary: "the receiving host refused to relay the message",
        phrases: [
            "relay access denied", "relaying denied", "relay denied", "relay not permitted",
            "unable to relay", "not permitted to relay", "relaying not allowed", "relay not allowed",
            "we do not relay", "relaying disallowed", "relaying mail to", "no relaying",
            "isn't allowed to relay", "not allowed to relay", "relay prohibited", "open relay",
            "cannot relay", "relay rejected", "relaying to", "relay attempt",
            // sisimai's record (rb-sisimai lib/sisimai/reason/norelaying.rb); qmail's rcpthosts refusal.
            "insecure mail relay", "isn't in my list of allowed rcpthosts",
            "requires authentication when attempting to send to a non-local e-mail address",
        ],
        examples: [
            "554 5.7.1 <kijitora@example.org>: Relay access denied",
            "550 5.7.1 Unable to relay for kijitora@example.org",
            "550 5.7.1 Relaying denied. Proper authentication required.",
            "553 sorry, that domain isn't in my list of allowed rcpthosts; no relaying allowed",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
