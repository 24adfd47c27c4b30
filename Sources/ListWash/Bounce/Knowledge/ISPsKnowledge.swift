extension KnowledgeTable {
    /// Comcast / Xfinity: the postmaster's SMTP error codes (`#BL…` blocklist, `#RL…` rate limit).
    static let comcast = KnowledgeTable(
        id: "comcast", publisher: "Comcast (Xfinity)",
        references: ["https://postmaster.comcast.net/smtp-error-codes.php"],
        rows: [
            KnownPhrase("not our customer", .userunknown, "550 5.1.1"),
            KnownPhrase("found on one or more dnsbls", .blocked, "554 … #BL000000-BL001111"),
            KnownPhrase("smtp-error-codes.php#bl", .blocked, "the BL codes: listed on Spamhaus / Cloudmark CSI"),
            KnownPhrase("smtp-error-codes.php#rl", .speeding, "the RL codes: rate limits"),
            KnownPhrase("throttled - try again later", .speeding, "452 4.1.0 / 421"),
            KnownPhrase("too many sessions opened", .toomanyconn, "421"),
            KnownPhrase("comcast block for spam", .blocked, "554"),
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

    /// GMX and Web.de (1&1 / United Internet): the postmaster's error messages.
    static let gmx = KnowledgeTable(
        id: "gmx", publisher: "GMX, Web.de (United Internet)",
        references: ["https://postmaster.gmx.net/en/error-messages", "https://postmaster.web.de/en/error-messages"],
        rows: [
            KnownPhrase("bad dns ptr resource record", .requireptr, "421/554 Nemesis ESMTP Service not available"),
            KnownPhrase("ip address is black listed", .blocked, "554 Nemesis ESMTP Service not available"),
            KnownPhrase("reject due to policy restrictions", .policyviolation, "554 Transaction failed"),
            KnownPhrase("sender address is not allowed", .rejected, "550"),
            KnownPhrase("mailbox quota exceeded", .mailboxfull, "552"),
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
        ])

    /// Yandex: the help pages for senders.
    static let yandex = KnowledgeTable(
        id: "yandex", publisher: "Yandex Mail",
        references: ["https://yandex.com/support/mail/web/letter/create.html", "https://yandex.ru/support/mail/web/spam/honest-mailers.html"],
        rows: [
            KnownPhrase("message rejected under suspicion of spam", .spamdetected, "554 5.7.1 [1]/[2]"),
            KnownPhrase("policy rejection on the target address", .policyviolation, "550 5.7.1"),
            KnownPhrase("no such user!", .userunknown, "550 5.7.1"),
            KnownPhrase("mailbox size limit exceeded", .mailboxfull, "552 5.2.2"),
            KnownPhrase("this user does not receive mail", .suspend, "550 5.2.1"),
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
        ])

    /// Zoho Mail: the help pages on bounce messages.
    static let zoho = KnowledgeTable(
        id: "zoho", publisher: "Zoho Mail",
        references: ["https://www.zoho.com/mail/help/adminconsole/email-bounce-messages.html"],
        rows: [
            KnownPhrase("relaying disallowed", .norelaying, "553 Relaying disallowed"),
            KnownPhrase("mail rejected by the recipient domain policy", .policyviolation, "550 5.7.1"),
            KnownPhrase("unusual sending activity detected", .securityerror, "554 5.7.1 outgoing blocked"),
        ])

    /// NTT docomo (Japan): how its MX answers, as sisimai records it.
    static let nttDocomo = KnowledgeTable(
        id: "nttdocomo", publisher: "NTT docomo",
        references: ["sisimai rhost NTTDOCOMO (https://github.com/sisimai/go-sisimai/blob/main/rhost/for-nttdocomo.go), docomo no longer refuses filtered mail in SMTP since March 2025"],
        rows: [
            KnownPhrase("552 too much mail data", .mailboxfull, "552"),
        ])
}
