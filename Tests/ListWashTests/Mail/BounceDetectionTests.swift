import Foundation
import Testing
@testable import ListWash

/// What a bounce mailbox item is, whatever its layout, and whom it is about.
@Suite struct BounceDetectionTests {
    func read(_ text: String) throws -> BounceReport {
        try BounceReader().read(Array(text.utf8), file: "test.eml")
    }

    @Test func aNonBounceYieldsNothingAndSaysWhy() throws {
        let newsletter = try read("""
            From: News <news@shop.example>
            To: sender@example.org
            Subject: Our winter sale
            List-Unsubscribe: <mailto:unsubscribe@shop.example>

            Everything at half price.

            """)
        #expect(newsletter.kind == .notABounce && newsletter.events(file: "x").isEmpty)
        #expect(newsletter.why == "a list or newsletter message, not a bounce")

        let challenge = try read("""
            From: Guard <guard@example.net>
            To: sender@example.org
            Subject: Please confirm your message (challenge)

            Click to prove you are a person.

            """)
        #expect(challenge.kind == .notABounce && challenge.why == "a challenge/response request, not a bounce")

        let autoReply = try read("""
            From: Ana <ana@example.com>
            To: sender@example.org
            Subject: Out of office
            Auto-Submitted: auto-replied

            Back on Monday.

            """)
        #expect(autoReply.kind == .autoReply && autoReply.events(file: "x").isEmpty)
        #expect(autoReply.why == "an auto-reply (RFC 3834), not a bounce")
    }

    /// The challenge/response systems Mail::DeliveryStatus::BounceParser records (TMDA, Bluebottle,
    /// Boxbe, a server that asks the sending server to confirm): no failure, even in a DSN.
    @Test func challengeResponseRequestsAreNotBounces() throws {
        let tmda = try read("""
            From: Ana <ana-confirm+12345.abcdef@example.com>
            To: sender@example.org
            Subject: Please confirm your message
            X-Delivery-Agent: TMDA/1.1.12 (Macallan)

            This message was created automatically by mail delivery software.
            Your message is being held until you confirm it: reply to this message.

            """)
        #expect(tmda.kind == .notABounce && tmda.events(file: "x").isEmpty)
        #expect(tmda.why == "a challenge/response request (TMDA), not a bounce")

        let bluebottle = try read("""
            From: kijitora@example.com
            To: sender@example.org
            Subject: Re: hello
            X-Bluebottle-Request: sender-verification

            This account is protected by Bluebottle. Please verify that you are a person.

            """)
        #expect(bluebottle.kind == .notABounce && bluebottle.why == "a challenge/response request (Bluebottle), not a bounce")

        let boxbe = try read("""
            From: noreply@boxbe.com
            To: sender@example.org
            Subject: Re: hello (Action Required)
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain

            Your message has been held. Please add yourself to my Boxbe Guest List.
            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; boxbe.com

            Final-Recipient: rfc822; kijitora@example.com
            Action: failed
            Status: 4.7.0
            Diagnostic-Code: X-Boxbe-Notice; Sender not pre-approved.  Follow instructions in above notice
            --b--

            """)
        #expect(boxbe.kind == .notABounce && boxbe.events(file: "x").isEmpty)
        #expect(boxbe.why == "a challenge/response request (Boxbe), not a bounce")

        let server = try read("""
            From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
            To: sender@example.org
            Subject: Undelivered Mail Returned to Sender
            Auto-Submitted: auto-replied

            <kijitora@example.com>: host mx.example.com[192.0.2.1]
                said: 550 Your server requires confirmation. Visit
                http://www.example.com/Whitelist.aspx?IP=192.0.2.2 to
                confirm this mail server. (in reply to RCPT TO command)

            """)
        #expect(server.kind == .notABounce && server.why == "a challenge/response request (server confirmation), not a bounce")

        // A real bounce that merely asks to confirm the address stays a bounce.
        let bounce = try read("""
            From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
            To: sender@example.org
            Subject: Undelivered Mail Returned to Sender

            <kijitora@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1
                User unknown; please confirm the address (in reply to RCPT TO command)

            """)
        #expect(bounce.kind == .bounce && bounce.recipients.first?.recipient == "kijitora@example.com")
    }

    @Test func theBouncesOwnAddresseeIsNeverTheFailedRecipient() throws {
        // A plain notice that quotes our own address before the failed one.
        let report = try read("""
            From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
            To: sender@example.org
            Subject: Undeliverable: hello

            Your message from sender@example.org could not be delivered to:

            kijitora@example.com
            550 5.1.1 User unknown

            """)
        #expect(report.kind == .bounce)
        #expect(report.recipients.map(\.recipient) == ["kijitora@example.com"])
    }

