import Foundation
import Testing
@testable import ListWash

/// What the readers must still get right when one line, header or diagnostic is very long or
/// holds a pattern many times over. These state results, not durations: the inputs are sized
/// so that even a reader that is quadratic in them finishes in seconds, and the scaling check
/// lives in `make bench-scaling`.
@Suite struct LongInputTests {
    /// A DSN whose returned message has `header` as one of its header lines.
    static func bounce(returnedHeader header: String, notice: String = "") -> [UInt8] {
        let message = """
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: sender@example.com
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        This is the mail system at host mx.example.net.
        \(notice)
        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; user@example.org
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 <user@example.org>: Recipient address rejected: User unknown

        --B
        Content-Type: message/rfc822

        From: sender@example.com
        To: user@example.org
        \(header)

        Hello.
        --B--
        """
        return Array(message.utf8)
    }

    @Test func longHeaderOfTheReturnedMessageStillGivesTheRecipientAndReason() throws {
        // A 200k-character header line, and encoded-word openers, which were once read to the end of the header each.
        let runs = [
            String(repeating: "=?x?B?AAAAAAAAAA", count: 20_000 / 16),
            String(repeating: "5.1.1 ", count: 200_000 / 6),
            String(repeating: "a@b ", count: 200_000 / 4),
            String(repeating: "a", count: 200_000),
        ]
        for run in runs {
            let report = try BounceReader().read(Self.bounce(returnedHeader: "Subject: " + run), file: "long.eml")
            #expect(report.kind == .bounce)
            #expect(report.recipients.map(\.recipient) == ["user@example.org"])
            let lines = report.classifiedLines(classifier: sharedClassifier)
            #expect(lines.count == 1 && lines[0].contains("\"reason\":\"userunknown\""))
        }
    }

    @Test func encodedWordAfterManyUnfinishedOnesIsDecoded() {
        let junk = String(repeating: "=?x?B?QUFB", count: 2_000)
        #expect(MIME.decodeEncodedWords(junk + " =?utf-8?B?SGVsbG8=?=") == junk + " Hello")
        // Words separated by blanks lose the blanks; a blank inside a word's text ends it.
        #expect(MIME.decodeEncodedWords("=?utf-8?Q?a?= =?utf-8?Q?b?=") == "ab")
        #expect(MIME.decodeEncodedWords("=?utf-8?Q?a b?= =?utf-8?Q?c?=") == "=?utf-8?Q?a b?= c")
        #expect(MIME.decodeEncodedWords("=?=?utf-8?B?SGk=?=") == "=?Hi")
    }

    @Test func brokenFoldingOverManyLinesKeepsEveryParameter() {
        var header = "Content-Type: multipart/mixed;\n"
        for i in 0..<5_000 { header += "x\(i)=y;\n" }
        header += "boundary=\"B\"\n\nbody\n"
        let headers = MIME.parseHeaders(Array(header.utf8))
        let type = ContentType(headers["Content-Type"])
        #expect(type.parameters["boundary"] == "B")
        #expect(type.parameters.count == 5_001)
    }

    @Test func everyStatusOfALongDiagnosticIsListed() {
        let text = String(repeating: "5.1.1 ", count: 2_000) + "4.2.2"
        let found = MailText.statuses(in: text)
        #expect(found.count == 2_001)
        #expect(found.last == "4.2.2")
        // A status text that also occurs inside a longer number: the rest restarts after that
        // occurrence, and a status may start right where the rest begins.
        #expect(MailText.statuses(in: "15.1.1 then 5.1.1") == ["5.1.1", "5.1.1"])
        #expect(MailText.statuses(in: "5.1.1 and 4.2.2, 2.0.0.1") == ["5.1.1", "4.2.2"])
    }

    @Test func textBesideAddressesIsFoundAmongManyAddresses() {
        let many = String(repeating: "<a@example.org> ", count: 2_000)
        #expect(!MailText.hasTextBesideAddresses(many))
        #expect(MailText.hasTextBesideAddresses(many + "unknown"))
        #expect(MailText.hasTextBesideAddresses("x " + many))
    }

    @Test func manyRecipientLinesAreEachFoundOnce() throws {
        var notice = ""
        for i in 0..<1_000 { notice += "<user\(i)@example.org>: 550 5.1.1 User unknown\n" }
        notice += "<user0@example.org>: 550 5.1.1 User unknown\n"  // a repeat is not a new recipient
        let message = """
        From: MAILER-DAEMON@mx.example.net
        To: sender@example.com
        Subject: failure notice

        Hi. This is the qmail-send program at mx.example.net.
        I'm afraid I wasn't able to deliver your message to the following addresses.

        \(notice)
        --- Below this line is a copy of the message.

        Subject: hello
        """
        let report = try BounceReader().read(Array(message.utf8), file: "many.eml")
        #expect(report.recipients.count == 1_000)
        #expect(report.recipients.last?.recipient == "user999@example.org")
    }

    @Test func phraseAmongManyPartialHitsIsFound() {
        // "unknown" alone is part of many phrases: thousands of hits before the whole phrase.
        let text = "550 " + String(repeating: "unknown ", count: 2_000) + "user unknown"
        let c = sharedClassifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: text)
        #expect(c.reason == .userunknown)
    }

    @Test func classifierReadsOnlyTheFirstPartOfADiagnostic() {
        let filler = String(repeating: "x", count: PatternScan.limit - 20)
        let inside = sharedClassifier.classify(replyCode: 550, enhancedCode: nil, diagnostic: filler + " mailbox full")
        #expect(inside.reason == .mailboxfull)
        let beyond = sharedClassifier.classify(replyCode: 550, enhancedCode: nil, diagnostic: filler + String(repeating: " ", count: 40) + "mailbox full")
        #expect(beyond.reason != .mailboxfull)
    }

    @Test func notificationTextIsCutAtTheLimit() throws {
        let filler = String(repeating: "filler line\n", count: PatternScan.limit / 12 + 10)
        let root = try MIME.parseMessage(Self.bounce(returnedHeader: "Subject: x", notice: filler + "<late@example.org>: gone\n"),
                                         file: "cut.eml")
        let mail = MailContext(root: root)
        #expect(mail.text.utf8.count <= PatternScan.limit)
        #expect(!mail.text.contains("late@example.org"))
    }

    @Test func prefixNeverEndsInsideAScalar() {
        let text = String(repeating: "é", count: PatternScan.limit)  // two bytes each
        let cut = PatternScan.prefix(text)
        #expect(cut.utf8.count == PatternScan.limit)
        #expect(cut.unicodeScalars.allSatisfy { $0 == "é" })
        let odd = "a" + text
        #expect(PatternScan.prefix(odd).utf8.count == PatternScan.limit - 1)
        var bytes = Array(odd.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            #expect(PatternScan.prefix(UnsafeBufferPointer(buffer)).count == PatternScan.limit - 1)
        }
        #expect(PatternScan.prefix("short") == "short")
    }
}
