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

    /// The JSON object `JSONWriter` writes for a stored event: the audit's bytes for it before
    /// the evidence was kept in binary.
    static func json(_ event: EventRecord) -> [UInt8] {
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
        if let message = event.messageIdentity { json.string("message_id", message) }
        json.endObject()
        return json.bytes
    }

    /// The same, from a row as the history's reader lends it.
    static func json(_ row: HistoryStore.EventRow) -> [UInt8] {
        func text(_ bytes: UnsafeRawBufferPointer?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
        var json = JSONWriter()
        json.beginObject()
        json.string("id", Array(row.id).hexString)
        json.string("timestamp", Timestamp.format(row.timestamp))
        json.string("type", text(row.type))
        json.int("reply_code", row.replyCode)
        json.string("enhanced_code", text(row.enhancedCode))
        json.string("diagnostic", text(row.diagnostic))
        json.string("reason", text(row.reason))
        json.string("kind", text(row.kind))
        json.string("classifier_rule", text(row.rule))
        json.string("provider_verdict", text(row.providerVerdict))
        json.string("source", text(row.source))
        if let message = row.message { json.string("message_id", text(message)) }
        json.endObject()
        return json.bytes
    }

    /// A slot's evidence as the audit shows it.
    static func evidence(_ file: EvidenceFile, _ slot: Int) throws -> String {
        var out: [UInt8] = []
        let record = try file.record(UInt32(slot))
        try file.appendEvidence(of: record, to: &out)
        // The audit renders into a sink (grown from its smallest size here): the same bytes.
        var sink = ByteSink(capacity: 0)
        try file.appendEvidence(of: record, to: &sink)
        #expect(sink.takeArray() == out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The evidence object of a row read from the history, as the audit renders it: the row's
    /// record, its recurring texts named by their entry in `strings` (the first table), and
    /// the JSON rendered from it.
    static func rendered(_ row: HistoryStore.EventRow, strings: EvidenceStrings) throws -> (record: [UInt8], json: [UInt8]) {
        var record: [UInt8] = []
        EvidenceEvent.append(row, strings: strings, table: 0, to: &record)
        var json: [UInt8] = []
        var at = 0
        try #require(record.withUnsafeBytes { EvidenceEvent.render($0, at: &at, tables: (strings, EvidenceStrings()), into: &json) })
        #expect(at == record.count)
        // The same record in the second table renders the same.
        var second = record
        second[0] |= 2
        var again: [UInt8] = []
        at = 0
        try #require(second.withUnsafeBytes { EvidenceEvent.render($0, at: &at, tables: (EvidenceStrings(), strings), into: &again) })
        #expect(again == json)
        // Into the audit's sink: the same bytes.
        var sink = ByteSink(capacity: 0)
        at = 0
        try #require(record.withUnsafeBytes { EvidenceEvent.render($0, at: &at, tables: (strings, EvidenceStrings()), into: &sink) })
        #expect(sink.takeArray() == json)
        return (record, json)
    }

    /// Every kind of stored event (each type, the operator's two, bounces of each kind, with and
    /// without a reply code, enhanced code, provider verdict and message identity, texts that
    /// need escaping, diagnostics quoting the address once, twice or in another case, texts
    /// ending in a number after a colon or in what only looks like one) renders from its binary record exactly as `JSONWriter` writes it, in
    /// a record a fraction of the JSON's size.
    @Test func everyKindOfEventRendersFromItsRecordAsJSONWriterWritesIt() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let address = "a@example.com"
        var raws = [
            bounce(address, 1_000, 550, "5.1.1", "550 5.1.1 \"quoted\" \\ tab\tnew\nline é 漢 \u{7F}\u{01}"),
            bounce(address, 2_000, nil, nil, ""),
            bounce(address, 3_000, 452, "4.2.2", "452 4.2.2 mailbox full"),
            bounce(address, 4_000, 421, "4.7.0", "421 4.7.0 try again later"),
            bounce(address, 5_000, 550, "5.7.1", "550 5.7.1 message rejected as spam"),
            bounce(address, -86_400, 550, "5.1.1", "550 5.1.1 unknown"),
            RawEvent(address: address, timestamp: 6_000, type: .complaint, source: EventSource(file: "f.jsonl", line: 9)),
            RawEvent(address: address, timestamp: 7_000, type: .unsubscribe, source: EventSource(file: "f.jsonl", line: 10)),
            RawEvent(address: address, timestamp: 8_000, type: .delivered, replyCode: 250, source: EventSource(file: "f.jsonl", line: 11)),
            RawEvent(address: address, timestamp: 9_000, type: .allow, diagnostic: "ticket 7", source: EventSource(file: "listwash allow")),
            RawEvent(address: address, timestamp: 10_000, type: .suppress, diagnostic: "asked by phone", source: EventSource(file: "listwash suppress")),
            bounce(address, 11_000, 550, "5.1.1", "550 5.1.1 \"quoted\" \\ tab\tnew\nline é 漢 \u{7F}\u{01}", line: 2),
            bounce(address, 12_000, 550, "5.1.1", "550 5.1.1 <a@example.com>: unknown user", line: 3),
            bounce(address, 13_000, 550, "5.1.1", "550 <a@example.com> no; <a@example.com> unknown", line: 4),
            bounce(address, 14_000, 550, "5.1.1", "a@example.com", line: 5),
            bounce(address, 15_000, 550, "5.1.1", "550 <A@Example.com> unknown: 0", line: 6),
            bounce(address, 16_000, 550, "5.1.1", "550 unknown:0", line: 7),
            bounce(address, 17_000, 550, "5.1.1", "550 unknown:007", line: 8),
            bounce(address, 18_000, 550, "5.1.1", "550 unknown:1234567890123456789", line: 9),
            bounce(address, 19_000, 550, "5.1.1", "550 unknown:123456789012345678", line: 10),
            bounce(address, 20_000, 550, "5.1.1", ":5", line: 11),
            bounce(address, 21_000, 550, "5.1.1", "550 unknown:", line: 12),
            bounce(address, 22_000, 452, "4.2.2", "452 4.2.2 mailbox full", line: 1),
        ]
        raws[1].providerVerdict = "Permanent"
        raws[5].messageIdentity = "msg-1@example.net"
        raws[3].messageIdentity = ""
        raws[4].messageIdentity = "queue:12"
        raws[12].source = EventSource(file: "a:b.csv", line: 0)
        raws[13].source = EventSource(file: "b.csv", line: 1_234_567_890)
        let records = raws.compactMap { EventRecord($0, classifier: classifier) }
        #expect(records.count == raws.count)
        _ = try store.insert(records)
        let stored = try store.events(forKey: Array(address.utf8), asOf: 100_000, caseSensitive: false)
        #expect(stored.count == raws.count)
        #expect(Set(stored.map(\.type)) == Set(EventType.allCases))
        #expect(Set(stored.compactMap(\.kind)).count >= 2)
        let reader = try store.eventRowReader()
        let numbers = try store.storedEventNumbers()
        #expect(numbers.count == raws.count)
        let strings = EvidenceStrings()
        var sizes: [Int: Int] = [:]
        for number in numbers {
            var result: (record: [UInt8], json: [UInt8])?
            #expect(try reader.read(number) { result = try Self.rendered($0, strings: strings) })
            let got = try #require(result)
            let event = try #require(stored.first { got.json.starts(with: Array("{\"id\":\"\($0.id.hexString)\"".utf8)) })
            #expect(String(decoding: got.json, as: UTF8.self) == String(decoding: Self.json(event), as: UTF8.self))
            #expect(got.record.count < got.json.count / 2)
            if event.timestamp == 3_000 || event.timestamp == 22_000 { sizes[event.timestamp == 3_000 ? 1 : 2] = got.record.count }
            // The words around the quoted address and the source's file are named by their entry;
            // the address and the line stay in the record.
            let record = String(decoding: got.record, as: UTF8.self)
            #expect(!record.contains("test.csv"))
            if event.timestamp == 12_000 {
                #expect(record.contains("a@example.com"))
                #expect(!record.contains("unknown"))
            }
        }
        // The diagnostic both events share, their type, reason and the rest are named by their
        // entry, each text held once in the table.
        #expect(try #require(sizes[1]) < 40)
        #expect(try #require(sizes[2]) < 40)
        #expect(strings.count < raws.count * EvidenceEvent.texts / 2)
    }

    /// A record that does not read back whole, or names a text the table does not hold, is
    /// refused by the renderer and by the evidence file (a ``TemporaryFileError``): every
    /// truncation and every single changed byte of a slot's records either renders whole
    /// records or is refused, never a crash.
    @Test func damagedRecordsAreRefusedNeverACrash() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        var raws = [bounce("a@example.com", 1_000, 550, "5.1.1", "550 5.1.1 unknown"),
                    bounce("a@example.com", 2_000, nil, nil, "no code")]
        raws[1].messageIdentity = "m@example.net"
        _ = try store.insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        let reader = try store.eventRowReader()
        let strings = EvidenceStrings()
        var bytes: [UInt8] = []
        var expected: [UInt8] = []
        for (i, number) in try store.storedEventNumbers().enumerated() {
            #expect(try reader.read(number) {
                let got = try Self.rendered($0, strings: strings)
                bytes += got.record
                if i > 0 { expected.append(UInt8(ascii: ",")) }
                expected += got.json
            })
        }
        let file = try EvidenceFile(data: try TemporaryFile(directory: folder.path), slotTable: try TemporaryFile(directory: folder.path),
                                tables: (strings, EvidenceStrings()), referenceCount: 2)
        func record(_ evidence: [UInt8], count: Int = 2) -> SuppressionRecord {
            SuppressionRecord(rule: .hardBounce, reason: "userunknown", kind: "hard", firstSeen: 1_000, lastSeen: 2_000,
                              evidenceCount: count, bounces: BounceStats([]), evidence: evidence)
        }
        var out: [UInt8] = []
        try file.appendEvidence(of: record(bytes), to: &out)
        #expect(out == expected)
        // Fewer or more events than the record counts.
        #expect(throws: TemporaryFileError.self) { var o: [UInt8] = []; try file.appendEvidence(of: record(bytes, count: 1), to: &o) }
        #expect(throws: TemporaryFileError.self) { var o: [UInt8] = []; try file.appendEvidence(of: record(bytes, count: 3), to: &o) }
        #expect(throws: TemporaryFileError.self) { var o: [UInt8] = []; try file.appendEvidence(of: record([], count: 1), to: &o) }
        for cut in 0..<bytes.count {
            #expect(throws: TemporaryFileError.self) { var o: [UInt8] = []; try file.appendEvidence(of: record(Array(bytes[..<cut])), to: &o) }
        }
        // A text entry the table does not hold (no flags, no id, time 0, the type's tag past the
        // table, the other texts none), and a time no history holds.
        #expect(strings.count < 100)
        let past: [UInt8] = [0, 0, 0, UInt8(strings.count + 4)] + [UInt8](repeating: 0, count: 8)
        let held: [UInt8] = [0, 0, 0, UInt8(strings.count + 3)] + [UInt8](repeating: 0, count: 8)
        var at = 0
        var o: [UInt8] = []
        #expect(held.withUnsafeBytes { EvidenceEvent.render($0, at: &at, tables: (strings, EvidenceStrings()), into: &o) })
        // The same entry in the second table, which is empty.
        #expect(throws: TemporaryFileError.self) { var o: [UInt8] = []; try file.appendEvidence(of: record([2] + held.dropFirst(), count: 1), to: &o) }
        #expect(throws: TemporaryFileError.self) { var o: [UInt8] = []; try file.appendEvidence(of: record(past, count: 1), to: &o) }
        let farOff: [UInt8] = [0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01] + [UInt8](repeating: 0, count: 9)
        #expect(throws: TemporaryFileError.self) { var o: [UInt8] = []; try file.appendEvidence(of: record(farOff, count: 1), to: &o) }
        var refused = 0
        for position in bytes.indices {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF, bytes[position] ^ 0x20] where value != bytes[position] {
                var unknown = bytes
                unknown[position] = value
                var o: [UInt8] = []
                do {
                    try file.appendEvidence(of: record(unknown), to: &o)
                    // Read back whole: two objects (a changed id, time or entry renders other values).
                    #expect(o.first == UInt8(ascii: "{") && o.last == UInt8(ascii: "}"))
                } catch is TemporaryFileError {
                    refused += 1
                }
            }
        }
        #expect(refused > bytes.count)
    }

    /// A slot's record is one range of the data file (its header, then its evidence), found
    /// through the slot table: records read back whole, and a slot table whose entries are
    /// reversed, run past the data or are missing is a ``TemporaryFileError``, never a read
    /// elsewhere or a wrong record.
    @Test func slotsReadBackThroughTheSlotTable() throws {
        let folder = try TemporaryFolder()
        var stats = BounceStats([])
        stats.count = 2
        stats.first = 10
        stats.last = 20
        let records = [
            SuppressionRecord(rule: .hardBounce, reason: "userunknown", kind: "hard", firstSeen: 10, lastSeen: 20,
                              evidenceCount: 2, bounces: stats, evidence: [1, 2, 3, 4, 5]),
            SuppressionRecord(rule: nil, reason: "", kind: "", firstSeen: nil, lastSeen: nil, evidenceCount: 0,
                              bounces: BounceStats([]), evidence: []),
            SuppressionRecord(rule: .softBounceEscalation, reason: "mailboxfull", kind: "soft", firstSeen: 5, lastSeen: 6,
                              evidenceCount: 1, bounces: stats, evidence: [9]),
        ]
        func file(starts: [Int64]) throws -> EvidenceFile {
            let data = try TemporaryFile(directory: folder.path)
            for record in records {
                var bytes: [UInt8] = []
                EvidenceFile.encodeHeader(record, into: &bytes)
                try data.append(bytes + record.evidence)
            }
            try data.flush()
            let table = try TemporaryFile(directory: folder.path)
            var entries: [UInt8] = []
            for start in starts { entries.append(littleEndian: start) }
            try table.append(entries)
            try table.flush()
            return try EvidenceFile(data: data, slotTable: table, tables: (EvidenceStrings(), EvidenceStrings()), referenceCount: 3)
        }
        var starts: [Int64] = [0]
        for record in records {
            var bytes: [UInt8] = []
            EvidenceFile.encodeHeader(record, into: &bytes)
            starts.append(starts.last! + Int64(bytes.count + record.evidence.count))
        }
        let whole = try file(starts: starts)
        for (slot, record) in records.enumerated() { #expect(try whole.record(UInt32(slot)) == record) }
        #expect(throws: TemporaryFileError.self) { try whole.record(3) }
        // The second slot's range reversed, the last one past the data's end, the table cut short.
        #expect(throws: TemporaryFileError.self) { try file(starts: [starts[0], starts[2], starts[1], starts[3]]).record(1) }
        #expect(throws: TemporaryFileError.self) { try file(starts: Array(starts.dropLast()) + [starts[3] + 1]).record(2) }
        #expect(throws: TemporaryFileError.self) { try file(starts: Array(starts.dropLast())).record(2) }
        // A range that holds less than its header.
        #expect(throws: TemporaryFileError.self) { try file(starts: [0, 3, starts[2], starts[3]]).record(0) }
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
                    #expect(try reader.read(rowid.number) { expected += Self.json($0) })
                }
                let record = try file.record(UInt32(slot))
                #expect(record.evidenceCount == 2)
                #expect(try Self.evidence(file, slot) == String(decoding: expected, as: UTF8.self))
            }
        }
    }

    /// One address with 40,000 evidence events (its references span two reference buckets and
    /// start inside the first), between addresses of one event each: every slot's evidence
    /// renders as its events' objects in the decision's order, some diagnostics named by their
    /// entry, the rest in place.
    @Test func anAddressWithManyEvidenceEventsRendersThemAllInOrder() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        var raws: [RawEvent] = []
        for i in 0..<10 { raws.append(bounce("before\(i)@example.com", 500 + Int64(i), 550, "5.1.1", "550 5.1.1 unknown", line: i)) }
        for i in 0..<40_000 {
            let text = i % 3 == 0 ? "452 4.2.2 <many@example.com> over quota \(i)" : "452 4.2.2 over quota, try \(i % 50)"
            var raw = bounce("many@example.com", 1_000 + Int64(i), i % 7 == 0 ? nil : 452, "4.2.2", text, line: 100 + i)
            if i % 5 == 0 { raw.messageIdentity = "m\(i)@example.net" }
            raws.append(raw)
        }
        for i in 0..<10 { raws.append(bounce("zafter\(i)@example.com", 900_000 + Int64(i), 550, "5.1.1", "550 5.1.1 unknown", line: 50_000 + i)) }
        _ = try store.insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        let asOf: Int64 = 1_000_000
        try store.reading {
            let builder = try EvidenceFile.Builder(directory: folder.path, memoryBudget: 1 << 16, highestEvent: try store.highestEventNumber())
            var expectedRows: [[EventReference]] = []
            _ = try store.forEachAddress(asOf: asOf, caseSensitive: false) { key, events, rows in
                // Every event is evidence, newest first for the large one (the decision's order, not the events').
                let order = rows.count > 1 ? Array(rows.indices.reversed()) : Array(rows.indices)
                let decision = Decision(rule: .softBounceEscalation, reason: "mailboxfull", kind: "soft", evidence: order,
                                        firstSeen: events.first?.timestamp, lastSeen: events.last?.timestamp, bounces: nil)
                expectedRows.append(order.map { rows[$0] })
                try builder.add(fingerprint: Fingerprint(key), decision: decision, bounces: BounceStats(events), rows: rows)
            }
            #expect(expectedRows.count == 21)
            #expect(expectedRows.contains { $0.count == 40_000 })
            _ = try builder.verdicts(keys: nil)
            let file = try builder.finish(history: store)
            #expect(file.referenceCount == 40_020)
            let reader = try store.eventRowReader()
            for (slot, rows) in expectedRows.enumerated() {
                // The reader reads forward: the rows in number order, then put in the decision's order.
                var objects: [Int64: [UInt8]] = [:]
                for row in rows.sorted(by: { $0.number < $1.number }) {
                    #expect(try reader.read(row.number) { objects[row.number] = Self.json($0) })
                }
                let expected = rows.map { String(decoding: objects[$0.number]!, as: UTF8.self) }.joined(separator: ",")
                #expect(try file.record(UInt32(slot)).evidenceCount == rows.count)
                #expect(try Self.evidence(file, slot) == expected)
            }
        }
    }

    /// The text table stays within its bounds: once full, a new text is not taken (it stays in
    /// its record) while the texts it holds are still found; texts that may fill only part of
    /// it stop at that part, and a text longer than the longest it takes is never taken.
    @Test func theTextTableStaysWithinItsBounds() throws {
        let strings = EvidenceStrings()
        func number(_ text: String, partial: Bool = false) -> Int? {
            Array(text.utf8).withUnsafeBytes { strings.number(of: $0, partial: partial) }
        }
        #expect(number("hard") == 0)
        #expect(number("") == 1)
        #expect(number("hard") == 0)
        #expect(number(String(repeating: "x", count: EvidenceStrings.maxLength + 1)) == nil)
        var taken = 0
        var i = 0
        while number("diagnostic \(i) " + String(repeating: "d", count: 400), partial: true) != nil {
            taken += 1
            i += 1
        }
        #expect(taken > 1_000)
        #expect(taken * 400 <= EvidenceStrings.partialBytes)
        // The small vocabularies still find room, and what was taken is still found.
        let soft = number("soft")
        #expect(soft == strings.count - 1)
        #expect(number("soft") == soft)
        #expect(number("diagnostic 7 " + String(repeating: "d", count: 400), partial: true) == 9)
        var more = 0
        while more < EvidenceStrings.maxEntries, number("reason \(more)") != nil { more += 1 }
        #expect(strings.count <= EvidenceStrings.maxEntries)
        #expect(number("reason new") == nil)
        #expect(number("hard") == 0)
        var out: [UInt8] = []
        #expect(strings.appendEscaped(0, to: &out))
        #expect(out == Array("hard".utf8))
        #expect(!strings.appendEscaped(strings.count, to: &out))
        // Kept escaped, as inside a JSON string literal.
        let fresh = EvidenceStrings()
        var escaped: [UInt8] = []
        for (i, text) in ["say \"hi\"\n", "plain", "a\\b\u{7F}"].enumerated() {
            #expect(Array(text.utf8).withUnsafeBytes { fresh.number(of: $0, partial: false) } == i)
            #expect(fresh.appendEscaped(i, to: &escaped))
        }
        #expect(String(decoding: escaped, as: UTF8.self) == "say \\\"hi\\\"\\nplaina\\\\b\\u007f")
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

    /// A bucket whose numbers are not unique (which no history gives) is still read in number
    /// order, every record once, the repeated number's records in the order appended; the
    /// buckets around it take their numbers' places as usual.
    @Test func aRepeatedNumberIsStillReadInOrder() throws {
        let folder = try TemporaryFolder()
        let buckets = try NumberBuckets(directory: folder.path, highest: 9_999, memoryBudget: 1 << 16)
        let numbers: [Int64] = [9_000, 5, 3_000, 5, 2, 7_000, 4, 9_999]
        for (i, number) in numbers.enumerated() {
            try buckets.append(EventReference(number: number, idHigh: 0, idLow: UInt64(i)), reference: UInt32(i), slot: 0)
        }
        var got: [(Int64, UInt32)] = []
        try buckets.forEachInOrder { event, reference, _ in got.append((event.number, reference)) }
        #expect(got.map(\.0) == [2, 4, 5, 5, 3_000, 7_000, 9_000, 9_999])
        #expect(got.map(\.1) == [4, 6, 1, 3, 2, 5, 0, 7])
    }

    /// A reference filed twice is a damaged bucket: laying it out is an internal error, not a
    /// file with a record twice.
    @Test func aReferenceFiledTwiceIsReported() throws {
        let folder = try TemporaryFolder()
        let buckets = try ReferenceBuckets(directory: folder.path, references: 10)
        for reference: UInt32 in [3, 1, 3, 0] {
            try [UInt8](repeating: 0x61, count: 3).withUnsafeBytes { try buckets.append(reference: reference, record: $0) }
        }
        let data = try TemporaryFile(directory: folder.path)
        let index = try TemporaryFile(directory: folder.path)
        #expect(throws: TemporaryFileError.self) { try buckets.layOut(into: data, index: index) }
    }

    /// Records are laid out from their reference buckets in reference order, whole, and the
    /// index says where each starts: 80,000 references (three buckets, laid out by two threads, each spilled to the
    /// file many times), appended in a shuffled order, some empty, one of 100 KB, and every
    /// eleventh slot missing (its references point where the next object starts).
    @Test func objectsAreLaidOutFromTheirBucketsInReferenceOrder() throws {
        let folder = try TemporaryFolder()
        let count = 80_000
        let buckets = try ReferenceBuckets(directory: folder.path, references: count)
        func object(_ reference: Int) -> [UInt8] {
            reference == 40_000 ? [UInt8](repeating: 0x41, count: 100_000) : Array("{\"r\":\(reference)}".utf8).dropLast(reference % 5 == 0 ? 100 : 0)
        }
        let present = { (reference: Int) in (reference / 3) % 11 != 10 }
        for reference in (0..<count).shuffled() where present(reference) {
            try object(reference).withUnsafeBytes {
                try buckets.append(reference: UInt32(reference), record: $0)
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
                return try (0..<builder.slots).map { try Self.evidence(file, $0) }
            }
        }
        let both = try evidence(twoThreads: true)
        #expect(both.count == 100)
        #expect(both.allSatisfy { $0.hasPrefix("{\"id\":") && $0.hasSuffix("}") })
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
