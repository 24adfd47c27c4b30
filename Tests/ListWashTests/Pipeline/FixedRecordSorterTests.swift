import Foundation
import Testing
@testable import ListWash

/// The duplicate pre-pass's sorter: every budget, every shape of key, gives the records back
/// in `(a, b, c)` order, and leaves no file behind.
@Suite struct FixedRecordSorterTests {
    typealias Record = FixedRecordSorter.Record

    /// Records in the pre-pass's shape: a fingerprint (`a`, `b`) drawn from `keys` distinct
    /// ones, the append order in `c`, something in `d`.
    func records(_ n: Int, keys: Int, seed: UInt64) -> [Record] {
        var rng = SplitMix64(seed: seed)
        let fingerprints = (0..<keys).map { _ in (rng.next(), rng.next()) }
        return (0..<n).map { i in
            let (a, b) = fingerprints[Int.random(in: 0..<keys, using: &rng)]
            return Record(a: a, b: b, c: UInt64(i), d: rng.next())
        }
    }

    func sortedAll(_ records: [Record], budget: Int, fanIn: Int = 64, in folder: TemporaryFolder) throws -> (out: [Record], runs: Int) {
        let sorter = FixedRecordSorter(directory: folder.path, memoryBudget: budget, fanIn: fanIn)
        for r in records { try sorter.append(r) }
        let sorted = try sorter.finish()
        var out: [Record] = []
        while let r = try sorted.next() { out.append(r) }
        #expect(sorter.count == records.count)
        return (out, sorter.runsWritten)
    }

    /// In memory; a few runs; hundreds of runs (intermediate merges at fan-in 64); fan-in 2.
    @Test(arguments: [(1 << 24, 64), (1 << 16, 64), (256, 64), (256, 2)])
    func sortsLikeAComparisonSortAtEveryBudget(budget: Int, fanIn: Int) throws {
        let folder = try TemporaryFolder()
        let input = records(20_000, keys: 5_000, seed: UInt64(budget + fanIn))
        let (out, runs) = try sortedAll(input, budget: budget, fanIn: fanIn, in: folder)
        #expect(out == input.sorted(by: Record.precedes))
        #expect((runs > 0) == (budget < 20_000 * 64))
        if budget == 256 { #expect(runs > 20_000 / 4) }
        // Runs are unlinked at once: the folder is empty however many there were.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// One key for every record (a list of one address), a handful of keys, keys that
    /// differ only in `b` or only in `c`, small row numbers in `a` (the by-row sort), and
    /// keys at both ends of the range.
    @Test func skewedAndNarrowKeysSortToo() throws {
        let folder = try TemporaryFolder()
        var rng = SplitMix64(seed: 7)
        let shapes: [[Record]] = [
            (0..<5_000).map { Record(a: 42, b: 42, c: UInt64(5_000 - $0), d: UInt64($0)) },
            (0..<5_000).map { Record(a: UInt64($0 % 3), b: rng.next(), c: UInt64($0), d: 0) },
            (0..<5_000).map { Record(a: 9, b: UInt64($0 % 17), c: UInt64($0), d: 0) },
            (0..<5_000).map { _ in Record(a: UInt64.random(in: 1...60_000, using: &rng), b: 0, c: 0, d: rng.next()) },
            (0..<5_000).map { Record(a: $0 % 2 == 0 ? 0 : .max, b: .max - UInt64($0), c: UInt64($0), d: 1) },
        ]
        for input in shapes {
            for budget in [1 << 20, 1_000] {
                var expected = input.sorted(by: Record.precedes)
                let (out, _) = try sortedAll(input, budget: budget, in: folder)
                if input[0].b == 0, input[0].c == 0 {
                    // Equal (a, b, c) come back in no set order: compare what each key holds.
                    #expect(out.map(\.a) == expected.map(\.a))
                    #expect(Dictionary(grouping: out, by: \.a).mapValues { $0.map(\.d).sorted() }
                        == Dictionary(grouping: expected, by: \.a).mapValues { $0.map(\.d).sorted() })
                    expected = out
                }
                #expect(out == expected)
            }
        }
    }

    @Test func anEmptySorterYieldsNothing() throws {
        let folder = try TemporaryFolder()
        let (out, runs) = try sortedAll([], budget: 64, in: folder)
        #expect(out.isEmpty)
        #expect(runs == 0)
    }

    @Test func theInMemorySortMatchesAComparisonSortAtEverySize() {
        for n in [0, 1, 2, 31, 33, 100, 4_097, 70_000] {
            var records = records(n, keys: max(1, n / 3), seed: UInt64(n))
            let expected = records.sorted(by: Record.precedes)
            FixedRecordSorter.sort(&records)
            #expect(records == expected)
        }
    }

    @Test func aMissingDirectoryIsAnOutputErrorOnceItSpills() throws {
        let sorter = FixedRecordSorter(directory: "/nonexistent/listwash-test", memoryBudget: 64)
        try sorter.append(Record(a: 1, b: 0, c: 0, d: 0))
        #expect(throws: OutputError.self) {
            for i in 0..<10 { try sorter.append(Record(a: UInt64(i), b: 0, c: 0, d: 0)) }
        }
    }
}
