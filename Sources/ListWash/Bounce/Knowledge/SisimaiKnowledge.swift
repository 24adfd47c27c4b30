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
            // Round 4: the rest of sisimai's per-reason lists (rb-sisimai lib/sisimai/reason/*.rb and
            // sisimai 4.25's Sisimai::Reason::* in Debian's libsisimai-perl) that no table or generic
            // phrase covered, each with the reason sisimai's list gives it.
            // contenterror (reason/contenterror.rb): the header or MIME structure refused
            KnownPhrase("header size exceeds maximum permitted", .contenterror, "contenterror.rb"),
            KnownPhrase("message header size, or recipient list, exceeds policy limit", .contenterror, "contenterror.rb"),
            KnownPhrase("message mime complexity exceeds the policy maximum", .contenterror, "contenterror.rb"),
            KnownPhrase("this message contain improperly-formatted binary content", .contenterror, "contenterror.rb"),
            KnownPhrase("this message contain text that uses unnecessary base64 encoding", .contenterror, "contenterror.rb"),
            // exceedlimit / mesgtoobig (reason/exceedlimit.rb, mesgtoobig.rb)
            KnownPhrase("message header size exceeds limit", .exceedlimit, "exceedlimit.rb"),
            KnownPhrase("line limit exceeded", .mesgtoobig, "mesgtoobig.rb"),
            KnownPhrase("exceeded the maximum incoming message size", .mesgtoobig, "go-sisimai reason/why-mesgtoobig.go, rb-sisimai emailtoolarge.rb"),
            // networkerror (reason/networkerror.rb)
            KnownPhrase("dns records for the destination computer could not be found", .networkerror, "networkerror.rb, Exchange"),
            KnownPhrase("maximum forwarding loop count exceeded", .networkerror, "networkerror.rb"),
            // notaccept (Sisimai::Reason::NotAccept 4.25): the destination takes no mail
            KnownPhrase("name server: .: host not found", .notaccept, "NotAccept.pm: the root as MX"),
            KnownPhrase("no route for current request", .notaccept, "NotAccept.pm"),
            // norelaying (reason/norelaying.rb, NoRelaying.pm)
            KnownPhrase("you are trying to use me * as a relay", .norelaying, "NoRelaying.pm: MessageLabs"),
            KnownPhrase("that domain isn't in my list of allowed rcpthost", .norelaying, "norelaying.rb: qmail"),
            KnownPhrase("this system is not configured to relay mail", .norelaying, "NoRelaying.pm"),
            KnownPhrase("we don't handle mail for", .norelaying, "NoRelaying.pm"),
            KnownPhrase("not local host", .norelaying, "NoRelaying.pm"),
            // policyviolation (reason/policyviolation.rb)
            KnownPhrase("because the recipient is not accepting mail with", .policyviolation, "policyviolation.rb: Exchange transport rule"),
            KnownPhrase("we do not accept messages containing images or other attachments", .policyviolation, "policyviolation.rb"),
            KnownPhrase("allowable number of posts without solving a captcha", .policyviolation, "policyviolation.rb: Google Groups"),
            // rejected (reason/rejected.rb): the envelope sender refused
            KnownPhrase("access denied (sender blacklisted)", .rejected, "rejected.rb"),
            KnownPhrase("denied by secumail valid-address-filter", .rejected, "rejected.rb"),
            KnownPhrase("does not exist e2110", .rejected, "rejected.rb"),
            KnownPhrase("email address is on senderfilterconfig list", .rejected, "rejected.rb: Exchange sender filter"),
            KnownPhrase("invalid domain, see <url:", .rejected, "rejected.rb"),
            KnownPhrase("rfc 1035 violation: recursive cname records for", .rejected, "rejected.rb"),
            KnownPhrase("sender address has been blacklisted", .rejected, "rejected.rb"),
            KnownPhrase("sender is in my black list", .rejected, "rejected.rb"),
            KnownPhrase("syntax error: empty email address", .rejected, "rejected.rb"),
            KnownPhrase("you are not allowed to post to this mailing list", .rejected, "rejected.rb"),
            KnownPhrase("you are sending to/from an address that has been blacklisted", .rejected, "rejected.rb"),
            KnownPhrase("your access to submit messages to this e-mail system has been rejected", .rejected, "rejected.rb"),
            // blocked (reason/blocked.rb, Blocked.pm): the sending host or its network refused
            KnownPhrase("access from ip address * blocked", .blocked, "blocked.rb"),
            KnownPhrase("blocked - see http", .blocked, "blocked.rb"),
            KnownPhrase("error: no valid recipients from", .blocked, "blocked.rb"),
            KnownPhrase("extreme bad ip profile", .blocked, "blocked.rb"),
            KnownPhrase("is blocked by earthlink", .blocked, "blocked.rb: EarthLink"),
            KnownPhrase("is in an *rbl on", .blocked, "blocked.rb"),
            KnownPhrase("mail server at * is blocked", .blocked, "blocked.rb"),
            KnownPhrase("no access from mail server", .blocked, "blocked.rb"),
            KnownPhrase("rejected because the sending mta or the sender has not passed validation", .blocked, "blocked.rb"),
            KnownPhrase("server access forbidden by your ip", .blocked, "blocked.rb"),
            KnownPhrase("listed as abusive", .blocked, "blocked.rb: \"server ip … listed as abusive\""),
            KnownPhrase("service permits * unverifyable sending ips", .blocked, "blocked.rb: Exim's per-domain sending-IP check"),
            KnownPhrase("too many spams from your ip", .blocked, "blocked.rb: free.fr"),
            // sisimai's blocked; the words name the sender's reputation (listwash's badreputation, same kind)
            KnownPhrase("rejected due to a poor email reputation score", .badreputation, "blocked.rb"),
            // spamdetected (reason/spamdetected.rb)
            KnownPhrase("your message may contain the spam contents", .spamdetected, "spamdetected.rb"),
            KnownPhrase("blocked for abuse. see http://att.net/blocks", .spamdetected, "spamdetected.rb: AT&T"),
            KnownPhrase("listed in work.drbl.imedia.ru", .spamdetected, "spamdetected.rb"),
            KnownPhrase("sender domain listed at", .spamdetected, "spamdetected.rb: a domain (URI) list"),
            // toomanyconn / speeding (reason/toomanyconn.rb): sisimai's toomanyconn; a per-hour
            // sending limit is listwash's speeding (the same kind)
            KnownPhrase("too many errors from your ip", .toomanyconn, "toomanyconn.rb"),
            KnownPhrase("has exceeded the max emails per hour", .speeding, "toomanyconn.rb"),
            // virusdetected (reason/virusdetected.rb)
            KnownPhrase("it has a potentially executable attachment", .virusdetected, "virusdetected.rb"),
        ])
}
