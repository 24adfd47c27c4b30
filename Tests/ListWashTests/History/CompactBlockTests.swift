import Testing
@testable import ListWash

@Suite struct CompactBlockTests {
    let classifier = try! Classifier()

    /// Records that reach every branch of the encoding: null and empty strings, a reply code
    /// absent, negative and large, negative and far timestamps, a 300-byte diagnostic (a
    /// two-byte length), non-ASCII text, and sources with a line (0, large), with a line that
    /// is not canonical, without a line, with a Message-ID, with a colon in the file name.
    var records: [EventRecord] {
        let raws: [RawEvent] = [
            RawEvent(address: "Ann@Example.com", timestamp: 1_759_276_800, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
                     diagnostic: "550 5.1.1 user unknown", source: EventSource(file: "bounces.csv", line: 2)),
            RawEvent(address: "bob@example.com", timestamp: -1, type: .bounce, replyCode: 452, enhancedCode: "4.2.2",
                     diagnostic: String(repeating: "mailbox full ", count: 24), providerVerdict: "ses:Transient",
                     source: EventSource(file: "bounces.csv", line: 0)),
            RawEvent(address: "carol@exämple.org", timestamp: 0, type: .complaint, source: EventSource(file: "c.eml")),
            RawEvent(address: "dave@example.org", timestamp: 9_000_000_000, type: .delivered, replyCode: 250, diagnostic: "250 ok",
                     source: EventSource(file: "d.log", line: 12_345_678, messageID: "x@y")),
            RawEvent(address: "erin@example.org", timestamp: 5, type: .bounce, replyCode: -7, enhancedCode: "",
                     diagnostic: "", source: EventSource(file: "C:\\exports\\day:2.csv", line: 999_999_999_999)),
            RawEvent(address: "frank@example.org", timestamp: 6, type: .unsubscribe, source: EventSource(file: "bounces.csv", line: 3)),
        ]
        var records = raws.map { EventRecord($0, classifier: classifier)! }
        // Sources no importer writes, but a history may hold (the text is stored as it is).
        records[5].source = "bounces.csv:007"
        records.append(records[0])
        records[6].source = "bounces.csv:"
        records.append(records[0])
        records[7].source = ":12"
        records.append(records[0])
        records[8].source = "x:12345678901234567890"
        records.append(records[1])
        records[9].enhancedCode = nil
        records[9].providerVerdict = ""
        // Texts of one length with the same first and last eight bytes are still two entries.
        records.append(records[3])
        records[10].providerVerdict = "provider:verdict-A-same-ending"
        records.append(records[3])
        records[11].providerVerdict = "provider:verdict-B-same-ending"
        return records
    }

    /// The records as an expanded block, slot by slot.
    func expandedBlock(_ records: [EventRecord]) -> [UInt8] {
        var batch = EventBatch()
        for r in records { batch.append(r) }
        var block: [UInt8] = []
        batch.bytes.withUnsafeBytes { bytes in
            for (slot, item) in batch.items.enumerated() {
                let event = UnsafeRawBufferPointer(rebasing: bytes[(item.start + 5)..<(item.start + item.length)])
                EventBlock.append(slot: slot, event: event, to: &block)
            }
        }
        return block
    }

    /// The compact form (``CompactBlock/RowEncoder``, as blocks were written until
    /// `0010-compressed-blocks`), which every reader still takes.
    func encode(_ block: [UInt8]) throws -> [UInt8] {
        var encoder = CompactBlock.RowEncoder()
        var out: [UInt8] = []
        try block.withUnsafeBytes { try encoder.encode($0, into: &out) }
        return out
    }

    func expand(_ compact: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        try compact.withUnsafeBytes { try EventBlock.expand($0, into: &out) }
        return out
    }

    @Test func aBlockExpandsToTheSameBytes() throws {
        let block = expandedBlock(records)
        let compact = try encode(block)
        #expect(compact.first == CompactBlock.markerWithMessage)
        #expect(try expand(compact) == block)
        #expect(compact.count < block.count * 3 / 4)
        // An expanded block passes through unchanged.
        #expect(try expand(block) == block)
        // Each event reads back as its record.
        var slots: [Int] = []
        try compact.withUnsafeBytes { raw in
            try EventBlock.forEach(in: raw) { slot, event in
                let row = try HistoryStore.EventRow(event)
                let r = records[slot]
                func text(_ b: UnsafeRawBufferPointer?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }
                #expect(Array(row.id) == r.id)
                #expect(row.timestamp == r.timestamp)
                #expect(row.replyCode.map(Int.init) == r.replyCode)
                #expect(text(row.address) == r.address)
                #expect(text(row.enhancedCode) == r.enhancedCode)
                #expect(text(row.diagnostic) == r.diagnostic)
                #expect(text(row.providerVerdict) == r.providerVerdict)
                #expect(text(row.source) == r.source)
                slots.append(slot)
            }
        }
        #expect(slots == Array(records.indices))
    }

    @Test func aFullBlockOfOneFileSharesItsTexts() throws {
        let many = (0..<64).map { i in
            EventRecord(RawEvent(address: "user\(i)@example.com", timestamp: 1_759_276_800 + Int64(i), type: .bounce, replyCode: 550,
                                 enhancedCode: "5.1.1", diagnostic: "550 5.1.1 <user\(i)@example.com>: Recipient address rejected",
                                 source: EventSource(file: "bench-data/S/bounces.csv", line: 1_000_000 + i)), classifier: classifier)!
        }
        let block = expandedBlock(many)
        let compact = try encode(block)
        #expect(try expand(compact) == block)
        // The type, kind, reason, code, rule and file name are stored once for the block.
        #expect(compact.count * 100 < block.count * 55)
    }

