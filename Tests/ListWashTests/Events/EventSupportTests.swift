import Testing
@testable import ListWash

@Suite struct SMTPReplyTextTests {
    @Test(arguments: [
        ("smtp; 550 5.1.1 user unknown", 550, "5.1.1"),
        ("smtp;550 5.1.1 unknown user", 550, "5.1.1"),
        ("550-5.1.1 The email account does not exist", 550, "5.1.1"),
        ("5.1.1 mailbox does not exist", nil, "5.1.1"),
        ("250 OK", 250, nil),
        ("452 4.2.2 Mailbox full", 452, "4.2.2"),
        ("421 4.7.0 Try again", 421, "4.7.0"),
        ("550 5.1.10 RESOLVER.ADR.RecipientNotFound", 550, "5.1.10"),
        ("1234 not a code", nil, nil),
        ("550 5.1.1.1 too many parts", 550, nil),
        ("Bounced Address", nil, nil),
        ("", nil, nil),
    ] as [(String, Int?, String?)])
    func readsLeadingCodes(text: String, code: Int?, enhanced: String?) {
        let codes = SMTPReplyText.leadingCodes(Substring(text))
        #expect(codes.replyCode == code)
        #expect(codes.enhancedCode == enhanced)
    }

    @Test func readsTheReplyAfterSaid() {
        let codes = SMTPReplyText.codesAfterSaid("host mx.example.org[192.0.2.1] said: 554 5.7.1 blocked (in reply to end of DATA command)")
        #expect(codes.replyCode == 554)
        #expect(codes.enhancedCode == "5.7.1")
    }

    @Test func filtersProviderCodes() {
        #expect(SMTPReplyText.replyCode(605) == nil)
        #expect(SMTPReplyText.replyCode(550) == 550)
        #expect(SMTPReplyText.enhancedCode("5.0.0") == "5.0.0")
        #expect(SMTPReplyText.enhancedCode("bounce") == nil)
        #expect(SMTPReplyText.enhancedCode(nil) == nil)
    }
}

@Suite struct JSONRecordScannerTests {
    private func pieces(_ text: String, keys: [String] = []) -> [(line: Int, text: String, broken: Bool)] {
        let bytes = Array(text.utf8)
        return JSONRecordScanner(bytes: bytes).pieces(containerKeys: keys).map {
            ($0.line, String(decoding: bytes[$0.range], as: UTF8.self), $0.brokenReason != nil)
        }
    }

    @Test func concatenatedPrettyDocumentsKeepTheirStartLines() {
        let found = pieces("\u{FEFF}{\n  \"a\": \"}{\\\"\"\n}\n\n{\n  \"b\": [1, {\"c\": 2}]\n}\n")
        #expect(found.map(\.line) == [1, 5])
        #expect(found.map(\.broken) == [false, false])
        #expect(found[0].text == "{\n  \"a\": \"}{\\\"\"\n}")
    }

    @Test func arrayElementsAndAnUnterminatedTail() {
        let found = pieces("[\n {\"a\":1},\n {\"b\":2},\n {\"c\":")
        #expect(found.map(\.line) == [2, 3, 4])
        #expect(found.map(\.broken) == [false, false, true])
    }

    @Test func containerKeysAreExpandedOnlyWhenAsked() {
        let text = "{\"paging\":{\"next\":\"x\"},\n\"items\":[\n{\"a\":1},\n{\"b\":2}]}"
        #expect(pieces(text).count == 1)
        #expect(pieces(text, keys: ["items"]).map(\.line) == [3, 4])
    }

    @Test func strayClosingBracketDoesNotLoop() {
        let found = pieces("{\n\"a\":1}\n}\n{\"b\":2}")
        #expect(found.contains { $0.broken })
        #expect(found.first?.text == "{\n\"a\":1}")
    }
}
