import Foundation
import Testing
@testable import ListWash

/// The spill toolkit in `Support/`: the varint codec, the k-way merge, the temporary file and
/// its reader, and ASCII case folding.
@Suite struct SpillToolkitTests {
    // MARK: Varint

    @Test func varintsRoundTripAtEveryBoundary() throws {
        var values: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x3FFF, 0x4000, .max, .max - 1, 1 << 63]
        for bits in stride(from: 7, through: 63, by: 7) {
            values += [(1 << UInt64(bits)) - 1, 1 << UInt64(bits), (1 << UInt64(bits)) + 1]
        }
        var bytes: [UInt8] = []
        for v in values { Varint.append(v, to: &bytes) }
        var at = 0
        bytes.withUnsafeBytes { raw in
            for v in values {
                let start = at
                #expect(Varint.read(raw, at: &at) == v)
                // 7 bits a byte: the length is the value's bit width over 7, at least one.
                #expect(at - start == max(1, (64 - v.leadingZeroBitCount + 6) / 7))
            }
            #expect(at == raw.count)
        }
        var one: [UInt8] = []
        Varint.append(300, to: &one)
        #expect(one == [0xAC, 0x02])
        one.removeAll()
        Varint.append(.max, to: &one)
        #expect(one.count == Varint.maxBytes && one.last == 1)
        for v: Int64 in [0, 1, -1, 63, -64, 64, 1 << 40, -(1 << 40), .max, .min] {
            #expect(Varint.unzigzag(Varint.zigzag(v)) == v)
        }
        #expect(Varint.zigzag(-1) == 1 && Varint.zigzag(1) == 2)
    }

    @Test func aTruncatedOrOverlongVarintIsNil() {
        func read(_ bytes: [UInt8]) -> UInt64? {
            bytes.withUnsafeBytes { raw in
                var at = 0
                return Varint.read(raw, at: &at)
            }
        }
        #expect(read([]) == nil)
        #expect(read([0x80]) == nil)
        #expect(read([0xFF, 0xFF]) == nil)
        // Eleven bytes, or a tenth byte with more than the top bit: past 64 bits.
        #expect(read([UInt8](repeating: 0xFF, count: 10) + [0x01]) == nil)
        #expect(read([UInt8](repeating: 0xFF, count: 9) + [0x02]) == nil)
        #expect(read([UInt8](repeating: 0xFF, count: 9) + [0x01]) == .max)
    }

    // MARK: KWayMerge

    /// A sorted run in memory (each key in memory of its own, freed with the run).
    final class ArrayRun: MergeSource {
        let keys: [[UInt8]]
        private let stored: [UnsafeMutableRawBufferPointer]
        let name: Int
        var index = 0
        init(_ keys: [String], name: Int) {
            self.keys = keys.map { Array($0.utf8) }
            stored = self.keys.map { key in
                let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: key.count, alignment: 1)
                memory.copyBytes(from: key)
                return memory
            }
            self.name = name
        }

        deinit { for memory in stored { memory.deallocate() } }

        var isLive: Bool { index < keys.count }
        var key: UnsafeRawBufferPointer { UnsafeRawBufferPointer(stored[index]) }
        func advance() throws { index += 1 }
    }

    @Test func mergesSeveralRunsIncludingEmptyOnesStably() throws {
        let runs = [["a", "b", "b", "d"], [], ["", "a", "ab", "b"], [], ["a", "c", "d", "d\u{0}"], ["b"]]
        var merge = KWayMerge(runs.enumerated().map { ArrayRun($0.element, name: $0.offset) })
        var out: [(String, Int)] = []
        while let top = merge.top {
            out.append((String(decoding: top.keys[top.index], as: UTF8.self), top.name))
            try merge.advanceTop()
        }
        // Key order (bytes, then length); equal keys in run order, a run's own repeats in turn.
        let expected = runs.enumerated().flatMap { run in run.element.enumerated().map { ($0.element, run.offset, $0.offset) } }
            .sorted { a, b in
                if a.0 != b.0 { return Array(a.0.utf8).lexicographicallyPrecedes(Array(b.0.utf8)) }
                return (a.1, a.2) < (b.1, b.2)
            }
        #expect(out.map(\.0) == expected.map(\.0))
        #expect(out.map(\.1) == expected.map(\.1))
        #expect(KWayMerge([ArrayRun]()).top == nil)
        #expect(KWayMerge([ArrayRun([], name: 0), ArrayRun([], name: 1)]).top == nil)
    }

    @Test func groupsGatherEveryRunAtTheSameKeyInRunOrder() throws {
        let runs = [["a", "c"], [], ["a", "b", "c"], ["c", "e"], []]
        var merge = KWayMerge(runs.enumerated().map { ArrayRun($0.element, name: $0.offset) })
        var key: [UInt8] = []
        var groups: [(String, [Int])] = []
        var members: [Int] = []
        while try merge.nextGroup(key: &key, { members.append($0.name) }) {
            groups.append((String(decoding: key, as: UTF8.self), members))
            members.removeAll()
        }
        #expect(groups.map(\.0) == ["a", "b", "c", "e"])
        #expect(groups.map(\.1) == [[0, 2], [2], [0, 2, 3], [3]])
    }

    @Test func keyPrefixesOrderKeysAsTheBytesDo() {
        let keys = ["", "\u{0}", "a", "a\u{0}", "ab", "abcdefgh", "abcdefgh\u{0}", "abcdefghi", "b", "\u{7F}", "é"].map { Array($0.utf8) }
        for a in keys {
            for b in keys {
                let (pa, pb) = a.withUnsafeBytes { ra in b.withUnsafeBytes { rb in (keyPrefix(ra), keyPrefix(rb)) } }
                let c = a.withUnsafeBytes { ra in b.withUnsafeBytes { rb in compareKeys(ra, rb) } }
                #expect((c < 0) == a.lexicographicallyPrecedes(b))
                if pa != pb { #expect((pa < pb) == (c < 0)) }
            }
        }
    }

    // MARK: TemporaryFile

    @Test func aTemporaryFileIsUnlinkedAndReadsBackByPositionAndInOrder() throws {
        let folder = try TemporaryFolder()
        let file = try TemporaryFile(directory: folder.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try file.append(bytes)
        try file.finishAppending()
        #expect(file.size == Int64(bytes.count))
        var some: [UInt8] = []
        try file.readExactly(at: 1_000_000, count: 10, into: &some, file: "test")
        #expect(some == Array(bytes[1_000_000..<1_000_010]))
        let reader = TemporaryFileReader(file: file, range: 5..<Int64(bytes.count), window: 4_096, name: "test")
        var read: [UInt8] = []
        while !reader.isAtEnd {
            let n = min(1_000, Int(bytes.count) - 5 - read.count)
            try reader.require(n)
            read.append(contentsOf: reader.bytes(0, n))
            reader.consume(n)
        }
        #expect(read == Array(bytes[5...]))
    }

    /// Small appends of every kind (arrays, slices, raw bytes, a collection without contiguous
    /// storage) across the 1 MiB buffer's flushes, and appends after ``finishAppending()``: the
    /// file reads back as the bytes in the order appended.
    @Test func smallAppendsOfEveryKindReadBackInOrder() throws {
        let folder = try TemporaryFolder()
        let file = try TemporaryFile(directory: folder.path)
        var expected: [UInt8] = []
        var random = SystemRandomNumberGenerator()
        for round in 0..<60_000 {
            let piece = (0..<Int.random(in: 0...70, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            switch round % 4 {
            case 0: try file.append(piece)
            case 1: try file.append(piece[...])
            case 2: try piece.withUnsafeBytes { try file.append($0) }
            default: try file.append(piece.lazy.map { $0 })
            }
            expected += piece
            if round == 40_000 { try file.finishAppending() }
        }
        try file.flush()
        #expect(file.size == Int64(expected.count))
        var back: [UInt8] = []
        try file.readExactly(at: 0, count: expected.count, into: &back, file: "test")
        #expect(back == expected)
    }

    @Test func aTruncatedTemporaryFileIsAnInternalErrorNotACrash() throws {
        let folder = try TemporaryFolder()
        let file = try TemporaryFile(directory: folder.path)
        try file.append([UInt8](repeating: 7, count: 100))
        try file.flush()
        // A reader told of more bytes than the file holds: the file was cut short.
        let reader = TemporaryFileReader(file: file, range: 0..<200, window: 64, name: "sort run")
        try reader.require(100)
        reader.consume(100)
        #expect(!reader.isAtEnd)
        #expect(throws: TemporaryFileError.self) { try reader.require(1) }
        // A length that runs past the range.
        let other = TemporaryFileReader(file: file, range: 0..<100, window: 64, name: "sort run")
        do {
            try other.require(101)
            Issue.record("a read past the range went through")
        } catch let error as TemporaryFileError {
            #expect(String(describing: error).hasPrefix("internal error: a temporary file (sort run)"))
        }
        #expect(throws: TemporaryFileError.self) { var b: [UInt8] = []; try file.readExactly(at: 90, count: 11, into: &b, file: "x") }
        #expect(throws: TemporaryFileError.self) { var b: [UInt8] = []; try file.readExactly(at: -1, count: 1, into: &b, file: "x") }
    }

    @Test func aDamagedSortRunIsAnInternalErrorNotACrash() throws {
        let folder = try TemporaryFolder()
        let run = try TemporaryFile(directory: folder.path)
        for i in 0..<50 {
            try [UInt8(i)].withUnsafeBytes { try ExternalSorter.write(key: $0, value: UnsafeRawBufferPointer(start: nil, count: 0), to: run) }
        }
        try run.flush()
        // The last record's value length says 1,000 bytes where none follow.
        var length: [UInt8] = []
        length.append(littleEndian: UInt32(1_000))
        try length.withUnsafeBytes { try run.write($0, at: run.size - 9 + 4) }
        let merger = try Merger(runs: [run], bufferSize: 64)
        var seen = 0
        #expect(throws: TemporaryFileError.self) { while try merger.next({ _, _ in seen += 1 }) {} }
        #expect(seen == 49)
    }

    @Test func framedRecordsThatDoNotReadBackAreAnError() throws {
        let folder = try TemporaryFolder()
        let file = try TemporaryFile(directory: folder.path)
        try file.appendFramed([1, 2, 3])
        try file.append([9, 0, 0, 0, 1])  // says 9 bytes, holds 1
        #expect(throws: TemporaryFileError.self) { try file.forEachFramed { _ in } }
        let records = try TemporaryFile(directory: folder.path)
        try records.append([UInt8](repeating: 1, count: 17 * 3 + 5))
        #expect(throws: TemporaryFileError.self) { try records.forEachRecord(size: 17, name: "test") { _ in } }
    }

    // MARK: ASCII

    @Test func asciiFoldsOnlyTheLettersAToZ() {
        let all = (0...255).map(UInt8.init)
        let lower = ASCII.lowercased(all)
        for b in all {
            let expected = (0x41...0x5A).contains(b) ? b + 0x20 : b
            #expect(lower[Int(b)] == expected)
            #expect(ASCII.isUpper(b) == (0x41...0x5A).contains(b))
        }
    }
}