    @Test func aComplaintThatNamesNobodyIsStillAFeedbackLine() throws {
        let report = try read("""
            From: feedbackloop@feedback.example.org
            To: sender@example.org
            Subject: Abuse Report
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="B"

            --B
            Content-Type: text/plain

            An abuse report.
            --B
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: ExampleFBL/1.0
            Version: 1

            --B--

            """)
        #expect(report.kind == .feedback && report.recipients.isEmpty)
        #expect(report.why == "a feedback report that names no recipient")
        let lines = report.classifiedLines(classifier: sharedClassifier)
        #expect(lines == [#"{"recipient":null,"action":null,"status":null,"reply_code":null,"reason":"feedback","kind":null,"diagnostic":"abuse","rule":null}"#])
    }

    @Test func aDelayWarningIsDelayedNotFailed() throws {
        let report = try read("""
            From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
            To: sender@example.org
            Subject: Warning: could not send message for past 4 hours

                ----- The following addresses had transient non-fatal errors -----
            <kijitora@example.com>

                ----- Transcript of session follows -----
            <kijitora@example.com>... Deferred: Connection timed out with mx.example.com.
            Warning: message still undelivered after 4 hours
            Will keep trying until message is 5 days old

            """)
        #expect(report.recipients.map(\.recipient) == ["kijitora@example.com"])
        #expect(report.recipients.allSatisfy { $0.action == "delayed" })
    }

    /// A plain notice whose text (not its subject) says delivery will be retried is a delay
    /// warning (RFC 3464 `delayed`, in the MTAs' own warning wording); one that says the failure
    /// is permanent is not.
    @Test func aNoticeThatSaysDeliveryContinuesIsADelay() throws {
        let warning = try read("""
            From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
            To: sender@example.org
            Subject: Mail notice

            This is an automated message created by mail delivery software.
            Your message to:
            \tkijitora@example.com
            has not yet been delivered because the recipient server did not respond.
            This is just a warning, you do not need to take any action. We will continue to
            attempt delivery of this message for 5 days.

            """)
        #expect(warning.recipients.map(\.recipient) == ["kijitora@example.com"])
        #expect(warning.recipients.allSatisfy { $0.action == "delayed" })

        let final = try read("""
            From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
            To: sender@example.org
            Subject: failure notice

            Hi. This is the qmail-send program at mx.example.net.
            I'm afraid I wasn't able to deliver your message to the following addresses.
            This is a permanent error; I've given up. Sorry it didn't work out.

            <kijitora@example.com>:
            Sorry, I wasn't able to establish an SMTP connection. Delivery will be retried no more.

            """)
        #expect(final.recipients.map(\.recipient) == ["kijitora@example.com"])
        #expect(final.recipients.allSatisfy { $0.action != "delayed" })
    }

    /// A notice line that ends with a colon announces the reason on the next line (1&1's "For the
    /// following reason:", Dovecot's rejection_reason "…was automatically rejected:%n%r").
    @Test func aReasonAnnouncedByAColonIsTakenFromTheNextLine() throws {
        let einsUndEins = try read("""
            From: "Mail Delivery System" <mailer-daemon@kundenserver.example.de>
            To: sender@example.org
            Subject: Mail delivery failed: returning message to sender

            This message was created automatically by mail delivery software.

            The following address failed:

            kijitora@example.com

            For the following reason:

            Mail size limit exceeded.

            """)
        #expect(einsUndEins.recipients.map(\.recipient) == ["kijitora@example.com"])
        #expect(einsUndEins.recipients.first?.diagnostic.contains("Mail size limit exceeded") == true)

        let dovecot = try read("""
            From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
            To: sender@example.org
            Subject: Rejected: hello

            Your message to <kijitora@example.com> was automatically rejected:
            Quota exceeded (mailbox for user is full)

            """)
        #expect(dovecot.recipients.map(\.recipient) == ["kijitora@example.com"])
        #expect(dovecot.recipients.first?.diagnostic.hasSuffix("Quota exceeded (mailbox for user is full)") == true)
    }

