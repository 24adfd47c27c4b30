/// One event as a per-address run holds it: what the policy needs (time, type, kind, reason,
/// message), the event id (for duplicates and the history's fingerprint) and the event's
/// number, where its full record is in `event_blocks` (for the audit's evidence, see
/// ``EventBlock``).
///
/// Stored as 36 bytes, `ts:8 id:16 number:6 flags:1 reason:1 message:4` (runs of
/// ``RunLayout/groupedWithMessages``, the temporary chunks and memory), or as the first 32 of
/// them (runs written before migration `0006-message-identity`, whose events have no message),
/// integers little-endian, the id as its 16 bytes; runs of ``RunLayout/compact`` pack them
/// (``CompactEntries``).
struct AddressEntry: Equatable {
    /// The bytes of an entry as runs are written now.
    static let size = 36
    /// The bytes of an entry in runs written before messages were kept.
    static let sizeWithoutMessage = 32

    var timestamp: Int64
    /// The id's 16 bytes as two big-endian words, so that comparing words compares bytes.
    var idHigh: UInt64
    var idLow: UInt64
    /// The event's number (block << 6 | slot).
    var event: Int64
    /// Bits 0–1 type, bits 2–4 kind (0 = none), bit 5: the exact address differs from the key.
    var flags: UInt8
    var reason: UInt8
    /// The message the event is an attempt of (``MessageIdentity/hash(_:)``), 0 when none.
    var message: UInt32

    init(timestamp: Int64, idHigh: UInt64, idLow: UInt64, event: Int64, flags: UInt8, reason: UInt8, message: UInt32) {
        self.timestamp = timestamp
        self.idHigh = idHigh
        self.idLow = idLow
        self.event = event
        self.flags = flags
        self.reason = reason
        self.message = message
    }

    init(timestamp: Int64, id: [UInt8], event: Int64, type: EventType, kind: BounceKind?, exactDiffers: Bool, reason: UInt8, message: UInt32 = 0) {
        self = id.withUnsafeBytes {
            AddressEntry(timestamp: timestamp, id: $0, event: event, type: type, kind: kind, exactDiffers: exactDiffers, reason: reason, message: message)
        }
    }

