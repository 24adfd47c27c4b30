import Testing
@testable import ListWash

/// The storing thread's encoder against the general path any faster one must match: a block's
/// payload written with plain appends, one field at a time, as ``CompressedBlock`` documents
/// it, on many random and edge events; and the entry buffer on keys of every length.
@Suite struct StoringFastPathTests {
    let classifier = try! Classifier()

    // MARK: the compressed block's encoder

    /// Where `needle` first occurs in `haystack` (nil when empty or absent), one place at a time.
    static func naiveFind(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard needle.count > 0, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        for at in 0...(haystack.count - needle.count) where haystack[at] == first {
            var i = 1
            while i < needle.count, haystack[at + i] == needle[i] { i += 1 }
            if i == needle.count { return at }
        }
        return nil
    }

    /// A block's payload as ``CompressedBlock`` documents it, one field at a time with plain
    /// appends. `derived`: every id is taken as its fields' identity.
    static func referencePayload(_ block: [UInt8], derived: Bool) throws -> [UInt8] {
        var strings = CompactBlock.Strings()
        var heads: [UInt8] = [], ids: [UInt8] = [], ints: [UInt8] = []
        var addresses: [UInt8] = [], diagnostics: [UInt8] = [], literals: [UInt8] = []
        var count = 0
        var previousTime: Int64 = 0, previousLine: Int64 = 0
        func tag(_ bytes: UnsafeRawBufferPointer?) -> UInt64 {
            guard let bytes else { return 0 }
            return UInt64(strings.index(of: bytes)) << 2 | 1
        }
        try block.withUnsafeBytes { raw in
            try EventBlock.forEachExpanded(in: raw) { slot, event in
                let row = try HistoryStore.EventRow(event)
                count += 1
                var flags: UInt8 = 0
                if !derived, !CompressedBlock.idIsDerived(row) {
                    flags |= CompressedBlock.idStored
                    ids += Array(row.id)
                }
                Varint.append(Varint.zigzag(row.timestamp &- previousTime), to: &ints)
                previousTime = row.timestamp
                if let code = row.replyCode {
                    flags |= CompressedBlock.hasReply
                    Varint.append(Varint.zigzag(code), to: &ints)
                }
                for field in [row.type, row.kind, row.reason, row.enhancedCode, row.rule, row.providerVerdict] as [UnsafeRawBufferPointer?] {
                    Varint.append(tag(field), to: &ints)
                }
                if let (file, line) = CompactBlock.splitLine(row.source) {
                    Varint.append(UInt64(strings.index(of: file)) << 2 | 3, to: &ints)
                    Varint.append(Varint.zigzag(Int64(bitPattern: line) &- previousLine), to: &ints)
                    previousLine = Int64(bitPattern: line)
                } else {
                    Varint.append(tag(row.source), to: &ints)
                }
                Varint.append(UInt64(row.address.count), to: &addresses)
                addresses += Array(row.address)
                if let cut = naiveFind(row.address, in: row.diagnostic) {
                    flags |= CompressedBlock.addressCut
                    Varint.append(UInt64(cut), to: &ints)
                    Varint.append(UInt64(row.diagnostic.count - row.address.count), to: &diagnostics)
                    diagnostics += Array(row.diagnostic[..<cut])
                    diagnostics += Array(row.diagnostic[(cut + row.address.count)...])
                } else {
                    Varint.append(UInt64(row.diagnostic.count), to: &diagnostics)
                    diagnostics += Array(row.diagnostic)
                }
                if let message = row.message {
                    flags |= CompressedBlock.hasMessage
                    Varint.append(UInt64(message.count), to: &literals)
                    literals += Array(message)
                }
                heads += [UInt8(slot), flags]
            }
        }
        var payload: [UInt8] = []
        Varint.append(UInt64(count), to: &payload)
        strings.write(to: &payload)
        for stream in [ints, addresses, diagnostics, literals] { Varint.append(UInt64(stream.count), to: &payload) }
        payload += heads + ids + ints + addresses + diagnostics + literals
        return payload
    }

