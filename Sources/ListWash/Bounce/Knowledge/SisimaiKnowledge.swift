extension KnowledgeTable {
    /// Phrases sisimai's per-reason files record from real bounces across many MTAs, that the
    /// generic reason phrases do not already cover; restated as facts about what servers say.
    static let sisimai = KnowledgeTable(
        id: "sisimai", publisher: "sisimai (reason/why-*.go, lib/sisimai/reason/*.rb)",
        references: [
            "https://github.com/sisimai/go-sisimai/tree/main/reason",
            "https://github.com/sisimai/rb-sisimai/tree/master/lib/sisimai/reason",
        ],
        rows: [
            // spamdetected (lib/sisimai/reason/spamdetected.rb): spam named beside "virus", amavis's reject
            KnownPhrase("message contains spam or virus", .spamdetected),
            KnownPhrase("message considered as spam or virus", .spamdetected),
            KnownPhrase("rejected for possible spam/virus content", .spamdetected),
            KnownPhrase("554 5.7.0 reject, id=", .spamdetected, "amavisd-new"),
            KnownPhrase("reject bulk.advertising", .spamdetected),
            KnownPhrase("your message has been temporarily blocked by our filter", .spamdetected),
            // userunknown
            KnownPhrase("is not an active address at this host", .userunknown),
            KnownPhrase("no valid recipients, bye", .userunknown),
            KnownPhrase("sorry, your envelope recipient has been denied", .userunknown),
            KnownPhrase("this recipient is in my badrecipientto list", .userunknown, "qmail badrcptto"),
            KnownPhrase("user missing home directory", .userunknown),
            KnownPhrase("vdeliver: invalid or unknown virtual user", .userunknown, "vpopmail"),
            KnownPhrase("no mail box available for this user", .userunknown),
            KnownPhrase("address not present in directory", .userunknown),
            KnownPhrase("destination addresses were unknown", .userunknown),
            KnownPhrase("email address could not be found", .userunknown),
            KnownPhrase("this email address is wrong or no longer valid", .userunknown),
            KnownPhrase("weil die adresse nicht gefunden wurde", .userunknown, "German"),
            KnownPhrase("nessun utente simile in questo indirizzo", .userunknown, "Italian"),
            KnownPhrase("no existe dicha persona", .userunknown, "Spanish"),
            KnownPhrase("does not exist at the organization", .userunknown),
            KnownPhrase("not present in name directory", .userunknown),
            // filtered: the recipient's own filter or preferences refused the message
            KnownPhrase("message rejected due to user rules", .filtered),
            KnownPhrase("user refuses to receive this mail", .filtered),
            KnownPhrase("recipient is only accepting mail from specific email addresses", .filtered, "AOL"),
            KnownPhrase("refused due to recipient preferences", .filtered, "Facebook"),
            KnownPhrase("you have been blocked by the recipient", .filtered),
            KnownPhrase("has restricted sms e-mail", .filtered, "AT&T"),
            KnownPhrase("recipient id refuse to receive mail", .filtered, "Willcom"),
            // hostunknown / networkerror
            KnownPhrase("couldn't find any host named", .hostunknown, "qmail"),
            KnownPhrase("unrouteable address", .hostunknown, "Exim"),
            KnownPhrase("couldn't find a mail exchanger or ip address", .notaccept, "qmail (#5.4.4): no MX and no address, the domain takes no mail"),
            KnownPhrase("wasn't able to establish an smtp connection", .networkerror, "qmail (#4.4.1)"),
            KnownPhrase("host name lookup failure", .networkerror, "sendmail"),
            // mailboxfull / suspend
            KnownPhrase("mailbox has exceeded the limit", .mailboxfull),
            KnownPhrase("account is over quota", .mailboxfull),
            KnownPhrase("recipient's mailbox is full", .mailboxfull),
            KnownPhrase("mailbox unavailable: account is disabled", .suspend),
            // spam and content
            KnownPhrase("message is considered spam", .spamdetected),
            KnownPhrase("spam content matched", .spamdetected),
            KnownPhrase("rejected as spam", .spamdetected),
            // sisimai's MTA modules (lib/sisimai/lhost/*.rb): the failure texts each module reads
            KnownPhrase("invalid final delivery userid", .userunknown, "lhost IMailServer (IPSWITCH IMail, SMTP32)"),
            KnownPhrase("requested action not taken: virus detected", .virusdetected, "lhost IMailServer"),
            KnownPhrase("ディレクトリのリストにありません", .userunknown, "lhost Notes: Lotus Notes in Japanese, \"not in the directory list\""),
            KnownPhrase("message has exceeded maximum hop count", .networkerror, "lhost Notes"),
        ])
}
