import Testing
@testable import ListWash

@Suite struct EntryBufferTests {
    func entry(ts: Int64, id: UInt8, rowid: Int64) -> AddressEntry {
        AddressEntry(timestamp: ts, id: [UInt8](repeating: id, count: 16), event: rowid, type: .bounce, kind: .hard,
                     exactDiffers: false, reason: UInt8(truncatingIfNeeded: rowid))
    }

    /// What `forEachKey` gives, as (key, entries) pairs.
    func groups(_ buffer: inout EntryBuffer) -> [([UInt8], [AddressEntry])] {
        var out: [([UInt8], [AddressEntry])] = []
        buffer.forEachKey { key, entries in out.append((Array(key), entries)) }
        return out
    }

    /// The reference: keys in byte order (a shorter key before its extensions), each key's
    /// entries by time, then id, then the order they were added.
    func expected(_ added: [([UInt8], AddressEntry)]) -> [([UInt8], [AddressEntry])] {
        let order = added.indices.sorted { i, j in
            let (a, b) = (added[i], added[j])
            if a.0 != b.0 { return a.0.lexicographicallyPrecedes(b.0) }
            if a.1.timestamp != b.1.timestamp { return a.1.timestamp < b.1.timestamp }
            if a.1.idHigh != b.1.idHigh { return a.1.idHigh < b.1.idHigh }
            if a.1.idLow != b.1.idLow { return a.1.idLow < b.1.idLow }
            return i < j
        }
        var out: [([UInt8], [AddressEntry])] = []
        for i in order {
            if let last = out.last, last.0 == added[i].0 { out[out.count - 1].1.append(added[i].1) } else { out.append((added[i].0, [added[i].1])) }
        }
        return out
    }

    @Test func keysComeInByteOrderAndEachKeysEntriesInTimeThenIdThenArrival() {
        var random = SplitMix(state: 42)
        // Keys sharing long prefixes (more than 16 of them, to exercise the stretch passes),
        // keys shorter than 8 bytes, keys that are prefixes of others, upper bytes.
        var keys: [[UInt8]] = ["a", "ab", "ab@x.io", "abc@x.io", "\u{7f}z@y"].map { Array($0.utf8) }
        for n in 0..<60 { keys.append(Array("matteo19\(n % 30)@gmail.com\(n < 30 ? "" : ".x")".utf8)) }
        for n in 0..<40 { keys.append(Array("aaaaaaaaaaaaaaaaaaaaaaaa\(n)@example.org".utf8)) }
        var added: [([UInt8], AddressEntry)] = []
        var buffer = EntryBuffer()
        for rowid in 1...3_000 {
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            // Few distinct times and ids, so that ties (repeats of one event) occur.
            let e = entry(ts: Int64.random(in: 0..<4, using: &random), id: UInt8.random(in: 0..<3, using: &random), rowid: Int64(rowid))
            added.append((key, e))
            key.withUnsafeBytes { buffer.append(key: $0, entry: e) }
        }
        let got = groups(&buffer)
        let want = expected(added)
        #expect(got.map(\.0) == want.map(\.0))
        #expect(got.map(\.1) == want.map(\.1))
        #expect(got.count == Set(keys).count)
    }

    @Test func radixPassOrdersByPrefixAndKeepsEqualPrefixesInArrivalOrder() {
        var random = SplitMix(state: 7)
        var items = (0..<5_000).map { i in
            EntryBuffer.Item(prefix: UInt64.random(in: 0..<64, using: &random) << 48 | UInt64.random(in: 0..<4, using: &random),
                             offset: UInt32(i), keyLength: 0)
        }
        let want = items.sorted { ($0.prefix, $0.offset) < ($1.prefix, $1.offset) }
        EntryBuffer.radixSortByPrefix(&items)
        #expect(items.map(\.prefix) == want.map(\.prefix))
        #expect(items.map(\.offset) == want.map(\.offset))
    }

    @Test func anEmptiedBufferStartsAfresh() {
        var buffer = EntryBuffer()
        Array("b@x".utf8).withUnsafeBytes { buffer.append(key: $0, entry: entry(ts: 1, id: 1, rowid: 1)) }
        buffer.removeAll()
        #expect(buffer.isEmpty)
        Array("a@x".utf8).withUnsafeBytes { buffer.append(key: $0, entry: entry(ts: 2, id: 2, rowid: 2)) }
        let got = groups(&buffer)
        #expect(got.map(\.0) == [Array("a@x".utf8)])
        #expect(got.first?.1 == [entry(ts: 2, id: 2, rowid: 2)])
    }
}
