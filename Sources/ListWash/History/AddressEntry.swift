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
