import Foundation
import Testing
@testable import ListWash

@Suite struct ExternalSorterTests {
    /// Random keys with many repeats, prefixes of each other, empty keys, zero bytes and
    /// bytes ≥ 0x80; the value holds the insertion index.
    func records(_ n: Int, seed: UInt64) -> [(key: [UInt8], value: [UInt8])] {
        var rng = SplitMix(state: seed)
        let alphabet: [UInt8] = [0x00, 0x41, 0x61, 0x62, 0x7F, 0x80, 0xC3, 0xFF]
        return (0..<n).map { i in
            let length = Int.random(in: 0...12, using: &rng)
            let key = (0..<length).map { _ in alphabet[Int.random(in: 0..<(length > 9 ? alphabet.count : 3), using: &rng)] }
            return (key, Array("#\(i)".utf8))
        }
    }

    func sortedAll(_ sorter: ExternalSorter) throws -> [(key: [UInt8], value: [UInt8])] {
        var out: [(key: [UInt8], value: [UInt8])] = []
        try sorter.finish().forEach { key, value in out.append((Array(key), Array(value))) }
        return out
    }

    /// Descriptors this process holds open on files in `directory` (unlinked files included).
    func openFiles(in directory: String) -> Int {
        let name = "/" + URL(fileURLWithPath: directory).lastPathComponent + "/"
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { fd in
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? "").contains(name)
        }.count
    }

    @Test func aTinyBudgetSpillsAndStillSortsStably() throws {
        let folder = try TemporaryFolder()
        let sorter = ExternalSorter(directory: folder.path, memoryBudget: 256)
        let input: [(String, String)] = [("b", "1"), ("a", "2"), ("b", "3"), ("", "4"), ("ab", "5"), ("a", "6"), ("b", "7"), ("a", "8")]
        for _ in 0..<20 {
            for (k, v) in input { try sorter.append(key: Array(k.utf8), value: Array(v.utf8)) }
        }
        #expect(sorter.count == 160)
        let sorted = try sortedAll(sorter)
        #expect(sorter.runsWritten > 1)
        let expected = (0..<20).flatMap { _ in input }.enumerated()
            .sorted { $0.element.0.utf8.lexicographicallyPrecedes($1.element.0.utf8) || ($0.element.0 == $1.element.0 && $0.offset < $1.offset) }
            .map { (Array($0.element.0.utf8), Array($0.element.1.utf8)) }
        #expect(sorted.map(\.key) == expected.map(\.0))
        #expect(sorted.map(\.value) == expected.map(\.1))
    }

    @Test(arguments: [(1 << 20, 64), (2048, 64), (2048, 2), (300, 3)])
    func equalsAStableInMemorySortOfSeededRandomData(budget: Int, fanIn: Int) throws {
        let folder = try TemporaryFolder()
        let input = records(5_000, seed: 42)
        let sorter = ExternalSorter(directory: folder.path, memoryBudget: budget, fanIn: fanIn)
        for r in input { try sorter.append(key: r.key, value: r.value) }
        let sorted = try sortedAll(sorter)
        let expected = input.enumerated().sorted { a, b in
            a.element.key.lexicographicallyPrecedes(b.element.key)
                || (a.element.key == b.element.key && a.offset < b.offset)
        }.map(\.element)
        #expect(sorted.count == expected.count)
        #expect(sorted.map(\.key) == expected.map(\.key))
        #expect(sorted.map(\.value) == expected.map(\.value))
        if budget < 1 << 20 { #expect(sorter.runsWritten > fanIn) } else { #expect(sorter.runsWritten == 0) }
    }

    @Test func largeRecordsBiggerThanTheBudgetAndTheReadBuffer() throws {
        let folder = try TemporaryFolder()
        let sorter = ExternalSorter(directory: folder.path, memoryBudget: 100)
        let big = [UInt8](repeating: 0x7A, count: 20_000)
        try sorter.append(key: [3], value: big)
        try sorter.append(key: [1], value: [1])
        try sorter.append(key: [2], value: big + [9])
        try sorter.append(key: [], value: [])
        let sorted = try sortedAll(sorter)
        #expect(sorted.map(\.key) == [[], [1], [2], [3]])
        #expect(sorted.map(\.value) == [[], [1], big + [9], big])
    }

    @Test func anEmptySorterYieldsNothing() throws {
        let folder = try TemporaryFolder()
        #expect(try sortedAll(ExternalSorter(directory: folder.path, memoryBudget: 16)).isEmpty)
    }

    @Test func temporaryFilesAreGoneAfterCompletionAndAfterAnError() throws {
        let folder = try TemporaryFolder()
        let input = records(2_000, seed: 7)
        do {
            let sorter = ExternalSorter(directory: folder.path, memoryBudget: 1024, fanIn: 4)
            for r in input { try sorter.append(key: r.key, value: r.value) }
            #expect(sorter.runsWritten > 4)
            // Nothing is visible in the folder even while runs exist; the runs are open, unlinked files.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
            #expect(openFiles(in: folder.path) > 0)
            _ = try sortedAll(sorter)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(openFiles(in: folder.path) == 0)

        struct Stop: Error {}
        do {
            let sorter = ExternalSorter(directory: folder.path, memoryBudget: 1024)
            for r in input { try sorter.append(key: r.key, value: r.value) }
            let sorted = try sorter.finish()
            var seen = 0
            #expect(throws: Stop.self) {
                try sorted.forEach { _, _ in
                    seen += 1
                    if seen == 100 { throw Stop() }
                }
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(openFiles(in: folder.path) == 0)
    }

    @Test func aMissingDirectoryIsAnOutputErrorNamingOnlyThePath() throws {
        let sorter = ExternalSorter(directory: "/nonexistent/listwash-sort", memoryBudget: 16)
        #expect(throws: OutputError.self) {
            for i in 0..<10 { try sorter.append(key: [UInt8(i)], value: Array("secret@example.com".utf8)) }
        }
    }
}
