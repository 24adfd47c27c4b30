import Testing
@testable import ListWash

@Suite struct EventRecordTests {
    let classifier = sharedClassifier

    /// Ids computed by the code before `identity` was rewritten on bytes (ingest of the same
    /// rows with that build): they must never change, or re-ingesting old files would duplicate.
    @Test(arguments: [
        (RawEvent(address: " Bob.Smith@Example.COM ", timestamp: 1_790_000_000, type: .bounce, replyCode: 550,
                  enhancedCode: "5.1.1",
                  diagnostic: "550 5.1.1 <Bob.Smith@example.com>: Recipient address rejected: User unknown",
                  source: EventSource(file: "a.csv", line: 2)),
         "5244af918411dcd6f9c262c1e6f1799c"),
        (RawEvent(address: "ann@example.org", timestamp: 1_790_000_001, type: .delivered,
                  source: EventSource(file: "a.csv", line: 3)),
         "00946a4c6c2633776dd5f9a96a1272e3"),
        (RawEvent(address: "zoë@example.net", timestamp: 0, type: .bounce, diagnostic: "Boîte pleine — quota dépassé",
                  source: EventSource(file: "a.csv", line: 4)),
         "c4ae06d44f3a87ad5904a5aeb09d2448"),
        (RawEvent(address: "neg@example.com", timestamp: -60, type: .bounce, replyCode: 421, enhancedCode: nil,
                  diagnostic: "421 try later", source: EventSource(file: "b.csv", line: 2)),
         "7621cbb5536232343cb34aeacf466328"),
    ])
    func idsAreStable(raw: RawEvent, expected: String) throws {
        let record = try #require(EventRecord(raw, classifier: classifier))
        #expect(record.id.hexString == expected)
        #expect(record.id.count == 16)
        let exact = AddressRules(localPartCaseSensitive: true).key(raw.address)
        // The identity from the fields alone, as documented, gives the same id.
        var id = [UInt8](repeating: 0, count: 16)
        let enhanced = Array((raw.enhancedCode ?? "").utf8)
        let diagnostic = Array(raw.diagnostic.utf8)
        exact.withUnsafeBufferPointer { address in
            enhanced.withUnsafeBufferPointer { enhanced in
                diagnostic.withUnsafeBufferPointer { diagnostic in
                    id.withUnsafeMutableBytes {
                        EventRecord.identity(address: address, timestamp: raw.timestamp, type: raw.type, replyCode: raw.replyCode,
                                             enhancedCode: enhanced, diagnostic: diagnostic, into: $0)
                    }
                }
            }
        }
        #expect(id.hexString == expected)
    }

    @Test func idIgnoresSourceAndEmptyEnhancedCodeEqualsNone() throws {
        let a = RawEvent(address: "a@example.com", timestamp: 5, replyCode: 550, enhancedCode: "", diagnostic: "x",
                         source: EventSource(file: "one", line: 1))
        var b = a
        b.enhancedCode = nil
        b.source = EventSource(file: "two", line: 9, messageID: "m@x")
        #expect(EventRecord(a, classifier: classifier)?.id == EventRecord(b, classifier: classifier)?.id)
        var c = a
        c.timestamp = 6
        #expect(EventRecord(a, classifier: classifier)?.id != EventRecord(c, classifier: classifier)?.id)
    }

    @Test func fieldsAreNormalizedAsBefore() throws {
        let raw = RawEvent(address: "  Bob.Smith@Example.COM\t", timestamp: 7, replyCode: 550, enhancedCode: "5.1.1",
                           diagnostic: "550 5.1.1 user unknown", providerVerdict: "ses:Permanent/General",
                           source: EventSource(file: "f.csv", line: 12, messageID: "id@x"))
        let record = try #require(EventRecord(raw, classifier: classifier))
        #expect(record.address == "Bob.Smith@example.com")
        #expect(record.addressKey == "bob.smith@example.com")
        #expect(record.source == "f.csv:12 <id@x>")
        #expect(record.diagnostic == raw.diagnostic)
        #expect(record.providerVerdict == "ses:Permanent/General")
        #expect(record.reason == "userunknown")
        #expect(EventRecord(RawEvent(address: " \t", timestamp: 1, source: EventSource(file: "f")), classifier: classifier) == nil)
    }
}
