/// One event as a per-address run holds it: what the policy needs (time, type, kind, reason),
/// the event id (for duplicates and the history's fingerprint) and the event's number, where
/// its full record is in `event_blocks` (for the audit's evidence, see ``EventBlock``).
/// Stored as 32 bytes: `ts:8 id:16 number:6 flags:1 reason:1`, integers little-endian, the id
/// as its 16 bytes.
struct AddressEntry: Equatable {
    static let size = 32

    var timestamp: Int64
    /// The id's 16 bytes as two big-endian words, so that comparing words compares bytes.
    var idHigh: UInt64
    var idLow: UInt64
    /// The event's number (block << 6 | slot).
    var event: Int64
    /// Bits 0–1 type, bits 2–4 kind (0 = none), bit 5: the exact address differs from the key.
    var flags: UInt8
    var reason: UInt8

    init(timestamp: Int64, id: [UInt8], event: Int64, type: EventType, kind: BounceKind?, exactDiffers: Bool, reason: UInt8) {
        self = id.withUnsafeBytes {
            AddressEntry(timestamp: timestamp, id: $0, event: event, type: type, kind: kind, exactDiffers: exactDiffers, reason: reason)
        }
    }

    init(timestamp: Int64, id raw: UnsafeRawBufferPointer, event: Int64, type: EventType, kind: BounceKind?, exactDiffers: Bool, reason: UInt8) {
        self.timestamp = timestamp
        (idHigh, idLow) = raw.count >= 16
            ? (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
               UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            : (0, 0)
        self.event = event
        flags = Self.typeCode(type) | (Self.kindCode(kind) << 2) | (exactDiffers ? 0x20 : 0)
        self.reason = reason
    }

    /// Reads an entry at `offset` of a run's blob.
    init(_ raw: UnsafeRawBufferPointer, at offset: Int) {
        timestamp = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        idHigh = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        idLow = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        var row: Int64 = 0
        for i in 0..<6 { row |= Int64(raw[offset + 24 + i]) << (8 * i) }
        event = row
        flags = raw[offset + 30]
        reason = raw[offset + 31]
    }

    /// Appends the 32 stored bytes (built in registers, appended at once).
    func write(to bytes: inout [UInt8]) {
        let tail = UInt64(bitPattern: event) & 0xFFFF_FFFF_FFFF | UInt64(flags) << 48 | UInt64(reason) << 56
        let words = (timestamp.littleEndian, idHigh.bigEndian, idLow.bigEndian, tail.littleEndian)
        Swift.withUnsafeBytes(of: words) { bytes.append(contentsOf: $0) }
    }

    var id: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        bytes.append(bigEndian: idHigh)
        bytes.append(bigEndian: idLow)
        return bytes
    }

    var type: EventType {
        switch flags & 0x03 {
        case 0: return .bounce
        case 1: return .delivered
        case 2: return .complaint
        default: return .unsubscribe
        }
    }

    var kind: BounceKind? {
        switch (flags >> 2) & 0x07 {
        case 1: return .hard
        case 2: return .soft
        case 3: return .sender
        case 4: return .ignore
        default: return nil
        }
    }

    /// True when the exact address (local part as received) is not the key itself.
    var exactDiffers: Bool { flags & 0x20 != 0 }

    /// The history's order within one address: time, then id.
    static func precedes(_ a: AddressEntry, _ b: AddressEntry) -> Bool {
        if a.timestamp != b.timestamp { return a.timestamp < b.timestamp }
        if a.idHigh != b.idHigh { return a.idHigh < b.idHigh }
        return a.idLow < b.idLow
    }

    /// The same event (same time and id).
    func isSameEvent(as other: AddressEntry) -> Bool {
        timestamp == other.timestamp && idHigh == other.idHigh && idLow == other.idLow
    }

    private static func typeCode(_ type: EventType) -> UInt8 {
        switch type {
        case .bounce: return 0
        case .delivered: return 1
        case .complaint: return 2
        case .unsubscribe: return 3
        }
    }

    private static func kindCode(_ kind: BounceKind?) -> UInt8 {
        switch kind {
        case nil: return 0
        case .hard?: return 1
        case .soft?: return 2
        case .sender?: return 3
        case .ignore?: return 4
        }
    }

