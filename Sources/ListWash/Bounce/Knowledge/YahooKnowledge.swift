extension KnowledgeTable {
    /// Yahoo and AOL (Yahoo Inc.): the SMTP error codes page for senders.
    static let yahoo = KnowledgeTable(
        id: "yahoo", publisher: "Yahoo Inc. (Yahoo Mail, AOL Mail)",
        references: [
            "https://senders.yahooinc.com/smtp-error-codes/",
            "https://senders.yahooinc.com/best-practices/",
        ],
        rows: [
            KnownPhrase("this user doesn't have a * account", .userunknown, "554 delivery error: dd"),
            KnownPhrase("requested mail action aborted, mailbox not found", .userunknown, "552 1 … (AOL, after DATA)"),
            KnownPhrase("this account has been disabled or discontinued", .suspend, "554 delivery error: dd … [#102]"),
            KnownPhrase("this mailbox is disabled", .suspend, "554 30 … (554.30)"),
            KnownPhrase("delivery error: dd * is no longer valid", .suspend, "554 delivery error: dd … is no longer valid"),
            KnownPhrase("user is receiving mail too quickly", .speeding, "450"),
            KnownPhrase("max message per connection reached", .toomanyconn, "421"),
            KnownPhrase("because the ip is in spamhaus's list", .blocked, "553 5.7.1 [BL21]"),
            KnownPhrase("not accepted from ip addresses on spamhaus", .blocked, "553 5.7.1 [BL22] / [BL23]"),
            KnownPhrase("will be permanently deferred", .blocked, "553 5.7.2 [TSS09] / [TSS11] / 421 4.7.1 [TS03]"),
            KnownPhrase("temporarily deferred due to unexpected volume or user complaints", .badreputation, "421 4.7.0 [TSS04]: sending reputation"),
            KnownPhrase("unresolvable rfc.5321 from domain", .rejected, "451 unresolvable MAIL FROM domain"),
            KnownPhrase("due to unresolvable rfc.5321 domain", .rejected, "451 (older wording)"),
            KnownPhrase("not accepted for policy reasons", .policyviolation, "554 5.7.9 / [PH01]"),
            KnownPhrase("headers are not rfc compliant", .notcompliantrfc, "554 Message not allowed [291]"),
            KnownPhrase("yahoo requires all senders to authenticate with either spf or dkim", .authfailure, "550 5.7.9"),
            KnownPhrase("permanent error evaluating dmarc policy", .authfailure, "554 5.7.5"),
        ])
}
