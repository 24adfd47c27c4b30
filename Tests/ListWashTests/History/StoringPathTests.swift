import Testing
@testable import ListWash

/// The storing thread's faster paths give what the plain ones give: the word-at-a-time key
/// order, the entry buffer's packed walk, the reason cache, the block strings' short words and
/// the run entries' packing.
@Suite struct StoringPathTests {
    /// Keys that share 8-byte prefixes, differ in length, and hold 0x00 and 0xFF.
    func trickyKeys(_ random: inout SplitMix) -> [[UInt8]] {
        var keys: [[UInt8]] = [[], [0], [0, 0], [0xFF], Array("abcdefg".utf8), Array("abcdefg".utf8) + [0],
                               Array("abcdefgh".utf8), Array("abcdefgh".utf8) + [0], Array("abcdefgh".utf8) + [0xFF],
                               Array("abcdefgh".utf8) + [0, 0, 0, 0, 0, 0, 0, 0, 1], Array("abcdefghabcdefgh".utf8),
                               Array("abcdefghabcdefg".utf8), Array("abcdefghabcdefgi".utf8)]
        let alphabet: [UInt8] = [0, 1, 0x61, 0x62, 0x7F, 0x80, 0xFE, 0xFF]
        for _ in 0..<300 {
            var key = Array("user.nam".utf8)
            let n = Int.random(in: 0..<20, using: &random)
            if Bool.random(using: &random) { key = Array(key.prefix(Int.random(in: 0...8, using: &random))) }
            for _ in 0..<n { key.append(alphabet[Int.random(in: 0..<alphabet.count, using: &random)]) }
            keys.append(key)
        }
        return keys
    }

