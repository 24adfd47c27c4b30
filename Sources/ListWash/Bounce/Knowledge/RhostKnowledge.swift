extension KnowledgeTable {
    /// GoDaddy (`*.secureserver.net`): the words of its bounceback page. Its `IB` codes are in
    /// ``ProviderCode``; these rows are the replies that come without one.
    static let godaddy = KnowledgeTable(
        id: "godaddy", publisher: "GoDaddy (secureserver.net)",
        references: [
            "https://www.godaddy.com/help/what-does-my-email-bounceback-mean-3568",
            "sisimai rhost GoDaddy (https://github.com/sisimai/rb-sisimai/blob/master/lib/sisimai/rhost/godaddy.rb)",
        ],
        rows: [
            KnownPhrase("account storage limit", .mailboxfull, "\"Account storage limit\": the recipient's account reached its storage limit"),
            KnownPhrase("message rejected for spam or virus content", .spamdetected, "552: a link, attachment or pattern caught as spam"),
            KnownPhrase("554 rbl reject", .blocked, "\"554 RBL Reject.\": the IP is on GoDaddy's internal RBL"),
            KnownPhrase("this message is looping: it already has my delivered-to line", .networkerror, "(#5.4.6) the recipient forwards in a loop"),
        ])

    /// Facebook's MX: the response codes its postmaster page explains (`RCP-P1`, `POL-P2`, …),
    /// written into every reply.
    static let facebook = KnowledgeTable(
        id: "facebook", publisher: "Facebook (mx.facebook.com)",
        references: [
            "http://postmaster.facebook.com/response_codes",
            "sisimai rhost Facebook (https://github.com/sisimai/rb-sisimai/blob/master/lib/sisimai/rhost/facebook.rb)",
        ],
        rows: [
            KnownPhrase("rcp-p1", .userunknown, "the recipient address does not exist"),
            KnownPhrase("int-p1", .userunknown, "the recipient address does not exist"),
            KnownPhrase("int-p3", .userunknown, "the recipient group address does not exist"),
            KnownPhrase("int-p4", .userunknown, "the recipient address does not exist"),
            KnownPhrase("rcp-p2", .filtered, "the recipient's preferences prevent delivery"),
            KnownPhrase("rcp-p3", .filtered, "the recipient's privacy settings blocked delivery"),
            KnownPhrase("rcp-t4", .suspend, "the recipient address is deactivated (may be reactivated)"),
            KnownPhrase("rcp-t1", .systemerror, "the recipient is unavailable: an internal issue"),
            KnownPhrase("int-p7", .mailboxfull, "the recipient exceeded the storage quota"),
            KnownPhrase("msg-p1", .mesgtoobig, "the message exceeds the maximum size"),
            KnownPhrase("int-p2", .mesgtoobig, "the message exceeds the maximum size"),
            KnownPhrase("msg-p2", .contenterror, "an attachment type Facebook does not accept"),
            KnownPhrase("msg-p3", .notcompliantrfc, "a header field present more than once that may occur once"),
            KnownPhrase("msg-t1", .exceedlimit, "more recipients than allowed (sisimai: toomanyconn)"),
            KnownPhrase("pol-p1", .blocked, "the IP is on the Spamhaus PBL"),
            KnownPhrase("pol-p2", .blocked, "mail from the IP is no longer accepted"),
            KnownPhrase("pol-p3", .blocked, "not accepting from the server for 4 to 8 hours"),
            KnownPhrase("pol-p4", .blocked, "not accepting from the server for 24 to 48 hours"),
            KnownPhrase("pol-t1", .blocked, "not accepting for 1 to 2 hours, may be retried"),
            KnownPhrase("pol-t2", .blocked, "not accepting for 4 to 8 hours, may be retried"),
            KnownPhrase("pol-t3", .blocked, "not accepting for 24 to 48 hours, may be retried"),
            KnownPhrase("pol-p5", .virusdetected, "the message contains a virus"),
            KnownPhrase("pol-p6", .spamdetected, "the message contains a URL Facebook blocks"),
            KnownPhrase("pol-p7", .authfailure, "the message fails the domain authentication requirements"),
            KnownPhrase("pol-p8", .policyviolation, "the message breaks the abuse policies"),
            KnownPhrase("dns-p1", .rejected, "the MAIL FROM domain does not exist"),
            KnownPhrase("dns-p2", .rejected, "the MAIL FROM domain has no MX record"),
            KnownPhrase("dns-t1", .rejected, "the MAIL FROM domain does not resolve now"),
            KnownPhrase("dns-p3", .requireptr, "the sending server has no reverse DNS record"),
            KnownPhrase("dns-t2", .requireptr, "the sending server's reverse DNS does not resolve now"),
            KnownPhrase("con-t1", .toomanyconn, "Facebook's server has too many connections open"),
            KnownPhrase("con-t2", .toomanyconn, "the sender has too many connections open to Facebook"),
            KnownPhrase("con-t3", .toomanyconn, "too many new connections in a short time"),
            KnownPhrase("con-t4", .toomanyconn, "the recipient limit of the connection is reached"),
        ])

    /// Cloudflare Email Routing: its postmaster page.
    static let cloudflare = KnowledgeTable(
        id: "cloudflare", publisher: "Cloudflare Email Routing",
        references: [
            "https://developers.cloudflare.com/email-routing/postmaster/",
            "sisimai rhost Cloudflare (https://github.com/sisimai/rb-sisimai/blob/master/lib/sisimai/rhost/cloudflare.rb)",
        ],
        rows: [
            KnownPhrase("found on one or more rbls", .blocked, "554 <IP> found on one or more RBLs (abusixip): spam and abusive traffic"),
            KnownPhrase("found on one or more dnsbls", .blocked, "554: the sending IP is on a DNS blocklist"),
            KnownPhrase("upstream error", .systemerror, "the routing service could not hand the message on"),
        ])
}
