import Testing
@testable import ListWash

/// The canonical CSV's packing (fields in place, the source as the file's name and a line)
/// packs what packing the same event as a ``RawEvent`` does.
@Suite struct EventBatchSourceTests {
    let classifier = try! Classifier()

    let raws: [RawEvent] = [
        RawEvent(address: " Ann.Lee@Example.COM\t", timestamp: 1_759_276_800, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
                 diagnostic: "550 5.1.1 <ann.lee@example.com>: Recipient address rejected", source: EventSource(file: "a.csv", line: 2)),
        RawEvent(address: "bob@example.com", timestamp: -1, type: .bounce, replyCode: nil, enhancedCode: nil,
                 diagnostic: "452 \"quoted\" mailbox full\r\nsecond line", source: EventSource(file: "dir/b.csv", line: 1_234_567_890),
                 messageIdentity: "m-1@mx.example.net"),
        RawEvent(address: "CAROL@example.org", timestamp: 5, type: .complaint, source: EventSource(file: "c.csv", line: 3)),
        RawEvent(address: "ünïcode@exämple.com", timestamp: 8, type: .bounce, replyCode: 451, enhancedCode: "4.4.7",
                 diagnostic: "délai dépassé pour <ünïcode@exämple.com>", source: EventSource(file: "é.csv", line: 10)),
        RawEvent(address: "dave@example.org", timestamp: 9, type: .delivered, replyCode: 250, diagnostic: "",
                 source: EventSource(file: "", line: 0)),
    ]

    @Test func fieldsWithAFileAndALinePackAsTheRawEvent() throws {
        var fromRaw = EventBatch()
        var fromFields = EventBatch()
        for raw in raws {
            let rawPacked = fromRaw.append(raw, classifier: classifier)
            #expect(rawPacked)
            var address = raw.address, diagnostic = raw.diagnostic, enhanced = raw.enhancedCode ?? "", message = raw.messageIdentity ?? ""
            var file = raw.source.file
            let packed = address.withUTF8 { address in
                diagnostic.withUTF8 { diagnostic in
                    enhanced.withUTF8 { enhanced in
                        message.withUTF8 { message in
                            file.withUTF8 { file in
                                fromFields.append(
                                    address: address, timestamp: raw.timestamp, type: raw.type, replyCode: raw.replyCode,
                                    enhancedCode: enhanced, diagnostic: diagnostic, providerVerdict: nil, message: message,
                                    classifier: classifier, source: EventBatch.Source(text: file, line: raw.source.line))
                            }
                        }
                    }
                }
            }
            #expect(packed)
        }
        #expect(fromFields.bytes == fromRaw.bytes)
        #expect(fromFields.keys == fromRaw.keys)
        #expect(fromFields.items == fromRaw.items)
        // The source reads back as the event's own.
        for (index, raw) in raws.enumerated() {
            #expect(fromFields.record(index)?.source == raw.source.description)
        }
    }

    @Test func batchesKeepGrowingPastWhatTheyReserved() throws {
        var batch = EventBatch(reservingEvents: 1)
        var expected = EventBatch()
        for k in 0..<500 {
            let raw = RawEvent(address: "user\(k)@example.com", timestamp: Int64(k), type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
                               diagnostic: String(repeating: "x", count: k), source: EventSource(file: "f.csv", line: k + 2))
            let packed = batch.append(raw, classifier: classifier)
            #expect(packed)
            expected.append(EventRecord(raw, classifier: classifier)!)
        }
        #expect(batch.count == 500)
        for index in [0, 1, 250, 499] { #expect(batch.record(index) == expected.record(index)) }
    }
}