    /// Random events with every branch of the layout: addresses inside their diagnostics (at the
    /// start, the end, twice, in another case, not at all), sources with and without a
    /// canonical `:line`, absent and empty optional fields, strings long enough for multi-byte
    /// lengths, times and lines that go back, ids that are not their fields' identity.
    func randomRecords(_ n: Int, using random: inout SplitMix) -> [EventRecord] {
        let types: [EventType] = [.bounce, .bounce, .bounce, .complaint, .delivered, .unsubscribe, .allow]
        let diagnostics = ["", "550 5.1.1 <ADDR> user unknown", "ADDR", "mailbox full for ADDR", "ADDR and ADDR again",
                           "552 quota exceeded", "421 try again later", "550 rejected <addr-not-here@example.net>"]
        let sources = ["bounces.csv:007", "bounces.csv:", ":12", "x:12345678901234567890", "x:123456789012345678",
                       "plain", "", "a:b:9", "C:\\exports\\day:2.csv:0"]
        var records: [EventRecord] = []
        while records.count < n {
            let local = ["ann", "Bob.Smith", "carol+tag", "d", String(repeating: "long", count: Int.random(in: 1..<80, using: &random))]
                .randomElement(using: &random)!
            let domain = ["example.com", "Example.ORG", "exämple.de", "x.io"].randomElement(using: &random)!
            let address = "\(local)\(Int.random(in: 0..<50, using: &random))@\(domain)"
            var diagnostic = diagnostics.randomElement(using: &random)!.replacingOccurrences(of: "ADDR", with: address)
            if Int.random(in: 0..<10, using: &random) == 0 { diagnostic = diagnostic.uppercased() }
            if Int.random(in: 0..<40, using: &random) == 0 {
                diagnostic += String(repeating: "z", count: Int.random(in: 100..<17_000, using: &random)) + address
            }
            let line: Int? = Int.random(in: 0..<4, using: &random) == 0 ? nil
                : [0, 1, 9, 10, 127, 128, 99_999, Int(Int32.max)].randomElement(using: &random)! + Int.random(in: 0..<3, using: &random)
            let raw = RawEvent(address: address, timestamp: Int64.random(in: -5_000_000_000...9_000_000_000, using: &random),
                               type: types.randomElement(using: &random)!,
                               replyCode: [nil, 250, 421, 550, -7, 1 << 40].randomElement(using: &random)!,
                               enhancedCode: [nil, "", "5.1.1", "4.2.2"].randomElement(using: &random)!,
                               diagnostic: diagnostic,
                               providerVerdict: [nil, "", "ses:Permanent", String(repeating: "v", count: 300)].randomElement(using: &random)!,
                               source: EventSource(file: ["bounces.csv", "day.csv", "c.eml"].randomElement(using: &random)!, line: line))
            guard var record = EventRecord(raw, classifier: classifier) else { continue }
            switch Int.random(in: 0..<12, using: &random) {
            case 0: record.source = sources.randomElement(using: &random)!
            case 1: record.messageIdentity = "msg-\(Int.random(in: 0..<5, using: &random))@example.net"
            case 2: record.messageIdentity = String(repeating: "m", count: Int.random(in: 120..<400, using: &random))
            case 3: record.diagnostic += " changed after its id"  // the id is no longer its fields' identity
            case 4: record.id = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
            default: break
            }
            records.append(record)
        }
        return records
    }

    /// The records as an expanded block at increasing random slots (gaps included).
    func block(_ records: [EventRecord], using random: inout SplitMix) -> [UInt8] {
        precondition(records.count <= EventBlock.capacity)
        var slots = Array(0..<EventBlock.capacity).shuffled(using: &random).prefix(records.count).sorted()
        if records.count == EventBlock.capacity { slots = Array(0..<EventBlock.capacity) }
        let contiguous = CompactBlockTests().expandedBlock(records)
        var block: [UInt8] = []
        var i = 0
        try! contiguous.withUnsafeBytes { raw in
            try EventBlock.forEachExpanded(in: raw) { _, event in
                EventBlock.append(slot: slots[i], event: event, to: &block)
                i += 1
            }
        }
        return block
    }

    @Test func theEncodersPayloadIsTheDocumentedLayoutOnRandomBlocks() throws {
        var random = SplitMix(state: 77)
        // One encoder for every block, as a writer reuses it.
        var encoder = CompressedBlock.Encoder()
        for round in 0..<30 {
            let n = [1, 2, 63, 64, Int.random(in: 1...EventBlock.capacity, using: &random)][round % 5]
            let block = block(randomRecords(n, using: &random), using: &random)
            for derived in [false, true] {
                let want = try Self.referencePayload(block, derived: derived)
                encoder.begin()
                try block.withUnsafeBytes { raw in
                    try EventBlock.forEachExpanded(in: raw) { slot, event in
                        encoder.add(slot: slot, row: try HistoryStore.EventRow(event), derived: derived)
                    }
                }
                encoder.assemble()
                #expect(encoder.payload == want)
            }
            // Stored and read back, every event is as it was.
            var stored: [UInt8] = []
            try block.withUnsafeBytes { try encoder.encode($0, into: &stored) }
            var expanded: [UInt8] = []
            try stored.withUnsafeBytes { try EventBlock.expand($0, into: &expanded) }
            #expect(expanded == block)
        }
    }

    // MARK: the entry buffer

    @Test func entriesOfEmptyShortAndLongKeysReadBackAsAppended() {
        var random = SplitMix(state: 5)
        var buffer = EntryBuffer()
        var added: [([UInt8], AddressEntry)] = []
        // Empty keys, keys past 255 bytes, and a buffer grown from nothing (no reservation).
        for i in 0..<20_000 {
            let length = [0, 1, 7, 8, 9, 31, 300].randomElement(using: &random)!
            let key = (0..<length).map { _ in UInt8.random(in: 0...3, using: &random) }
            let e = AddressEntry(timestamp: Int64.random(in: Int64.min...Int64.max, using: &random),
                                 idHigh: UInt64.random(in: 0...UInt64.max, using: &random), idLow: UInt64.random(in: 0...UInt64.max, using: &random),
                                 event: Int64(i), flags: UInt8.random(in: 0...255, using: &random), reason: UInt8.random(in: 0...255, using: &random),
                                 message: UInt32.random(in: 0...UInt32.max, using: &random))
            added.append((key, e))
            key.withUnsafeBytes { buffer.append(key: $0, entry: e) }
        }
        let reference = EntryBufferTests()
        let got = reference.groups(&buffer)
        let want = reference.expected(added)
        #expect(got.map(\.0) == want.map(\.0))
        #expect(got.map(\.1) == want.map(\.1))
    }
}
