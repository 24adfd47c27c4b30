/// How a run's rows hold its addresses (`runs.layout`).
enum RunLayout: Int64, Sendable {
    /// One row per address, `entries` its 32-byte entries: runs written before migration
    /// `0005-grouped-runs`.
    case perAddress = 1
    /// One row per group of up to ``RunGroup/addresses`` consecutive addresses, keyed by the
    /// first one (see ``RunGroup``): a load writes a sixteenth of the rows, and SQLite's
    /// per-row work had been most of the time an ingest spends writing its run.
    case grouped = 2
    /// Grouped as ``grouped``, with entries of ``AddressEntry/size`` bytes that carry the
    /// event's message: runs written since migration `0006-message-identity`.
    case groupedWithMessages = 3
    /// Grouped as ``grouped``, each address's entries packed (``CompactEntries``): times and
    /// numbers as varint differences, the message only when there is one. Runs written since
    /// migration `0011-compact-runs`; about 22–27 bytes an entry instead of 36.
    case compact = 4

    /// The layout every run is written in now.
    static let current = RunLayout.compact

    /// Whether a row holds a group of addresses (``RunGroup``) rather than one.
    var isGrouped: Bool { self != .perAddress }

    /// The bytes of one stored entry in the layouts whose entries have a fixed size, nil in
    /// ``compact``.
    var entrySize: Int? {
        switch self {
        case .perAddress, .grouped: return AddressEntry.sizeWithoutMessage
        case .groupedWithMessages: return AddressEntry.size
        case .compact: return nil
        }
    }
}

/// A grouped run's row: per address, `key length:varint key`, then in layouts 2 and 3
/// `entries:varint` and the entries (``RunLayout/entrySize`` bytes each), in layout 4
/// `bytes:varint` and its entries packed (``CompactEntries``); addresses in key order. The
/// row's `address_key` is the group's first key.
enum RunGroup {
    /// A group that does not parse (the caller names the history and the run).
    struct Damaged: Error {}

    /// Addresses a group holds at most; a group also ends once it passes ``bytes``.
    static let addresses = 16
    static let bytes = 8 << 10

    /// One address of a group: its key, its entries' bytes, where the next address starts,
    /// and (layout 4) the time the next address's first entry is a difference to.
    struct Member {
        var key: UnsafeRawBufferPointer
        var entries: UnsafeRawBufferPointer
        var next: Int
        /// The time this address's entries are decoded against (``CompactEntries``; 0 in
        /// layouts 2 and 3).
        var base: Int64
        /// The time the next address's entries are decoded against.
        var nextBase: Int64
    }

    /// The entries of `key` in a group (their bytes, and the time they are decoded
    /// against), or nil.
    static func entries(of key: UnsafeRawBufferPointer, in blob: UnsafeRawBufferPointer, layout: RunLayout) throws -> Member? {
        guard !blob.isEmpty else { throw Damaged() }  // a group holds one address at least
        var at = 0
        var base: Int64 = 0
        while at < blob.count {
            let found = try member(of: blob, at: at, layout: layout, base: base)
            let order = compareKeys(found.key, key)
            if order == 0 { return found }
            if order > 0 { return nil }
            at = found.next
            base = found.nextBase
        }
        return nil
    }

    /// The address that starts at `at`, `base` the previous address's ``Member/nextBase`` (0
    /// for the group's first).
    static func member(of blob: UnsafeRawBufferPointer, at start: Int, layout: RunLayout, base: Int64) throws -> Member {
        var at = start
        guard let keyLength = Varint.read(blob, at: &at).flatMap(Int.init(exactly:)), keyLength <= blob.count - at else { throw Damaged() }
        let key = UnsafeRawBufferPointer(rebasing: blob[at..<(at + keyLength)])
        at += keyLength
        guard let size = layout.entrySize else {
            guard let length = Varint.read(blob, at: &at).flatMap(Int.init(exactly:)), length <= blob.count - at else { throw Damaged() }
            let entries = UnsafeRawBufferPointer(rebasing: blob[at..<(at + length)])
            return Member(key: key, entries: entries, next: at + length, base: base,
                          nextBase: try CompactEntries.firstTime(entries, base: base))
        }
        guard let count = Varint.read(blob, at: &at).flatMap(Int.init(exactly:)), count <= (blob.count - at) / size else {
            throw Damaged()
        }
        let entries = UnsafeRawBufferPointer(rebasing: blob[at..<(at + count * size)])
        return Member(key: key, entries: entries, next: at + count * size, base: 0, nextBase: 0)
    }

