import Testing
@testable import ListWash

@Suite struct EventBatchTests {
    let classifier = try! Classifier()

    /// Events that exercise every field: case in either part, blanks, each type, enhanced codes
    /// absent, empty and padded, a provider verdict, sources with and without a line or a Message-ID.
    let raws: [RawEvent] = [
        RawEvent(address: " Ann.Lee@Example.COM\t", timestamp: 1_759_276_800, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
                 diagnostic: "550 5.1.1 <ann.lee@example.com>: Recipient address rejected", source: EventSource(file: "a.csv", line: 2)),
        RawEvent(address: "bob@example.com", timestamp: 1_759_276_801, type: .bounce, replyCode: 452, enhancedCode: "",
                 diagnostic: "452 mailbox full", providerVerdict: "ses:Transient/MailboxFull",
                 source: EventSource(file: "b.json", messageID: "m-1@mx.example.net")),
        RawEvent(address: "CAROL@example.org", timestamp: -5, type: .complaint, source: EventSource(file: "c.eml")),
        RawEvent(address: "dave@EXAMPLE.org", timestamp: 7, type: .delivered, replyCode: 250, diagnostic: "250 ok",
                 source: EventSource(file: "d.log", line: 12_345_678, messageID: "x@y")),
        RawEvent(address: "ünïcode@exämple.com", timestamp: 8, type: .unsubscribe, source: EventSource(file: "e.csv", line: 1)),
        RawEvent(address: "no-at-sign", timestamp: 9, type: .bounce, replyCode: nil, enhancedCode: "4.4.7",
                 diagnostic: "Message expired — délai dépassé", source: EventSource(file: "f.csv", line: 3)),
    ]

    @Test func packingARawEventPacksWhatItsRecordPacks() throws {
        var fromRaw = EventBatch()
        var fromRecord = EventBatch()
        for raw in raws {
            let packed = fromRaw.append(raw, classifier: classifier)
            #expect(packed)
            fromRecord.append(EventRecord(raw, classifier: classifier)!)
        }
        #expect(fromRaw.count == raws.count)
        // The raw path leaves the ids to the storing thread: with them filled in from the packed
        // fields, the bytes are the record path's.
        #expect(fromRaw.items.allSatisfy(\.needsID) && !fromRecord.items.contains(where: \.needsID))
        #expect(fromRaw.items.map { var item = $0; item.needsID = false; return item } == fromRecord.items)
        var identified = fromRaw.bytes
        for item in fromRaw.items {
            let id = try identified.withUnsafeBytes {
                try EventBatch.identity(of: UnsafeRawBufferPointer(rebasing: $0[item.start..<(item.start + item.length)]), type: item.type)
            }
            withUnsafeBytes(of: id) { for i in 0..<16 { identified[item.start + EventBlock.idOffset + i] = $0[i] } }
        }
        #expect(identified == fromRecord.bytes)
        #expect(fromRaw.keys == fromRecord.keys)
        #expect(String(decoding: fromRaw.keys, as: UTF8.self)
            == "ann.lee@example.combob@example.comcarol@example.orgdave@example.orgünïcode@xn--exmple-cua.comno-at-sign")
        #expect(fromRaw.items.map(\.exactDiffers) == [true, false, true, false, false, false])
    }

    @Test func anEventWithoutAnAddressIsNotPacked() {
        var batch = EventBatch()
        let packed = batch.append(RawEvent(address: " \t ", timestamp: 1, source: EventSource(file: "a.csv", line: 1)), classifier: classifier)
        #expect(!packed)
        #expect(batch.isEmpty && batch.bytes.isEmpty && batch.keys.isEmpty)
    }

    @Test func aPackedEventReadsBackAsItsRecord() throws {
        var batch = EventBatch()
        for raw in raws { _ = batch.append(raw, classifier: classifier) }
        for (item, raw) in zip(batch.items, raws) {
            let record = EventRecord(raw, classifier: classifier)!
            try batch.bytes.withUnsafeBytes { bytes in
                // The block form after the slot and the length.
                let row = try HistoryStore.EventRow(UnsafeRawBufferPointer(rebasing: bytes[(item.start + 5)..<(item.start + item.length)]))
                func text(_ b: UnsafeRawBufferPointer?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }
                // The id is the storing thread's to fill in, from the packed fields.
                #expect(row.id.allSatisfy { $0 == 0 })
                let id = try EventBatch.identity(of: UnsafeRawBufferPointer(rebasing: bytes[item.start..<(item.start + item.length)]), type: item.type)
                #expect(withUnsafeBytes(of: id) { Array($0) } == record.id)
                #expect(row.timestamp == record.timestamp)
                #expect(row.replyCode.map(Int.init) == record.replyCode)
                #expect(text(row.address) == record.address)
                #expect(text(row.reason) == record.reason)
                #expect(text(row.kind) == record.kind?.rawValue)
                #expect(text(row.enhancedCode) == record.enhancedCode)
                #expect(text(row.diagnostic) == record.diagnostic)
                #expect(text(row.rule) == record.rule)
                #expect(text(row.providerVerdict) == record.providerVerdict)
                #expect(text(row.source) == raw.source.description)
            }
        }
    }
}
