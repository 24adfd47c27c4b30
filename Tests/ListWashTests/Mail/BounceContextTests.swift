import Foundation
import Testing
@testable import ListWash

private func read(_ text: String) throws -> BounceReport {
    try BounceReader().read(Array(text.utf8), file: "test.eml")
}

/// What the reader adds around the remote reply so that the classifier sees the whole picture:
/// the SMTP command answered, the Status comment, the reply inside a relay's summary.
@Suite struct BounceContextTests {
    let classifier = sharedClassifier

    @Test func transcriptNamesTheCommandTheErrorAnswered() throws {
        let report = try read("""
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
        Subject: Returned mail: see transcript for details

           ----- The following addresses had permanent fatal errors -----
        <hana@example.ne.jp>
            (reason: 550 Unknown user hana@example.ne.jp)

           ----- Transcript of session follows -----
        ... while talking to mx.example.ne.jp.:
        >>> DATA
        <<< 550 Unknown user hana@example.ne.jp
        554 5.0.0 Service unavailable

           ----- Original message follows -----
        To: hana@example.ne.jp

        """)
        let r = try #require(report.recipients.first)
        #expect(r.diagnostic.hasSuffix("(in reply to end of DATA command)"))
        let c = classifier.classify(replyCode: r.replyCode, enhancedCode: r.status, diagnostic: r.diagnostic)
        #expect(c.reason == .filtered && c.kind == .sender, "\(c.rule)")
    }

    @Test func rcptTranscriptKeepsTheMailboxVerdict() throws {
        let report = try read("""
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
        Subject: Returned mail: see transcript for details

           ----- The following addresses had permanent fatal errors -----
        <gina@example.com>
            (reason: 550 User unknown)

           ----- Transcript of session follows -----
        >>> RCPT To:<gina@example.com>
        <<< 550 <gina@example.com>... User unknown

           ----- Original message follows -----
        To: gina@example.com

        """)
        let r = try #require(report.recipients.first)
        let c = classifier.classify(replyCode: r.replyCode, enhancedCode: r.status, diagnostic: r.diagnostic)
        #expect(c.reason == .userunknown && c.kind == .hard)
    }

    @Test func dsnStatusCommentStandsInForAMissingDiagnostic() throws {
        let report = try read("""
        From: MAILER-DAEMON@mx.example.net
        Subject: Warning: could not send message for past 4 hours
        Content-Type: multipart/report; report-type=delivery-status; boundary="b"

        --b
        Content-Type: text/plain

        The message is delayed.
        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; sabatora@example.net
        Action: delayed
        Status: 4.0.0 (example.net: host name lookup failure)
        --b--

        """)
        let r = try #require(report.recipients.first)
        #expect(r.diagnostic == "example.net: host name lookup failure")
        #expect(classifier.classify(replyCode: nil, enhancedCode: r.status, diagnostic: r.diagnostic).reason == .networkerror)
    }

    @Test func relaySummaryGivesWayToTheQuotedReply() {
        let ses = "5.1.0 - Unknown address error 550-'5.7.1 <bounce@example.com>... Access denied' (delivery attempts: 0)"
        #expect(MailText.unwrapQuotedReply(ses) == "550 5.7.1 <bounce@example.com>... Access denied")
        #expect(classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: MailText.unwrapQuotedReply(ses)).reason == .securityerror)
        for other in ["550 5.1.1 <a@example.com>: User unknown", "it's fine - really, isn't-'it'", ""] {
            #expect(MailText.unwrapQuotedReply(other) == other)
        }
    }

    @Test func zohoCodesGoBackInFrontOfTheRemoteReply() throws {
        #expect(Zoho.remoteReply("Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.2 <a@example.jp>... Mailbox Full")
            == "550 5.2.2 <a@example.jp>... Mailbox Full")
        let report = try read("""
        From: mailer-daemon@mail.zoho.com
        Subject: Undelivered Mail Returned to Sender
        X-ZohoMail: Si

        This message was created automatically by mail delivery software.
        A message that you sent could not be delivered to one or more of its recipients. This is a permanent error.

        sabineko@example.co.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.2 <sabineko@example.co.jp>... Mailbox Full

        """)
        #expect(report.agent == "Zoho")
        let r = try #require(report.recipients.first)
        #expect(classifier.classify(replyCode: r.replyCode, enhancedCode: r.status, diagnostic: r.diagnostic).reason == .mailboxfull)
    }

    @Test func xUnixDiagnosticKeepsItsType() {
        #expect(DeliveryStatus.diagnosticText("X-Unix; 255") == "X-Unix; 255")
        #expect(DeliveryStatus.diagnosticText("smtp; 550 5.1.1 unknown") == "550 5.1.1 unknown")
        #expect(classifier.classify(replyCode: nil, enhancedCode: "5.3.0", diagnostic: "X-Unix; 255").reason == .mailererror)
    }

    @Test func googleGroupsNoticeInAnyLanguageIsARefusalOfTheSender() throws {
        let report = try read("""
        From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
        Subject: Delivery Status Notification (Failure)
        X-Failed-Recipients: team@googlegroups.com
        Content-Type: text/plain; charset="UTF-8"

        Hallo kijitora@example.jp, die Gruppe (team) ist möglicherweise nicht vorhanden.

        """)
        #expect(report.agent == "GoogleGroups")
        let r = try #require(report.recipients.first)
        #expect(classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: r.diagnostic).reason == .rejected)
    }
}

