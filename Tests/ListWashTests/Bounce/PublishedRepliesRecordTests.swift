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

    /// The rest of sisimai's per-reason lists (rb-sisimai lib/sisimai/reason/*.rb, go-sisimai
    /// reason/why-*.go, sisimai 4.25's Sisimai::Reason::* in Debian's libsisimai-perl), as the
    /// replies that carry them: the `sisimai` knowledge rows and the generic phrases of
    /// userunknown, expired and systemerror added from the same lists.
    static let sisimaiReasonLists: [PublishedReply] = [
        .init("550 Access from ip address 192.0.2.1 blocked.", .blocked, .sender),
        .init("554 Blocked - see https://ipcheck.proofpoint.com/?ip=192.0.2.1", .blocked, .sender),
        .init("550 Error: no valid recipients from 192.0.2.1", .blocked, .sender),
        .init("554 5.7.1 Extreme bad IP profile", .blocked, .sender),
        .init("550 IP 192.0.2.1 is blocked by EarthLink. Go to earthlink.net/block for details.", .blocked, .sender),
        .init("554 Your IP 192.0.2.1 is in an abuse-rbl on example.net", .blocked, .sender),
        .init("550 Mail server at 192.0.2.1 is blocked", .blocked, .sender),
        .init("550 No access from mail server [192.0.2.1]", .blocked, .sender),
        .init("550 5.7.1 Message rejected because the sending MTA or the sender has not passed validation", .blocked, .sender),
        .init("554 Server access forbidden by your IP 192.0.2.1", .blocked, .sender),
        .init("554 Server IP 192.0.2.1 listed as abusive.", .blocked, .sender),
        .init("450 service permits 2 unverifyable sending IPs - example.com is not 192.0.2.1", .blocked, .sender),
        .init("421 Too many spams from your IP (192.0.2.1), please visit http://postmaster.free.fr/", .blocked, .sender),
        .init("554 5.7.1 Rejected due to a poor email reputation score", .badreputation, .sender),
        .init("552 5.3.4 Header size exceeds maximum permitted", .contenterror, .sender),
        .init("550 5.7.1 Message header size, or recipient list, exceeds policy limit", .contenterror, .sender),
        .init("554 5.6.0 Message MIME complexity exceeds the policy maximum", .contenterror, .sender),
        .init("550 5.6.0 This message contain improperly-formatted binary content", .contenterror, .sender),
        .init("550 5.6.0 This message contain text that uses unnecessary base64 encoding", .contenterror, .sender),
        .init("552 5.3.4 Message header size exceeds limit", .exceedlimit, .sender),
        .init("554 5.3.4 Line limit exceeded", .mesgtoobig, .sender),
        .init("This mail message has exceeded the maximum incoming message size.", .mesgtoobig, .sender),
        .init("451 4.4.0 DNS records for the destination computer could not be found", .networkerror, .soft),
        .init("554 5.4.6 Maximum forwarding loop count exceeded", .networkerror, .soft),
        .init("550 5.1.2 Host unknown (Name server: .: host not found)", .notaccept, .hard),
        .init("554 5.4.4 No route for current request", .notaccept, .hard),
        .init("553-you are trying to use me [mail.example.net] as a relay, but I have not been configured to let you (192.0.2.1, example) do so.", .norelaying, .sender),
        .init("553 sorry, that domain isn't in my list of allowed rcpthosts", .norelaying, .sender),
        .init("550 This system is not configured to relay mail from 192.0.2.1", .norelaying, .sender),
        .init("550 We don't handle mail for example.org", .norelaying, .sender),
        .init("550 not local host example.org, not a gateway", .norelaying, .sender),
        .init("550 5.7.1 Delivery not permitted because the recipient is not accepting mail with attachments or embedded images", .policyviolation, .sender),
        .init("550 We do not accept messages containing images or other attachments", .policyviolation, .sender),
        .init("550 You have exceeded the allowable number of posts without solving a captcha", .policyviolation, .sender),
        .init("550 5.7.1 Access denied (sender blacklisted)", .rejected, .sender),
        .init("550 Denied by SecuMail valid-address-filter", .rejected, .sender),
        .init("550 5.1.0 Sender address does not exist E2110", .rejected, .sender),
        .init("550 5.7.1 Email address is on SenderFilterConfig list", .rejected, .sender),
        .init("553 Invalid domain, see <URL:http://www.example.net/invalid-domain.html>", .rejected, .sender),
        .init("553 RFC 1035 violation: recursive cname records for example.org", .rejected, .sender),
        .init("550 Sender address has been blacklisted", .rejected, .sender),
        .init("550 5.7.1 Sender is in my black list", .rejected, .sender),
        .init("501 Syntax error: empty email address", .rejected, .sender),
        .init("550 You are not allowed to post to this mailing list", .rejected, .sender),
        .init("550 Sorry, you are sending to/from an address that has been blacklisted", .rejected, .sender),
        .init("550 Your access to submit messages to this e-mail system has been rejected", .rejected, .sender),
        .init("550 5.7.1 You're using a mass mailer, therefore you're bounced. (in reply to end of DATA command)", .policyviolation, .sender),
        .init("553 Blocked using spam pattern, your message may contain the spam contents", .spamdetected, .sender),
        .init("553 5.3.0 flpd574 - DNSBL:ATTRBL 521< 192.0.2.1 >_is_blocked. For assistance forward this email to abuse_rbl@abuse-att.net. Blocked for abuse. See http://att.net/blocks", .spamdetected, .sender),
        .init("550 Message rejected: sender domain listed in work.drbl.imedia.ru", .spamdetected, .sender),
        .init("554 5.7.1 Sender domain listed at dbl.example.org", .spamdetected, .sender),
        .init("421 Too many errors from your IP (192.0.2.1), please check your mail server", .toomanyconn, .sender),
        .init("550 Domain example.com has exceeded the max emails per hour (100/100 (100%)) allowed. Message discarded.", .speeding, .sender),
        .init("552 5.7.0 This message was blocked because it has a potentially executable attachment", .virusdetected, .sender),
        .init("550 BAD_RECIPIENT - see http://www.example.ac.uk/undelivered.php?r=BAD_RECIPIENT (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 5.1.1 bad-recipient", .userunknown, .hard),
        .init("550 User [kijitora@example.net] does not exist (in reply to RCPT TO command)", .userunknown, .hard),
        .init("550 5.1.1 User kijitora was not found", .userunknown, .hard),
        .init("550 5.1.1 No matches to nameserver query", .userunknown, .hard),
        .init("554 delivery error: dd No thank you rejected: Account Unavailable: The account is unavailable", .userunknown, .hard),
        .init("The following recipients was undeliverable", .userunknown, .hard),
        .init("550 This spectator does not exist", .userunknown, .hard),
        .init("Routing: Could not find a gateway for kijitora@example.co.jp", .expired, .soft),
        .init("The server did not respond (#4.4.1)", .expired, .soft),
        .init("554 kijitora@example.jp... aliasing/forwarding loop broken (11 aliases deep; 10 max)", .systemerror, .soft),
        .init("550 5.3.0 Can't create user output file", .systemerror, .soft),
        .init("451 4.3.0 Could not load DRD for domain example.com", .systemerror, .soft),
        .init("451 Interrupted system call", .systemerror, .soft),
        .init("The following mail has been returned because it encountered an error while being processed.", .systemerror, .soft),
        .init("554 5.3.5 Loop was found in the mail exchanger", .systemerror, .soft),
        .init("451 4.3.0 Error: queue file write error", .systemerror, .soft),
        .init("451 4.3.2 Recipient deferred because there is no Mdb", .systemerror, .soft),
        .init("550 Remote server is misconfigured", .systemerror, .soft),
        .init("554 Service currently unavailable", .systemerror, .soft),
        .init("451 Timeout waiting for input", .systemerror, .soft),
    ]
    @Test(arguments: sisimaiReasonLists) func sisimaiReasonListReplies(_ row: PublishedReply) { check(row) }

    /// GoDaddy's bounceback page (its `IB` codes and its words) and sisimai rhost GoDaddy.
    static let godaddy: [PublishedReply] = [
        .init("554 Connection refused. This IP has a poor reputation on Cloudmark Sender Intelligence (CSI). IB103", .badreputation, .sender),
        .init("554 Connection refused. This IP address is listed on the Spamhaus Block List (SBL). IB104", .blocked, .sender),
        .init("554 Connection refused. This IP address is listed on the Exploits Block List (XBL). IB105", .blocked, .sender),
        .init("554 Connection refused. This IP address is listed on the Policy Block List (PBL). IB106", .blocked, .sender),
        .init("421 Connection refused, too many sessions from This IP. Lower the number of concurrent sessions. IB007", .toomanyconn, .sender),
        .init("421 Server temporarily unavailable. Try again later. IB101", .systemfull, .soft),
        .init("421 Temporarily rejected. Reverse DNS for this IP failed. IB108", .requireptr, .sender),
        .init("554 This IP has been temporarily blocked for attempting to send too many messages containing content judged to be spam by the Internet community. IB110", .blocked, .sender),
        .init("554 This IP has been blocked for the day, for attempting to send too many messages containing content judged to be spam by the Internet community. IB111", .blocked, .sender),
        .init("554 This IP has been temporarily blocked for attempting to mail too many invalid recipients. IB112", .blocked, .sender),
        .init("554 This IP has been blocked for the day, for attempting to mail too many invalid recipients. IB113", .blocked, .sender),
        .init("552 This message has been rejected due to content judged to be spam by the internet community. IB212", .spamdetected, .sender),
        .init("535 Authentication not allowed on IBSMTP Servers. IB401", .securityerror, .sender),
        .init("550 jane@coolexample.com Blank From: addresses are not allowed. Provide a valid From. IB501", .notcompliantrfc, .sender),
        .init("550 jane@coolexample.com IP addresses are not allowed as a From: Address. Provide a valid From. IB502", .notcompliantrfc, .sender),
        .init("550 This IP has sent too many messages this hour. IB504", .speeding, .sender),
        .init("550 coolexample.com From: Domain is invalid. Provide a valid From: IB506", .rejected, .sender),
        .init("550 jane@coolexample.com Invalid SPF record. Inspect your SPF settings, and try again. IB508", .authfailure, .sender),
        .init("550 This message has exceeded the max number of messages per session. Open a new session and try again. IB510", .speeding, .sender),
        .init("452 This message contains too many recipients. Reduce the number of recipients and retry. IB605", .exceedlimit, .sender),
        .init("550 This IP has sent too many to too many recipients this hour. IB607", .speeding, .sender),
        .init("552 Virus infected message rejected. IB705", .virusdetected, .sender),
        .init("Account storage limit", .mailboxfull, .soft),
        .init("552 Message rejected for spam or virus content", .spamdetected, .sender),
        .init("554 RBL Reject.", .blocked, .sender),
        .init("This message is looping: it already has my Delivered-To line. (#5.4.6)", .networkerror, .soft),
    ]
    @Test(arguments: godaddy) func godaddyReplies(_ row: PublishedReply) { check(row) }

    /// postmaster.facebook.com/response_codes, as sisimai rhost Facebook records them.
    static let facebook: [PublishedReply] = [
        .init("550 5.1.1 RCP-P1 http://postmaster.facebook.com/response_codes?ip=192.0.2.54#rcp Recipient address does not exist", .userunknown, .hard),
        .init("550 5.1.1 INT-P1 http://postmaster.facebook.com/response_codes#int The attempted recipient address does not exist", .userunknown, .hard),
        .init("550 5.1.1 INT-P3 http://postmaster.facebook.com/response_codes#int Group address does not exist", .userunknown, .hard),
        .init("550 5.1.1 INT-P4 http://postmaster.facebook.com/response_codes#int", .userunknown, .hard),
        .init("550 5.7.1 RCP-P2 http://postmaster.facebook.com/response_codes?ip=192.0.2.54#rcp Refused due to recipient preferences", .filtered, .sender),
        .init("550 5.7.1 RCP-P3 http://postmaster.facebook.com/response_codes#rcp Refused due to recipient privacy settings", .filtered, .sender),
        .init("450 4.2.1 RCP-T4 http://postmaster.facebook.com/response_codes#rcp Recipient address deactivated", .suspend, .soft),
        .init("450 4.3.0 RCP-T1 http://postmaster.facebook.com/response_codes#rcp Recipient temporarily unavailable", .systemerror, .soft),
        .init("552 5.2.2 INT-P7 http://postmaster.facebook.com/response_codes#int Storage quota exceeded", .mailboxfull, .soft),
        .init("552 5.3.4 MSG-P1 http://postmaster.facebook.com/response_codes#msg Message too large", .mesgtoobig, .sender),
        .init("552 5.3.4 INT-P2 http://postmaster.facebook.com/response_codes#int", .mesgtoobig, .sender),
        .init("554 5.6.1 MSG-P2 http://postmaster.facebook.com/response_codes#msg Attachment type not accepted", .contenterror, .sender),
        .init("554 5.6.0 MSG-P3 http://postmaster.facebook.com/response_codes#msg Duplicate header", .notcompliantrfc, .sender),
        .init("452 4.5.3 MSG-T1 http://postmaster.facebook.com/response_codes#msg Too many recipients", .exceedlimit, .sender),
        .init("554 5.7.1 POL-P1 http://postmaster.facebook.com/response_codes#pol Your mail server's IP Address is listed on the Spamhaus PBL", .blocked, .sender),
        .init("554 5.7.1 POL-P2 http://postmaster.facebook.com/response_codes#pol", .blocked, .sender),
        .init("554 5.7.1 POL-P3 http://postmaster.facebook.com/response_codes#pol", .blocked, .sender),
        .init("554 5.7.1 POL-P4 http://postmaster.facebook.com/response_codes#pol", .blocked, .sender),
        .init("421 4.7.1 POL-T1 http://postmaster.facebook.com/response_codes#pol", .blocked, .sender),
        .init("421 4.7.1 POL-T2 http://postmaster.facebook.com/response_codes#pol", .blocked, .sender),
        .init("421 4.7.1 POL-T3 http://postmaster.facebook.com/response_codes#pol", .blocked, .sender),
        .init("554 5.7.1 POL-P5 http://postmaster.facebook.com/response_codes#pol The message contains a virus", .virusdetected, .sender),
        .init("554 5.7.1 POL-P6 http://postmaster.facebook.com/response_codes#pol The message contains a blocked URL", .spamdetected, .sender),
        .init("554 5.7.1 POL-P7 http://postmaster.facebook.com/response_codes#pol Domain authentication required", .authfailure, .sender),
        .init("554 5.7.1 POL-P8 http://postmaster.facebook.com/response_codes#pol", .policyviolation, .sender),
        .init("550 5.1.8 DNS-P1 http://postmaster.facebook.com/response_codes#dns Your SMTP MAIL FROM domain does not exist", .rejected, .sender),
        .init("550 5.1.8 DNS-P2 http://postmaster.facebook.com/response_codes#dns", .rejected, .sender),
        .init("451 4.1.8 DNS-T1 http://postmaster.facebook.com/response_codes#dns", .rejected, .sender),
        .init("550 5.7.1 DNS-P3 http://postmaster.facebook.com/response_codes#dns Your mail server does not have a reverse DNS record", .requireptr, .sender),
        .init("451 4.7.1 DNS-T2 http://postmaster.facebook.com/response_codes#dns", .requireptr, .sender),
        .init("421 4.7.0 CON-T1 http://postmaster.facebook.com/response_codes#con", .toomanyconn, .sender),
        .init("421 4.7.0 CON-T2 http://postmaster.facebook.com/response_codes#con", .toomanyconn, .sender),
        .init("421 4.7.0 CON-T3 http://postmaster.facebook.com/response_codes#con", .toomanyconn, .sender),
        .init("421 4.7.0 CON-T4 http://postmaster.facebook.com/response_codes#con", .toomanyconn, .sender),
    ]
    @Test(arguments: facebook) func facebookReplies(_ row: PublishedReply) { check(row) }

    /// developers.cloudflare.com/email-routing/postmaster/ and sisimai rhost Cloudflare.
    static let cloudflare: [PublishedReply] = [
        .init("554 <192.0.2.1> found on one or more RBLs (abusixip). Refer to https://developers.cloudflare.com/email-routing/postmaster/#spam-and-abusive-traffic/", .blocked, .sender),
        .init("554 192.0.2.1 found on one or more DNSBLs", .blocked, .sender),
        .init("451 Upstream error", .systemerror, .soft),
    ]
    @Test(arguments: cloudflare) func cloudflareReplies(_ row: PublishedReply) { check(row) }

    /// i.ua's `mail.i.ua/err/N` pages, as sisimai rhost IUA records them.
    static let iua: [PublishedReply] = [
        .init("550 Error: the use of SMTP as mail gate is forbidden. See http://mail.i.ua/err/1", .norelaying, .sender),
        .init("550 Error: user is not found, see http://mail.i.ua/err/2", .userunknown, .hard),
        .init("550 Error: mailbox was not used for more than 3 months, see http://mail.i.ua/err/3", .suspend, .hard),
        .init("552 Error: mailbox is full, see http://mail.i.ua/err/4", .mailboxfull, .soft),
        .init("550 Error: letter sending limit is exceeded, see http://mail.i.ua/err/5", .speeding, .sender),
        .init("550 Error: use SMTP of your provider to send mail, see http://mail.i.ua/err/6", .norelaying, .sender),
        .init("550 Error: wrong value of command HELO/EHLO parameter, see http://mail.i.ua/err/7", .blocked, .sender),
        .init("550 Error: couldn't check sender address, see http://mail.i.ua/err/8", .rejected, .sender),
        .init("550 Error: IP-address of the sender is blacklisted, see http://mail.i.ua/err/9", .blocked, .sender),
        .init("550 Error: not in the list of mail address management, see http://mail.i.ua/err/10", .filtered, .sender),
    ]
    @Test(arguments: iua) func iuaReplies(_ row: PublishedReply) { check(row) }

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
