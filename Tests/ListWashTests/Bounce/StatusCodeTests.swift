import Testing
@testable import ListWash

@Suite struct StatusCodeTests {
    @Test func parsesThreePartCodes() throws {
        let code = try #require(StatusCode("5.1.1"))
        #expect(code.statusClass == .permanent && code.subject == 1 && code.detail == 1)
        #expect(StatusCode(" 4.7.26 ")?.description == "4.7.26")
        #expect(StatusCode("5.1.10")?.detail == 10)
        #expect(StatusCode("2.0.0")?.statusClass == .success)
    }

    @Test(arguments: ["", "5", "5.1", "5.1.1.1", "3.1.1", "6.0.0", "5..1", "5.1.", "a.b.c", "5.1.1x", "55.1.1",
                      "5.1000.1", "5.-1.1", "+5.1.1", "5.1.1 trailing"])
    func rejectsGarbage(_ text: String) {
        #expect(StatusCode(text) == nil)
    }

    @Test func matchesPatterns() throws {
        let code = try #require(StatusCode("5.1.1"))
        #expect(StatusPattern("5.1.*")!.matches(code))
        #expect(StatusPattern("*.1.1")!.matches(code))
        #expect(StatusPattern("5.*.*")!.matches(code))
        #expect(!StatusPattern("4.1.*")!.matches(code))
        #expect(!StatusPattern("*.2.2")!.matches(code))
        switch StatusCode("4.2.2")! {
        case StatusPattern("*.2.2")!: break
        default: Issue.record("*.2.2 should match 4.2.2")
        }
        #expect(StatusPattern("5.1") == nil)
        #expect(StatusPattern("7.*.*") == nil)
        #expect(StatusPattern("5.x.1")?.description == "5.*.1")
    }

    @Test func tableGivesMeaningAndDefaultReason() {
        #expect(StatusCode("5.1.1")!.meaning == "Bad destination mailbox address")
        #expect(StatusCode("5.1.1")!.defaultReason == .userunknown)
        #expect(StatusCode("4.2.2")!.defaultReason == .mailboxfull)
        #expect(StatusCode("5.1.10")!.defaultReason == .notaccept)
        #expect(StatusCode("5.3.2")!.defaultReason == .notaccept)  // system not accepting network messages
        #expect(StatusCode("5.7.26")!.defaultReason == .authfailure)
        #expect(StatusCode("4.4.7")!.defaultReason == .expired)
        #expect(StatusCode("5.5.3")!.defaultReason == .exceedlimit)
        #expect(StatusCode("5.9.99")!.defaultReason == .undefined)
        #expect(StatusCode("5.9.99")!.meaning == nil)
    }

    @Test func tableHasOneLinePerCode() {
        let keys = StatusCode.table.map { "\($0.subject).\($0.detail)" }
        #expect(Set(keys).count == keys.count)
        #expect(StatusCode.table.allSatisfy { !$0.meaning.isEmpty })
    }

    @Test func replyCodePatternsMatchDigitsAndWildcards() {
        #expect(ReplyCodePattern("421")!.matches(421))
        #expect(ReplyCodePattern("4xx")!.matches(450))
        #expect(!ReplyCodePattern("4xx")!.matches(550))
        #expect(ReplyCodePattern("55X")!.matches(552))
        #expect(ReplyCodePattern("42") == nil)
        #expect(ReplyCodePattern("9xx") == nil)
        #expect(ReplyCodePattern("4a1") == nil)
    }
}

@Suite struct CodeExtractorTests {
    @Test(arguments: [
        ("smtp; 550 5.1.1 <kijitora@example.org>: user unknown", 550, "5.1.1"),
        ("550-5.1.1 The email account that you tried to reach does not exist", 550, "5.1.1"),
        ("host mx.example.org[192.0.2.1] said: 554 5.7.1 rejected", 554, "5.7.1"),
        ("#5.1.1 bad address kijitora@example.org", nil, "5.1.1"),
        ("452 4.2.2 over quota.", 452, "4.2.2"),
        ("550-'5.7.1 <x@example.com>... Access denied'", 550, "5.7.1"),
        ("421 Service not available", 421, nil),
        ("Connection timed out", nil, nil),
        ("lost connection with mx.example.org[192.0.2.54] while sending RCPT TO", nil, nil),
        ("550 5.1.10 Recipient address has null MX", 550, "5.1.10"),
    ] as [(String, Int?, String?)])
    func findsCodesInText(line: String, reply: Int?, status: String?) {
        #expect(CodeExtractor.replyCode(in: line) == reply, "\(line)")
        #expect(CodeExtractor.statusCode(in: line)?.description == status, "\(line)")
    }

    @Test func ignoresNumbersThatAreNotCodes() {
        #expect(CodeExtractor.statusCode(in: "relay 192.5.1.1 refused") == nil)
        #expect(CodeExtractor.statusCode(in: "version v5.1.1 here") == nil)
        #expect(CodeExtractor.replyCode(in: "queue id 45501 and 5500") == nil)
        #expect(CodeExtractor.replyCode(in: "version 4.50.1") == nil)
        #expect(CodeExtractor.replyCode(in: "(-1915321397:308:-2147467259)") == nil)
    }
}

@Suite struct CodeTableConsistencyTests {
    @Test func everyReasonInTheCodeTablesIsARegisteredReason() {
        let registered = Set(ReasonRegistry.all.map(\.reason))
        for entry in StatusCode.table { #expect(registered.contains(entry.reason), "X.\(entry.subject).\(entry.detail)") }
        for entry in ReplyCode.table { #expect(registered.contains(entry.reason), "\(entry.code)") }
    }

    @Test func replyTableHasOneLinePerCode() {
        let codes = ReplyCode.table.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(ReplyCode.entry(421)?.reason == .toomanyconn)
        #expect(ReplyCode.entry(550) == nil)
    }
}
