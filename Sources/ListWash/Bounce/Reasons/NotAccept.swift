extension BounceReason {
    /// The host accepts no mail at all (null MX, RFC 7505).
    public static let notaccept = BounceReason(rawValue: "notaccept")
}

extension ReasonDefinition {
    /// The domain accepts no mail: hard with a 5xx or no code; the classifier makes it soft with a 4xx.
    static let notAccept = ReasonDefinition(
        .notaccept, kind: .hard,
        summary: "the receiving domain or host does not accept mail (null MX)",
        phrases: [
            "null mx", "nullmx", "does not accept mail", "doesn't accept mail", "accepts no mail",
            "not accepting any mail", "no mx record", "has no mx", "host does not accept",
            "domain does not receive mail", "smtp service not available",
        ],
        examples: [
            "550 5.1.10 Recipient address has null MX",
            "556 5.1.10 Domain example.org does not accept mail (null MX)",
            "550 Host does not accept mail",
            "521 5.3.2 example.org does not accept mail",
        ],
        counterExamples: [
            "550 5.1.2 Host unknown",
            "550 5.1.1 User unknown",
        ])
}
