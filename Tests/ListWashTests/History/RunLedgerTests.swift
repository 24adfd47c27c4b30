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
        #expect(try store.ledgerEntry(entry)?.removals?.rules == expected)
        #expect(try store.ledgerEntry(empty)?.removals == LedgerEntry.Removals())
        #expect(try store.ledger().map(\.entry) == [entry, empty])
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
