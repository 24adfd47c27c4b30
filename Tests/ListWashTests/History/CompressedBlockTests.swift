import Foundation
import Testing
@testable import ListWash

@Suite struct CompressedBlockTests {
    let classifier = try! Classifier()
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    /// The compact-form tests' records (every branch of a block's strings), plus one whose id
    /// is not its fields' identity, one whose diagnostic holds its address twice, one with a
    /// message identity and one of an operator's type.
    var records: [EventRecord] {
        var records = CompactBlockTests().records
        var foreign = records[0]
        foreign.id = Array(repeating: 0xAB, count: 16)
        foreign.timestamp += 1
        records.append(foreign)
        var twice = EventRecord(RawEvent(address: "Zed@Example.com", timestamp: 1_759_276_900, type: .bounce, replyCode: 550,
                                         enhancedCode: "5.1.1", diagnostic: "550 <Zed@example.com> no; <Zed@example.com> unknown",
                                         source: EventSource(file: "bounces.csv", line: 9)), classifier: classifier)!
        twice.messageIdentity = "msg-1@example.net"
        records.append(twice)
        let allow = EventRecord(RawEvent(address: "zoe@example.com", timestamp: 1_759_276_950, type: .allow,
                                         source: EventSource(file: "operator")), classifier: classifier)!
        records.append(allow)
        return records
    }

    func encode(_ block: [UInt8], derived: UInt64 = 0) throws -> [UInt8] {
        var encoder = CompactBlock.Encoder()
        var out: [UInt8] = []
        try block.withUnsafeBytes { try encoder.encode($0, derived: derived, into: &out) }
        return out
    }

    func expand(_ stored: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        try stored.withUnsafeBytes { try EventBlock.expand($0, into: &out) }
        return out
    }

    @Test func aBlockExpandsToTheSameBytesAndIsSmaller() throws {
        let records = records
        let block = CompactBlockTests().expandedBlock(records)
        let stored = try encode(block)
        #expect(stored.first == CompressedBlock.marker)
        #expect(try expand(stored) == block)
        var compact: [UInt8] = []
        var rows = CompactBlock.RowEncoder()
        try block.withUnsafeBytes { try rows.encode($0, into: &compact) }
        #expect(stored.count < compact.count)
        // Each event reads back as its record, ids recomputed or stored.
        var seen: [Int] = []
        try stored.withUnsafeBytes { raw in
            try EventBlock.forEach(in: raw) { slot, event in
                let row = try HistoryStore.EventRow(event)
                #expect(EventRecord(row: row) == records[slot])
                seen.append(slot)
            }
        }
        #expect(seen == Array(records.indices))
        // The ids that are not their fields' identity are stored (record 9's fields were changed
        // after its id was made, the foreign one never had it); the others are not.
        let decoder = CompressedBlock.Decoder()
        try stored.withUnsafeBytes { try decoder.load($0) }
        let storedIDs = (try decoder.events).filter { $0.flags & CompressedBlock.idStored != 0 }.map(\.slot)
        let notDerived = records.indices.filter { i in
            var id = [UInt8](repeating: 0, count: 16)
            let r = records[i]
            let address = Array(r.address.utf8), enhanced = Array((r.enhancedCode ?? "").utf8), diagnostic = Array(r.diagnostic.utf8)
            address.withUnsafeBufferPointer { address in
                enhanced.withUnsafeBufferPointer { enhanced in
                    diagnostic.withUnsafeBufferPointer { diagnostic in
                        id.withUnsafeMutableBytes { out in
                            EventRecord.identity(address: address, timestamp: r.timestamp, type: r.type, replyCode: r.replyCode,
                                                 enhancedCode: enhanced, diagnostic: diagnostic, into: out)
                        }
                    }
                }
            }
            return id != r.id
        }
        #expect(notDerived == [9, records.count - 3])
        #expect(storedIDs == notDerived)
        // The diagnostic that holds its address twice loses the first and keeps the second.
        let twice = try #require((try decoder.events).first { $0.slot == records.count - 2 })
        #expect(twice.flags & CompressedBlock.addressCut != 0)
        #expect(twice.diagnostic.1 == records[records.count - 2].diagnostic.utf8.count - "Zed@example.com".utf8.count)
    }