    /// Appends the entries' bytes of one address (a ``Member``'s `entries`, decoded against
    /// its `base`) to `into`.
    static func decode(_ raw: UnsafeRawBufferPointer, layout: RunLayout, base: Int64, into entries: inout [AddressEntry]) throws {
        if let size = layout.entrySize {
            AddressEntry.decode(raw, size: size, into: &entries)
        } else {
            try CompactEntries.decode(raw, base: base, into: &entries)
        }
    }

    /// Every address of one row of a run in `layout` (`rowKey` the row's `address_key`, the
    /// address of a layout 1 row), decoded: for the rewrites that change a row's entries
    /// (retract, forget, reclassify).
    static func decodeRow(_ blob: UnsafeRawBufferPointer, rowKey: UnsafeRawBufferPointer, layout: RunLayout) throws -> [(key: [UInt8], entries: [AddressEntry])] {
        guard layout.isGrouped else {
            var entries: [AddressEntry] = []
            try decode(blob, layout: layout, base: 0, into: &entries)
            return [(Array(rowKey), entries)]
        }
        var members: [(key: [UInt8], entries: [AddressEntry])] = []
        var at = 0
        var base: Int64 = 0
        while at < blob.count {
            let member = try member(of: blob, at: at, layout: layout, base: base)
            var entries: [AddressEntry] = []
            try decode(member.entries, layout: layout, base: member.base, into: &entries)
            members.append((Array(member.key), entries))
            at = member.next
            base = member.nextBase
        }
        return members
    }

    /// A row of a run in `layout` holding `members` (non-empty, in key order; one address in
    /// layout 1): what ``decodeRow(_:rowKey:layout:)`` reads back.
    static func encodeRow(_ members: [(key: [UInt8], entries: [AddressEntry])], layout: RunLayout) -> [UInt8] {
        var blob: [UInt8] = []
        guard layout.isGrouped else {
            for member in members { for entry in member.entries { entry.write(to: &blob, size: layout.entrySize ?? AddressEntry.size) } }
            return blob
        }
        var packed: [UInt8] = []
        var base: Int64 = 0
        for member in members {
            Varint.append(UInt64(member.key.count), to: &blob)
            blob += member.key
            if let size = layout.entrySize {
                Varint.append(UInt64(member.entries.count), to: &blob)
                for entry in member.entries { entry.write(to: &blob, size: size) }
            } else {
                packed.removeAll(keepingCapacity: true)
                base = CompactEntries.encode(member.entries, base: base, into: &packed)
                Varint.append(UInt64(packed.count), to: &blob)
                blob += packed
            }
        }
        return blob
    }
}

/// One address's entries in a run of ``RunLayout/compact``, back to back, each:
///
/// ```text
/// head:varint      zigzag(time − the time before) << 1 | 1 when a message follows (65 bits at most)
/// number:varint    the first entry: the event's number; the others: zigzag(number − the number before)
/// flags:1 reason:1 id:16 [message:4]
/// ```
///
/// "The time before" is the previous entry's; for an address's first entry, the first time
/// of the address before it in the group (0 for the group's first address). Differences wrap
/// (two's complement), so every `Int64` reads back as written; entries are in time order, so
/// differences within an address are small and not negative, but a reader takes any.
enum CompactEntries {
    /// The bytes after the two varints: flags, reason, id.
    static let fixedBytes = 18

