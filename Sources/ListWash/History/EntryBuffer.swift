/// The entries of one ingest waiting to become a run: keys and entries packed in one arena,
/// sorted by key then time when the run is written. About 70 bytes an event.
struct EntryBuffer {
    /// One entry's place in the arena, with the key's first 8 bytes (big-endian, zero-padded)
    /// so that most comparisons never read the arena.
    struct Item {
        var prefix: UInt64
        var offset: UInt32
        var keyLength: UInt32
    }

    private var arena: [UInt8] = []
    private var items: [Item] = []
    /// The items are in ``sort()``'s order (nothing appended since).
    private var isSorted = false

    init() {}

    /// A buffer that fills up to about `bytes` (``byteCount``) without growing: its arrays are
    /// allocated once at their full size. Growing by doubling would touch twice the memory,
    /// and freshly mapped pages are a large part of a bulk load's cost (the kernel zeroes each).
    init(reservingBytes bytes: Int) {
        reserve(bytes: bytes)
    }

    /// Makes room for about `bytes` (see ``init(reservingBytes:)``).
    mutating func reserve(bytes: Int) {
        arena.reserveCapacity(bytes)
        items.reserveCapacity(bytes / 48)  // an entry is its key, 32 bytes and an item: over 48 bytes
    }

    /// Whether the buffer can take about `bytes` without growing.
    func holds(bytes: Int) -> Bool { arena.capacity >= bytes && items.capacity >= bytes / 48 }

    var count: Int { items.count }
    var byteCount: Int { arena.count + items.count * MemoryLayout<Item>.stride }
    var isEmpty: Bool { items.isEmpty }

