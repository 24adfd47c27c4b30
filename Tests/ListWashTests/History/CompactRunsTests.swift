import Foundation
import Testing
@testable import ListWash

/// Runs of layout 4 (``RunLayout/compact``): entries packed with varint differences, read
/// back exactly, alongside runs of the fixed-size layouts, and refused when damaged.
@Suite struct CompactRunsTests {
    let asOf: Int64 = 1_793_491_200

    func entry(_ ts: Int64, _ number: Int64, id: UInt64, flags: UInt8 = 0, reason: UInt8 = 0, message: UInt32 = 0) -> AddressEntry {
        AddressEntry(timestamp: ts, idHigh: id &* 0x9E37_79B9_7F4A_7C15, idLow: ~id, event: number, flags: flags, reason: reason, message: message)
    }

    /// Entries with what a difference can make hard: equal times, a time that goes back, the
    /// extreme times and numbers, numbers out of order, every flag bit, messages and none.
    var awkward: [AddressEntry] {
        [
            entry(1_780_000_000, 5_000_000, id: 1, flags: 0x21, reason: 7, message: 0xDEAD_BEEF),
            entry(1_780_000_000, 4_999_999, id: 2, flags: 0x0A, reason: 255),
            entry(1_780_000_001, 1 << 47, id: 3, message: 1),
            entry(1_779_000_000, 0, id: 4, flags: 0x80, message: 0xFFFF_FFFF),
            entry(Int64.max, Int64.max, id: 5, flags: 0xFF, reason: 1),
            entry(Int64.min, Int64.min, id: 6),
            entry(0, -1, id: 7, flags: 0x40),
            entry(-5, (1 << 48) - 1, id: 8),
        ]
    }

    @Test func entriesReadBackAsWrittenWhateverTheirValues() throws {
        for base: Int64 in [0, 1_780_000_000, Int64.min, Int64.max] {
            for cut in 0...awkward.count {
                let entries = Array(awkward.prefix(cut))
                var packed: [UInt8] = []
                let next = CompactEntries.encode(entries, base: base, into: &packed)
                #expect(next == (entries.first?.timestamp ?? base))
                var decoded: [AddressEntry] = []
                try packed.withUnsafeBytes { try CompactEntries.decode($0, base: base, into: &decoded) }
                #expect(decoded == entries)
                #expect(try packed.withUnsafeBytes { try CompactEntries.firstTime($0, base: base) } == next)
            }
        }
        // An entry of an ingest (times in order, a recent time, no message) takes 18 bytes and
        // its two varints (a minute later: 2 bytes, the next number: 1); with a message, 4 more.
        var packed: [UInt8] = []
        CompactEntries.encode([entry(1_780_000_000, 70_000, id: 1), entry(1_780_000_060, 70_001, id: 2)], base: 1_779_999_000, into: &packed)
        #expect(packed.count == (2 + 3 + 18) + (2 + 1 + 18))
        packed.removeAll()
        CompactEntries.encode([entry(1_780_000_000, 70_000, id: 1, message: 9)], base: 1_780_000_000, into: &packed)
        #expect(packed.count == 1 + 3 + 18 + 4)
    }

