extension BounceReason {
    /// Our IP or host is refused (blocklists, local blocks).
    public static let blocked = BounceReason(rawValue: "blocked")
}

extension ReasonDefinition {
    /// Our sending IP/host is blocked or blocklisted: our problem.
    static let blocked = ReasonDefinition(
        .blocked, kind: .sender,
        summary: "our sending IP or host is blocked or on a blocklist",
        phrases: [
            "blocked using", "blacklisted", "blocklisted", "black list", "block list", "blocklist",
            "blacklist", "listed in rbl", "listed in the rbl", " rbl", "dnsbl", "spamhaus", "spamcop",
            "barracuda", "sorbs", "abuseat.org", "uceprotect", "surbl",
            "client host rejected", "client host blocked", "ip blocked", "blocked ip", "ip address blocked",
            "your ip address", "sender ip address rejected", "bad sender ip", "banned sending ip",
            "not currently accepting mail from your ip", "access denied for ip",
            "dynamic ip", "dynamic/zombied", "open proxy", "hosts with dynamic ip",
            "helo command rejected", "refused to talk to me",
            "service refused", "service refuse",    // Orange: "Service refuse. Veuillez essayer plus tard."
            "adresse ip source bloquee",
            "you are not allowed to connect", "go away", "rejected - multi-blacklist",
            "part of their network is on our block list", "please use the smtp server of your isp",
            "not accepting connections", "temporarily deferred due to user complaints",
            "too many unwanted messages have been sent from",
        ],
        examples: [
            "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1",
            "550 5.7.1 IP address blacklisted by recipient",
            "553 http://www.spamhaus.org/query/bl?ip=192.0.2.222",
            "550 5.1.1 Message rejected: your IP 192.0.2.5 is listed in RBL",
            "550 mwinf5c04 ME Adresse IP source bloquee pour incident",
            "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to user complaints",
        ],
        counterExamples: [
            "550 5.1.1 <kijitora@example.org>... User Unknown",
            "550 5.7.1 Message content rejected, UBE, id=00000-22-225",
        ])
}
