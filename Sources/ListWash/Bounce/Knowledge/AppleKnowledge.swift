extension KnowledgeTable {
    /// Apple iCloud Mail: the postmaster information for senders.
    static let apple = KnowledgeTable(
        id: "apple", publisher: "Apple (iCloud Mail, me.com, mac.com)",
        references: [
            "https://support.apple.com/en-us/102322 (Postmaster information for iCloud Mail)",
            "https://support.apple.com/en-us/HT204137",
        ],
        rows: [
            KnownPhrase("inactive email address", .userunknown, "550 5.1.1"),
            KnownPhrase("unknown or illegal alias", .userunknown, "550 5.1.1"),
            KnownPhrase("recipient no longer on server", .hasmoved, "550 5.1.6"),
            KnownPhrase("user is over quota", .mailboxfull, "552 5.2.2"),
            KnownPhrase("deferred due to excessive volume", .speeding, "421 4.7.1"),
            KnownPhrase("message rejected due to local policy", .policyviolation, "554 5.7.1 [CS01] / [HM07] / [HM08]"),
            KnownPhrase("blocked for failing both spf and dkim", .authfailure, "554 5.7.1 [HME1]"),
            KnownPhrase("rejected due to listing in spamhaus", .blocked, "550 5.7.1"),
            KnownPhrase("having a domain present in the spamhaus", .blocked, "550 5.7.1 DBL"),
            KnownPhrase("host/domain does not accept mail", .notaccept, "550 5.7.1"),
            // sisimai rhost Apple (rb-sisimai lib/sisimai/rhost/apple.rb)
            KnownPhrase("'s dmarc policy", .authfailure, "554 5.7.1 Your message was rejected due to <domain>'s DMARC policy (HT204137)"),
        ])
}