    @Test func keyBytesOrderAsTheByteCompare() {
        var random = SplitMix(state: 11)
        let keys = trickyKeys(&random)
        var checked = 0, fromEight = 0
        var wrong: [([UInt8], [UInt8])] = []
        for a in keys {
            for b in keys.prefix(120) {
                a.withUnsafeBytes { x in
                    b.withUnsafeBytes { y in
                        let want = compareKeys(x, y).signum()
                        checked += 1
                        if compareKeyBytes(x, y).signum() != want { wrong.append((a, b)) }
                        // From byte 8 when their zero-padded first 8 bytes agree (as the entry sort uses it).
                        if keyPrefix(x) == keyPrefix(y) {
                            fromEight += 1
                            if compareKeyBytes(x, y, from: 8).signum() != want { wrong.append((a, b)) }
                        }
                    }
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        #expect(checked == keys.count * 120)
        // Enough pairs share their first 8 bytes for the second compare to be exercised.
        #expect(fromEight > 1_000)
    }

    @Test func theBuffersSortAndPackedWalkMatchTheByteOrderOnTrickyKeys() {
        var random = SplitMix(state: 3)
        let keys = trickyKeys(&random)
        var added: [([UInt8], AddressEntry)] = []
        var buffer = EntryBuffer()
        var second = EntryBuffer()
        for number in 1...4_000 {
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            let e = AddressEntry(timestamp: Int64.random(in: 0..<3, using: &random), id: [UInt8](repeating: UInt8.random(in: 0..<2, using: &random), count: 16),
                                 event: Int64(number), type: .bounce, kind: .soft, exactDiffers: false, reason: 3, message: UInt32(number))
            added.append((key, e))
            key.withUnsafeBytes { buffer.append(key: $0, entry: e); second.append(key: $0, entry: e) }
        }
        // The reference: byte order of the keys, then time, id and arrival.
        let want = EntryBufferTests().expected(added)
        var got: [([UInt8], [AddressEntry])] = []
        buffer.forEachKey { key, entries in got.append((Array(key), entries)) }
        #expect(got.map(\.0) == want.map(\.0))
        #expect(got.map(\.1) == want.map(\.1))
        // The packed walk: the same keys, and each entry's bytes as the entry writes them.
        var packed: [([UInt8], [AddressEntry])] = []
        second.forEachKeyPacked { key, items, arena in
            packed.append((Array(key), items.map { AddressEntry(arena, at: Int($0.offset + $0.keyLength)) }))
        }
        #expect(packed.map(\.0) == want.map(\.0))
        #expect(packed.map(\.1) == want.map(\.1))
    }

    @Test func chunksAndTheLastFillMergeAsOneBufferGivesThem() throws {
        let folder = try TemporaryFolder()
        var random = SplitMix(state: 5)
        let keys = trickyKeys(&random)
        // Three fills: two spilled as chunks, the last merged from memory; the reference holds
        // everything in one buffer, in the same order of arrival.
        var fills = [EntryBuffer(), EntryBuffer(), EntryBuffer()]
        var reference = EntryBuffer()
        for number in 1...3_000 {
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            // Few times and ids, so that one event comes in more than one fill.
            let e = AddressEntry(timestamp: Int64.random(in: -2..<2, using: &random), idHigh: UInt64.random(in: 0..<2, using: &random), idLow: .max,
                                 event: Int64(number) << 20, flags: 0x25, reason: 200, message: number % 2 == 0 ? 0 : .max)
            key.withUnsafeBytes { fills[(number - 1) / 1_000].append(key: $0, entry: e); reference.append(key: $0, entry: e) }
        }
        var want: [([UInt8], [AddressEntry])] = []
        reference.forEachKey { key, entries in want.append((Array(key), entries)) }
        let chunks = try SpilledChunks(directory: folder.path)
        try chunks.spill(&fills[0])
        try chunks.spill(&fills[1])
        #expect(fills[0].isEmpty && fills[1].isEmpty)
        var got: [([UInt8], [AddressEntry])] = []
        try chunks.merge(last: &fills[2]) { key, entries in
            // The merge gives each key's entries chunk by chunk; the load sorts them by time and id.
            got.append((Array(key), entries.enumerated().sorted { a, b in
                AddressEntry.precedes(a.element, b.element) || (!AddressEntry.precedes(b.element, a.element) && a.offset < b.offset)
            }.map(\.element)))
        }
        #expect(fills[2].isEmpty)
        #expect(got.map(\.0) == want.map(\.0))
        #expect(got.map(\.1) == want.map(\.1))
    }

    @Test func aLastFillSortedEarlyMergesTheSame() throws {
        let folder = try TemporaryFolder()
        var first = EntryBuffer(), last = EntryBuffer()
        let e = { (n: Int64) in AddressEntry(timestamp: n, idHigh: 1, idLow: 2, event: n, flags: 0, reason: 1, message: 0) }
        for (n, key) in ["b@x", "a@x", "c@x"].enumerated() { Array(key.utf8).withUnsafeBytes { first.append(key: $0, entry: e(Int64(n))) } }
        for (n, key) in ["c@x", "a@x\u{0}", "a@x"].enumerated() { Array(key.utf8).withUnsafeBytes { last.append(key: $0, entry: e(Int64(10 + n))) } }
        let chunks = try SpilledChunks(directory: folder.path)
        try chunks.spill(&first)
        last.sort()
        last.sort()
        var got: [(String, [Int64])] = []
        try chunks.merge(last: &last) { key, entries in got.append((String(decoding: key, as: UTF8.self), entries.map(\.event))) }
        #expect(got.map(\.0) == ["a@x", "a@x\u{0}", "b@x", "c@x"])
        #expect(got.map(\.1) == [[1, 12], [11], [0], [2, 10]])
    }

    @Test func theReasonCacheAsksOncePerReasonAndKeepsItsCodes() throws {
        var cache = ReasonCache()
        var asked: [String] = []
        let reasons = ["hard_bounce", "mailbox_full", "a", "ab", "ba", "", "mailbox_full", "hard_bounce", "abc", "acb", "mailbox_fulL"]
        var got: [UInt8] = []
        for r in reasons {
            got.append(try Array(r.utf8).withUnsafeBytes { bytes in
                try cache.code(of: bytes) { name in
                    asked.append(String(decoding: name, as: UTF8.self))
                    return UInt8(100 + asked.count)
                }
            })
        }
        #expect(asked == ["hard_bounce", "mailbox_full", "a", "ab", "ba", "", "abc", "acb", "mailbox_fulL"])
        #expect(got == [101, 102, 103, 104, 105, 106, 102, 101, 107, 108, 109])
    }

    struct Refused: Error {}

    @Test func aReasonThatCannotBeAddedIsAnErrorEveryTime() throws {
        var cache = ReasonCache()
        let known = try Array("known".utf8).withUnsafeBytes { try cache.code(of: $0) { _ in 7 } }
        #expect(known == 7)
        for _ in 0..<2 {
            #expect(throws: Refused.self) { try Array("new".utf8).withUnsafeBytes { try cache.code(of: $0) { _ in throw Refused() } } }
        }
        // Asked again after the failure (the cache started afresh), with the same answer.
        let again = try Array("known".utf8).withUnsafeBytes { try cache.code(of: $0) { _ in 7 } }
        #expect(again == 7)
    }

    @Test func blockStringsTellShortStringsApart() {
        var strings = CompactBlock.Strings()
        // Every string of up to 9 bytes over two letters, and some longer ones that differ in one byte.
        var all: [[UInt8]] = [[]]
        var frontier: [[UInt8]] = [[]]
        for _ in 0..<9 {
            frontier = frontier.flatMap { [$0 + [0x61], $0 + [0x62]] }
            all += frontier
        }
        for i in 0..<24 { var s = [UInt8](repeating: 0x61, count: 24); s[i] = 0x62; all.append(s) }
        for (n, s) in all.enumerated() {
            #expect(s.withUnsafeBytes { strings.index(of: $0) } == n)
        }
        for (n, s) in all.enumerated().reversed() {
            #expect(s.withUnsafeBytes { strings.index(of: $0) } == n)
        }
    }

    @Test func runEntriesPackAsTheFieldByFieldForm() throws {
        var random = SplitMix(state: 9)
        for _ in 0..<50 {
            var entries: [AddressEntry] = []
            var time = Int64.random(in: Int64.min / 2...Int64.max / 2, using: &random)
            for _ in 0..<Int.random(in: 1..<12, using: &random) {
                // Small steps, and now and then a jump over most of the range (a 65-bit head).
                time = Bool.random(using: &random) ? time &+ Int64.random(in: 0..<100, using: &random) : time &+ Int64.random(in: Int64.min...Int64.max, using: &random)
                entries.append(AddressEntry(timestamp: time, idHigh: UInt64.random(in: 0...UInt64.max, using: &random),
                                            idLow: UInt64.random(in: 0...UInt64.max, using: &random),
                                            event: Int64.random(in: 0..<(1 << 47), using: &random), flags: UInt8.random(in: 0...255, using: &random),
                                            reason: UInt8.random(in: 0...255, using: &random),
                                            message: Bool.random(using: &random) ? 0 : UInt32.random(in: 1...UInt32.max, using: &random)))
            }
            let base = Int64.random(in: Int64.min...Int64.max, using: &random)
            var got: [UInt8] = []
            let first = CompactEntries.encode(entries, base: base, into: &got)
            // The form field by field, as the format describes it.
            var want: [UInt8] = []
            var previousTime = base, previousNumber: Int64 = 0
            for (i, e) in entries.enumerated() {
                CompactEntries.appendHead(Varint.zigzag(e.timestamp &- previousTime), hasMessage: e.message != 0, to: &want)
                Varint.append(i == 0 ? UInt64(bitPattern: e.event) : Varint.zigzag(e.event &- previousNumber), to: &want)
                want.append(e.flags)
                want.append(e.reason)
                want.append(bigEndian: e.idHigh)
                want.append(bigEndian: e.idLow)
                if e.message != 0 { want.append(littleEndian: e.message) }
                previousTime = e.timestamp
                previousNumber = e.event
            }
            #expect(got == want)
            #expect(first == entries[0].timestamp)
            var decoded: [AddressEntry] = []
            try got.withUnsafeBytes { try CompactEntries.decode($0, base: base, into: &decoded) }
            #expect(decoded == entries)
        }
    }

    @Test func anEntryStoredInPlaceHasTheBytesItWrites() {
        var random = SplitMix(state: 13)
        for _ in 0..<200 {
            let e = AddressEntry(timestamp: Int64.random(in: Int64.min...Int64.max, using: &random), idHigh: UInt64.random(in: 0...UInt64.max, using: &random),
                                 idLow: UInt64.random(in: 0...UInt64.max, using: &random), event: Int64.random(in: 0..<(1 << 48), using: &random),
                                 flags: UInt8.random(in: 0...255, using: &random), reason: UInt8.random(in: 0...255, using: &random),
                                 message: UInt32.random(in: 0...UInt32.max, using: &random))
            var written: [UInt8] = []
            e.write(to: &written)
            let stored = [UInt8](unsafeUninitializedCapacity: AddressEntry.size) { buffer, count in
                e.store(to: UnsafeMutableRawPointer(buffer.baseAddress!))
                count = AddressEntry.size
            }
            #expect(stored == written)
            #expect(stored.withUnsafeBytes { AddressEntry($0, at: 0) } == e)
        }
    }

    /// Sorting and removing repeats gives what a plain sort and scan give, whether the entries
    /// come in order (the pass that skips the sort) or not.
    @Test func entriesInOrderOrNotDeduplicateAsTheSortedScan() {
        var random = SplitMix(state: 17)
        for round in 0..<300 {
            var entries: [AddressEntry] = []
            for n in 0..<Int.random(in: 0..<10, using: &random) {
                entries.append(AddressEntry(timestamp: Int64.random(in: 0..<4, using: &random), idHigh: UInt64.random(in: 0..<2, using: &random),
                                            idLow: UInt64.random(in: 0..<2, using: &random), event: Int64(100 + n), flags: 0, reason: 0, message: 0))
            }
            if round % 2 == 0 { entries.sort(by: AddressEntry.precedes) }
            // The reference: stable sort by time and id, then each run of one event kept once,
            // under its lowest number, the others reported.
            let sorted = entries.enumerated().sorted { a, b in
                AddressEntry.precedes(a.element, b.element) || (!AddressEntry.precedes(b.element, a.element) && a.offset < b.offset)
            }.map(\.element)
            var want: [AddressEntry] = []
            var wantRepeats: [Int64] = []
            for e in sorted {
                if let last = want.last, last.isSameEvent(as: e) {
                    wantRepeats.append(max(last.event, e.event))
                    want[want.count - 1].event = min(last.event, e.event)
                } else {
                    want.append(e)
                }
            }
            var got = entries
            let repeats = AddressEntry.sortAndDeduplicate(&got)
            #expect(got == want)
            #expect(repeats.sorted() == wantRepeats.sorted())
        }
    }
}
