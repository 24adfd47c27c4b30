import Foundation
import Testing
@testable import ListWash

@Suite struct MTAFormatTests {
    private func read(_ text: String) throws -> BounceReport { try BounceReader().read(Array(text.utf8), file: "t.eml") }

    @Test func readsSendmailTranscript() throws {
        let report = try read("""
        From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
        Subject: Returned mail: see transcript for details

        The original message was received at Mon, 1 Jun 2024 10:00:00 +0200

           ----- The following addresses had permanent fatal errors -----
        <gina@example.com>
            (reason: 550 5.1.1 User unknown)

           ----- Transcript of session follows -----
        ... while talking to mx.example.com.:
        >>> RCPT To:<gina@example.com>
        <<< 550 5.1.1 <gina@example.com>... User unknown
        550 5.1.1 <gina@example.com>... User unknown

           ----- Original message follows -----
        To: gina@example.com

        """)
        #expect(report.agent == "Sendmail")
        #expect(report.recipients.map(\.recipient) == ["gina@example.com"])
        #expect(report.recipients[0].status == "5.1.1" && report.recipients[0].replyCode == 550)
    }

    @Test func readsDragonFlyWithTheReplyAfterABlankLine() throws {
        let report = try read("""
        From: MAILER-DAEMON <>
        Subject: Mail delivery failed

        This is the DragonFly Mail Agent v0.13 at mx.example.net.

        There was an error delivering your mail to <hank@example.com>.

        mx.example.com [192.0.2.3] did not like our RCPT TO:
        550 5.1.1 No such user

        Message headers follow.

        To: <hank@example.com>

        """)
        #expect(report.agent == "DragonFly")
        #expect(report.recipients.first?.status == "5.1.1")
        #expect(report.recipients.first?.diagnostic == "mx.example.com [192.0.2.3] did not like our RCPT TO: 550 5.1.1 No such user")
    }

    @Test func plainTextBouncesReadTheSameWithAnyLineEnding() throws {
        let lf = try read(MailFixtures.exim)
        #expect(try read(MailFixtures.exim.replacingOccurrences(of: "\n", with: "\r\n")) == lf)
        #expect(try read(MailFixtures.exim.replacingOccurrences(of: "\n", with: "\r")) == lf)
    }

    @Test func dsnPrefersTheStatusTheRemoteServerQuoted() {
        let dsn = DeliveryStatus(text: """
        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; ivy@example.com
        Action: failed
        Status: 5.0.0
        Diagnostic-Code: smtp; 550 5.7.1 IP address blacklisted by recipient
        """)
        #expect(dsn.message["Reporting-MTA"] == "dns; mx.example.net")
        #expect(dsn.bounceRecipients.first?.status == "5.7.1")
    }

    @Test func delayedSubjectMarksPlainTextRecipientsDelayed() throws {
        let report = try read("""
        From: MAILER-DAEMON@mx.example.net
        Subject: Warning: could not send message for past 4 hours

        I'm afraid I wasn't able to deliver your message to the following addresses.

        <jack@example.com>:
        451 4.4.1 No answer from host

        --- Below this line is a copy of the message.

        """)
        #expect(report.recipients.first?.action == "delayed")
        #expect(report.events(file: "t.eml").first?.type == .bounce)
    }
}
