extension BounceReason {
    /// We opened too many connections at once.
    public static let toomanyconn = BounceReason(rawValue: "toomanyconn")
}

extension ReasonDefinition {
    /// Too many simultaneous connections from us: our problem.
    static let tooManyConn = ReasonDefinition(
        .toomanyconn, kind: .sender,
        summary: "the receiver refused because we opened too many connections",
        phrases: [
            "too many connections", "too many concurrent", "too many simultaneous",
            "too many smtp sessions", "too many sessions", "connection limit", "connection count limit",
            "maximum number of connections", "max connections", "too many open connections",
            "frequency limited",                    // Tencent QQ "Ip frequency limited"
            "too many connections from", "connection rate", "concurrency limit",
        ],
        examples: [
            "421 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later",
            "452 4.3.2 Connection rate limit exceeded.",
            "421 Too many connections from your host",
            "550 Ip frequency limited [Blocked IP 192.0.2.22]",
        ],
        counterExamples: [
            "421 4.4.2 Connection dropped due to timeout",
        ])
}
