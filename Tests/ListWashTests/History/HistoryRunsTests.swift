import Foundation
import Testing
@testable import ListWash

/// Pins the history's layout of migration 0002: events appended in arrival order, per-address
/// entries in sorted runs, repeats found against earlier runs and within a load, compaction,
/// rollback, and the migration of a version-1 database.
@Suite struct HistoryRunsTests {
    let classifier = try! Classifier()

    // MARK: - Helpers

    func record(_ address: String, _ ts: Int64, _ type: EventType = .bounce, code: Int? = nil, status: String? = nil,
                _ text: String = "", line: Int = 1, verdict: String? = nil) -> EventRecord {
        let raw = RawEvent(address: address, timestamp: ts, type: type, replyCode: code, enhancedCode: status, diagnostic: text,
                           providerVerdict: verdict, source: EventSource(file: "t.csv", line: line))
        return EventRecord(raw, classifier: classifier)!
    }

    /// A deterministic mix of events: addresses with mixed-case local parts, several events an
    /// address, every type, several bounce reasons and kinds, negative and equal timestamps.
    func mixedEvents(_ count: Int, seed: UInt64, addresses: Int = 23, tsBase: Int64 = 1_000) -> [EventRecord] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let bounces: [(Int?, String?, String)] = [
            (550, "5.1.1", "550 5.1.1 user unknown"),
            (452, "4.2.2", "452 4.2.2 mailbox full"),
            (421, "4.7.0", "421 4.7.0 try again later, greylisted"),
            (550, "5.7.1", "550 5.7.1 message rejected as spam"),
            (nil, nil, "connection timed out"),
        ]
        var out: [EventRecord] = []
        for i in 0..<count {
            let n = Int(next() % UInt64(addresses))
            let local: String
            switch n % 4 {
            case 0: local = "User\(n)"          // upper case in the local part
            case 1: local = "user\(n - 1)"      // the lower-case form of the previous one
            default: local = "u\(n)"
            }
            let address = "\(local)@Example\((n / 4) % 3).com"
            let ts = tsBase + Int64(next() % 50) - 10
            let kindOfEvent = Int(next() % 8)
            let type: EventType = kindOfEvent < 5 ? .bounce : [.delivered, .complaint, .unsubscribe][kindOfEvent - 5]
            let b = bounces[Int(next() % UInt64(bounces.count))]
            out.append(type == .bounce
                ? record(address, ts, .bounce, code: b.0, status: b.1, "\(b.2) #\(next() % 3)", line: i + 1)
                : record(address, ts, type, "", line: i + 1))
        }
        return out
    }

    struct Scan: Equatable, CustomStringConvertible {
        var keys: [String] = []
        var groups: [[PolicyEvent]] = []
        var events = 0
        var digest: [UInt8] = []
        var description: String { "\(events) events, keys \(keys)" }
    }

    func scan(_ store: HistoryStore, asOf: Int64 = .max, caseSensitive: Bool = false) throws -> Scan {
        var s = Scan()
        let result = try store.forEachAddress(asOf: asOf, caseSensitive: caseSensitive) { key, events in
            s.keys.append(String(decoding: key, as: UTF8.self))
            s.groups.append(events)
        }
        s.events = result.events
        s.digest = result.digest
        return s
    }

    /// What a scan must give for these events: each event once (by time and id), grouped by key
    /// (or by exact address within a key), in time-then-id order; the digest over the ids in
    /// (key, time, id) order.
    func expectedScan(_ records: [EventRecord], asOf: Int64 = .max, caseSensitive: Bool = false) -> Scan {
        let distinct = unique(records).filter { $0.timestamp <= asOf }
        let byKey = Dictionary(grouping: distinct, by: \.addressKey)
        var s = Scan()
        let hasher = SHA256Hasher()
        for key in byKey.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let events = byKey[key]!.sorted(by: precedes)
            for e in events { hasher.update(e.id) }
            s.events += events.count
            if caseSensitive {
                let byExact = Dictionary(grouping: events, by: \.address)
                for exact in byExact.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                    s.keys.append(exact)
                    s.groups.append(byExact[exact]!.map(policyEvent))
                }
            } else {
                s.keys.append(key)
                s.groups.append(events.map(policyEvent))
            }
        }
        s.digest = hasher.finalize()
        return s
    }

    func policyEvent(_ e: EventRecord) -> PolicyEvent { e.policyEvent }

    func precedes(_ a: EventRecord, _ b: EventRecord) -> Bool {
        a.timestamp != b.timestamp ? a.timestamp < b.timestamp : a.id.lexicographicallyPrecedes(b.id)
    }

    /// The first of each event (same time and id), in arrival order.
    func unique(_ records: [EventRecord]) -> [EventRecord] {
        var seen = Set<[UInt8]>()
        return records.filter { e in
            var key = e.id
            withUnsafeBytes(of: e.timestamp) { key.append(contentsOf: $0) }
            return seen.insert(key).inserted
        }
    }

    func query(_ store: HistoryStore, _ sql: String) throws -> Int64 {
        let select = try store.db.prepare(sql)
        _ = try select.step()
        return select.int64(0)
    }

    /// One load staged in several batches (a run is written after a batch once
    /// `runBufferBytes` is reached).
    func load(_ store: HistoryStore, _ records: [EventRecord], batch: Int) throws -> (new: Int, duplicate: Int) {
        let load = try store.beginLoad()
        var start = 0
        while start < records.count {
            try load.stage(Array(records[start..<min(start + batch, records.count)]))
            start += batch
        }
        return try load.commit()
    }

    /// Every key's `events(forKey:)` against the distinct records (case-insensitive, every address).
    func checkEventsForKey(_ store: HistoryStore, _ records: [EventRecord], asOf: Int64 = .max,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let distinct = unique(records)
        for key in Set(distinct.map(\.addressKey)).sorted() {
            let expected = distinct.filter { $0.addressKey == key && $0.timestamp <= asOf }.sorted(by: precedes)
            let got = try store.events(forKey: Array(key.utf8), asOf: asOf, caseSensitive: false)
            #expect(got == expected, "events(forKey: \(key))", sourceLocation: sourceLocation)
        }
        for exact in Set(distinct.map(\.address)).sorted() {
            let expected = distinct.filter { $0.address == exact && $0.timestamp <= asOf }.sorted(by: precedes)
            let got = try store.events(forKey: Array(exact.utf8), asOf: asOf, caseSensitive: true)
            #expect(got == expected, "events(forKey: \(exact), caseSensitive)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - 1. Migration from a version-1 database

    /// Writes a version-1 history by hand: only `0001-events` applied, rows in its clustered table.
    func writeVersion1(path: String, _ records: [EventRecord]) throws {
        let db = try SQLiteConnection(path: path, readOnly: false, create: true)
        try db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY NOT NULL)")
        #expect(HistoryStore.migrations[0].name == "0001-events")
        try HistoryStore.migrations[0].apply(db)
        try db.execute("INSERT INTO schema_migrations(name) VALUES ('0001-events')")
        let insert = try db.prepare("""
            INSERT INTO events (address_key, ts, id, type, kind, reason, address, reply_code, enhanced_code, diagnostic, rule, provider_verdict, source)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """)
        for e in records {
            insert.reset()
            insert.bind(1, e.addressKey)
            insert.bind(2, e.timestamp)
            insert.bind(3, e.id)
            insert.bind(4, e.type.rawValue)
            insert.bind(5, e.kind?.rawValue)
            insert.bind(6, e.reason)
            insert.bind(7, e.address)
            insert.bind(8, e.replyCode.map(Int64.init))
            insert.bind(9, e.enhancedCode)
            insert.bind(10, e.diagnostic)
            insert.bind(11, e.rule)
            insert.bind(12, e.providerVerdict)
            insert.bind(13, e.source)
            _ = try insert.step()
        }
    }

    var version1Records: [EventRecord] {
        [
            record("Mixed.Case@example.com", 300, .bounce, code: 550, status: "5.1.1", "550 5.1.1 user unknown", line: 1, verdict: "ses:Permanent"),
            record("mixed.case@example.com", 200, .delivered, line: 2),
            record("Mixed.Case@example.com", 100, .bounce, code: 452, status: "4.2.2", "452 4.2.2 mailbox full", line: 3),
            record("many@example.org", 50, .bounce, code: 421, status: "4.7.0", "421 4.7.0 greylisted, try again later", line: 4),
            record("many@example.org", 10, .delivered, line: 5),
            record("many@example.org", 70, .complaint, line: 6),
            record("many@example.org", 70, .unsubscribe, line: 7),
            record("many@example.org", -5, .bounce, code: 550, status: "5.1.1", "550 5.1.1 no such user", line: 8),
            record("alone@example.net", 1_000, .bounce, code: nil, status: nil, "connection timed out", line: 9),
        ]
    }

    /// Every byte the migrations store, hashed table by table: a migration carries its own
    /// code as of the day it shipped, so what it writes never changes with today's writers.
    @Test func migrationsStoreTheBytesTheyShippedWith() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/v1.sqlite"
        try writeVersion1(path: path, version1Records + [record("odd@example.com", 5, .bounce, code: 550, status: nil, "550 x", line: 11)])
        let store = try HistoryStore(path: path, create: true)
        let hasher = SHA256Hasher()
        for (sql, columns) in [("SELECT block, events FROM event_blocks ORDER BY block", 2),
                               ("SELECT run, address_key, entries FROM address_runs ORDER BY run, address_key", 3),
                               ("SELECT run, events, addresses, layout FROM runs ORDER BY run", 4),
                               ("SELECT code, name FROM reasons ORDER BY code", 2),
                               ("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name", 4)] {
            let select = try store.db.prepare(sql)
            var rows = 0
            while try select.step() {
                for column in Int32(0)..<Int32(columns) {
                    hasher.update(Array("|".utf8))
                    hasher.update(Array(select.bytes(column)))
                }
                rows += 1
            }
            hasher.update(Array("#\(rows)\n".utf8))
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        // Changed by 0006-message-identity, 0007-run-ledger, 0008-lifecycle, 0009-erasure and 0010-compressed-blocks
        // only through `sqlite_master` (their new tables). The version-1 rows are classified by today's
        // classifier when the test writes them: "550 x" names no cause and is `onhold` (rule `default:text`)
        // since the classifier follows sisimai's rule for a text that names none (it was `undefined`).
        #expect(digest == "6bc36c524e05398ed989841a6c0d49f8bc4738b3f3f09959d6fc53b6054c9eff")
    }

    @Test func aVersion1DatabaseIsMigratedToRuns() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/v1.sqlite"
        let v1 = version1Records
        try writeVersion1(path: path, v1)

        // Not readable before it is migrated.
        #expect(throws: HistoryError.self) { try HistoryStore(path: path, create: false) }

        let store = try HistoryStore(path: path, create: true)
        #expect(try query(store, "SELECT count(*) FROM schema_migrations") == HistoryStore.migrations.count)
        #expect(try query(store, "SELECT count(*) FROM sqlite_master WHERE name IN ('events_v1', 'events')") == 0)
        // Version 2's rows became event blocks, each event keeping its rowid as its number.
        #expect(try store.storedEventNumbers() == (1...Int64(v1.count)).map { $0 })
        #expect(try query(store, "SELECT count(*) FROM runs") == 1)
        #expect(try query(store, "SELECT count(*) FROM address_runs") == 3)
        #expect(try query(store, "SELECT events FROM runs") == Int64(v1.count))
        #expect(try store.count() == v1.count)

        let insensitive = try scan(store)
        #expect(insensitive == expectedScan(v1))
        #expect(insensitive.keys == ["alone@example.net", "many@example.org", "mixed.case@example.com"])
        #expect(insensitive.groups[1].map(\.timestamp) == [-5, 10, 50, 70, 70])
        #expect(insensitive.groups[2].map(\.timestamp) == [100, 200, 300])
        let sensitive = try scan(store, caseSensitive: true)
        #expect(sensitive == expectedScan(v1, caseSensitive: true))
        #expect(sensitive.keys == ["alone@example.net", "many@example.org", "Mixed.Case@example.com", "mixed.case@example.com"])
        #expect(sensitive.groups[2].map(\.timestamp) == [100, 300])
        #expect(sensitive.groups[2].map(\.reason) == [v1[2].reason, v1[0].reason])
        #expect(sensitive.digest == insensitive.digest)

        let upper = try store.events(forKey: Array("Mixed.Case@example.com".utf8), asOf: .max, caseSensitive: true)
        #expect(upper == [v1[2], v1[0]])
        #expect(upper.last?.providerVerdict == "ses:Permanent")
        #expect(try store.events(forKey: Array("mixed.case@example.com".utf8), asOf: .max, caseSensitive: true) == [v1[1]])
        #expect(try store.events(forKey: Array("mixed.case@example.com".utf8), asOf: .max, caseSensitive: false).map(\.timestamp) == [100, 200, 300])
        try checkEventsForKey(store, v1)
        try checkEventsForKey(store, v1, asOf: 70)

        // The same events ingested again add nothing, whether in one batch or in several runs.
        #expect(try store.insert(v1) == (new: 0, duplicate: v1.count))
        store.runBufferBytes = 1
        #expect(try load(store, v1.reversed(), batch: 2) == (new: 0, duplicate: v1.count))
        #expect(try store.count() == v1.count)
        #expect(try scan(store) == insensitive)
        #expect(try scan(store, caseSensitive: true) == sensitive)

        // A new event lands next to the migrated ones.
        let extra = record("MIXED.case@example.com", 250, .complaint, line: 10)
        #expect(try store.insert([extra] + v1) == (new: 1, duplicate: v1.count))
        #expect(try scan(store) == expectedScan(v1 + [extra]))
        #expect(try scan(store, caseSensitive: true) == expectedScan(v1 + [extra], caseSensitive: true))
        try checkEventsForKey(store, v1 + [extra])
        // The migrated events' block keeps its expanded form, the new event's block is
        // compressed, and the two read alike (above).
        let forms = try store.db.prepare("SELECT events FROM event_blocks ORDER BY block")
        var firstBytes: [UInt8] = []
        while try forms.step() { firstBytes.append(forms.bytes(0).first ?? 0) }
        #expect(firstBytes.count == 2 && !CompactBlock.isCompact(firstBytes[0]) && firstBytes[1] == CompressedBlock.marker)

        // Reopened read-only, the migrated history reads the same.
        let reader = try HistoryStore(path: path, create: false)
        #expect(try scan(reader) == expectedScan(v1 + [extra]))
        #expect(try reader.count() == v1.count + 1)
    }

    @Test func anEmptyVersion1DatabaseMigratesToNoRuns() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/v1.sqlite"
        try writeVersion1(path: path, [])
        let store = try HistoryStore(path: path, create: true)
        #expect(try query(store, "SELECT count(*) FROM runs") == 0)
        #expect(try scan(store) == expectedScan([]))
        let events = version1Records
        #expect(try store.insert(events) == (new: events.count, duplicate: 0))
        #expect(try scan(store) == expectedScan(events))
    }

    // MARK: - 2. Several runs

    @Test func manyRunsReadTheSameAsOne() throws {
        let folder = try TemporaryFolder()
        let events = mixedEvents(400, seed: 7)
        let single = try HistoryStore(path: "\(folder.path)/single.sqlite", create: true)
        #expect(try single.insert(events) == (new: unique(events).count, duplicate: events.count - unique(events).count))
        #expect(try query(single, "SELECT count(*) FROM runs") == 1)
        let reference = try scan(single)
        #expect(reference == expectedScan(events))
        #expect(reference.events > 300)

        // One load spilled as many sorted chunks (one after every batch), merged into one run
        // at the commit; nothing reaches the runs before it.
        let split = try HistoryStore(path: "\(folder.path)/split.sqlite", create: true)
        split.runBufferBytes = 1
        let l = try split.beginLoad()
        for start in stride(from: 0, to: events.count, by: 17) {
            try l.stage(Array(events[start..<min(start + 17, events.count)]))
        }
        #expect(try query(split, "SELECT count(*) FROM runs") == 0)
        #expect(try l.commit() == (new: unique(events).count, duplicate: events.count - unique(events).count))
        #expect(try query(split, "SELECT count(*) FROM runs") == 1)
        #expect(try scan(split) == reference)
        #expect(try scan(split, caseSensitive: true) == expectedScan(events, caseSensitive: true))
        #expect(try split.count() == single.count())

        // Many loads kept as many runs (no compaction), each a few hundred bytes of entries.
        let runs = try HistoryStore(path: "\(folder.path)/runs.sqlite", create: true)
        runs.maxRuns = 1_000
        runs.runBufferBytes = 300
        var loads = 0
        for start in stride(from: 0, to: events.count, by: 40) {
            _ = try load(runs, Array(events[start..<min(start + 40, events.count)]), batch: 3)
            loads += 1
        }
        #expect(try query(runs, "SELECT count(*) FROM runs") == Int64(loads))
        #expect(try scan(runs) == reference)
        #expect(try scan(runs, caseSensitive: true) == scan(single, caseSensitive: true))
        #expect(try scan(runs, asOf: 1_010) == scan(single, asOf: 1_010))
        #expect(try scan(runs, asOf: 1_010) == expectedScan(events, asOf: 1_010))
        #expect(try runs.count() == single.count())
        try checkEventsForKey(runs, events)
        try checkEventsForKey(runs, events, asOf: 1_000)
    }

    @Test func insertStagesOneBatchSoItWritesOneRun() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.runBufferBytes = 1
        store.maxRuns = 100
        let events = mixedEvents(50, seed: 3)
        _ = try store.insert(events)
        #expect(try query(store, "SELECT count(*) FROM runs") == 1)
        #expect(try scan(store) == expectedScan(events))
    }

    // MARK: - 3. Repeats

    @Test func repeatsInALaterLoadAreFoundAgainstEarlierRuns() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.maxRuns = 100
        let a = unique(mixedEvents(120, seed: 11))
        let b = unique(mixedEvents(120, seed: 12)).filter { e in !a.contains { $0.id == e.id && $0.timestamp == e.timestamp } }
        #expect(try store.insert(a) == (new: a.count, duplicate: 0))
        #expect(try store.insert(b) == (new: b.count, duplicate: 0))
        #expect(try query(store, "SELECT count(*) FROM runs") == 2)
        let before = try scan(store)
        let rows = try #require(try store.storedEventNumbers().max())

        // Everything again, reversed: nothing new, nothing written.
        #expect(try store.insert((a + b).reversed()) == (new: 0, duplicate: a.count + b.count))
        #expect(try store.count() == a.count + b.count)
        #expect(try scan(store) == before)
        #expect(try query(store, "SELECT count(*) FROM runs") == 2)

        // Mixed old and new, in several runs, with repeats of the new ones inside the load.
        store.runBufferBytes = 200
        let c = unique(mixedEvents(90, seed: 13, tsBase: 5_000))
        let batch = Array(a.prefix(30)) + c + Array(b.suffix(20)) + Array(c.prefix(25)) + Array(a.prefix(5))
        #expect(try load(store, batch, batch: 7) == (new: c.count, duplicate: 30 + 20 + 25 + 5))
        #expect(try store.count() == a.count + b.count + c.count)
        let all = a + b + c
        #expect(try scan(store) == expectedScan(all))
        #expect(try scan(store, caseSensitive: true) == expectedScan(all, caseSensitive: true))
        try checkEventsForKey(store, all)
        // Every event record is referenced by exactly one entry, and no repeat's record is left.
        #expect(try query(store, "SELECT sum(events) FROM runs") == Int64(all.count))
        #expect(try store.storedEventNumbers().count == all.count)
        #expect(try store.storedEventNumbers().filter { $0 > rows }.count == c.count)
    }

    /// A spilled chunk is read back through a 1 MiB window: an address with more entries than
    /// that (40,000 × 32 bytes) in one chunk still reads whole, between two ordinary keys.
    @Test func anAddressLargerThanTheReadWindowMergesWhole() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        // The first batch's entries (about 2.7 MB) overflow the buffer: they are spilled as
        // one chunk, the second batch becomes the other at the commit.
        store.runBufferBytes = 1 << 20
        let many = (0..<40_000).map { record("many@example.org", Int64($0), code: 550, status: "5.1.1", "550 5.1.1 unknown") }
        let others = (0..<5_000).map { record("u\($0 % 700)@example.com", 100_000 + Int64($0), code: 452, status: "4.2.2", "452 4.2.2 full") }
        let l = try store.beginLoad()
        try l.stage(Array(others.prefix(2_500)) + many)
        try l.stage(Array(others.suffix(2_500)))
        #expect(try l.commit() == (new: 45_000, duplicate: 0))
        let s = try scan(store)
        #expect(s == expectedScan(many + others))
        #expect(s.groups.map(\.count).max() == 40_000)
    }

    @Test func repeatsWithinOneLoadAcrossFlushesAreCountedOnce() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.runBufferBytes = 1
        let events = unique(mixedEvents(60, seed: 21))
        // Each event three times: in the same batch, in a later batch (another spilled chunk)
        // and in the last one.
        let l = try store.beginLoad()
        try l.stage(events + Array(events.prefix(10)))
        try l.stage(Array(events.reversed()))
        try l.stage(Array(events.suffix(31)))
        try l.stage(Array(events.prefix(10)))
        #expect(try query(store, "SELECT count(*) FROM runs") == 0)
        let repeats = 10 + events.count + 31 + 10
        #expect(try l.commit() == (new: events.count, duplicate: repeats))
        #expect(try store.count() == events.count)
        #expect(try query(store, "SELECT count(*) FROM runs") == 1)
        #expect(try query(store, "SELECT sum(events) FROM runs") == Int64(events.count))
        let s = try scan(store)
        #expect(s == expectedScan(events))
        #expect(s.groups.reduce(0) { $0 + $1.count } == events.count)
        try checkEventsForKey(store, events)
    }

    @Test func theFirstStoredCopyOfARepeatIsKept() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.runBufferBytes = 1
        let first = record("x@example.com", 10, .bounce, code: 550, status: "5.1.1", "550 5.1.1 user unknown", line: 1)
        var again = first
        again.source = "other.csv:99"
        let l = try store.beginLoad()
        try l.stage([first])
        try l.stage([again, again])
        #expect(try l.commit() == (new: 1, duplicate: 2))
        #expect(try store.events(forKey: Array("x@example.com".utf8), asOf: .max, caseSensitive: false).map(\.source) == ["t.csv:1"])
        #expect(try store.insert([again]) == (new: 0, duplicate: 1))
        #expect(try store.events(forKey: Array("x@example.com".utf8), asOf: .max, caseSensitive: false).map(\.source) == ["t.csv:1"])
    }

    @Test func sameTimeDifferentIdAndSameIdDifferentTimeAreDifferentEvents() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let a = record("x@example.com", 10, .delivered)
        let b = record("x@example.com", 10, .complaint)
        var c = a
        c.timestamp = 11  // the same id at another time: not the same event
        #expect(try store.insert([a]) == (new: 1, duplicate: 0))
        #expect(try store.insert([a, b, c]) == (new: 2, duplicate: 1))
        #expect(try scan(store).groups == [[a, b, c].sorted(by: precedes).map(policyEvent)])
    }

    // MARK: - 4. Compaction

    @Test func compactionKeepsTheNumberOfRunsBoundedAndTheContentUnchanged() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.maxRuns = 3
        store.runBufferBytes = 500
        let reference = try HistoryStore(path: "\(folder.path)/ref.sqlite", create: true)
        var all: [EventRecord] = []
        var maxSeen: Int64 = 0
        var compacted = false
        for i in 0..<14 {
            // Loads of different sizes, overlapping addresses, some repeating earlier loads' events.
            var events = mixedEvents(10 + (i * 7) % 40, seed: 100 + UInt64(i), tsBase: 1_000 + Int64(i) * 20)
            if i > 0 { events += all.suffix(5) }
            let expected = (unique(events).filter { e in !all.contains { $0.id == e.id && $0.timestamp == e.timestamp } }).count
            let result = try load(store, events, batch: 6)
            #expect(result == (new: expected, duplicate: events.count - expected))
            _ = try reference.insert(events)
            all += events
            let runs = try query(store, "SELECT count(*) FROM runs")
            maxSeen = max(maxSeen, runs)
            if runs < Int64(i + 1) { compacted = true }
            #expect(runs <= 3, "after load \(i)")
            #expect(try store.count() == unique(all).count)
            #expect(try query(store, "SELECT sum(events) FROM runs") == Int64(unique(all).count))
        }
        #expect(compacted)
        #expect(maxSeen == 3)
        #expect(try query(store, "SELECT count(DISTINCT run) FROM address_runs") == query(store, "SELECT count(*) FROM runs"))
        let s = try scan(store)
        #expect(s == expectedScan(all))
        #expect(s.digest == (try scan(reference)).digest)
        #expect(try scan(store, caseSensitive: true) == expectedScan(all, caseSensitive: true))
        #expect(try scan(store, asOf: 1_100) == expectedScan(all, asOf: 1_100))
        try checkEventsForKey(store, all)
        #expect(try store.insert(all) == (new: 0, duplicate: all.count))
        #expect(try scan(store) == s)
    }

    @Test func compactIfNeededMergesWhenThereAreMoreRunsThanAllowed() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.maxRuns = 100
        var all: [EventRecord] = []
        for i in 0..<5 {
            let events = mixedEvents(20, seed: 300 + UInt64(i), tsBase: Int64(i) * 100)
            _ = try store.insert(events)
            all += events
        }
        #expect(try query(store, "SELECT count(*) FROM runs") == 5)
        let before = try scan(store)
        try store.compactIfNeeded()
        #expect(try query(store, "SELECT count(*) FROM runs") == 5)
        store.maxRuns = 2
        try store.compactIfNeeded()
        #expect(try query(store, "SELECT count(*) FROM runs") <= 2)
        #expect(try scan(store) == before)
        #expect(before == expectedScan(all))
        #expect(try store.count() == unique(all).count)
        try checkEventsForKey(store, all)
    }

    // MARK: - 5. events(forKey:) with case and asOf

    @Test func eventsForKeyTellsExactAddressesApartAndHonoursAsOf() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.maxRuns = 100
        let upper1 = record("Jane.Doe@example.com", 100, .bounce, code: 452, status: "4.2.2", "452 4.2.2 mailbox full", line: 1)
        let lower1 = record("jane.doe@example.com", 150, .delivered, line: 2)
        let upper2 = record("JANE.DOE@example.com", 200, .complaint, line: 3)
        let upper3 = record("Jane.Doe@EXAMPLE.com", 300, .bounce, code: 550, status: "5.1.1", "550 5.1.1 user unknown", line: 4)
        let lower2 = record("jane.doe@example.com", 300, .unsubscribe, line: 5)
        #expect(upper3.address == "Jane.Doe@example.com")
        // Spread over three runs.
        _ = try store.insert([upper1, lower1])
        _ = try store.insert([upper2])
        _ = try store.insert([upper3, lower2])
        #expect(try query(store, "SELECT count(*) FROM runs") == 3)

        func keys(_ key: String, asOf: Int64 = .max, _ caseSensitive: Bool) throws -> [Int64] {
            try store.events(forKey: Array(key.utf8), asOf: asOf, caseSensitive: caseSensitive).map(\.timestamp)
        }
        #expect(try keys("Jane.Doe@example.com", true) == [100, 300])
        #expect(try keys("JANE.DOE@example.com", true) == [200])
        #expect(try keys("jane.doe@example.com", true) == [150, 300])
        #expect(try keys("jAne.doe@example.com", true) == [])
        #expect(try keys("jane.doe@example.com", false) == [100, 150, 200, 300, 300])
        #expect(try keys("Jane.Doe@example.com", false) == [100, 150, 200, 300, 300])
        #expect(try keys("nobody@example.com", false) == [])
        #expect(try keys("nobody@example.com", true) == [])
        #expect(try keys("", false) == [])

        // asOf: an event at exactly asOf is in, one a second later is out.
        #expect(try keys("Jane.Doe@example.com", asOf: 299, true) == [100])
        #expect(try keys("Jane.Doe@example.com", asOf: 300, true) == [100, 300])
        #expect(try keys("jane.doe@example.com", asOf: 99, false) == [])
        #expect(try keys("jane.doe@example.com", asOf: 100, false) == [100])
        #expect(try keys("jane.doe@example.com", asOf: 200, false) == [100, 150, 200])
        #expect(try keys("jane.doe@example.com", asOf: 149, true) == [])
        #expect(try store.events(forKey: Array("Jane.Doe@example.com".utf8), asOf: .max, caseSensitive: true)
            == [upper1, upper3])

        let all = [upper1, lower1, upper2, upper3, lower2]
        for asOf: Int64 in [0, 100, 199, 200, 300] {
            #expect(try scan(store, asOf: asOf) == expectedScan(all, asOf: asOf))
            #expect(try scan(store, asOf: asOf, caseSensitive: true) == expectedScan(all, asOf: asOf, caseSensitive: true))
        }
        #expect(try scan(store, caseSensitive: true).keys == ["JANE.DOE@example.com", "Jane.Doe@example.com", "jane.doe@example.com"])
        #expect(try scan(store, asOf: 0).events == 0)
    }

    // MARK: - 6. A failed load leaves the history as it was

    struct State: Equatable {
        var scan: Scan
        var sensitive: Scan
        var count: Int
        var reasonsInMemory: [String]
        var reasonsStored: [String]
        var runs: [Int64]
        var rows: Int64
        var events: [Int64]
    }

    func state(_ store: HistoryStore) throws -> State {
        let select = try store.db.prepare("SELECT name FROM reasons ORDER BY code")
        var stored: [String] = []
        while try select.step() { stored.append(select.string(0) ?? "") }
        return State(scan: try scan(store), sensitive: try scan(store, caseSensitive: true), count: try store.count(),
                     reasonsInMemory: store.reasons.names, reasonsStored: stored, runs: try store.runs().map(\.run),
                     rows: try query(store, "SELECT count(*) FROM address_runs"), events: try store.storedEventNumbers())
    }

    @Test func anAbandonedLoadLeavesTheHistoryAndItsReasonsAsTheyWere() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        let store = try HistoryStore(path: path, create: true)
        store.runBufferBytes = 1
        let base = [
            record("a@example.com", 100, .bounce, code: 550, status: "5.1.1", "550 5.1.1 user unknown"),
            record("b@example.com", 100, .delivered),
        ]
        _ = try store.insert(base)
        let before = try state(store)
        #expect(!before.reasonsStored.contains("complaint"))

        // A load that adds a new reason and writes runs, then is abandoned.
        let complaint = record("a@example.com", 200, .complaint)
        let l = try store.beginLoad()
        try l.stage([complaint, record("c@example.com", 5, .bounce, code: 452, status: "4.2.2", "452 4.2.2 mailbox full")])
        try l.stage(base)
        #expect(store.reasons.names.contains("complaint"))
        l.abandon()
        #expect(try state(store) == before)

        // A load that fails part-way (the database refuses a row) is rolled back by insert.
        try store.db.execute("""
            CREATE TEMP TRIGGER refuse BEFORE INSERT ON event_blocks
            BEGIN SELECT RAISE(ABORT, 'refused'); END
            """)
        #expect(throws: HistoryError.self) {
            _ = try store.insert([complaint, record("d@example.com", 300, .bounce, code: 550, status: "5.1.1", "refuse me")])
        }
        #expect(try state(store) == before)
        try store.db.execute("DROP TRIGGER refuse")

        // A later load with another new reason takes the code the abandoned one had.
        let unsubscribe = record("a@example.com", 250, .unsubscribe)
        #expect(try store.insert([unsubscribe]) == (new: 1, duplicate: 0))
        let after = try state(store)
        #expect(after.reasonsInMemory == after.reasonsStored)
        #expect(after.reasonsStored == before.reasonsStored + ["unsubscribe"])
        let events = base + [unsubscribe]
        #expect(after.scan == expectedScan(events))
        #expect(try store.events(forKey: Array("a@example.com".utf8), asOf: .max, caseSensitive: false).map(\.reason)
            == [base[0].reason, "unsubscribe"])
        #expect(try HistoryStore(path: path, create: false).events(forKey: Array("a@example.com".utf8), asOf: .max, caseSensitive: false)
            == [base[0], unsubscribe])
        #expect(try scan(HistoryStore(path: path, create: false)) == expectedScan(events))

        // And the abandoned complaint can still come later.
        #expect(try store.insert([complaint, unsubscribe]) == (new: 1, duplicate: 1))
        #expect(try scan(store) == expectedScan(events + [complaint]))
        #expect(try scan(HistoryStore(path: path, create: false)) == expectedScan(events + [complaint]))
    }

    @Test func aLoadDroppedWithoutCommitIsRolledBack() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        _ = try store.insert([record("a@example.com", 1, .delivered)])
        let before = try state(store)
        do {
            let l = try store.beginLoad()
            try l.stage([record("a@example.com", 2, .complaint)])
        }
        #expect(try state(store) == before)
        #expect(try store.insert([record("a@example.com", 3, .unsubscribe)]) == (new: 1, duplicate: 0))
        #expect(try scan(store).groups.first?.map(\.reason) == ["delivered", "unsubscribe"])
    }

    // MARK: - 7. AddressEntry

    @Test func addressEntriesRoundTripThroughTheirBytes() {
        let id: [UInt8] = (0..<16).map { UInt8(truncatingIfNeeded: 0xF0 + $0 * 17) }
        let timestamps: [Int64] = [0, 1, -1, -86_400, 1_700_000_000, .min, .max]
        let numbers: [Int64] = [1, 255, 256, (1 << 48) - 2, (1 << 48) - 1, 1 << 40]
        var count = 0
        for type in EventType.allCases {
            for kind in [nil] + BounceKind.allCases.map(Optional.some) {
                for exact in [false, true] {
                    for (i, ts) in timestamps.enumerated() {
                        let number = numbers[(i + count) % numbers.count]
                        let reason = UInt8(truncatingIfNeeded: count * 37)
                        let entry = AddressEntry(timestamp: ts, id: id, event: number, type: type, kind: kind, exactDiffers: exact, reason: reason)
                        #expect(entry.type == type)
                        #expect(entry.kind == kind)
                        #expect(entry.exactDiffers == exact)
                        #expect(entry.id == id)
                        var bytes: [UInt8] = [0xAA]  // at an offset other than zero
                        entry.write(to: &bytes)
                        #expect(bytes.count == 1 + AddressEntry.size)
                        let back = bytes.withUnsafeBytes { AddressEntry($0, at: 1) }
                        #expect(back == entry)
                        #expect(back.timestamp == ts)
                        #expect(back.event == number)
                        #expect(back.reason == reason)
                        #expect(back.type == type && back.kind == kind && back.exactDiffers == exact)
                        #expect(back.id == id)
                        count += 1
                    }
                }
            }
        }
        // Six types since 0008-lifecycle (allow and suppress in flags bits 6–7).
        #expect(count == 6 * 5 * 2 * timestamps.count)
    }

    @Test func addressEntryBytesAreTheDocumentedLayout() {
        let id: [UInt8] = Array(1...16)
        let entry = AddressEntry(timestamp: -2, id: id, event: (1 << 48) - 1, type: .complaint, kind: .sender, exactDiffers: true,
                                 reason: 200, message: 0x0403_0201)
        var bytes: [UInt8] = []
        entry.write(to: &bytes)
        #expect(bytes == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + id + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0x02 | (3 << 2) | 0x20, 200] + [1, 2, 3, 4])
        // A run written before messages were kept holds the first 32 bytes; read so, the message is 0.
        var old = entry
        old.message = 0
        #expect(bytes.withUnsafeBytes { AddressEntry($0, at: 0, size: AddressEntry.sizeWithoutMessage) } == old)
    }

    @Test func decodeReadsEveryWholeEntryAndSortDeduplicatesByTimeAndId() {
        let idA: [UInt8] = Array(repeating: 1, count: 16)
        let idB: [UInt8] = Array(repeating: 1, count: 15) + [2]
        let entries = [
            AddressEntry(timestamp: 5, id: idB, event: 9, type: .bounce, kind: .hard, exactDiffers: false, reason: 1),
            AddressEntry(timestamp: 5, id: idA, event: 7, type: .bounce, kind: .soft, exactDiffers: false, reason: 2),
            AddressEntry(timestamp: -3, id: idB, event: 8, type: .delivered, kind: nil, exactDiffers: true, reason: 3),
            AddressEntry(timestamp: 5, id: idB, event: 4, type: .bounce, kind: .hard, exactDiffers: false, reason: 1),
        ]
        var blob: [UInt8] = []
        for e in entries { e.write(to: &blob) }
        blob += [1, 2, 3]  // a torn tail is not an entry
        var decoded: [AddressEntry] = []
        blob.withUnsafeBytes { AddressEntry.decode($0, into: &decoded) }
        #expect(decoded == entries)
        let repeats = AddressEntry.sortAndDeduplicate(&decoded)
        #expect(repeats == [9])
        #expect(decoded.map(\.timestamp) == [-3, 5, 5])
        #expect(decoded.map(\.event) == [8, 7, 4])
    }
}
