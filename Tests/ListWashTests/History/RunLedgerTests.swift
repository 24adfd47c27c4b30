import Foundation
import Testing
@testable import ListWash

@Suite struct RunLedgerTests {
    @Test func removalsRecordedInListOrderAreStoredSortedAndReadBack() throws {
        let folder = try TemporaryFolder()
        let recorder = LedgerEntry.RemovalsRecorder(directory: folder.path, memoryBudget: 1 << 20)
        let rows: [(String, SuppressionRule)] = [("zed@example.org", .hardBounce), ("amy@example.com", .complaint),
                                                 ("josé@example.es", .softBounceEscalation), ("bad", .invalidAddress)]
        for (key, rule) in rows { try recorder.add(key: Array(key.utf8), rule: rule) }
        let sorted = try recorder.finish()
        let packed = try sorted.packed()
        #expect(packed.count == sorted.size)
        let removals = try #require(LedgerEntry.Removals(packed: packed))
        #expect(removals.rules == Dictionary(uniqueKeysWithValues: rows))
        // Sorted by the keys' bytes: "amy…" < "bad" < "jos…" < "zed…".
        #expect(Array(packed.prefix(16)) == [15] + Array("amy@example.com".utf8))
        #expect(LedgerEntry.Removals(packed: Array(packed.dropLast())) == nil, "a cut blob is refused")
    }

    /// A list's removals beyond the recorder's budget spill to sorted runs and come back merged,
    /// in the same bytes as one sort in memory gives, whatever piece size the ledger is filled in.
    @Test func removalsBeyondTheBudgetSpillAndComeBackInKeyOrder() throws {
        let folder = try TemporaryFolder()
        let recorder = LedgerEntry.RemovalsRecorder(directory: folder.path, memoryBudget: 4096)
        var expected: [String: SuppressionRule] = [:]
        var generator = SystemRandomNumberGenerator()
        for i in 0..<20_000 {
            // Keys of 1 to 3 varint bytes' lengths (up to 200 bytes), in no order.
            let key = "\(UInt32.random(in: 0...UInt32.max, using: &generator))-\(i)" + String(repeating: "x", count: i % 200) + "@example.com"
            let rule = SuppressionRule.allCases[i % SuppressionRule.allCases.count]
            expected[key] = rule
            try recorder.add(key: Array(key.utf8), rule: rule)
        }
        #expect(recorder.count == 20_000)
        let sorted = try recorder.finish()
        var pieces: [Int] = []
        var packed: [UInt8] = []
        try sorted.forEachPiece(chunk: 10_000) { piece in
            pieces.append(piece.count)
            packed.append(contentsOf: piece)
        }
        #expect(packed.count == sorted.size)
        #expect(pieces.count > 2, "the removals came in several pieces")
        #expect(LedgerEntry.Removals(packed: packed)?.rules == expected)
        #expect(packed == LedgerEntry.Removals(expected).packedByBytes, "the same bytes as one sort in memory")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "the spilled runs left nothing behind")
    }