    mutating func append(key: UnsafeRawBufferPointer, entry: AddressEntry) {
        let prefix = keyPrefix(key)
        precondition(arena.count + key.count + AddressEntry.size <= Int(UInt32.max), "entry buffer over 4 GiB")
        items.append(Item(prefix: prefix, offset: UInt32(arena.count), keyLength: UInt32(key.count)))
        isSorted = false
        // The key and the entry's bytes in one append.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: key.count + AddressEntry.size) { scratch in
            let p = UnsafeMutableRawPointer(scratch.baseAddress!)
            if key.count > 0 { p.copyMemory(from: key.baseAddress!, byteCount: key.count) }
            entry.store(to: p + key.count)
            arena.append(contentsOf: UnsafeRawBufferPointer(start: p, count: key.count + AddressEntry.size))
        }
    }

    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
        isSorted = false
    }

    /// Calls `body` once per key in key order, with the key's entries in time order
    /// (repeats of one event included, in the order they were appended; the caller removes them).
    mutating func forEachKey(_ body: (UnsafeRawBufferPointer, inout [AddressEntry]) throws -> Void) rethrows {
        var group: [AddressEntry] = []
        try forEachKeyPacked { key, items, arena in
            group.removeAll(keepingCapacity: true)
            for item in items { group.append(AddressEntry(arena, at: Int(item.offset + item.keyLength))) }
            try body(key, &group)
        }
    }

    /// Sorts the entries as ``forEachKey(_:)`` gives them (key, time, id, arrival), for
    /// ``withSortedItems(_:)``; nothing to do when they are sorted already.
    mutating func sort() {
        guard !isSorted else { return }
        arena.withUnsafeBytes { Self.sort(&items, arena: $0) }
        isSorted = true
    }

    /// Lends the items, sorted by ``sort()``, and the arena their keys and entries are in:
    /// each item's key at `offset`, its entry's ``AddressEntry/size`` bytes after the key.
    func withSortedItems<R>(_ body: (UnsafeBufferPointer<Item>, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(isSorted, "EntryBuffer.withSortedItems before sort()")
        return try items.withUnsafeBufferPointer { items in try arena.withUnsafeBytes { try body(items, $0) } }
    }

    /// Calls `body` once per key in key order with the key and its items, in the order
    /// ``forEachKey(_:)`` gives their entries: each entry's ``AddressEntry/size`` bytes are at
    /// `offset + keyLength` in `arena` (the spill copies them as they are instead of decoding
    /// and encoding each entry).
    mutating func forEachKeyPacked(_ body: (_ key: UnsafeRawBufferPointer, _ items: UnsafeBufferPointer<Item>, _ arena: UnsafeRawBufferPointer) throws -> Void) rethrows {
        sort()
        try arena.withUnsafeBytes { raw in
            try items.withUnsafeBufferPointer { sorted in
                var start = 0
                while start < sorted.count {
                    let end = Self.keyEnd(sorted, from: start, raw)
                    try body(Self.key(sorted[start], raw), UnsafeBufferPointer(rebasing: sorted[start..<end]), raw)
                    start = end
                }
            }
        }
    }

    /// Where the sorted items of `items[start]`'s key end.
    @inline(__always)
    static func keyEnd(_ items: UnsafeBufferPointer<Item>, from start: Int, _ raw: UnsafeRawBufferPointer) -> Int {
        let first = items[start]
        var end = start + 1
        while end < items.count, items[end].prefix == first.prefix, sameKey(first, items[end], raw) { end += 1 }
        return end
    }

    /// An item's key in the arena.
    @inline(__always)
    static func key(_ item: Item, _ raw: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw.baseAddress! + Int(item.offset), count: Int(item.keyLength))
    }

    /// Whether two items with the same prefix have the same key.
    @inline(__always)
    static func sameKey(_ a: Item, _ b: Item, _ raw: UnsafeRawBufferPointer) -> Bool {
        guard a.keyLength == b.keyLength else { return false }
        let base = raw.baseAddress!
        return compareKeyBytes(UnsafeRawBufferPointer(start: base + Int(a.offset), count: Int(a.keyLength)),
                               UnsafeRawBufferPointer(start: base + Int(b.offset), count: Int(b.keyLength)), from: 8) == 0
    }

    /// Sorts items by key (bytes, then length), time, id, then arena offset (the order they
    /// were appended): a stable LSD radix sort on the 8-byte prefix, then a comparison sort of
    /// each stretch of equal prefixes (one address's events and the few addresses sharing
    /// their first 8 bytes), which alone reads the arena.
    static func sort(_ items: inout [Item], arena raw: UnsafeRawBufferPointer) {
        let n = items.count
        guard n > 1 else { return }
        radixSortByPrefix(&items)
        items.withUnsafeMutableBufferPointer { sorted in
            var start = 0
            while start < n {
                var end = start + 1
                while end < n, sorted[end].prefix == sorted[start].prefix { end += 1 }
                if end - start > 1 { sortStretch(UnsafeMutableBufferPointer(rebasing: sorted[start..<end]), depth: 1, arena: raw) }
                start = end
            }
        }
    }

    /// Sorts items whose keys agree on their first `8 × depth` bytes (zero-padded): long
    /// stretches by the next 8 bytes of the key first (read once per item, not once per
    /// comparison), short ones, and one address's events, by ``itemPrecedes(_:_:_:)``.
    /// That order is total, so the result does not depend on how the stretch is cut.
    private static func sortStretch(_ stretch: UnsafeMutableBufferPointer<Item>, depth: Int, arena raw: UnsafeRawBufferPointer) {
        let limit = depth * 8
        if stretch.count <= 16 || !stretch.contains(where: { Int($0.keyLength) > limit }) {
            var stretch = stretch
            stretch.sort { itemPrecedes($0, $1, raw) }
            return
        }
        var keyed = stretch.map { item -> (word: UInt64, item: Item) in
            var word: UInt64 = 0
            let from = Int(item.offset) + limit, length = Int(item.keyLength) - limit
            if length >= 8 {
                word = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: from, as: UInt64.self))
            } else {
                for i in 0..<8 { word = (word << 8) | UInt64(i < length ? raw[from + i] : 0) }
            }
            return (word, item)
        }
        keyed.sort { $0.word < $1.word }
        for i in keyed.indices { stretch[i] = keyed[i].item }
        var start = 0
        while start < keyed.count {
            var end = start + 1
            while end < keyed.count, keyed[end].word == keyed[start].word { end += 1 }
            if end - start > 1 { sortStretch(UnsafeMutableBufferPointer(rebasing: stretch[start..<end]), depth: depth + 1, arena: raw) }
            start = end
        }
    }

    /// Stable LSD radix sort on `prefix`, one byte a pass; passes where every item has the
    /// same byte are skipped.
    static func radixSortByPrefix(_ items: inout [Item]) {
        let n = items.count
        guard n > 1 else { return }
        var counts = [Int](repeating: 0, count: 8 * 256)
        items.withUnsafeBufferPointer { source in
            counts.withUnsafeMutableBufferPointer { counts in
                for item in source {
                    var p = item.prefix
                    for digit in 0..<8 {
                        counts[digit &* 256 &+ Int(p & 0xFF)] &+= 1
                        p >>= 8
                    }
                }
            }
        }
        var scratch = [Item](repeating: Item(prefix: 0, offset: 0, keyLength: 0), count: n)
        for digit in 0..<8 {
            let base = digit * 256
            if counts[base..<base + 256].contains(n) { continue }
            var sum = 0
            for bucket in base..<base + 256 {
                let c = counts[bucket]
                counts[bucket] = sum
                sum += c
            }
            let shift = UInt64(digit * 8)
            items.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for item in source {
                            let bucket = base &+ Int((item.prefix >> shift) & 0xFF)
                            target[counts[bucket]] = item
                            counts[bucket] &+= 1
                        }
                    }
                }
            }
            swap(&items, &scratch)
        }
    }

    /// The buffer's order between two items: key, time, id, then arena offset.
    @inline(__always)
    static func itemPrecedes(_ a: Item, _ b: Item, _ raw: UnsafeRawBufferPointer) -> Bool {
        if a.prefix != b.prefix { return a.prefix < b.prefix }
        let ao = Int(a.offset), al = Int(a.keyLength), bo = Int(b.offset), bl = Int(b.keyLength)
        let base = raw.baseAddress!
        // Equal prefixes: the keys' first 8 bytes (or all of the shorter one's) are the same.
        let c = compareKeyBytes(UnsafeRawBufferPointer(start: base + ao, count: al), UnsafeRawBufferPointer(start: base + bo, count: bl), from: 8)
        if c != 0 { return c < 0 }
        let at = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: ao + al, as: Int64.self))
        let bt = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: bo + bl, as: Int64.self))
        if at != bt { return at < bt }
        let ah = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: ao + al + 8, as: UInt64.self))
        let bh = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: bo + bl + 8, as: UInt64.self))
        if ah != bh { return ah < bh }
        let aw = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: ao + al + 16, as: UInt64.self))
        let bw = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: bo + bl + 16, as: UInt64.self))
        if aw != bw { return aw < bw }
        return a.offset < b.offset
    }
}