@Suite struct SMTPCommandTests {
    @Test(arguments: [
        ("host mx.example.org[192.0.2.1] said: 550 User unknown (in reply to RCPT TO command)", SMTPCommand.rcpt),
        ("550 : User unknown (in reply to end of DATA command)", .data),
        ("SMTP error from remote mail server after end of data: 550 rejected", .data),
        ("SMTP error from remote mail server after MAIL FROM:<a@example.com> SIZE=1022: 553 refused", .mail),
        ("SMTP error from remote mail server after initial connection: 554 go away", .connect),
        ("mx.example.org [192.0.2.25] did not like our RCPT TO: 550 5.1.1 unknown", .rcpt),
        (">>> MAIL From:<a@example.com> <<< 250 ok >>> RCPT To:<b@example.com> <<< 250 ok >>> DATA <<< 554 no", .data),
    ] as [(String, SMTPCommand)])
    func namesTheCommand(text: String, command: SMTPCommand) {
        #expect(SMTPCommand.named(in: text) == command)
    }

    @Test func saysNothingWhenTheTextDoesNot() {
        #expect(SMTPCommand.named(in: "550 5.1.1 User unknown") == nil)
        #expect(SMTPCommand.named(in: "The data you sent was fine") == nil)
        #expect(SMTPCommand.named(in: "451 temporary failure after database maintenance") == nil)
        #expect(SMTPCommand.namedInProse("(in reply to RCPT TO command) >>> DATA") == [.rcpt])
    }
}

@Suite struct ClassifierContextTests {
    let classifier = sharedClassifier
    func classify(_ line: String) -> Classification {
        classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: line)
    }

    @Test func userUnknownSaidToTheMessageIsAFilter() {
        #expect(classify("550 Unknown user a@example.ne.jp (in reply to end of DATA command)").reason == .filtered)
        #expect(classify("550 : User unknown").reason == .filtered)
        // An addressing code decides: pipelined RCPT replies can arrive after DATA.
        #expect(classify("550 5.1.1 <a@example.jp>... User Unknown (in reply to end of DATA command)").reason == .userunknown)
        // Yahoo refuses unknown accounts after DATA, in its own words.
        let yahoo = classify("554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] (in reply to end of DATA command)")
        #expect(yahoo.reason == .userunknown && yahoo.kind == .hard)
        // Without a command the words stand (text beats codes).
        #expect(classify("550 kijitora@example.com... No such user").reason == .userunknown)
    }

    @Test func vagueRefusalsBeforeTheRecipientAreAboutTheSender() {
        let mail = classify("550 5.7.1 Access denied (in reply to MAIL FROM command)")
        #expect(mail.reason == .rejected && mail.kind == .sender)
        #expect(classify("SMTP error from remote mail server after MAIL FROM:<a@example.com>: 553 5.1.0 refused").reason == .rejected)
        let connect = classify("SMTP error from remote mail server after initial connection: 550 Rejected")
        #expect(connect.reason == .blocked && connect.kind == .sender)
        // A precise cause stays that cause.
        #expect(classify("452 4.4.5 Insufficient disk space; try again later (in reply to MAIL FROM command)").reason == .systemfull)
        #expect(classify("550 Unauthenticated senders not allowed (in reply to MAIL FROM command)").reason == .securityerror)
    }

    @Test func lookupFailureTheSenderRetriesIsANetworkError() {
        let retried = classify("451 4.4.0 DNS Error: DNS type 'mx' lookup of example.jp responded with code NXDOMAIN Domain name not found: example.jp")
        #expect(retried.reason == .networkerror && retried.kind == .soft)
        let final = classify("550 5.1.2 Host or domain name not found: example.jp")
        #expect(final.reason == .hostunknown && final.kind == .hard)
    }

    @Test func orangeCodesSayMoreThanTheirWords() {
        let refused = classify("421 4.2.0 Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR005_505 [505]")
        #expect(refused.reason == .systemerror && refused.rule == "provider:OFR005_505")
        #expect(classify("550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]").reason == .spamdetected)
        #expect(classify("550 5.5.0 Adresse destinataire invalide. Invalid recipient. LPN007_416").reason == .userunknown)
        // Codes Orange uses for several causes leave the decision to the words.
        #expect(classify("421 Service refused, please try later. LPN105_423").reason == .blocked)
        #expect(ProviderCode.reason(in: "550 OFR1234 not a code") == nil)
    }

    @Test func aBareFailureCodeIsOnHoldNothingAtAllIsUndefined() {
        let held = classify("550 5.0.0 <a@example.org>: Recipient address rejected: On hold")
        #expect(held.reason == .onhold && held.kind == .soft && held.rule == "status:5.0.0")
        // A text that names no cause is on hold too; only no text at all is undefined.
        #expect(classify("550 Requested action not taken").reason == .onhold)
        #expect(classify("").reason == .undefined)
    }
}