    /// Decodes every entry of a run's blob, appending to `into`.
    static func decode(_ raw: UnsafeRawBufferPointer, into entries: inout [AddressEntry]) {
        var offset = 0
        while offset + size <= raw.count {
            entries.append(AddressEntry(raw, at: offset))
            offset += size
        }
    }

    /// Sorts entries into the history's order and removes repeats of one event; returns the
    /// numbers of the repeats (events stored again that are already there).
    static func sortAndDeduplicate(_ entries: inout [AddressEntry]) -> [Int64] {
        guard entries.count > 1 else { return [] }
        entries.sort(by: precedes)
        var repeats: [Int64] = []
        var kept = 1
        for i in 1..<entries.count {
            if entries[i].isSameEvent(as: entries[kept - 1]) {
                repeats.append(max(entries[i].event, entries[kept - 1].event))
                entries[kept - 1].event = min(entries[i].event, entries[kept - 1].event)
            } else {
                entries[kept] = entries[i]
                kept += 1
            }
        }
        entries.removeLast(entries.count - kept)
        return repeats
    }
}

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
        arena.append(contentsOf: key)
        entry.write(to: &arena)
    }

    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
    }

    /// Calls `body` once per key in key order, with the key's entries in time order
    /// (repeats of one event included, in the order they were appended; the caller removes them).
    mutating func forEachKey(_ body: (UnsafeRawBufferPointer, inout [AddressEntry]) throws -> Void) rethrows {
        try arena.withUnsafeBytes { raw in
            Self.sort(&items, arena: raw)
            var group: [AddressEntry] = []
            var start = 0
            while start < items.count {
                let first = items[start]
                let key = UnsafeRawBufferPointer(rebasing: raw[Int(first.offset)..<Int(first.offset) + Int(first.keyLength)])
                group.removeAll(keepingCapacity: true)
                var end = start
                while end < items.count {
                    let item = items[end]
                    if item.prefix != first.prefix { break }
                    if end > start, compareKeys(key, UnsafeRawBufferPointer(rebasing: raw[Int(item.offset)..<Int(item.offset) + Int(item.keyLength)])) != 0 { break }
                    group.append(AddressEntry(raw, at: Int(item.offset + item.keyLength)))
                    end += 1
                }
                try body(key, &group)
                start = end
            }
        }
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
        let c = compareKeys(UnsafeRawBufferPointer(start: base + ao, count: al), UnsafeRawBufferPointer(start: base + bo, count: bl))
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

/// How a run's rows hold its addresses (`runs.layout`).
enum RunLayout: Int64, Sendable {
    /// One row per address, `entries` its 32-byte entries: runs written before migration
    /// `0005-grouped-runs`.
    case perAddress = 1
    /// One row per group of up to ``RunGroup/addresses`` consecutive addresses, keyed by the
    /// first one (see ``RunGroup``): a load writes a sixteenth of the rows, and SQLite's
    /// per-row work had been most of the time an ingest spends writing its run.
    case grouped = 2
}

/// A grouped run's row: per address, `key length:varint key entries:varint` and the entries
/// (32 bytes each), in key order. The row's `address_key` is the group's first key.
enum RunGroup {
    /// A group that does not parse (the caller names the history and the run).
    struct Damaged: Error {}

    /// Addresses a group holds at most; a group also ends once it passes ``bytes``.
    static let addresses = 16
    static let bytes = 8 << 10

    /// The entries' bytes of `key` in a group, or nil.
    static func entries(of key: UnsafeRawBufferPointer, in blob: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer? {
        guard !blob.isEmpty else { throw Damaged() }  // a group holds one address at least
        var at = 0
        while at < blob.count {
            let (stored, entries, next) = try member(of: blob, at: at)
            let order = compareKeys(stored, key)
            if order == 0 { return entries }
            if order > 0 { return nil }
            at = next
        }
        return nil
    }

    /// The address that starts at `at`: its key, its entries' bytes and where the next starts.
    static func member(of blob: UnsafeRawBufferPointer, at start: Int)
        throws -> (key: UnsafeRawBufferPointer, entries: UnsafeRawBufferPointer, next: Int) {
        var at = start
        guard let keyLength = Varint.read(blob, at: &at).flatMap(Int.init(exactly:)), keyLength <= blob.count - at else { throw Damaged() }
        let key = UnsafeRawBufferPointer(rebasing: blob[at..<(at + keyLength)])
        at += keyLength
        guard let count = Varint.read(blob, at: &at).flatMap(Int.init(exactly:)), count <= (blob.count - at) / AddressEntry.size else {
            throw Damaged()
        }
        let entries = UnsafeRawBufferPointer(rebasing: blob[at..<(at + count * AddressEntry.size)])
        return (key, entries, at + count * AddressEntry.size)
    }
}

/// One run's addresses in key order, whatever its layout: `key` and `entries` are views of
/// the statement's current row (SQLite's memory), valid until the next ``advance()``.
final class RunCursor: MergeSource {
    private let select: SQLiteStatement
    private let layout: RunLayout
    private let run: Int64
    private let path: String
    private(set) var isLive = false
    private(set) var key = UnsafeRawBufferPointer(start: nil, count: 0)
    private(set) var entries = UnsafeRawBufferPointer(start: nil, count: 0)
    /// In a group, where the next address starts.
    private var next = 0

    init(db: SQLiteConnection, run: Int64, layout: RunLayout) throws {
        select = try db.prepare("SELECT address_key, entries FROM address_runs WHERE run = ?1 ORDER BY address_key")
        select.bind(1, run)
        self.layout = layout
        self.run = run
        path = db.path
        try step()
    }

    func advance() throws {
        if layout == .grouped, next < select.bytes(1).count {
            return try take()
        }
        try step()
    }

    private func step() throws {
        isLive = try select.step()
        guard isLive else { return }
        switch layout {
        case .perAddress:
            key = select.bytes(0)
            entries = select.bytes(1)
        case .grouped:
            next = 0
            try take()
        }
    }

    private func take() throws {
        do {
            (key, entries, next) = try RunGroup.member(of: select.bytes(1), at: next)
        } catch {
            throw HistoryError.sqlite(path: path, code: 11, message: "address run \(run) is damaged")
        }
    }
}

/// Reads several runs at once in key order, giving each key's entries from every run together
/// (a ``KWayMerge`` of one ``RunCursor`` per run).
final class RunMerger {
    private var merge: KWayMerge<RunCursor>

    init(db: SQLiteConnection, runs: [(run: Int64, layout: RunLayout)]) throws {
        merge = KWayMerge(try runs.map { try RunCursor(db: db, run: $0.run, layout: $0.layout) })
    }

    /// The next key in key order and its entries from every run (run by run, oldest first);
    /// false when every run is read. Entries are appended to `entries` after it is emptied.
    func next(key out: inout [UInt8], entries: inout [AddressEntry], runsContributing: inout Int) throws -> Bool {
        entries.removeAll(keepingCapacity: true)
        var contributing = 0
        guard try merge.nextGroup(key: &out, { cursor in
            AddressEntry.decode(cursor.entries, into: &entries)
            contributing += 1
        }) else { return false }
        runsContributing = contributing
        return true
    }
}

/// Finds one address's entries in a run, whatever its layout: one SQLite lookup (the row of
/// the key, or of the group whose first key is the greatest not after it).
struct RunLookup {
    private let exact: SQLiteStatement
    private let floor: SQLiteStatement
    private let path: String

    init(db: SQLiteConnection) throws {
        path = db.path
        exact = try db.cached("SELECT entries FROM address_runs WHERE run = ?1 AND address_key = ?2")
        floor = try db.cached("SELECT entries FROM address_runs WHERE run = ?1 AND address_key <= ?2 ORDER BY address_key DESC LIMIT 1")
    }

    /// Appends the key's entries in `run` to `entries`.
    func append(run: Int64, layout: RunLayout, key: UnsafeRawBufferPointer, to entries: inout [AddressEntry]) throws {
        let select = layout == .grouped ? floor : exact
        select.reset()
        defer { select.reset() }
        select.bind(1, run)
        select.bindText(2, key)
        guard try select.step() else { return }
        switch layout {
        case .perAddress:
            AddressEntry.decode(select.bytes(0), into: &entries)
        case .grouped:
            let found: UnsafeRawBufferPointer?
            do { found = try RunGroup.entries(of: key, in: select.bytes(0)) } catch {
                throw HistoryError.sqlite(path: path, code: 11, message: "address run \(run) is damaged")
            }
            if let found { AddressEntry.decode(found, into: &entries) }
        }
    }
}