    init(timestamp: Int64, id raw: UnsafeRawBufferPointer, event: Int64, type: EventType, kind: BounceKind?, exactDiffers: Bool, reason: UInt8, message: UInt32 = 0) {
        self.timestamp = timestamp
        (idHigh, idLow) = raw.count >= 16
            ? (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
               UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            : (0, 0)
        self.event = event
        flags = Self.typeCode(type) | (Self.kindCode(kind) << 2) | (exactDiffers ? 0x20 : 0)
        self.reason = reason
        self.message = message
    }

    init(timestamp: Int64, idHigh: UInt64, idLow: UInt64, event: Int64, type: EventType, kind: BounceKind?, exactDiffers: Bool, reason: UInt8, message: UInt32) {
        self.init(timestamp: timestamp, idHigh: idHigh, idLow: idLow, event: event,
                  flags: Self.typeCode(type) | (Self.kindCode(kind) << 2) | (exactDiffers ? 0x20 : 0), reason: reason, message: message)
    }

    /// Reads an entry at `offset` of a run's blob, `size` bytes long (``size`` or ``sizeWithoutMessage``).
    init(_ raw: UnsafeRawBufferPointer, at offset: Int, size: Int = AddressEntry.size) {
        timestamp = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        idHigh = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        idLow = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
        // number:6 flags:1 reason:1 as one little-endian word.
        let tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
        event = Int64(bitPattern: tail & 0xFFFF_FFFF_FFFF)
        flags = UInt8(truncatingIfNeeded: tail >> 48)
        reason = UInt8(truncatingIfNeeded: tail >> 56)
        message = size > 32 ? UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 32, as: UInt32.self)) : 0
    }

    /// Appends the 36 stored bytes, or their first `size` (``store(to:)``'s, appended at once).
    func write(to bytes: inout [UInt8], size: Int = AddressEntry.size) {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            store(to: raw.baseAddress!)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw.prefix(Swift.min(size, Self.size))))
        }
    }

    /// Writes the 36 stored bytes at `p`.
    @inline(__always)
    func store(to p: UnsafeMutableRawPointer) {
        let tail = UInt64(bitPattern: event) & 0xFFFF_FFFF_FFFF | UInt64(flags) << 48 | UInt64(reason) << 56
        p.storeBytes(of: timestamp.littleEndian, toByteOffset: 0, as: Int64.self)
        p.storeBytes(of: idHigh.bigEndian, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: idLow.bigEndian, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: tail.littleEndian, toByteOffset: 24, as: UInt64.self)
        p.storeBytes(of: message.littleEndian, toByteOffset: 32, as: UInt32.self)
    }

    var id: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        bytes.append(bigEndian: idHigh)
        bytes.append(bigEndian: idLow)
        return bytes
    }

    var type: EventType { Self.type(code: flags) }

    var kind: BounceKind? { Self.kind(code: (flags >> 2) & 0x07) }

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

    /// The type of a type code (``typeCode(_:)``, the flags' bits 0–1 and 6–7).
    static func type(code: UInt8) -> EventType {
        // Bits 6–7 (since 0008-lifecycle): an operator's event; bits 0–1 are then 0.
        switch code >> 6 {
        case 1: return .allow
        case 2: return .suppress
        default: break
        }
        switch code & 0x03 {
        case 0: return .bounce
        case 1: return .delivered
        case 2: return .complaint
        default: return .unsubscribe
        }
    }

    /// The kind of a kind code (bits 2–4 of the flags, shifted down).
    static func kind(code: UInt8) -> BounceKind? {
        switch code {
        case 1: return .hard
        case 2: return .soft
        case 3: return .sender
        case 4: return .ignore
        default: return nil
        }
    }

    static func typeCode(_ type: EventType) -> UInt8 {
        switch type {
        case .bounce: return 0
        case .delivered: return 1
        case .complaint: return 2
        case .unsubscribe: return 3
        case .allow: return 0x40
        case .suppress: return 0x80
        }
    }

    static func kindCode(_ kind: BounceKind?) -> UInt8 {
        switch kind {
        case nil: return 0
        case .hard?: return 1
        case .soft?: return 2
        case .sender?: return 3
        case .ignore?: return 4
        }
    }

    /// Decodes every entry of a run's blob (entries of `size` bytes), appending to `into`.
    static func decode(_ raw: UnsafeRawBufferPointer, size: Int = AddressEntry.size, into entries: inout [AddressEntry]) {
        var offset = 0
        while offset + size <= raw.count {
            entries.append(AddressEntry(raw, at: offset, size: size))
            offset += size
        }
    }

    /// Sorts entries into the history's order and removes repeats of one event; returns the
    /// numbers of the repeats (events stored again that are already there).
    static func sortAndDeduplicate(_ entries: inout [AddressEntry]) -> [Int64] {
        guard entries.count > 1 else { return [] }
        // Mostly they are in order already, with no repeat (one chunk's entries for the
        // address): one pass says so, without the sort.
        var ordered = true
        for i in 1..<entries.count where !precedes(entries[i - 1], entries[i]) {
            ordered = false
            break
        }
        if ordered { return [] }
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

/// An event's number with its id as the event's run entry holds it: what a reader of the
/// event's block is handed so that it need not work the id out of the fields again
/// (``HistoryStore/EventRowReader/read(_:id:_:)``).
struct EventReference: Equatable, Sendable {
    var number: Int64
    /// The id's 16 bytes as two big-endian words, as ``AddressEntry`` has them.
    var idHigh: UInt64
    var idLow: UInt64

    init(number: Int64, idHigh: UInt64, idLow: UInt64) {
        self.number = number
        self.idHigh = idHigh
        self.idLow = idLow
    }

    init(_ entry: AddressEntry) {
        self.init(number: entry.event, idHigh: entry.idHigh, idLow: entry.idLow)
    }
}