    /// The returned message's `To:` is no failed recipient when it is the list the message went
    /// through (its `List-Post`, RFC 2369, or Mailman's `X-BeenThere`); a member's address is.
    @Test func theListItselfIsNeverTheFailedRecipient() throws {
        func bounce(to: String) throws -> BounceReport {
            try read("""
                From: MAILER-DAEMON@mx.example.net
                To: list-bounces@lists.example.org
                Subject: Mail could not be delivered
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: text/plain

                The following mail could not be delivered. Reason: Exceeded Maximum Delivery Attempts.
                --b
                Content-Type: message/rfc822

                From: Ana <ana@example.com>
                To: \(to)
                Subject: [list] hello
                List-Post: <mailto:list@lists.example.org>
                X-BeenThere: list@lists.example.org

                hello
                --b--

                """)
        }
        #expect(try bounce(to: "list@lists.example.org").recipients.isEmpty)
        #expect(try bounce(to: "kijitora@example.com").recipients.map(\.recipient) == ["kijitora@example.com"])
    }

    @Test func anMboxPostmarkSeparatesWithoutABlankLineBeforeIt() throws {
        let path = NSTemporaryDirectory() + "listwash-postmark-\(UUID().uuidString).mbox"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = """
            From MAILER-DAEMON  Thu Jul  2 12:05:05 2020
            Subject: one

            --boundary--
            From double-bounce@mx.example.net  Thu Jul  2 12:05:05 2020
            Subject: two

            body
            From here on the body is not a separator

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let items = Array(try MailContainer(path: path))
        #expect(items.count == 2)
        #expect(String(decoding: items[1].bytes, as: UTF8.self).contains("From here on the body"))
    }

    /// A gateway that forwards the DSN it received as an attachment of its own message: the report
    /// inside is read, and its returned message (not the DSN's own headers) is the original.
    @Test func aDeliveryReportForwardedAsAnAttachmentIsRead() throws {
        let report = try read("""
            From: postmaster@gateway.example
            To: list-bounces@example.org
            Subject: Delivery Status Notification (Failure)
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: text/plain

            This is a MIME-formatted message.

            --outer
            Content-Type: message/rfc822

            From: postmaster@gateway.example
            To: list-bounces@example.org
            Subject: Delivery Status Notification (Failure)
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="inner"

            --inner
            Content-Type: text/plain

            Delivery to the following recipients failed.
                   kijitora@example.com

            --inner
            Content-Type: message/delivery-status

            Reporting-MTA: dns;mx.gateway.example

            Final-Recipient: rfc822;kijitora@example.com
            Action: failed
            Status: 5.1.1

            --inner
            Content-Type: message/rfc822

            From: list@example.org
            To: kijitora@example.com
            Message-ID: <original-1@example.org>
            Subject: News

            Hello.

            --inner--

            --outer--

            """)
        #expect(report.kind == .bounce)
        #expect(report.recipients.map(\.recipient) == ["kijitora@example.com"])
        #expect(report.originalMessage == "mid:original-1@example.org")
    }

    /// L-Soft LSMTP's machine-readable list ("Error-for:", "Error-Text:") and a local delivery's
    /// "(Originally addressed to a)" name the failed recipient.
    @Test func lsmtpErrorListsAndOriginallyAddressedLinesNameTheRecipient() throws {
        let lsmtp = try read("""
            From: "LSMTP for Windows NT v1.1b" <postmaster@mail.example.net>
            Subject: Undelivered mail
            To: list-bounces@example.org

            An error was detected while processing the enclosed message.  A list of
            the affected recipient follows.

            --> Error description:
            Error-for:  kijitora@example.com
            Error-Code: 0
            Error-Text: Mailer mx.example.com said:
                        "554 Message looping (received 6 times)"
            Error-End:  One error reported.

            """)
        #expect(lsmtp.recipients.map(\.recipient) == ["kijitora@example.com"])
        #expect(lsmtp.recipients.first?.diagnostic.contains("554 Message looping") == true)

        let local = try read("""
            Subject: Delivery failure
            From: postmaster@mail.example.it
            To: list-bounces@example.org

            Your message has encountered delivery problems
            to local user kijitora.
            (Originally addressed to kijitora@example.it)

            User not known

            """)
        #expect(local.recipients.map(\.recipient) == ["kijitora@example.it"])
    }

    // MARK: Recipients of notices that name none in DSN fields (round 6)

    /// The returned message's headers copied into the text (quoted with `>`), no address in the
    /// notice: the newest trace field's `for` clause (RFC 5321 §4.4) names the recipient.
    @Test func aCopiedTraceFieldNamesTheRecipient() throws {
        let report = try read("""
            From: postmaster@mail.example.net (Automated response)
            To: news-bounces@lists.example.org
            Subject: FAILED MAIL regarding "news"

            The address to which your message was addressed did not match a mailbox here.

            Original message as received is as follows:
            ========================================
            >Return-Path: <news-bounces@lists.example.org>
            >Received: from relay.example.net by mail.example.net with ESMTP id X1 for <ann@example.net>; Sun, 27 May 2001 14:21:25 -0700
            >Received: from lists.example.org by relay.example.net with ESMTP id X0 for <ann@example.net>; Sun, 27 May 2001 14:21:23 -0700
            >From: news@lists.example.org
            >To: news@lists.example.org
            >Subject: this week

            """)
        #expect(report.kind == .bounce)
        #expect(report.recipients.map(\.recipient) == ["ann@example.net"])
        #expect(report.recipients.first?.diagnostic.contains("did not match a mailbox") == true)
        #expect(report.recipients.first?.diagnostic.contains("Received") == false)
    }

    /// A returned message that went through a list: its `To:` and `Cc:` are the post's addressees,
    /// so the member is the one its newest trace field names, not the `To:` address.
    @Test func aListMessagesToIsNotTheFailedMember() throws {
        let report = try read("""
            From: "Mail System" <>
            To: talk-admin@lists.example.org
            Subject: Undeliverable mail

            Your mail cannot be delivered to the following address(es):

             bob "(0), ErrMsg=mailbox space not enough"

            ---- Header of the source mail attached ----

            Received: from lists.example.org by mx.example.net (Postfix) with ESMTP id A1
            \tfor <carol@example.net>; Tue,  6 Feb 2001 06:31:27 +0800
            Delivered-To: talk@lists.example.org
            From: <dan@example.com>
            To: Eve <eve@example.com>
            Cc: <talk@lists.example.org>
            Sender: talk-admin@lists.example.org
            Subject: Re: sorting

            """)
        #expect(report.recipients.map(\.recipient) == ["carol@example.net"])
    }

    /// A notice that restates the returned message's headers above the copy ("Subject: …",
    /// "To: a"): that `To:` names the recipient.
    @Test func aRestatedToLineNamesTheRecipient() throws {
        let report = try read("""
            From: MAILER-DAEMON@mail.example.com
            To: list-bounces@lists.example.org
            Content-Type: text/html; charset="utf-8"

            I'm afraid I wasn't able to deliver the following message.
            This is a permanent error; I've given up. Sorry it didn't work out.

            Subject: [List] Re: folders
            To: fay@example.com

            ---Below this line is a copy of the message.

            """)
        #expect(report.recipients.map(\.recipient) == ["fay@example.com"])
    }

    /// Exchange 5.5's Internet Mail Service writes a recipient as an X.400 O/R address whose
    /// `dda:SMTP=` attribute holds the SMTP address.
    @Test func anX400AddressGivesItsSMTPAttribute() throws {
        let report = try read("""
            From: System Administrator <postmaster@corp.example>
            To: list-bounces@lists.example.org
            Subject: Undeliverable: RE: results
            X-MS-Embedded-Report:

            Your message

              To:      list@lists.example.org
              Subject: RE: results

            did not reach the following recipient(s):

            c=US;a= ;p=CORP;o=Site;dda:SMTP=gus@corp.example; on Fri, 4 Oct 2002
                The recipient name is not recognized

            """)
        #expect(report.recipients.map(\.recipient) == ["gus@corp.example"])
        #expect(MailText.addresses(in: "o=Site;dda:SMTP=gus@corp.example;") == ["gus@corp.example"])
        #expect(MailText.addresses(in: "smtp=x@corp.example") == ["smtp=x@corp.example"])  // no X.400 attribute: kept
    }

    /// A notice that names only the sender's side ("not accepting mail from the list") and bare
    /// names: a bounce all the same, reported with no recipient and the reason why; no event.
    @Test func aFailureWithNoRecipientAnywhereIsReportedNotSkipped() throws {
        let report = try read("""
            From: "Mail Delivery Subsystem" <MAILER-DAEMON@mail.example.com>
            To: <news-bounces@lists.example.org>
            Subject: Mail Delivery Problem

            Your mail to the following recipients could not be delivered because
            they are not accepting mail from news@lists.example.org:
            \tscreenname

            """)
        #expect(report.kind == .bounce && report.recipients.isEmpty)
        #expect(report.why == "a failure notice that names no recipient address, in its text or in the returned message's headers")
        #expect(report.events(file: "x").isEmpty)
        let lines = report.classifiedLines(classifier: try Classifier())
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("{\"recipient\":null,\"action\":\"failed\"") == true)
        // The list's own address is never the failed recipient.
        #expect(MailContext.listAddresses(of: "news-bounces+ann=example.net@lists.example.org").contains("news@lists.example.org"))
        #expect(MailContext.listAddresses(of: "ann@example.net").isEmpty)

        // A DSN whose failed group names no address is reported the same way.
        let dsn = try read("""
            From: MAILER-DAEMON@mail.example.com
            To: sender@example.org
            Subject: Delivery Status Notification (Failure)
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"

            --b
            Content-Type: text/plain

            Delivery failed.

            --b
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mail.example.com

            Final-Recipient: rfc822; (unknown)
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 No such user

            --b--

            """)
        #expect(dsn.kind == .bounce && dsn.recipients.isEmpty)
        #expect(dsn.why == "a failure report whose delivery-status part names no recipient address")
        #expect(dsn.classifiedLines(classifier: try Classifier()).first?.contains("\"reason\":\"userunknown\"") == true)

        // A message from a mail system that reports no failure is still no bounce.
        let digest = try read("""
            From: postmaster@mail.example.com
            To: sender@example.org
            Subject: Your weekly quarantine digest

            Nothing was held this week.

            """)
        #expect(digest.kind == .notABounce)
    }

    // MARK: The diagnostic is the server's reply (RFC 3464 §2.3.6)

    /// sendmail's transcript names the alias the recipient was expanded from, not the recipient: the
    /// transcript's reply is the diagnostic, not the "(expanded from: …)" note.
    @Test func sendmailsTranscriptReplyIsTheDiagnosticOfAnExpandedAddress() throws {
        let report = try read("""
            From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.nl>
            To: list-admin@lists.example.org
            Subject: Returned mail: Too many hops

               ----- The following addresses had permanent fatal errors -----
            hal@shaft.example.nl
                (expanded from: hal@example.nl)

               ----- Transcript of session follows -----
            554 Too many hops 26 (25 max): from list-admin@lists.example.org via localhost, to hal@example.nl

               ----- Message header follows -----

            """)
        #expect(report.recipients.map(\.recipient) == ["hal@shaft.example.nl"])
        #expect(report.recipients.first?.replyCode == 554)
        #expect(report.recipients.first?.diagnostic.hasPrefix("554 Too many hops") == true)
    }

    /// A notice line names the recipient and the reply stands further down ("for the following
    /// reason: / 552 …"): the reply is part of the diagnostic.
    @Test func aReplyBelowTheNoticeLineIsItsDiagnostic() throws {
        let report = try read("""
            From: MAILER-DAEMON@mail.example.com
            To: list-bounces@lists.example.org
            Subject: failure notice

            Sorry, unable to deliver your message to ivy@example.com for
            the following reason:

             552 Quota violation for ivy@example.com

            A copy of the original message below this line:

            """)
        #expect(report.recipients.map(\.recipient) == ["ivy@example.com"])
        #expect(report.recipients.first?.replyCode == 552)
        let c = try Classifier().classify(replyCode: 552, enhancedCode: nil, diagnostic: report.recipients[0].diagnostic)
        #expect(c.reason == .mailboxfull)
    }

    /// "(Originally addressed to a)" only says which address was meant: the line after it is the reason.
    @Test func theReasonAfterAnAliasNoteIsTheDiagnostic() throws {
        let report = try read("""
            From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.it>
            To: list-bounces@lists.example.org
            Subject: Returned mail

            Your message has encountered delivery problems
            to local user jo.
            (Originally addressed to jo@example.it)

            User not known

            Your message reads (in part):

            """)
        #expect(report.recipients.map(\.recipient) == ["jo@example.it"])
        #expect(report.recipients.first?.diagnostic == "(Originally addressed to jo@example.it) User not known")
        #expect(GenericBounce.isAliasNote("  (generated from jo@example.it)") && !GenericBounce.isAliasNote("User not known"))
    }

    /// A one-line notice from a null sender ("You sent mail to a. That's not a valid user here.").
    @Test func aNotAValidUserLineNamesTheRecipient() throws {
        let report = try read("""
            From: <>
            To: list-bounces+ann=example.net@lists.example.org
            Auto-Submitted: auto-replied

            You sent mail to kit@example.net. That's not a valid user here.

            """)
        #expect(report.kind == .bounce && report.recipients.map(\.recipient) == ["kit@example.net"])
    }
}