    @Test func aSourceSplitsOnlyWhereItExpandsToTheSameText() {
        func split(_ s: String) -> String? {
            Array(s.utf8).withUnsafeBytes { raw in
                CompactBlock.splitLine(raw).map { "\(String(decoding: $0.file, as: UTF8.self))|\($0.line)" }
            }
        }
        #expect(split("a.csv:12") == "a.csv|12")
        #expect(split("a.csv:0") == "a.csv|0")
        #expect(split("a:b.csv:3") == "a:b.csv|3")
        #expect(split(":5") == "|5")
        #expect(split("a.csv:012") == nil)
        #expect(split("a.csv:") == nil)
        #expect(split("12") == nil)
        #expect(split("a.csv <m@x>") == nil)
        #expect(split("a.csv:1234567890123456789") == nil)
        #expect(split("a.csv:123456789012345678") == "a.csv|123456789012345678")
    }

    @Test func varintsAndZigzagRoundTrip() throws {
        for v: Int64 in [0, 1, -1, 63, -64, 64, 1 << 40, -(1 << 40), .max, .min] {
            #expect(Varint.unzigzag(Varint.zigzag(v)) == v)
        }
        var bytes: [UInt8] = []
        Varint.append(300, to: &bytes)
        #expect(bytes == [0xAC, 0x02])
        bytes.removeAll()
        Varint.append(.max, to: &bytes)
        #expect(bytes.count == 10 && bytes.last == 1)
    }

    @Test func aDamagedBlockIsAnErrorNotACrash() throws {
        let compact = try encode(expandedBlock(records))
        // Every truncation but the whole block fails to expand, or expands to fewer events.
        for end in 1..<compact.count {
            var out: [UInt8] = []
            do {
                try Array(compact[0..<end]).withUnsafeBytes { try EventBlock.expand($0, into: &out) }
                var count = 0
                try out.withUnsafeBytes { try EventBlock.forEachExpanded(in: $0) { _, _ in count += 1 } }
                #expect(count < records.count)
            } catch {
                #expect(error is EventBlockError)
            }
        }
        // A slot past the block's 64.
        var bad = compact
        bad[try firstEventOffset(compact)] = 64
        #expect(throws: EventBlockError.self) { try expand(bad) }
        // A marker with nothing after it.
        #expect(throws: EventBlockError.self) { try expand([CompactBlock.marker]) }
        // An event (slot 0, a zero id, time 0, no code) whose address is dictionary entry 1 of none.
        let event: [UInt8] = [0x00] + Array(repeating: 0, count: 16) + [0, 0]
        #expect(throws: EventBlockError.self) { try expand([CompactBlock.marker, 0x00] + event + [0x05]) }
        // The same event twice in slot 0: slots only go up.
        let whole = event + [0x02] + Array(repeating: 0x00, count: 8)
        #expect(try expand([CompactBlock.marker, 0x00] + whole).count == 1 + 4 + 32 + 9 * 4)  // slot, length, fixed fields, nine lengths
        #expect(throws: EventBlockError.self) { try expand([CompactBlock.marker, 0x00] + whole + whole) }
        // Ten continuation bytes are not a varint.
        #expect(throws: EventBlockError.self) { try expand([CompactBlock.marker] + Array(repeating: 0xFF, count: 11)) }
    }

    /// Where the first event starts (after the marker and the dictionary).
    func firstEventOffset(_ compact: [UInt8]) throws -> Int {
        var at = 1
        func varint() -> Int {
            var v = 0, shift = 0
            while true {
                let b = compact[at]
                at += 1
                v |= Int(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }
        let entries = varint()
        for _ in 0..<entries { at += varint() }
        return at
    }

    @Test func aStoreWritesCompressedBlocksAndRewritesThemCompressed() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let first = Array(records.prefix(6))
        #expect(try store.insert(first) == (new: 6, duplicate: 0))
        // The second load repeats two stored events: its block is written again without them.
        let new = EventRecord(RawEvent(address: "gina@example.org", timestamp: 11, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
                                       diagnostic: "550 no such user", source: EventSource(file: "later.csv", line: 4)), classifier: classifier)!
        let second = [records[0], new, records[3]]
        #expect(try store.insert(second) == (new: 1, duplicate: 2))
        let select = try store.db.prepare("SELECT block, events FROM event_blocks ORDER BY block")
        var blocks: [Int64] = []
        while try select.step() {
            blocks.append(select.int64(0))
            #expect(select.bytes(1).first == CompressedBlock.marker)
        }
        #expect(blocks == [1, 2])
        #expect(try store.storedEventNumbers() == [64, 65, 66, 67, 68, 69, 129])
        let reader = try store.eventRowReader()
        var seen: [String] = []
        for number in try store.storedEventNumbers() {
            let found = try reader.read(number) { row in
                seen.append("\(String(decoding: row.address, as: UTF8.self)) \(String(decoding: row.source, as: UTF8.self))")
            }
            #expect(found)
        }
        #expect(seen == (first + [new]).map { "\($0.address) \($0.source)" })

        // A compressed block cut short is a damaged history, not a crash or a wrong event.
        try store.db.execute("UPDATE event_blocks SET events = substr(events, 1, length(events) - 3) WHERE block = 1")
        #expect(throws: HistoryError.self) { try store.eventRowReader().read(64) { _ in } }
        #expect(throws: HistoryError.self) { try store.events(forKey: Array("ann@example.com".utf8), asOf: .max, caseSensitive: false) }
    }
}