    @Test func idsKnownToBeDerivedAreNotCheckedAndGiveTheSameBlock() throws {
        let records = Array(records.prefix(9))  // every id the fields' identity
        let block = CompactBlockTests().expandedBlock(records)
        let told = try encode(block, derived: (1 << 9) - 1)
        #expect(told == (try encode(block)))
        #expect(try expand(told) == block)
    }

    /// A reader handed the id from the run entry lends it for an event whose id the block left
    /// out (no SHA-256 then), and lends the stored one when the block has it; without it the
    /// id is worked out of the fields.
    @Test func anIdHandedToTheReaderIsLentWhenTheBlockLeftItOut() throws {
        let records = records
        let stored = try encode(CompactBlockTests().expandedBlock(records))
        let decoder = CompressedBlock.Decoder()
        try stored.withUnsafeBytes { try decoder.load($0) }
        let handed = (high: UInt64(0x0102_0304_0506_0708), low: UInt64(0x1112_1314_1516_1718))
        let handedBytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18]
        var lent = 0
        for e in try decoder.events {
            let withID = try decoder.withRow(slot: e.slot, knownID: handed) { Array($0.id) }
            let without = try decoder.withRow(slot: e.slot) { Array($0.id) }
            #expect(without == records[e.slot].id)
            if e.flags & CompressedBlock.idStored != 0 {
                #expect(withID == records[e.slot].id)
            } else {
                #expect(withID == handedBytes)
                lent += 1
            }
        }
        #expect(lent == records.count - 2)
    }

    /// The decoder decodes events when asked for, from where the last one ended: events read
    /// in any order, some of them twice or only a few, are the block's events.
    @Test func eventsReadInAnyOrderOrOnlySomeAreTheBlocksEvents() throws {
        let records = records
        let stored = try encode(CompactBlockTests().expandedBlock(records))
        let decoder = CompressedBlock.Decoder()
        try stored.withUnsafeBytes { try decoder.load($0) }
        #expect(decoder.count == records.count)
        let last = records.count - 1
        for slot in [last, 0, 3, 3, 1, last - 1, 2, last] {
            #expect(decoder.index[slot] == slot)
            let record = try decoder.withRow(slot: slot) { EventRecord(row: $0) }
            #expect(record == records[slot], "slot \(slot)")
        }
        // A block loaded after a partial read starts over.
        try stored.withUnsafeBytes { try decoder.load($0) }
        #expect(try decoder.withRow(slot: 2) { EventRecord(row: $0) } == records[2])
        #expect(try decoder.events.count == records.count)
        // A slot without an event is an error, not another event.
        #expect(decoder.index[last + 1] == -1)
        #expect(throws: EventBlockError.self) { try decoder.withRow(slot: last + 1) { _ in () } }
    }

    /// A block built event by event (as the writer builds it from a batch) is the block the
    /// encoder makes of the same events laid out; a byte past its streams makes it damaged.
    @Test func aBlockBuiltEventByEventIsTheEncodedBlock() throws {
        let records = records
        let block = CompactBlockTests().expandedBlock(records)
        var encoder = CompactBlock.Encoder()
        encoder.begin()
        try block.withUnsafeBytes { raw in
            try EventBlock.forEachExpanded(in: raw) { slot, event in
                encoder.add(slot: slot, row: try HistoryStore.EventRow(event), derived: false)
            }
        }
        var built: [UInt8] = []
        try encoder.finish(into: &built)
        #expect(encoder.count == records.count)
        #expect(built == (try encode(block)))
        let decoder = CompressedBlock.Decoder()
        try ([CompressedBlock.marker, CompressedBlock.modeRaw] + encoder.payload).withUnsafeBytes { try decoder.load($0) }
        #expect(try decoder.withRow(slot: 2) { EventRecord(row: $0) } == records[2])
        #expect(throws: EventBlockError.self) {
            try ([CompressedBlock.marker, CompressedBlock.modeRaw] + encoder.payload + [0]).withUnsafeBytes { try decoder.load($0) }
        }
    }

    @Test func aDamagedBlockIsAnErrorNotACrash() throws {
        let stored = try encode(CompactBlockTests().expandedBlock(records))
        for end in 1..<stored.count {
            #expect(throws: EventBlockError.self) { try expand(Array(stored[0..<end])) }
        }
        // Flipped bytes in the frame: an error or other bytes, never a crash.
        for at in stride(from: 2, to: stored.count, by: 7) {
            var bad = stored
            bad[at] ^= 0x5A
            do { _ = try expand(bad) } catch { #expect(error is EventBlockError) }
        }
        // A payload stored as it is, cut short or with a slot past 64.
        #expect(throws: EventBlockError.self) { try expand([CompressedBlock.marker, CompressedBlock.modeRaw, 1, 0, 0, 0, 0, 0]) }
        #expect(throws: EventBlockError.self) { try expand([CompressedBlock.marker, CompressedBlock.modeRaw, 1, 0, 0, 0, 0, 0, 64, 0]) }
        // A dictionary no history holds.
        #expect(throws: EventBlockError.missingDictionary) {
            try expand([CompressedBlock.marker, CompressedBlock.modeDictionary] + Array(repeating: 0x11, count: 8) + [0x28, 0xB5, 0x2F, 0xFD])
        }
    }

    /// A canonical CSV of `count` events over a few hundred addresses, with the wording of the
    /// bench's generator (diagnostics that name their address, and ones that do not).
    func eventsCSV(count: Int) -> String {
        var text = "email,timestamp,smtp_code,enhanced_code,diagnostic\n"
        for i in 0..<count {
            let address = "user\(i % 700)@example\(i % 7).com"
            let time = "\(1_780_000_000 + i * 37)"
            switch i % 4 {
            case 0: text += "\(address),\(time),550,5.1.1,550 5.1.1 <\(address)>: Recipient address rejected: User unknown\n"
            case 1: text += "\(address),\(time),452,4.2.2,\"452 4.2.2 Mailbox full, try again later (\(String(i, radix: 16)))\"\n"
            case 2: text += "\(address),\(time),451,4.7.1,451 4.7.1 Please try again later\n"
            default: text += " \(address.uppercased()) ,\(time),,,\n"
            }
        }
        return text
    }

    /// Rewrites every block of a history in the compact form, as a listwash before
    /// `0010-compressed-blocks` wrote them.
    func rewriteCompact(_ path: String) throws {
        let db = try SQLiteConnection(path: path, readOnly: false)
        let select = try db.prepare("SELECT block, events FROM event_blocks ORDER BY block")
        var blocks: [(Int64, [UInt8])] = []
        var encoder = CompactBlock.RowEncoder()
        while try select.step() {
            var expanded: [UInt8] = []
            try EventBlock.expand(select.bytes(1), into: &expanded)
            var compact: [UInt8] = []
            try expanded.withUnsafeBytes { try encoder.encode($0, into: &compact) }
            blocks.append((select.int64(0), compact))
        }
        select.reset()
        let update = try db.prepare("UPDATE event_blocks SET events = ?2 WHERE block = ?1")
        for (block, bytes) in blocks {
            update.reset()
            update.bind(1, block)
            update.bind(2, bytes)
            _ = try update.step()
        }
    }

    func export(_ path: String) throws -> [UInt8] {
        var out: [UInt8] = []
        _ = try HistoryExport(format: .jsonl).run(history: try HistoryStore(path: path, create: false)) { out += $0 }
        return out
    }

    @Test func aLargeIngestMakesADictionaryAndReadsLikeTheCompactForm() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("events.csv", eventsCSV(count: 20_000))
        let compressed = "\(folder.path)/new.sqlite"
        let summary = try IngestJob(historyPath: compressed, policy: Policy(), logger: silentLogger).run(files: [file])
        let store = try HistoryStore(path: compressed, create: false)
        #expect(summary.first?.new == 20_000)
        #expect(try store.count() == summary.first?.new)
        let dictionaries = try store.db.prepare("SELECT count(*), sum(length(bytes)) FROM block_dictionaries")
        _ = try dictionaries.step()
        #expect(dictionaries.int64(0) == 1)
        #expect(dictionaries.int64(1) > 16 << 10 && dictionaries.int64(1) <= Int64(EventBlockWriter.dictionaryBytes))
        dictionaries.reset()
        let modes = try store.db.prepare("SELECT substr(events, 1, 2), count(*) FROM event_blocks GROUP BY 1 ORDER BY 1")
        var forms: [[UInt8]: Int64] = [:]
        while try modes.step() { forms[Array(modes.bytes(0))] = modes.int64(1) }
        #expect(forms[[CompressedBlock.marker, CompressedBlock.modeDictionary], default: 0] > 0)
        #expect(forms[[CompressedBlock.marker, CompressedBlock.modeZstd], default: 0] > 0)
        // Each block as the writer stored it straight from the ingest's batches is the block
        // the encoder makes of its events laid out, against the same dictionary or none.
        let newest = try store.db.prepare("SELECT bytes FROM block_dictionaries")
        _ = try newest.step()
        let dictionary = BlockDictionaries.shared.compression(Array(newest.bytes(0)))
        newest.reset()
        let blocks = try store.db.prepare("SELECT events FROM event_blocks ORDER BY block")
        var checked = 0
        while try blocks.step() {
            let stored = Array(blocks.bytes(0))
            var encoder = CompactBlock.Encoder()
            encoder.dictionary = stored[1] == CompressedBlock.modeDictionary ? dictionary : nil
            var again: [UInt8] = []
            try expand(stored).withUnsafeBytes { try encoder.encode($0, into: &again) }
            #expect(again == stored)
            checked += 1
        }
        blocks.reset()
        #expect(checked == (20_000 + 63) / 64)

        // The same history with every block in the compact form: export and clean read the same.
        let compact = "\(folder.path)/old.sqlite"
        try FileManager.default.copyItem(atPath: compressed, toPath: compact)
        try rewriteCompact(compact)
        let exported = try export(compressed)
        #expect(exported.count > 4_000 * 100)
        #expect(exported == (try export(compact)))
        var list = "email,name\n"
        for i in 0..<900 { list += "user\(i)@example\(i % 7).com,n\(i)\n" }
        let listPath = try folder.write("list.csv", list)
        for (history, out) in [(compressed, "out-new"), (compact, "out-old")] {
            var request = CleanRequest(listPath: listPath, outputDirectory: "\(folder.path)/\(out)", historyPath: history,
                                       asOf: asOf, policy: Policy())
            request.allowMassRemoval = true
            _ = try CleanJob(request: request, logger: silentLogger).run()
        }
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl"] {
            let new = try folder.read("out-new/\(name)"), old = try folder.read("out-old/\(name)")
            #expect(new == old, "\(name)")
        }
        #expect(try folder.read("out-new/audit.jsonl").count > 1_000)
        // A history is smaller compressed: the blocks take under a third of the compact form's bytes.
        func blockBytes(_ path: String) throws -> Int64 {
            let db = try SQLiteConnection(path: path, readOnly: true)
            let select = try db.prepare("SELECT sum(length(events)) FROM event_blocks")
            _ = try select.step()
            return select.int64(0)
        }
        #expect(try blockBytes(compressed) * 3 < (try blockBytes(compact)))
    }

    @Test func aScratchHistoryStoresItsBlocksAsTheyAreAndReadsLikeACompressedOne() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("events.csv", eventsCSV(count: 20_000))
        let compressed = "\(folder.path)/kept.sqlite"
        let scratch = "\(folder.path)/scratch.sqlite"
        _ = try IngestJob(historyPath: compressed, policy: Policy(), logger: silentLogger).run(files: [file])
        var job = IngestJob(historyPath: scratch, policy: Policy(), logger: silentLogger)
        job.scratchHistory = true
        let summary = try job.run(files: [file])
        #expect(summary.first?.new == 20_000)
        let store = try HistoryStore(path: scratch, create: false)
        // Every block in mode 0 (the payload as it is), and no dictionary made.
        let modes = try store.db.prepare("SELECT substr(events, 1, 2), count(*) FROM event_blocks GROUP BY 1")
        var forms: [[UInt8]: Int64] = [:]
        while try modes.step() { forms[Array(modes.bytes(0))] = modes.int64(1) }
        modes.reset()
        #expect(forms == [[CompressedBlock.marker, CompressedBlock.modeRaw]: Int64((20_000 + 63) / 64)])
        let dictionaries = try store.db.prepare("SELECT count(*) FROM block_dictionaries")
        _ = try dictionaries.step()
        #expect(dictionaries.int64(0) == 0)
        dictionaries.reset()
        // The same events, read the same way.
        let exported = try export(scratch)
        #expect(exported.count > 4_000 * 100)
        #expect(exported == (try export(compressed)))
    }
}
