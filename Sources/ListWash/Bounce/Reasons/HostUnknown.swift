extension BounceReason {
    /// The recipient's domain does not exist or cannot be found.
    public static let hostunknown = BounceReason(rawValue: "hostunknown")
}

extension ReasonDefinition {
    /// No such domain: the address is dead.
    static let hostUnknown = ReasonDefinition(
        .hostunknown, kind: .hard,
        summary: "the recipient's domain does not exist",
        phrases: [
            // sisimai's record (rb-sisimai lib/sisimai/reason/hostunknown.rb).
            "the account or domain may not exist", "mail domain mentioned in email address is unknown",
            "host unknown", "unknown host", "host or domain name not found", "domain name not found",
            "domain not found", "no such domain", "domain does not exist", "domain doesn't exist",
            "unknown domain", "domain is not reachable", "domain must exist", "unrouteable address",
            "unroutable address", "nxdomain", "name or service not known",
            "mail domain mentioned in email address is unknown", "domain is unknown", "bad destination system",
            "dns lookup failure: host*not found", "553 * does not exist",  // sisimai: "553 example.org does not exist"
        ],
        examples: [
            "550 Host unknown",
            "Host or domain name not found. Name service error for name=example.invalid type=A: Host not found",
            "DNS Error: 80335577 DNS type 'mx' lookup of example.jp responded with code NXDOMAIN",
            "554 The mail could not be delivered to the recipient because the domain is not reachable.",
            "550 5.1.2 <kijitora@example.invalid>: Recipient address rejected: Domain not found",
            "DNS lookup failure: host mx.example.org not found",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
            "Name service error for name=example.org type=MX: Malformed or unexpected name server reply",
            // A lookup failure the sender retries is a network problem.
            "451 4.4.0 DNS Error: DNS type 'mx' lookup of example.jp responded with code NXDOMAIN Domain name not found: example.jp",
        ])
}
