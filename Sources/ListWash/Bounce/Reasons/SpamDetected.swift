extension BounceReason {
    /// The receiver judged the message content to be spam.
    public static let spamdetected = BounceReason(rawValue: "spamdetected")
}

extension ReasonDefinition {
    /// Content judged spam: our content.
    static let spamDetected = ReasonDefinition(
        .spamdetected, kind: .sender,
        summary: "the message content was judged to be spam",
        phrases: [
            "spam", "unsolicited", " ube,", " ube ", "bulk mail", "bulk email", "junk mail",
            "message content rejected", "content rejected", "mail content denied", "content filter rejection",
            "rejecting banned content", "rejecting mail content", "unacceptable content",
            "probable spam", "spam-like", "looks like spam", "spam score", "spamassassin",
            "classified as bulk", "classification as bulk", "identified as bulk",
            "failed several antispam checks", "recurrent pattern detection", "uribl",
            "our system has detected that this message is", "detected as spam",
        ],
        examples: [
            "550 5.7.1 Message content rejected, UBE, id=00000-22-225",
            "554 5.7.1 Your message was rejected due to spam content",
            "550 Your email to group support@example.com was rejected due to spam classification.",
            "554 5.7.0 Reject, id=12345 - SPAM",
            "550 High probability of spam",
        ],
        counterExamples: [
            "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
            "550 5.1.1 User unknown",
        ])
}
