extension BounceReason {
    /// The receiver distrusts our IP or domain's reputation.
    public static let badreputation = BounceReason(rawValue: "badreputation")
}

extension ReasonDefinition {
    /// Poor sending reputation: our problem.
    static let badReputation = ReasonDefinition(
        .badreputation, kind: .sender,
        summary: "the receiver rejected mail because of our IP or domain reputation",
        phrases: [
            "low reputation", "poor reputation", "bad reputation", "reputation of the sending",
            "sender reputation", "ip reputation", "domain reputation", "sending reputation",
            "reputation is too low", "due to reputation",
            "likely suspicious due to",             // Gmail 5.7.1 "likely suspicious due to the very low reputation"
            "rejected due to poor", "temporarily deferred due to unexpected volume",
        ],
        examples: [
            "550-5.7.1 Our system has detected that this message is likely suspicious due to the very low reputation of the sending IP address.",
            "421 4.7.0 Our system has detected that this message is suspicious due to the very low reputation of the sending domain.",
            "554 5.7.1 Message rejected because of poor sender reputation",
            "550 Rejected due to IP reputation. See https://example.net/postmaster",
        ],
        counterExamples: [
            "550 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
        ])
}
