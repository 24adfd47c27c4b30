extension BounceReason {
    /// We sent too fast: the receiver rate-limited us.
    public static let speeding = BounceReason(rawValue: "speeding")
}

extension ReasonDefinition {
    /// Rate limiting of our sending: our problem.
    static let speeding = ReasonDefinition(
        .speeding, kind: .sender,
        summary: "the receiver rate-limited our sending",
        phrases: [
            "rate limit", "rate-limit", "ratelimit", "rate limited",
            "receiving mail at a rate that",        // Gmail 4.2.1/5.2.1
            "sending too fast", "too fast", "throttled", "throttling",
            "sent too many messages", "too many messages from", "too many emails from",
            "too many recipients this hour", "sent to too many recipients",
            "exceeded the maximum sending rate", "message rate exceeded", "sending rate",
            "unusual rate of", "mail flood", "slow down", "too much mail from",
        ],
        examples: [
            "421 4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address.",
            "421 4.7.28 Message rate limited, try again later",
            "550 5.1.1 <kijitora@example.com> - 203.0.113.222 has sent to too many recipients this hour.",
            "450 4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered.",
            "421 4.7.0 Sending too fast, please slow down",
        ],
        counterExamples: [
            "421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later",
            "452 4.5.3 Too many recipients",
        ])
}
