import Testing
@testable import ListWash

@Suite struct EvidenceFileTests {
    @Test func headersReadBackAsWritten() throws {
        var stats = BounceStats([])
        stats.count = 7
        stats.first = -86_400
        stats.last = 1_793_491_199
        let records = [
            SuppressionRecord(rule: .softBounceEscalation, reason: "networkerror", kind: "soft", firstSeen: 0, lastSeen: 259_200,
                              evidenceCount: 5, bounces: stats, evidence: []),
            SuppressionRecord(rule: nil, reason: "", kind: "", firstSeen: nil, lastSeen: nil, evidenceCount: 0,
                              bounces: BounceStats([]), evidence: []),
            SuppressionRecord(rule: .complaint, reason: "complaint", kind: "", firstSeen: 12, lastSeen: 12, evidenceCount: 1,
                              bounces: BounceStats([]), evidence: []),
        ]
        for record in records {
            var bytes: [UInt8] = []
            EvidenceFile.encodeHeader(record, into: &bytes)
            #expect(bytes.count <= EvidenceFile.maxHeader)
            #expect(try EvidenceFile.decode(bytes + [1, 2, 3]) == record)
        }
        #expect(throws: TemporaryFileError.self) { try EvidenceFile.decode([3, 4]) }
    }

    /// The evidence objects are rendered from raw column bytes: they must equal what
    /// `JSONWriter` writes for the same stored event (the audit's bytes before this file).
    @Test func eventsRenderAsJSONWriterWritesThem() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        var raws = [
            bounce("a@example.com", 1_000, 550, "5.1.1", "550 5.1.1 \"quoted\" \\ tab\tnew\nline é 漢"),
            bounce("a@example.com", 2_000, nil, nil, ""),
        ]
        raws[1].providerVerdict = "Permanent"
        raws.append(RawEvent(address: "a@example.com", timestamp: 3_000, type: .complaint, source: EventSource(file: "f.jsonl", line: 9)))
        _ = try store.insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        let stored = try store.events(forKey: Array("a@example.com".utf8), asOf: 10_000, caseSensitive: false)
        #expect(stored.count == 3)
        let reader = try store.eventRowReader()
        let numbers = try store.storedEventNumbers()
        #expect(numbers.count == 3)
        for (i, event) in stored.enumerated() {
            var rendered: [UInt8] = []
            #expect(try reader.read(numbers[i]) { EvidenceFile.renderEvent($0, into: &rendered) })
            var json = JSONWriter()
            json.beginObject()
            json.string("id", event.id.hexString)
            json.string("timestamp", Timestamp.format(event.timestamp))
            json.string("type", event.type.rawValue)
            json.int("reply_code", event.replyCode)
            json.string("enhanced_code", event.enhancedCode)
            json.string("diagnostic", event.diagnostic)
            json.string("reason", event.reason)
            json.string("kind", event.kind?.rawValue)
            json.string("classifier_rule", event.rule)
            json.string("provider_verdict", event.providerVerdict)
            json.string("source", event.source)
            json.endObject()
            #expect(String(decoding: rendered, as: UTF8.self) == String(decoding: json.bytes, as: UTF8.self))
        }
    }

    /// Evidence rows are rendered on two threads, a chunk of references each: every slot's
    /// evidence must still be its own events' objects, in the decision's order, as one thread
    /// reading row by row renders them. 6,000 addresses of two hard bounces each make three
    /// rounds of chunks, the last one partly filled.
    @Test func evidenceReadInChunksOnTwoThreadsMatchesRowByRowRendering() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        var raws: [RawEvent] = []
        for i in 0..<6_000 {
            raws.append(bounce("user\(i)@example.com", 1_000 + Int64(i), 550, "5.1.1", "550 5.1.1 <user\(i)@example.com> unknown", line: 2 * i))
            raws.append(bounce("user\(i)@example.com", 900_000 - Int64(i), 550, "5.1.1", "550 5.1.1 no such user \"\(i)\"", line: 2 * i + 1))
        }
        _ = try store.insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        let engine = PolicyEngine(policy: Policy())
        let asOf: Int64 = 1_000_000
        try store.reading {
            let builder = try EvidenceFile.Builder(directory: folder.path, memoryBudget: 1 << 16, highestEvent: try store.highestEventNumber())
            var expectedRows: [[EventReference]] = []
            _ = try store.forEachAddress(asOf: asOf, caseSensitive: false) { key, events, rows in
                let decision = try #require(engine.decide(events, asOf: asOf))
                expectedRows.append(decision.evidence.map { rows[$0] })
                try builder.add(fingerprint: Fingerprint(key), decision: decision, bounces: BounceStats(events), rows: rows)
            }
            #expect(expectedRows.count == 6_000)
            _ = try builder.verdicts(keys: nil)
            let file = try builder.finish(history: store)
            #expect(file.referenceCount == 12_000)
            let reader = try store.eventRowReader()
            for slot in [0, 1, 2_047, 2_048, 2_049, 4_095, 4_096, 5_999] {
                var expected: [UInt8] = []
                for (i, rowid) in expectedRows[slot].enumerated() {
                    if i > 0 { expected.append(UInt8(ascii: ",")) }
                    // Read without the id, which a compressed block then works out of the fields.
                    #expect(try reader.read(rowid.number) { EvidenceFile.renderEvent($0, into: &expected) })
                }
                let record = try file.record(UInt32(slot))
                #expect(record.evidenceCount == 2)
                #expect(String(decoding: record.evidence, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            }
        }
    }

    /// The audit's waiting rows go through a framed temporary file: records of any length come
    /// back whole and in order, including one larger than the 1 MiB read chunk.
    @Test func framedRecordsComeBackInOrder() throws {
        let folder = try TemporaryFolder()
        let file = try TemporaryFile(directory: folder.path)
        var records: [[UInt8]] = []
        for i in 0..<5_000 { records.append(Array("record \(i) ".utf8) + [UInt8](repeating: UInt8(i & 0xFF), count: i % 700)) }
        records.insert([], at: 17)
        records.insert([UInt8](repeating: 7, count: 3 << 20), at: 2_500)
        for record in records { try file.appendFramed(record) }
        var read: [[UInt8]] = []
        try file.forEachFramed { read.append(Array($0)) }
        #expect(read.count == records.count)
        #expect(read == records)
    }

    @Test func integersAndTimesAppendAsTheirStringsRead() {
        for value: Int64 in [0, 7, -7, 10, 550, 1_000_000, -86_400, .max, .min] {
            var bytes: [UInt8] = []
            JSONWriter.appendInt(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
        for seconds: Int64 in [0, -1, 86_399, 951_782_400, 1_793_491_199, 253_402_300_799, 253_402_300_800, -62_167_219_201] {
            var bytes: [UInt8] = []
            Timestamp.append(seconds, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == Timestamp.format(seconds))
        }
        var json = JSONWriter()
        json.beginArray()
        json.int(nil, UInt64.max)
        json.int(nil, Int?.none)
        json.int(nil, -3)
        json.endArray()
        #expect(String(decoding: json.bytes, as: UTF8.self) == "[18446744073709551615,null,-3]")
    }

    /// Evidence references come back in event-number order from buckets of a small memory
    /// budget (many buckets, each spilled to the file several times), with their own
    /// id, reference and slot; a number above the expected highest still comes out last.
    @Test func referencesComeBackFromTheirBucketsInNumberOrder() throws {
        let folder = try TemporaryFolder()
        var random = SystemRandomNumberGenerator()
        let numbers = Array(Set((0..<60_000).map { _ in Int64.random(in: 0..<500_000, using: &random) }))
        let buckets = try NumberBuckets(directory: folder.path, highest: 499_999, memoryBudget: 1 << 16)
        // An id each number can be checked against: two words of its own.
        func reference(_ number: Int64) -> EventReference {
            EventReference(number: number, idHigh: UInt64(number) &* 0x9E37_79B9_7F4A_7C15, idLow: ~UInt64(number))
        }
        for (i, number) in numbers.enumerated() {
            try buckets.append(reference(number), reference: UInt32(i), slot: UInt32(truncatingIfNeeded: number &* 7))
        }
        try buckets.append(reference(9_000_000), reference: 4_000_000, slot: 1)
        var got: [(Int64, UInt32, UInt32)] = []
        var ids: [EventReference] = []
        try buckets.forEachInOrder {
            got.append(($0.number, $1, $2))
            ids.append($0)
        }
        #expect(got.map(\.0) == numbers.sorted() + [9_000_000])
        #expect(ids == (numbers.sorted() + [9_000_000]).map(reference))
        let referenceOf = Dictionary(uniqueKeysWithValues: numbers.enumerated().map { ($0.element, UInt32($0.offset)) })
        #expect(got.dropLast().allSatisfy { referenceOf[$0.0] == $0.1 && $0.2 == UInt32(truncatingIfNeeded: $0.0 &* 7) })
    }

    /// Rendered objects are laid out from their reference buckets in reference order, whole,
    /// with a comma before each one that continues its slot, and the index says where each
    /// starts: 80,000 references (three buckets, laid out by two threads, each spilled to the
    /// file many times), appended in a shuffled order, some empty, one of 100 KB, and every
    /// eleventh slot missing (its references point where the next object starts).
    @Test func objectsAreLaidOutFromTheirBucketsInReferenceOrder() throws {
        let folder = try TemporaryFolder()
        let count = 80_000
        // Three references a slot: all but a slot's first continue it.
        var continuation = [UInt64](repeating: 0, count: count / 64 + 1)
        for r in 0..<count where r % 3 != 0 { continuation[r >> 6] |= 1 << UInt64(r & 63) }
        let buckets = try ReferenceBuckets(directory: folder.path, references: count, continuation: continuation)
        func object(_ reference: Int) -> [UInt8] {
            reference == 40_000 ? [UInt8](repeating: 0x41, count: 100_000) : Array("{\"r\":\(reference)}".utf8).dropLast(reference % 5 == 0 ? 100 : 0)
        }
        let present = { (reference: Int) in (reference / 3) % 11 != 10 }
        for reference in (0..<count).shuffled() where present(reference) {
            try object(reference).withUnsafeBytes {
                try buckets.append(reference: UInt32(reference), object: $0)
            }
        }
        let data = try TemporaryFile(directory: folder.path)
        try data.append(Array("headers".utf8))
        try data.flush()
        let index = try TemporaryFile(directory: folder.path)
        try buckets.layOut(into: data, index: index)

        var expected = Array("headers".utf8)
        var starts: [UInt64] = []
        for reference in 0..<count {
            if present(reference) {
                if reference % 3 != 0 { expected.append(UInt8(ascii: ",")) }
                starts.append(UInt64(expected.count))
                expected += object(reference)
            } else {
                starts.append(UInt64(expected.count))
            }
        }
        starts.append(UInt64(expected.count))
        #expect(data.size == Int64(expected.count))
        var got: [UInt8] = []
        try data.read(at: 0, count: expected.count + 100, into: &got)
        #expect(got == expected)
        var entries: [UInt8] = []
        try index.read(at: 0, count: (count + 2) * 8, into: &entries)
        #expect(entries.count == (count + 1) * 8)
        let decoded = entries.withUnsafeBytes { raw in
            (0..<(count + 1)).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        #expect(decoded == starts)
        // Appends after the layout go after it.
        try data.append(Array("!".utf8))
        try data.flush()
        got.removeAll()
        try data.read(at: Int64(expected.count), count: 10, into: &got)
        #expect(got == Array("!".utf8))
    }

    /// A second connection that cannot have its lock at once (another connection holds the
    /// database exclusively, as an ingest does while it writes) is given up at once, not
    /// waited for, and the evidence is then read on one thread with the same result.
    @Test func withoutASecondConnectionTheEvidenceIsReadOnOneThread() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let path = "\(folder.path)/h.sqlite"
        let store = try HistoryStore(path: path, create: true)
        let raws = (0..<300).map { bounce("u\($0 % 100)@example.com", 1_000 + Int64($0), 550, "5.1.1", "550 5.1.1 unknown \($0)") }
        _ = try store.insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        func evidence(twoThreads: Bool) throws -> [String] {
            try store.reading {
                let builder = try EvidenceFile.Builder(directory: folder.path, memoryBudget: 1 << 16, highestEvent: try store.highestEventNumber())
                let engine = PolicyEngine(policy: Policy())
                _ = try store.forEachAddress(asOf: 10_000, caseSensitive: false) { key, events, rows in
                    try builder.add(fingerprint: Fingerprint(key), decision: engine.decide(events, asOf: 10_000), bounces: BounceStats(events), rows: rows)
                }
                _ = try builder.verdicts(keys: nil)
                let file = try builder.finish(history: store, twoThreads: twoThreads)
                return try (0..<UInt32(builder.slots)).map { String(decoding: try file.record($0).evidence, as: UTF8.self) }
            }
        }
        let both = try evidence(twoThreads: true)
        #expect(both.count == 100)
        #expect(try evidence(twoThreads: false) == both)

        let writer = try SQLiteConnection(path: path, readOnly: false)
        try writer.execute("BEGIN EXCLUSIVE")
        let started = ContinuousClock.now
        #expect(store.separateEventRowReader() == nil)
        #expect(ContinuousClock.now - started < .seconds(5))
        try writer.execute("ROLLBACK")
        #expect(store.separateEventRowReader() != nil)
    }
}
