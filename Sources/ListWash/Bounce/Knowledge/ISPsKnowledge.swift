extension KnowledgeTable {
    /// Comcast / Xfinity: the postmaster's error code page (the `BL`/`ES` block codes it names in the
    /// reply, its non-specific 421 replies). Each row was checked against that page.
    static let comcast = KnowledgeTable(
        id: "comcast", publisher: "Comcast (Xfinity)",
        references: [
            "http://postmaster.comcast.net/mail-error-codes.html (Specific and Non-Specific Error Codes)",
            "https://www.xfinity.com/support/articles/email-errors (ES000001, ES000010)",
        ],
        rows: [
            KnownPhrase("bl000000", .blocked, "sent mail in patterns characteristic of spam"),
            KnownPhrase("bl000001", .blocked, "listed on the Spamhaus Zen blocklist"),
            KnownPhrase("bl000010", .blocked, "listed on Cloudmark CSI"),
            KnownPhrase("bl000011", .blocked, "Spamhaus Zen and Cloudmark CSI"),
            KnownPhrase("bl000100", .blocked, "listed on the SenderScore blocklist"),
            KnownPhrase("bl000101", .blocked, "Spamhaus Zen and SenderScore"),
            KnownPhrase("bl000110", .blocked, "SenderScore and Cloudmark CSI"),
            KnownPhrase("bl000111", .blocked, "all three lists"),
            KnownPhrase("es000001", .blocked, "mail from Comcast's dynamic/residential space"),
            KnownPhrase("es000010", .blocked, "mail from external dynamic/residential space"),
            KnownPhrase("too many sessions opened", .toomanyconn, "421: more than the allowed simultaneous connections"),
            KnownPhrase("reverse dns failure", .requireptr, "421 [Reverse DNS failure : Try again later]: rDNS required"),
            KnownPhrase("throttled - try again later", .speeding, "421/452 4.1.0: a rate-limit deferral"),
        ])

    /// Cox: the error codes page; its `AUP#` codes are in ``ProviderCode``, these are its words.
    static let cox = KnowledgeTable(
        id: "cox", publisher: "Cox Communications",
        references: ["https://www.cox.com/residential/support/email-error-codes.html"],
        rows: [
            KnownPhrase("cox too many bad commands from", .blocked, "bad commands: a three-hour block"),
            KnownPhrase("too many invalid recipients", .blocked, "invalid recipient threshold: blocked"),
            KnownPhrase("rejected - no rdns", .requireptr, "reverse DNS required"),
            KnownPhrase("dns check failure - try again later", .requireptr, "reverse DNS check failed"),
            KnownPhrase("esmtp no data before greeting", .policyviolation, "talked before the greeting"),
            KnownPhrase("attachment extension is forbidden", .policyviolation, "prohibited attachment type"),
            KnownPhrase("too many sessions from", .toomanyconn, "concurrent connection limit"),
            KnownPhrase("message threshold exceeded", .toomanyconn, "100 messages per connection"),
            KnownPhrase("esmtp server temporarily not available", .systemerror, "Cox-side outage"),
        ])

    /// Charter / Spectrum: the `AUP#I-`/`AUP#O-` codes are in ``ProviderCode``; these are its words.
    static let spectrum = KnowledgeTable(
        id: "spectrum", publisher: "Charter Spectrum",
        references: ["https://www.spectrum.net/support/internet/understanding-email-error-codes"],
        rows: [
            KnownPhrase("spectrum requires a full circle dns", .requireptr, "AUP#1100-1150"),
            KnownPhrase("spectrum doesn't process ipv6 addresses", .networkerror, "AUP#1260"),
        ])

    /// Orange / Wanadoo and La Poste (France): their `OFR_`/`LPN` codes are in ``ProviderCode``; these are their words.
    static let orange = KnowledgeTable(
        id: "orange", publisher: "Orange, Wanadoo, La Poste (France)",
        references: [
            "https://postmaster.orange.fr/ (Orange postmaster: SMTP error codes OFR)",
            "https://www.laposte.net/ (La Poste postmaster, LPN codes)",
        ],
        rows: [
            KnownPhrase("adresse d au moins un destinataire invalide", .userunknown, "550 5.1.1 … 416 / 418"),
            KnownPhrase("boite du destinataire pleine", .mailboxfull, "552 … 417"),
            KnownPhrase("boite du destinataire archivee", .suspend, "550 5.5.0 … 420"),
            KnownPhrase("le compte du destinataire est bloque", .suspend, "550 5.5.0 … 426"),
            KnownPhrase("adresse ip source bloquee", .blocked, "550 … 102"),
            KnownPhrase("trop de connexions", .toomanyconn, "421 … 104"),
            KnownPhrase("taille limite du message atteinte", .mesgtoobig, "514"),
            KnownPhrase("spf/dns de votre nom de domaine", .authfailure, "421 Emetteur invalide … SPF"),
            KnownPhrase("emetteur invalide", .rejected, "501 5.1.0 … 403 / 405 / 415"),
            KnownPhrase("authentification requise", .securityerror, "550 5.5.0 … 402"),
            KnownPhrase("verification dmarc en echec", .authfailure, "571 5.7.1 … 517"),
        ])

    /// GMX and Web.de (United Internet): the postmaster's error-message page and the help pages on
    /// returned mail. GMX gives basic reply codes only, no enhanced status codes.
    static let gmx = KnowledgeTable(
        id: "gmx", publisher: "GMX, Web.de (United Internet)",
        references: [
            "https://postmaster.gmx.com/en/error-messages (structure, the block-list example)",
            "https://support.gmx.com/email/composing-and-sending/bounce-reject.html (returned mail)",
            "https://postmaster.web.de/de/fehlermeldungen",
            "https://smtp.codes/unitedinternet/ (the receiving replies with United Internet's explanations)",
            "http://www.sitepackage.de/service/dokumentation/auswertung/typische-fehlermeldungen-bei-unzustellbarkeit.html (GMX, Web.de replies)",
        ],
        rows: [
            KnownPhrase("ip address is block listed", .blocked, "554 Nemesis ESMTP Service not available … r0201"),
            KnownPhrase("reject due to spf policy", .authfailure, "550: the originating IP is not permitted by the SPF record"),
            KnownPhrase("user has too many messages on the server", .mailboxfull, "Web.de 550 (Benutzer hat zuviele Mails auf dem Server)"),
            KnownPhrase("user has exhausted allowed storage space", .mailboxfull, "Web.de 550 (Speichervolumen ueberschritten)"),
            // Round 5: the German forms Web.de writes beside the English, and GMX's inactive account.
            KnownPhrase("benutzer hat das speichervolumen ueberschritten", .mailboxfull, "Web.de 550, German form"),
            KnownPhrase("benutzer hat zuviele mails auf dem server", .mailboxfull, "Web.de 550, German form"),
            KnownPhrase("benutzer nicht bekannt", .userunknown, "Web.de 550 Benutzer nicht bekannt/User unknown"),
            KnownPhrase("user is inactive", .suspend, "GMX 550 5.2.1 … User is inactive (sitepackage.de's list of German providers' replies)"),
        ])

    /// Mail.ru: the help center's pages for senders.
    static let mailRu = KnowledgeTable(
        id: "mailru", publisher: "Mail.ru (VK)",
        references: ["https://help.mail.ru/mail/error/", "https://postmaster.mail.ru/"],
        rows: [
            KnownPhrase("is unavailable: user not found", .userunknown, "550 Message was not accepted -- invalid mailbox"),
            KnownPhrase("is unavailable: account is disabled", .suspend, "550 … invalid mailbox"),
            KnownPhrase("is unavailable: user is terminated", .suspend, "550 … invalid mailbox"),
            KnownPhrase("spam message rejected", .spamdetected, "550 spam message rejected, notspam-support"),
            KnownPhrase("help.mail.ru/notspam-support", .spamdetected, "550"),
            KnownPhrase("ratelimit exceeded for mailbox", .speeding, "451"),
            KnownPhrase("not accepted due to domain owner dmarc policy", .authfailure, "550 5.7.1 … (RFC 7489) help.mail.ru/mail-help/postmaster/dmarc"),
        ])

    /// Yandex: the help pages "Report on non-delivery to Yandex" and the pages per reply.
    static let yandex = KnowledgeTable(
        id: "yandex", publisher: "Yandex Mail",
        references: [
            "https://yandex.com/support/mail/bounces/yandex.html",
            "https://yandex.com/support/mail/bounces/yandex/policy-rejection-on-the-target-address.html",
            "https://yandex.com/support/mail/bounces/yandex/message-rejected-under-suspicion-of-spam.html",
            "https://yandex.com/support/mail/bounces/other.html (other receivers' replies, explained)",
        ],
        rows: [
            KnownPhrase("message rejected under suspicion of spam", .spamdetected, "554 5.7.1: the content was judged spam"),
            KnownPhrase("blocked by spam statistics", .blocked, "only spam from the sender: its mail is refused for 24 hours"),
            KnownPhrase("policy rejection on the target address", .suspend, "the recipient's account is blocked for violating the user agreement"),
            KnownPhrase("bad address mailbox syntax", .userunknown, "a non-existing address"),
            KnownPhrase("mailbox size limit exceeded", .mailboxfull, "the recipient's mailbox is full"),
            KnownPhrase("mailbox size exceeded", .mailboxfull, "the recipient's mailbox is full"),
            // Round 5: the rest of the "non-delivery to Yandex" table.
            KnownPhrase("bad recipient address syntax", .userunknown, "yandex.html: a non-existing address"),
            KnownPhrase("no correct recipients", .userunknown, "yandex.html: a non-existing address"),
            KnownPhrase("need fully-qualified address", .userunknown, "yandex.html: Recipient address rejected: need fully-qualified address"),
            KnownPhrase("message infected by virus", .virusdetected, "yandex.html"),
            // The "non-delivery to another address" table: other receivers' replies as Yandex explains them.
            KnownPhrase("sorry, message looks like spam to me", .spamdetected, "other.html: the recipient's server considers it spam"),
            KnownPhrase("message rejected as spam by content filtering", .spamdetected, "other.html"),
            KnownPhrase("spf check failed", .authfailure, "other.html: 550 5.7.1 SPF check failed: … not authorized to send in the name of …"),
            KnownPhrase("dns: no such domain", .hostunknown, "other.html: a non-existing address"),
            KnownPhrase("host or domain name not found", .hostunknown, "other.html: a non-existing address (a 4xx lookup failure is a network error)"),
            KnownPhrase("error writing message: disk quota exceeded", .mailboxfull, "other.html: the recipient's mailbox is full"),
            KnownPhrase("account is full", .mailboxfull, "other.html: the recipient's mailbox is full"),
        ])

    /// Tencent QQ Mail and Exmail: the help center's numbered error pages.
    static let tencent = KnowledgeTable(
        id: "tencent", publisher: "Tencent (QQ Mail, Exmail)",
        references: ["https://service.mail.qq.com/detail/122"],
        rows: [
            KnownPhrase("is a deactivated mailbox", .suspend, "550 deactivated"),
            KnownPhrase("mailbox unavailable or access denined", .speeding, "550 detail/122/166 (the provider's own spelling)"),
            KnownPhrase("frequency of receiving messages is limited", .speeding, "detail/122/1011"),
            KnownPhrase("ip frequency limited", .toomanyconn, "detail/122/172"),
            KnownPhrase("domain frequency limited", .toomanyconn, "detail/122/173"),
            KnownPhrase("sender frequency limited", .toomanyconn, "detail/122/174"),
            KnownPhrase("connection frequency limited", .toomanyconn, "detail/122/175"),
            KnownPhrase("suspected bounce attacks", .blocked, "detail/122/57"),
            KnownPhrase("suspected spam ip", .blocked, "detail/122/66"),
            KnownPhrase("spam is embedded in the email", .spamdetected, "detail/122/59"),
            KnownPhrase("mail content denied", .spamdetected, "detail/122/171"),
            KnownPhrase("mail is rejected by recipients", .filtered, "detail/122/92"),
            KnownPhrase("bad address syntax", .syntaxerror, "detail/122/167"),
            KnownPhrase("dmarc check failed", .authfailure, "detail/122/72 (sisimai rhost Tencent)"),
            KnownPhrase("connection denied", .blocked, "detail/122/170 (sisimai rhost Tencent)"),
            KnownPhrase("suspected spam", .spamdetected, "detail/122/71 (sisimai rhost Tencent)"),
        ])

    /// Zoho Mail and ZeptoMail: the SMTP error pages (ZeptoMail's own page; Zoho Mail's receiving
    /// replies as smtp.codes records them, each with Zoho's explanation).
    static let zoho = KnowledgeTable(
        id: "zoho", publisher: "Zoho Mail, ZeptoMail",
        references: [
            "https://www.zoho.com/zeptomail/help/api/smtp-error-codes.html",
            "https://smtp.codes/zoho (Zoho Mail's receiving replies)",
        ],
        rows: [
            KnownPhrase("relaying disallowed as", .rejected, "553: sending from an invalid From address domain (ZeptoMail)"),
            KnownPhrase("detected by zoho mail", .virusdetected, "552 5.7.1 virus … detected by Zoho Mail"),
            KnownPhrase("mail rejected by destination domain", .filtered, "541 5.4.1: the receiving domain's filters"),
            KnownPhrase("mailbox delivery restricted by policy", .filtered, "452: the receiving domain's filters"),
            KnownPhrase("email rejected per dmarc policy", .authfailure, "550 5.7.1: DMARC failed, reject policy"),
            // sisimai rhost Zoho (rb-sisimai lib/sisimai/rhost/zoho.rb), Zoho Mail's receiving replies
            KnownPhrase("email cannot be delivered. reason: email flagged as spam", .spamdetected, "554 5.7.1 (sisimai: rejected)"),
            KnownPhrase("email policy violation detected", .policyviolation, "554 5.7.7"),
            KnownPhrase("mailbox delivery failure policy error", .userunknown, "552 5.1.1 <address> Mailbox delivery failure policy error"),
        ])

    /// NTT docomo (Japan): how its MX answers, as sisimai records it.
    static let nttDocomo = KnowledgeTable(
        id: "nttdocomo", publisher: "NTT docomo",
        references: ["sisimai rhost NTTDOCOMO (https://github.com/sisimai/go-sisimai/blob/main/rhost/for-nttdocomo.go), docomo no longer refuses filtered mail in SMTP since March 2025"],
        rows: [
            KnownPhrase("552 too much mail data", .mailboxfull, "552"),
        ])
}