    /// Sixteen addresses with keys of every length (the empty one too) and up to 300 entries.
    var members: [(key: [UInt8], entries: [AddressEntry])] {
        (0..<16).map { i in
            let key = Array(String(repeating: "k", count: i).utf8) + (i == 0 ? [] : Array("\(i)@x".utf8))
            let count = i == 7 ? 300 : i % 4 + 1
            let entries = (0..<count).map { j in
                entry(1_780_000_000 + Int64(i * 1_000 + j / 3), Int64(i * 64 + j), id: UInt64(i * 1_000 + j), flags: UInt8(j % 4), message: j % 2 == 0 ? 0 : UInt32(j))
            }
            return (key, entries)
        }
        .sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    @Test func aGroupReadsBackInEveryLayoutAndEachAddressIsFoundInIt() throws {
        let members = members
        for layout in [RunLayout.grouped, .groupedWithMessages, .compact] {
            // Layout 2 has no messages.
            let stored = layout == .grouped ? members.map { m in (m.key, m.entries.map { e in var e = e; e.message = 0; return e }) } : members
            let blob = RunGroup.encodeRow(stored, layout: layout)
            let back = try blob.withUnsafeBytes { try RunGroup.decodeRow($0, rowKey: UnsafeRawBufferPointer(start: nil, count: 0), layout: layout) }
            #expect(back.map(\.key) == stored.map(\.0), "\(layout)")
            #expect(back.map(\.entries) == stored.map(\.1), "\(layout)")
            for (key, entries) in stored {
                let found = try blob.withUnsafeBytes { raw in
                    try key.withUnsafeBytes { key -> [AddressEntry]? in
                        guard let member = try RunGroup.entries(of: key, in: raw, layout: layout) else { return nil }
                        var out: [AddressEntry] = []
                        try RunGroup.decode(member.entries, layout: layout, base: member.base, into: &out)
                        return out
                    }
                }
                #expect(found == entries, "\(layout) \(String(decoding: key, as: UTF8.self))")
            }
            for absent in ["kk1@x", "zz", "kkkkkkkkkkkkkkkk16@x"] {
                let found = try blob.withUnsafeBytes { raw in try Array(absent.utf8).withUnsafeBytes { try RunGroup.entries(of: $0, in: raw, layout: layout) } }
                #expect(found == nil, "\(layout) \(absent)")
            }
        }
        // A layout 1 row is one address's entries.
        let one = members[3]
        let row = RunGroup.encodeRow([(one.key, one.entries.map { var e = $0; e.message = 0; return e })], layout: .perAddress)
        #expect(row.count == one.entries.count * AddressEntry.sizeWithoutMessage)
        let back = try row.withUnsafeBytes { raw in try one.key.withUnsafeBytes { try RunGroup.decodeRow(raw, rowKey: $0, layout: .perAddress) } }
        #expect(back.map(\.key) == [one.key] && back[0].entries.map(\.event) == one.entries.map(\.event))
        // The packed group is about two thirds of the fixed one.
        let packed = RunGroup.encodeRow(members, layout: .compact).count, fixed = RunGroup.encodeRow(members, layout: .groupedWithMessages).count
        #expect(packed * 10 < fixed * 7)
    }

    /// Every cut of a group and seeded changes of its bytes: an error or some entries, never a
    /// trap or a read past the blob (the address sanitizer's and the bounds checks' business).
    @Test func aDamagedCompactGroupIsAnErrorNeverACrash() throws {
        let blob = RunGroup.encodeRow(Array(members.prefix(6)), layout: .compact)
        func read(_ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBytes { raw in
                do {
                    _ = try RunGroup.decodeRow(raw, rowKey: raw, layout: .compact)
                    var at = 0, base: Int64 = 0
                    var out: [AddressEntry] = []
                    while at < raw.count {
                        let m = try RunGroup.member(of: raw, at: at, layout: .compact, base: base)
                        try RunGroup.decode(m.entries, layout: .compact, base: m.base, into: &out)
                        (at, base) = (m.next, m.nextBase)
                    }
                    _ = try Array("kkk3@x".utf8).withUnsafeBytes { try RunGroup.entries(of: $0, in: raw, layout: .compact) }
                    return true
                } catch {
                    #expect(error is RunGroup.Damaged)
                    return false
                }
            }
        }
        #expect(read(blob))
        var failures = 0
        for cut in 0..<blob.count where !read(Array(blob.prefix(cut))) { failures += 1 }
        // Most cuts end inside a key or an entry; the empty blob is not a group.
        #expect(failures > blob.count / 2)
        var generator = SplitMix64(seed: 20)
        for _ in 0..<3_000 {
            var bytes = blob
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = read(bytes)
            _ = read(Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator))))
        }
    }

    func eventsCSV(count: Int, offset: Int) -> String {
        var text = "email,timestamp,smtp_code,enhanced_code,diagnostic,message_id\n"
        for n in 0..<count {
            let i = n + offset
            let address = "user\(i % 500)@example\(i % 5).com"
            let time = "\(1_780_000_000 + (i * 7_919) % 900_000)"
            switch i % 4 {
            case 0: text += "\(address),\(time),550,5.1.1,550 5.1.1 <\(address)>: User unknown,\n"
            case 1: text += "\(address),\(time),452,4.2.2,\"452 4.2.2 Mailbox full, try again later\",<m\(i / 8)@mta.example>\n"
            case 2: text += "\(address),\(time),451,4.7.1,451 4.7.1 Please try again later,<m\(i / 8)@mta.example>\n"
            default: text += " \(address.uppercased()) ,\(time),,,,\n"
            }
        }
        return text
    }

    func export(_ path: String, address: String? = nil) throws -> [UInt8] {
        var out: [UInt8] = []
        _ = try HistoryExport(format: .jsonl, address: address).run(history: try HistoryStore(path: path, create: false)) { out += $0 }
        return out
    }

    func rows(_ path: String) throws -> [[UInt8]] {
        let db = try SQLiteConnection(path: path, readOnly: true)
        let select = try db.prepare("SELECT address_key, entries FROM address_runs ORDER BY run, address_key")
        var out: [[UInt8]] = []
        while try select.step() { out.append(Array(select.bytes(0)) + [0] + Array(select.bytes(1))) }
        return out
    }

    /// Writes the runs `runs` of the history at `path` again in layout 3, as a listwash before
    /// layout 4 stored them (each row its addresses' 36-byte entries).
    func rewriteAsLayout3(_ path: String, runs: [Int64]) throws {
        let store = try HistoryStore(path: path, create: false)
        try store.db.transaction {
            for run in runs {
                let select = try store.db.prepare("SELECT address_key, entries FROM address_runs WHERE run = ?1")
                select.bind(1, run)
                var rewritten: [([UInt8], [UInt8])] = []
                while try select.step() {
                    let members = try RunGroup.decodeRow(select.bytes(1), rowKey: select.bytes(0), layout: .compact)
                    rewritten.append((Array(select.bytes(0)), RunGroup.encodeRow(members, layout: .groupedWithMessages)))
                }
                select.reset()
                let update = try store.db.prepare("UPDATE address_runs SET entries = ?3 WHERE run = ?1 AND address_key = ?2")
                for (key, blob) in rewritten {
                    update.reset()
                    update.bind(1, run)
                    update.bindText(2, key)
                    update.bind(3, blob)
                    _ = try update.step()
                }
                try store.db.execute("UPDATE runs SET layout = 3 WHERE run = \(run)")
            }
        }
    }

    func clean(_ history: String, list: String, out: String) throws -> [String: [UInt8]] {
        var request = CleanRequest(listPath: list, outputDirectory: out, historyPath: history, asOf: asOf, policy: Policy())
        request.allowMassRemoval = true
        _ = try CleanJob(request: request, logger: silentLogger).run()
        var files: [String: [UInt8]] = [:]
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "report.json"] {
            files[name] = Array(try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name)")))
        }
        return files
    }

    /// A history whose older runs are of layout 3 and newer of layout 4 reads as one whose runs
    /// are all of layout 4, before and after a compaction, which writes layout 4 alone; the
    /// rewrites of retract and reclassify keep each run's layout.
    @Test func runsOfLayouts3And4ReadAndCompactTogether() throws {
        let folder = try TemporaryFolder()
        let files = try (0..<3).map { try folder.write("events\($0).csv", eventsCSV(count: 3_000, offset: $0 * 2_000)) }
        let new = "\(folder.path)/new.sqlite", mixed = "\(folder.path)/mixed.sqlite"
        for file in files { _ = try IngestJob(historyPath: new, policy: Policy(), logger: silentLogger).run(files: [file]) }
        let runs = try HistoryStore(path: new, create: false).runs()
        #expect(runs.map(\.layout) == [.compact, .compact, .compact])
        try FileManager.default.copyItem(atPath: new, toPath: mixed)
        try rewriteAsLayout3(mixed, runs: [runs[0].run, runs[1].run])
        #expect(try HistoryStore(path: mixed, create: false).runs().map(\.layout) == [.groupedWithMessages, .groupedWithMessages, .compact])
        #expect(try rows(mixed) != (try rows(new)))

        var list = "email,name\n"
        for i in 0..<700 { list += "user\(i)@example\(i % 5).com,n\(i)\n" }
        let listPath = try folder.write("list.csv", list)
        func sameReading(_ step: String) throws {
            #expect(try export(new) == (try export(mixed)), "\(step)")
            for address in ["user3@example3.com", "USER7@example2.com", "nobody@example.com"] {
                #expect(try export(new, address: address) == (try export(mixed, address: address)), "\(step) \(address)")
            }
            let a = try clean(new, list: listPath, out: "\(folder.path)/\(step)-new")
            let b = try clean(mixed, list: listPath, out: "\(folder.path)/\(step)-mixed")
            for name in a.keys.sorted() { #expect(a[name] == b[name], "\(step) \(name)") }
            #expect(a["suppressed.csv"]!.count > 1_000)
            let stores = try [new, mixed].map { try HistoryStore(path: $0, create: false) }
            let scans = try stores.map { store in
                var keys: [[UInt8]] = []
                var events: [[PolicyEvent]] = []
                let result = try store.forEachAddress(asOf: .max, caseSensitive: true) { keys.append($0); events.append($1) }
                return (keys, events, result.events, result.digest)
            }
            #expect(scans[0].0 == scans[1].0 && scans[0].1 == scans[1].1 && scans[0].2 == scans[1].2 && scans[0].3 == scans[1].3, "\(step)")
            #expect(scans[0].2 > 3_000)
        }
        try sameReading("mixed")

        // Taking entries out of the runs (as retract and forget do) rewrites rows of each
        // layout in its own layout.
        for path in [new, mixed] {
            let store = try HistoryStore(path: path, create: false)
            let numbers = try store.storedEventNumbers().filter { $0 % 5 == 0 }
            #expect(numbers.count > 1_000)
            try store.db.transaction { _ = try store.removeRunEntries(Set(numbers)) }
        }
        #expect(try HistoryStore(path: mixed, create: false).runs().map(\.layout) == [.groupedWithMessages, .groupedWithMessages, .compact])
        try sameReading("removed")

        // A compaction of every run writes one run of layout 4, the same rows from both.
        for path in [new, mixed] {
            let store = try HistoryStore(path: path, create: false)
            let all = try store.runs()
            try store.db.transaction { _ = try store.merge(runs: all.map { ($0.run, $0.layout) }) }
            #expect(try store.runs().map(\.layout) == [.compact])
        }
        #expect(try rows(new) == (try rows(mixed)))
        try sameReading("compacted")
    }

    @Test func aRunOfAnUnknownLayoutIsRefusedNamingTheRun() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        let file = try folder.write("e.csv", eventsCSV(count: 50, offset: 0))
        _ = try IngestJob(historyPath: path, policy: Policy(), logger: silentLogger).run(files: [file])
        let store = try HistoryStore(path: path, create: false)
        try store.db.execute("UPDATE runs SET layout = 5")
        for attempt in [{ _ = try store.runs() },
                        { _ = try store.forEachAddress(asOf: .max, caseSensitive: false) { _, _ in } },
                        { _ = try store.events(forKey: Array("user1@example1.com".utf8), asOf: .max, caseSensitive: false) }] {
            do {
                try attempt()
                Issue.record("a run of layout 5 was read")
            } catch {
                #expect("\(error)".contains("run 1 has an unknown layout"))
            }
        }
        #expect(throws: (any Error).self) { try IngestJob(historyPath: path, policy: Policy(), logger: silentLogger).run(files: [file]) }
    }

    /// The migration marks the file: a history without it is not read before `ingest` migrates
    /// it, and a listwash that knows no `0011-compact-runs` refuses the history as newer.
    @Test func theCompactRunsMigrationMarksTheHistory() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        _ = try HistoryStore(path: path, create: true)
        #expect(HistoryStore.migrations.last?.name == "0011-compact-runs")
        let db = try SQLiteConnection(path: path, readOnly: false)
        try db.execute("DELETE FROM schema_migrations WHERE name = '0011-compact-runs'")
        #expect(throws: HistoryError.self) { try HistoryStore(path: path, create: false) }
        _ = try HistoryStore(path: path, create: true)
        try db.execute("INSERT INTO schema_migrations (name) VALUES ('0012-later')")
        do {
            _ = try HistoryStore(path: path, create: false)
            Issue.record("a history with an unknown migration was opened")
        } catch {
            #expect("\(error)".contains("0012-later"))
        }
    }
}
