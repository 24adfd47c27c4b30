extension BounceReason {
    /// DNS or network failure on the way to the receiver.
    public static let networkerror = BounceReason(rawValue: "networkerror")
}

extension ReasonDefinition {
    /// Network, DNS or routing trouble: temporary, counts as soft.
    static let networkError = ReasonDefinition(
        .networkerror, kind: .soft,
        summary: "a DNS, network or routing failure on the way to the receiver",
        phrases: [
            "name service error", "malformed name server reply", "unexpected name server reply",
            "host name lookup failure", "host not found, try again", "temporary dns failure", "dns failure",
            "dns error", "dns lookup failed", "dns temporary failure", "lost connection with",
            "connection refused", "connection reset", "no route to host", "network is unreachable",
            "host is unreachable", "unable to connect", "could not connect", "couldn't connect",
            "connect to", "too many hops", "hop count exceeded", "routing loop", "mail loop", "mail forwarding loop",
            "message looping", "loops back to myself", "unrouteable mail domain", "unable to resolve",
            "network error on destination",
        ],
        examples: [
            "Name service error for name=example.org type=MX: Malformed or unexpected name server reply",
            "lost connection with mx2.example.net[192.0.2.86] while performing the HELO handshake",
            "554 5.4.6 Too many hops",
            "Error transferring to mx.example.org; Maximum hop count exceeded. Message probably in a routing loop.",
            "delivery temporarily suspended: connect to mx.example.org[192.0.2.1]:25: Connection refused",
            "Network error on destination MXs",
            "451 4.4.0 DNS Error: DNS type 'mx' lookup of example.jp responded with code NXDOMAIN Domain name not found: example.jp",
        ],
        counterExamples: [
            "550 5.1.2 Host unknown",
            "Connection timed out",
        ])
}