    /// Appends `entries` packed against `base`; returns the first entry's time (the base of
    /// the next address), `base` when there is none.
    @discardableResult
    static func encode(_ entries: [AddressEntry], base: Int64, into out: inout [UInt8]) -> Int64 {
        guard !entries.isEmpty else { return base }
        var previousTime = base
        var previousNumber: Int64 = 0
        // The address's entries are written to memory of their own (at most 10 + 10 + 18 + 4
        // bytes each) and appended at once: one append per address instead of one per byte or field.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: entries.count * 42) { scratch in
            let p = UnsafeMutableRawPointer(scratch.baseAddress!)
            var n = 0
            for (i, entry) in entries.enumerated() {
                let hasMessage = entry.message != 0
                n += writeHead(Varint.zigzag(entry.timestamp &- previousTime), hasMessage: hasMessage, to: p + n)
                n += Varint.write(i == 0 ? UInt64(bitPattern: entry.event) : Varint.zigzag(entry.event &- previousNumber), to: p + n)
                p.storeBytes(of: entry.flags, toByteOffset: n, as: UInt8.self)
                p.storeBytes(of: entry.reason, toByteOffset: n + 1, as: UInt8.self)
                p.storeBytes(of: entry.idHigh.bigEndian, toByteOffset: n + 2, as: UInt64.self)
                p.storeBytes(of: entry.idLow.bigEndian, toByteOffset: n + 10, as: UInt64.self)
                n += fixedBytes
                if hasMessage {
                    p.storeBytes(of: entry.message.littleEndian, toByteOffset: n, as: UInt32.self)
                    n += 4
                }
                previousTime = entry.timestamp
                previousNumber = entry.event
            }
            out.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
        }
        return entries.first?.timestamp ?? base
    }

    /// The first entry's time (`base` when there is none).
    static func firstTime(_ raw: UnsafeRawBufferPointer, base: Int64) throws -> Int64 {
        guard !raw.isEmpty else { return base }
        var at = 0
        guard let head = readHead(raw, at: &at) else { throw RunGroup.Damaged() }
        return base &+ Varint.unzigzag(head.time)
    }

    /// An entry's head: the zigzag of its time difference (64 bits) and the message bit below
    /// it, 65 bits written as a varint (the tenth byte holds the top two).
    @inline(__always)
    static func appendHead(_ time: UInt64, hasMessage: Bool, to out: inout [UInt8]) {
        var bytes: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<writeHead(time, hasMessage: hasMessage, to: raw.baseAddress!)]))
        }
    }

    /// Writes the head ``appendHead(_:hasMessage:to:)`` appends at `p` (room for 10 bytes);
    /// returns how many bytes it wrote.
    @inline(__always)
    static func writeHead(_ time: UInt64, hasMessage: Bool, to p: UnsafeMutableRawPointer) -> Int {
        var low = time << 1 | (hasMessage ? 1 : 0)
        var high = time >> 63
        var n = 0
        while high != 0 || low >= 0x80 {
            p.storeBytes(of: UInt8(truncatingIfNeeded: low) | 0x80, toByteOffset: n, as: UInt8.self)
            n += 1
            low = low >> 7 | high << 57
            high = 0
        }
        p.storeBytes(of: UInt8(low), toByteOffset: n, as: UInt8.self)
        return n + 1
    }

    /// The head that starts at `at` (``appendHead(_:hasMessage:to:)``), moving `at` past it;
    /// nil when the bytes end inside it or it does not fit 65 bits.
    @inline(__always)
    static func readHead(_ raw: UnsafeRawBufferPointer, at: inout Int) -> (time: UInt64, hasMessage: Bool)? {
        guard at < raw.count else { return nil }
        let first = raw[at]
        at += 1
        if first < 0x80 { return (UInt64(first >> 1), first & 1 != 0) }
        var low = UInt64(first & 0x7F)
        var high: UInt64 = 0
        var shift: UInt64 = 7
        while true {
            guard at < raw.count else { return nil }
            let b = raw[at]
            at += 1
            if shift == 63 {
                // The tenth byte: bit 63 and bit 64 of the head, nothing above.
                guard b <= 3 else { return nil }
                low |= UInt64(b & 1) << 63
                high = UInt64(b >> 1)
                break
            }
            low |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        return (low >> 1 | high << 63, low & 1 != 0)
    }

    /// Appends the entries packed in `raw` (decoded against `base`) to `into`; bytes that end
    /// inside an entry are ``RunGroup/Damaged``.
    static func decode(_ raw: UnsafeRawBufferPointer, base: Int64, into entries: inout [AddressEntry]) throws {
        var at = 0
        var time = base
        var number: Int64 = 0
        var first = true
        while at < raw.count {
            guard let head = readHead(raw, at: &at), let stored = Varint.read(raw, at: &at) else { throw RunGroup.Damaged() }
            time = time &+ Varint.unzigzag(head.time)
            number = first ? Int64(bitPattern: stored) : number &+ Varint.unzigzag(stored)
            first = false
            let tail = head.hasMessage ? fixedBytes + 4 : fixedBytes
            guard tail <= raw.count - at else { throw RunGroup.Damaged() }
            entries.append(AddressEntry(
                timestamp: time,
                idHigh: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 2, as: UInt64.self)),
                idLow: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 10, as: UInt64.self)),
                event: number, flags: raw[at], reason: raw[at + 1],
                message: tail > fixedBytes ? UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + fixedBytes, as: UInt32.self)) : 0))
            at += tail
        }
    }
}
