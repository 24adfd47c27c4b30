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
}