/// ``compareKeys(_:_:)``'s order (bytes as unsigned, then length) without a call to memcmp:
/// 8 bytes at a time as big-endian words. Keys are addresses, a few words long, and memcmp's
/// call and setup were most of the entry sort's time. `from`: bytes before it are known to be
/// equal in both keys as far as the shorter one goes (items with equal ``EntryBuffer/Item/prefix``
/// agree on their first 8).
@inline(__always)
func compareKeyBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, from: Int = 0) -> Int32 {
    let n = min(a.count, b.count)
    if n > from {
        let pa = a.baseAddress!, pb = b.baseAddress!
        var i = from
        while i + 8 <= n {
            let x = UInt64(bigEndian: pa.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let y = UInt64(bigEndian: pb.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if x != y { return x < y ? -1 : 1 }
            i += 8
        }
        if i < n {
            var x: UInt64 = 0, y: UInt64 = 0
            if n >= 8 {
                // The last 8 bytes: those before `i` in them are equal, so the words order as the rest does.
                x = UInt64(bigEndian: pa.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
                y = UInt64(bigEndian: pb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            } else {
                for j in i..<n {
                    x = x << 8 | UInt64(pa.load(fromByteOffset: j, as: UInt8.self))
                    y = y << 8 | UInt64(pb.load(fromByteOffset: j, as: UInt8.self))
                }
            }
            if x != y { return x < y ? -1 : 1 }
        }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}
