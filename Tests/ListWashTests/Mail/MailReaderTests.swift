import Foundation
import Testing
@testable import ListWash

private func read(_ text: String, file: String = "test.eml") throws -> BounceReport {
    try BounceReader().read(Array(text.utf8), file: file)
}

private func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") }
private func cr(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r") }

@Suite struct MIMEDecodingTests {
    @Test func decodesBase64Bodies() throws {
        let message = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSGVsbG8sIHfDtnJsZCE=\n"
        let part = try MIME.parseMessage(Array(message.utf8), file: "b64.eml")
        #expect(part.text == "Hello, wörld!")
    }

    @Test func decodesQuotedPrintableWithSoftBreaks() throws {
        let message = "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 au l=\nait =3D ok\n"
        let part = try MIME.parseMessage(Array(message.utf8), file: "qp.eml")
        #expect(part.text == "Café au lait = ok\n")
    }

    @Test func leavesSevenBitAndEightBitBodiesAlone() throws {
        for encoding in ["7bit", "8bit", "binary"] {
            let message = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: \(encoding)\n\nnaïve\n"
            #expect(try MIME.parseMessage(Array(message.utf8), file: "x.eml").text == "naïve\n")
        }
    }

    @Test func decodesCharsetsThroughIconv() {
        #expect(Charset.decode([0x63, 0x61, 0x66, 0xE9], charset: "ISO-8859-1") == "café")
        #expect(Charset.decode([0x80, 0x20, 0x9C], charset: "windows-1252") == "€ œ")
        #expect(Charset.decode([0xC6, 0xD2, 0xC5], charset: "KOI8-R") == "фре")
        // "日本" in Shift_JIS, EUC-JP and ISO-2022-JP
        #expect(Charset.decode([0x93, 0xFA, 0x96, 0x7B], charset: "Shift_JIS") == "日本")
        #expect(Charset.decode([0xC6, 0xFC, 0xCB, 0xDC], charset: "EUC-JP") == "日本")
        #expect(Charset.decode([0x1B, 0x24, 0x42, 0x46, 0x7C, 0x4B, 0x5C, 0x1B, 0x28, 0x42], charset: "ISO-2022-JP") == "日本")
        #expect(Charset.decode([0xD6, 0xD0, 0xCE, 0xC4], charset: "GB2312") == "中文")
    }

    @Test func fallsBackWhenTheCharsetIsUnknownOrWrong() {
        #expect(Charset.decode(Array("ok ✓".utf8), charset: "x-no-such-charset") == "ok ✓")
        #expect(Charset.decode([0x61, 0xE9], charset: "x-no-such-charset") == "aé")
        #expect(Charset.decode([0x61, 0xFF], charset: "utf-8") == "a\u{FFFD}")
    }

    @Test func decodesEncodedWordsInHeaders() throws {
        let message = """
        Subject: =?UTF-8?B?SGVsbG8g?= =?ISO-8859-1?Q?caf=E9_ol=E9?= and more
        From: =?iso-2022-jp?B?GyRCRnxLXBsoQg==?= <a@example.com>

        body
        """
        let part = try MIME.parseMessage(Array(message.utf8), file: "h.eml")
        #expect(part.headers["Subject"] == "Hello café olé and more")
        #expect(part.headers["From"] == "日本 <a@example.com>")
    }

    @Test func unfoldsFoldedHeaders() throws {
        let message = "Subject: one\n two\n\tthree\nX-Other: x\n\nbody\n"
        let part = try MIME.parseMessage(Array(message.utf8), file: "f.eml")
        #expect(part.headers["subject"] == "one two three")
        #expect(part.headers["X-Other"] == "x")
    }

    @Test func everyLineEndingGivesTheSameReport() throws {
        let lf = try read(MailFixtures.dsnTwoRecipients)
        #expect(try read(crlf(MailFixtures.dsnTwoRecipients)) == lf)
        #expect(try read(cr(MailFixtures.dsnTwoRecipients)) == lf)
        #expect(lf.recipients.count == 2)
    }

    @Test func parsesNestedMultipartsAndAttachedMessages() throws {
        let message = """
        Content-Type: multipart/mixed; boundary=outer

        --outer
        Content-Type: multipart/alternative; boundary="inner"

        --inner
        Content-Type: text/plain

        plain
        --inner
        Content-Type: text/html

        <p>html</p>
        --inner--
        --outer
        Content-Type: message/rfc822

        Subject: enclosed
        To: x@example.com

        hi
        --outer--
        """
        let root = try MIME.parseMessage(Array(message.utf8), file: "n.eml")
        #expect(root.children.count == 2)
        #expect(root.children[0].children.map(\.contentType.mimeType) == ["text/plain", "text/html"])
        #expect(root.children[0].children[0].text == "plain")
        #expect(root.children[1].children.first?.headers["Subject"] == "enclosed")
    }

    @Test func recoversAWrongBoundaryAndBrokenFolding() throws {
        let message = """
        Content-Type: multipart/mixed;
        boundary="declared-but-unused"

        --actual
        Content-Type: text/plain

        inside
        --actual--
        """
        let root = try MIME.parseMessage(Array(message.utf8), file: "b.eml")
        #expect(root.contentType.parameters["boundary"] == "declared-but-unused")
        #expect(root.children.map(\.text) == ["inside"])
    }

    @Test func parsesRFC5322Dates() {
        #expect(MailDate.parse("Mon, 1 Jun 2024 10:00:05 +0200") == 1_717_228_805)
        #expect(MailDate.parse("1 Jun 2024 08:00:05 GMT") == 1_717_228_805)
        #expect(MailDate.parse("Sat, 1 Jun 2024 03:00:05 EST") == 1_717_228_805)
        #expect(MailDate.parse("Sat, 01 Jun 24 17:00:05 +0900 (JST)") == 1_717_228_805)
        #expect(MailDate.parse("not a date") == nil)
    }
}

@Suite struct BounceReaderTests {
    @Test func parsesDSNFieldsPerMessageAndPerRecipient() throws {
        let report = try read(MailFixtures.dsnTwoRecipients)
        #expect(report.kind == .bounce)
        #expect(report.messageID == "report-1@mx.example.net")
        #expect(report.arrivalDate == MailDate.parse("Mon, 1 Jun 2024 09:59:00 +0200"))
        let alice = report.recipients[0]
        #expect(alice.recipient == "alice@example.com")
        #expect(alice.originalRecipient == "alice@example.com")
        #expect(alice.action == "failed")
        #expect(alice.status == "5.1.1")
        #expect(alice.replyCode == 550)
        #expect(alice.remoteMTA == "mx.example.com")
        #expect(alice.diagnostic == "550 5.1.1 <alice@example.com>: Recipient address rejected: User unknown in local recipient table")
        #expect(alice.timestamp == MailDate.parse("Mon, 1 Jun 2024 10:00:00 +0200"))
        let bob = report.recipients[1]
        #expect(bob.action == "delayed" && bob.status == "4.2.2" && bob.replyCode == 452)
    }

    @Test func multiRecipientReportGivesOneEventEach() throws {
        let events = try read(MailFixtures.dsnTwoRecipients).events(file: "box/1.eml")
        #expect(events.map(\.address) == ["alice@example.com", "bob@example.com"])
        #expect(events.allSatisfy { $0.type == .bounce })
        #expect(events[0].timestamp == MailDate.parse("Mon, 1 Jun 2024 10:00:00 +0200"))
        #expect(events[1].timestamp == MailDate.parse("Mon, 1 Jun 2024 09:59:00 +0200"))
        #expect(events[0].source == EventSource(file: "box/1.eml", messageID: "report-1@mx.example.net"))
    }

    @Test func classifiedLinesAreCompactJSON() throws {
        let lines = try read(MailFixtures.dsnTwoRecipients).classifiedLines(classifier: try Classifier())
        #expect(lines.count == 2)
        let object = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(object?["recipient"] as? String == "alice@example.com")
        #expect(object?["status"] as? String == "5.1.1")
        #expect(object?["reply_code"] as? Int == 550)
        #expect(lines[0].hasPrefix("{\"recipient\":\"alice@example.com\",\"action\":\"failed\",\"status\":\"5.1.1\",\"reply_code\":550,\"reason\":"))
    }

    @Test func feedbackReportBecomesComplaint() throws {
        let report = try read(MailFixtures.arf)
        #expect(report.kind == .feedback)
        #expect(report.feedbackType == "abuse")
        let events = report.events(file: "arf.eml")
        #expect(events.map(\.address) == ["carol@example.com"])
        #expect(events.first?.type == .complaint)
        #expect(report.classifiedLines(classifier: try Classifier()).first?.contains("\"reason\":\"feedback\",\"kind\":null") == true)
    }

    @Test func autoReplyIsRecognisedAndNotABounce() throws {
        let report = try read(MailFixtures.vacation)
        #expect(report.kind == .autoReply)
        #expect(report.events(file: "v.eml").isEmpty)
        let lines = report.classifiedLines(classifier: try Classifier())
        #expect(lines.count == 1)
        #expect(lines[0].contains("\"reason\":\"vacation\""))
    }

    @Test func ordinaryMailIsNotABounce() throws {
        let report = try read("From: a@example.com\nTo: b@example.com\nSubject: lunch?\n\nNoon?\n")
        #expect(report.kind == .notABounce)
        #expect(report.events(file: "x.eml").isEmpty)
        #expect(report.classifiedLines(classifier: try Classifier()).isEmpty)
    }

    @Test func malformedMessagesThrowWithoutPersonalData() {
        #expect(throws: MailError.empty(file: "e.eml")) { try read("", file: "e.eml") }
        #expect(throws: MailError.malformed(file: "m.eml", reason: "no header fields")) {
            try read("this is not a message at all, x@example.com\n", file: "m.eml")
        }
        let error = MailError.malformed(file: "m.eml", reason: "no header fields")
        #expect(error.localizedDescription == "m.eml: cannot parse message: no header fields")
        // Garbage bytes never crash.
        var bytes: [UInt8] = Array("Content-Type: multipart/mixed; boundary=x\n\n--x\n".utf8)
        bytes += (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        #expect((try? BounceReader().read(bytes, file: "g.eml")) != nil)
    }

    @Test func readsEximPlainText() throws {
        let report = try read(MailFixtures.exim)
        #expect(report.agent == "Exim")
        #expect(report.recipients.count == 1)
        let r = report.recipients[0]
        #expect(r.recipient == "erin@example.com" && r.status == "5.1.1" && r.replyCode == 550)
        #expect(r.diagnostic.contains("User unknown"))
    }

    @Test func readsQmailPlainText() throws {
        let report = try read(MailFixtures.qmail)
        #expect(report.agent == "qmail")
        #expect(report.recipients.map(\.recipient) == ["frank@example.com"])
        #expect(report.recipients[0].status == "5.2.2")
        #expect(report.recipients[0].replyCode == 550)
    }

    @Test func registryTriesFormatsInAFixedOrder() {
        let names = MTARegistry.formats.map(\.name)
        #expect(names.last == "Generic")
        #expect(Set(names).count == names.count)
    }

    @Test func findsCodesInFreeText() {
        #expect(MailText.codes(in: "host 192.0.2.20: 550 5.7.0 refused") == (550, "5.7.0"))
        #expect(MailText.codes(in: "Sorry (#5.1.1)") == (nil, "5.1.1"))
        #expect(MailText.codes(in: "550-5.7.26 DMARC") == (550, "5.7.26"))
    }
}
