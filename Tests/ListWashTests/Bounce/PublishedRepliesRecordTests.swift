import Testing
@testable import ListWash

/// Replies whose rows were checked against a receiver's published page (Comcast, GMX / Web.de,
/// Yandex, Zoho) and the replies sisimai records per reason (rb-sisimai lib/sisimai/reason/*.rb),
/// each with the reason and kind listwash must give. Sources: docs/classifier.md.
@Suite struct PublishedRepliesRecordTests {
    let classifier = sharedClassifier

    func check(_ row: PublishedReply) {
        let result = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: row.line)
        #expect(result.reason == row.reason && result.kind == row.kind,
                "\(row.line) → \(result.reason)/\(result.kind) by \(result.rule)")
    }

    /// postmaster.comcast.net/mail-error-codes.html, xfinity.com/support/articles/email-errors.
    static let comcast: [PublishedReply] = [
        .init("554 resimta-ch2-18v.sys.comcast.net comcast 192.0.2.1 BL000000 Email from your mail server has been sent in patterns that are characteristic of spam", .blocked, .sender),
        .init("554 comcast 192.0.2.1 Comcast BL000010 Blocked for spam. Please see http://postmaster.comcast.net/mail-error-codes.html", .blocked, .sender),
        .init("554 comcast 192.0.2.1 BL000100 listed on the SenderScore blocklist", .blocked, .sender),
        .init("554 comcast 192.0.2.1 BL000111 listed on three blocklists", .blocked, .sender),
        .init("554 comcast 192.0.2.1 ES000001 blocked: dynamic/residential IP address within the Comcast domain", .blocked, .sender),
        .init("554 comcast 192.0.2.1 ES000010 blocked: external dynamic/residential IP space", .blocked, .sender),
        .init("421 [Reverse DNS failure : Try again later] Comcast requires all sending IP addresses have a valid rDNS", .requireptr, .sender),
        .init("421 4.1.0 resimta-po-01v.sys.comcast.net comcast 192.0.2.1 Throttled - try again later", .speeding, .sender),
    ]
    @Test(arguments: comcast) func comcastReplies(_ row: PublishedReply) { check(row) }

    /// postmaster.gmx.com/en/error-messages; support.gmx.com bounce-reject; postmaster.web.de/de/fehlermeldungen.
    static let gmx: [PublishedReply] = [
        .init("554-gmx.net (mxgmx117) Nemesis ESMTP Service not available 554-No SMTP service 554-IP address is block listed.", .blocked, .sender),
        .init("550 <kijitora@web.de>: Reject due to SPF policy", .authfailure, .sender),
        .init("550 Benutzer hat das Speichervolumen ueberschritten. / User has exhausted allowed storage space.", .mailboxfull, .soft),
        .init("552 User has too many messages on the server", .mailboxfull, .soft),
        .init("Permission denied. Command output: maildrop: maildir over quota.", .mailboxfull, .soft),
    ]
    @Test(arguments: gmx) func gmxReplies(_ row: PublishedReply) { check(row) }

    /// yandex.com/support/mail/bounces/yandex.html and its pages per reply.
    static let yandex: [PublishedReply] = [
        .init("554 5.7.1 [1] Message rejected under suspicion of SPAM; https://ya.cc/1IrBc", .spamdetected, .sender),
        .init("554 5.7.1 Blocked by spam statistics - see https://ya.cc/1IrBc", .blocked, .sender),
        .init("550 Policy rejection on the target address", .suspend, .hard),
        .init("451 4.7.1 Policy rejection on the target address", .suspend, .soft),
        .init("550 5.7.1 No such user!", .userunknown, .hard),
        .init("553 5.1.3 Bad address mailbox syntax", .userunknown, .hard),
        .init("552 5.2.2 Mailbox size exceeded", .mailboxfull, .soft),
    ]
    @Test(arguments: yandex) func yandexReplies(_ row: PublishedReply) { check(row) }

    /// zoho.com/zeptomail/help/api/smtp-error-codes.html; smtp.codes/zoho.
    static let zoho: [PublishedReply] = [
        .init("553 Relaying disallowed as bounce@example.com", .rejected, .sender),
        .init("552 5.7.1 virus Win.Test.EICAR_HDB-1 detected by Zoho Mail", .virusdetected, .sender),
        .init("541 5.4.1 Mail rejected by destination domain", .filtered, .sender),
        .init("452 <kijitora@zoho.com> Mailbox delivery restricted by policy error", .filtered, .sender),
        .init("550 5.7.1 Email rejected per DMARC policy for example.com", .authfailure, .sender),
        .init("550 5.1.1 <kijitora@zoho.com> User unknown", .userunknown, .hard),
        .init("553 Relaying disallowed. Invalid Domain - example.com", .norelaying, .sender),
    ]
    @Test(arguments: zoho) func zohoReplies(_ row: PublishedReply) { check(row) }

    /// sisimai's per-reason record (rb-sisimai lib/sisimai/reason/userunknown.rb, mailboxfull.rb,
    /// mesgtoobig.rb, norelaying.rb), in replies to RCPT TO.
    static let sisimaiReasons: [PublishedReply] = [
        .init("550 address invalid (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 Sorry, can't accept user (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 5.1.1 Destination server rejected recipients", .userunknown, .hard),
        .init("550 Mailbox invalid (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 Mailbox not present (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 5.1.1 <x@example.jp>: Recipient address rejected: invalid-recipient", .userunknown, .hard),
        .init("550 Recipient address rejected: userunknown", .userunknown, .hard),
        .init("550 Recipient is not accepted (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 Recipient not OK", .userunknown, .hard),
        .init("550 Recipient refuses to accept your mail", .userunknown, .hard),
        .init("550 The user's email name is not found.", .userunknown, .hard),
        .init("550 User not known (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 Unknown E-Mail Address", .userunknown, .hard),
        .init("550 5.1.1 Bad recipient", .userunknown, .hard),
        .init("550 No such person in name directory", .userunknown, .hard),
        .init("550 5.1.1 Account kijitora does not exist at the organization this email was sent to", .userunknown, .hard),
        .init("550 Rcpt <kijitora@example.jp> does not exist (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 User (kijitora) unknown", .userunknown, .hard),
        .init("550 Recipient kijitora was not found in LDAP server", .userunknown, .hard),
        .init("552 Account is exceeding their quota", .mailboxfull, .soft),
        .init("552 kijitora is exceeding its mailbox quota", .mailboxfull, .soft),
        .init("452 Recipient does not have enough space", .mailboxfull, .soft),
        .init("552 Mailbox exceeded the local limit", .mailboxfull, .soft),
        .init("x-unix; The recipient mailbox has exceeded its disk space limit", .mailboxfull, .soft),
        .init("552 Recipient reached disk quota", .mailboxfull, .soft),
        .init("552 Message would be over the allowed quota", .mailboxfull, .soft),
        .init("552 Exceeded maximum inbound message size", .mesgtoobig, .sender),
        .init("550 RCPT TO:<x@example.jp> max message size exceeded", .mesgtoobig, .sender),
        .init("552 5.3.4 Error: message file too big", .mesgtoobig, .sender),
        .init("554 5.7.1 Message Rejected Class=size limit=15728640", .mesgtoobig, .sender),
        .init("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", .norelaying, .sender),
        .init("550 Insecure Mail Relay", .norelaying, .sender),
        .init("550 This mail server requires authentication when attempting to send to a non-local e-mail address.", .norelaying, .sender),
        .init("550 5.1.1 Mailbox unavailable or access denied", .suspend, .hard),
        .init("550 Invalid/inactive user", .suspend, .hard),
        .init("550 Mailbox is frozen", .suspend, .hard),
        .init("450 4.2.1 Recipient rejected: temporarily inactive", .suspend, .soft),
        .init("550 vdelivermail: account is locked email bounced", .suspend, .hard),
        .init("550 5.1.2 The account or domain may not exist.", .hostunknown, .hard),
        .init("553 Mail domain mentioned in email address is unknown", .hostunknown, .hard),
        .init("550 5.7.1 BATV failed to verify (in reply to MAIL FROM command)", .rejected, .sender),
        .init("550 Recipient not accepted. (BATV: no tag)", .rejected, .sender),
        .init("550 Backscatter protection detected an invalid or expired email address", .rejected, .sender),
        .init("550 Denied [BOUNCEDENY]", .rejected, .sender),
        .init("550 Error: no third-party DSNs", .rejected, .sender),
        .init("550 Fully qualified email address required", .rejected, .sender),
        .init("554 Message rejected: Email address is not verified.", .rejected, .sender),
        .init("550 5.7.1 Message contains spam or virus", .spamdetected, .sender),
        .init("554 5.7.0 Reject, id=12345-01 - SPAM", .spamdetected, .sender),
        .init("554 5.7.1 Reject bulk.advertising", .spamdetected, .sender),
        .init("451 Your message has been temporarily blocked by our filter", .spamdetected, .sender),
    ]
    @Test(arguments: sisimaiReasons) func sisimaiReasonReplies(_ row: PublishedReply) { check(row) }

    /// The unsourced rows removed from the Comcast, GMX, Yandex and Zoho tables stay removed: each
    /// row of those tables names its reference's code or wording in its note.
    @Test func checkedTablesCiteEachRow() {
        for table in [KnowledgeTable.comcast, .gmx, .yandex, .zoho] {
            #expect(table.references.count >= 1)
            for row in table.rows { #expect(!row.note.isEmpty, "\(table.id): \(row.phrase)") }
        }
        let phrases = Set([KnowledgeTable.comcast, .gmx, .yandex, .zoho].flatMap(\.rows).map(\.phrase))
        for unsourced in ["not our customer", "found on one or more dnsbls", "comcast block for spam", "bad dns ptr resource record",
                          "this user does not receive mail", "unusual sending activity detected"] {
            #expect(!phrases.contains(unsourced), "\(unsourced)")
        }
    }
}