    /// The ledger's row holds the removals as the recorder packed them, written in place into a
    /// blob of their length (never assembled in memory), and an empty set of removals is an
    /// empty blob, not NULL.
    @Test func aCleansRemovalsAreStreamedIntoTheLedger() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let recorder = LedgerEntry.RemovalsRecorder(directory: folder.path, memoryBudget: 2048)
        var expected: [String: SuppressionRule] = [:]
        for i in 0..<3_000 {
            let key = "subscriber\(i * 7919 % 3_000)@example.net"
            expected[key] = i.isMultiple(of: 3) ? .hardBounce : .complaint
            try recorder.add(key: Array(key.utf8), rule: expected[key]!)
        }
        let entry = try store.record(command: "clean", asOf: 1_796_083_200, lastBlock: 0, outcome: "written",
                                     manifest: "{}", removals: try recorder.finish())
        let empty = try store.record(command: "clean", asOf: 1_796_083_200, lastBlock: 0, outcome: "written",
                                     manifest: "{}", removals: try LedgerEntry.RemovalsRecorder(directory: folder.path, memoryBudget: 2048).finish())
        #expect(try store.ledgerEntry(entry, removals: true)?.removals?.rules == expected)
        #expect(try store.ledgerEntry(empty, removals: true)?.removals == LedgerEntry.Removals())
        #expect(try store.ledger().map(\.entry) == [entry, empty])
    }

    /// Writes a clean's row with `packed` as its removals, as they are stored.
    static func recordPacked(_ store: HistoryStore, _ packed: [UInt8]) throws -> Int64 {
        try store.db.execute("INSERT INTO ledger (command, recorded_at, last_block, outcome, manifest, removals) VALUES ('clean', 0, 0, 'written', '{}', X'\(packed.hexString)')")
        let select = try store.db.prepare("SELECT max(entry) FROM ledger")
        _ = try select.step()
        return select.int64(0)
    }

    /// A run's removals come back from its ledger row in key order through the cursor, a piece
    /// of the blob at a time: 60,000 removals (about 3 MB, so records straddle the pieces)
    /// read back exactly; an ingest's row and a missing entry have none, an empty set reads as
    /// none at once.
    @Test func removalsReadBackAPieceAtATime() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let recorder = LedgerEntry.RemovalsRecorder(directory: folder.path, memoryBudget: 1 << 20)
        var expected: [([UInt8], SuppressionRule)] = []
        for i in 0..<60_000 {
            let key = Array("subscriber-\(i * 7_919 % 60_000)-\(String(repeating: "y", count: i % 37))@example.org".utf8)
            let rule = SuppressionRule.allCases[i % SuppressionRule.allCases.count]
            expected.append((key, rule))
            try recorder.add(key: key, rule: rule)
        }
        expected.sort { $0.0.lexicographicallyPrecedes($1.0) }
        let sorted = try recorder.finish()
        #expect(sorted.size > 2 * LedgerEntry.RemovalsCursor.piece)
        let entry = try store.record(command: "clean", asOf: 0, lastBlock: 0, outcome: "written", manifest: "{}", removals: sorted)
        let cursor = try #require(try store.removalsCursor(entry: entry))
        var got: [([UInt8], SuppressionRule)] = []
        while try cursor.next() { got.append((cursor.key, cursor.rule)) }
        #expect(got.count == expected.count)
        #expect(zip(got, expected).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
        #expect(cursor.inByteOrder)
        #expect(try store.removalsCursor(entry: entry + 99) == nil)
        try store.recordIngest([])
        #expect(try store.removalsCursor(entry: entry + 1) == nil)
        let empty = try #require(try store.removalsCursor(entry: try Self.recordPacked(store, [])))
        #expect(try empty.next() == false)
    }

    /// A damaged row is an error naming the history, never a crash or a read of everything
    /// after it: a record cut short, a rule index past the rules, a key length no key has.
    @Test func damagedRemovalsAreRefused() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let good: [UInt8] = [3] + Array("a@b".utf8) + [0]
        for damaged: [UInt8] in [good + [4] + Array("c@d".utf8), good + [3] + Array("c@d".utf8) + [200],
                                 good + [0xFF, 0xFF, 0xFF, 0x7F] + [UInt8](repeating: 0x61, count: 64),
                                 good + [UInt8](repeating: 0xFF, count: 12)] {
            let cursor = try #require(try store.removalsCursor(entry: try Self.recordPacked(store, damaged)))
            #expect(try cursor.next())
            #expect(cursor.key == Array("a@b".utf8))
            #expect(throws: HistoryError.self) { _ = try cursor.next() }
        }
    }

    /// Two runs compared side by side in key order give the differences that both sets whole
    /// in memory give: removed by one run only, by both with other rules, and the same in both
    /// (left out); a row whose keys are not in byte order is compared in memory instead.
    @Test func runsComparedSideBySideMatchTheComparisonInMemory() throws {
        let folder = try TemporaryFolder()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        func record(_ rules: [String: SuppressionRule]) throws -> Int64 {
            let recorder = LedgerEntry.RemovalsRecorder(directory: folder.path, memoryBudget: 4096)
            for (key, rule) in rules { try recorder.add(key: Array(key.utf8), rule: rule) }
            return try store.record(command: "clean", asOf: 0, lastBlock: 0, outcome: "written", manifest: "{}", removals: try recorder.finish())
        }
        var a: [String: SuppressionRule] = [:], b: [String: SuppressionRule] = [:]
        for i in 0..<5_000 {
            let key = "r\(i * 31 % 5_000)@example.com"
            switch i % 5 {
            case 0: a[key] = .hardBounce
            case 1: b[key] = .complaint
            case 2: a[key] = .hardBounce; b[key] = .hardBounce
            case 3: a[key] = .softBounceEscalation; b[key] = .hardBounce
            default: break
            }
        }
        let first = try record(a), second = try record(b), none = try record([:])
        func same(_ x: [(key: [UInt8], before: SuppressionRule?, after: SuppressionRule?)],
                  _ y: [(key: [UInt8], before: SuppressionRule?, after: SuppressionRule?)]) -> Bool {
            x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.before == $1.before && $0.after == $1.after }
        }
        let streamed = try RunDiff.differences(history: store, first, second)
        #expect(streamed.count == 3_000)
        #expect(same(streamed, try RunDiff.differencesInMemory(history: store, first, second)))
        #expect(same(try RunDiff.differences(history: store, second, first), try RunDiff.differencesInMemory(history: store, second, first)))
        #expect(try RunDiff.differences(history: store, first, none).count == a.count)
        #expect(try RunDiff.differences(history: store, first, first).isEmpty)
        // Keys out of byte order ("b…" before "a…"): the comparison in memory, the same answer.
        let unordered = try Self.recordPacked(store, [11] + Array("b@example.c".utf8) + [0] + [11] + Array("a@example.c".utf8) + [1])
        let mixed = try RunDiff.differences(history: store, unordered, none)
        #expect(mixed.map { String(decoding: $0.key, as: UTF8.self) } == ["a@example.c", "b@example.c"])
        #expect(same(mixed, try RunDiff.differencesInMemory(history: store, unordered, none)))
    }
}

extension LedgerEntry.Removals {
    /// The packed form with the keys in byte order (as the recorder sorts them), for comparison.
    var packedByBytes: [UInt8] {
        var out: [UInt8] = []
        for key in rules.keys.map({ Array($0.utf8) }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            Varint.append(UInt64(key.count), to: &out)
            out += key
            out.append(UInt8(rules[String(decoding: key, as: UTF8.self)]!.index))
        }
        return out
    }
}
