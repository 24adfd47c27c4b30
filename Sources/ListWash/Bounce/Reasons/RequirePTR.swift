extension BounceReason {
    /// Our sending IP has no (or no matching) reverse DNS record.
    public static let requireptr = BounceReason(rawValue: "requireptr")
}

extension ReasonDefinition {
    /// Missing or mismatched PTR record for our IP: our configuration.
    static let requirePTR = ReasonDefinition(
        .requireptr, kind: .sender,
        summary: "our sending IP lacks a valid reverse DNS (PTR) record",
        phrases: [
            "reverse dns", "reverse lookup", "ptr record", "no ptr", "rdns",
            "cannot find your hostname", "cannot find your reverse hostname",  // Postfix reject_unknown_client_hostname
            "cannot resolve your address", "cannot resolve your hostname",
            "client host rejected: cannot find your",
            "without a valid sender domain",
            "mismatches client ip", "does not resolve to your ip",
            "ip name lookup failed", "no valid reverse", "invalid reverse",
            "unresolvable relay host name", "hostname does not resolve",
        ],
        examples: [
            "550 5.7.1 Connections not accepted from servers without a valid sender domain. Fix reverse DNS for 203.0.113.2",
            "450 4.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]",
            "550 5.7.25 The sending IP address does not have a PTR record",
            "550 domain [example.com] mismatches client ip 192.0.2.225",
            "554 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.9]",
        ],
        counterExamples: [
            "550 5.7.1 Client host [192.0.2.1] blocked using zen.spamhaus.org",
            "550 5.1.2 Host unknown",
        ])
}
