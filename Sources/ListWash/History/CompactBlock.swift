#if canImport(Glibc)
import Glibc
#endif

/// The stored form of an event block since migration `0004-compact-blocks`: the same events
/// as ``EventBlock``'s layout (which stays the form blocks take in memory), in about 55% of
/// the bytes.
///
/// In the expanded layout an event's nine 4-byte string lengths, its time and code as 8-byte
/// integers and the texts every event of a block repeats (the event type, the classifier's
/// kind, reason and rule, the source file's name) were about half of its 240 bytes, and bytes
/// written are most of what an ingest costs on a machine where every new page-cache page is
/// expensive. Here:
///
/// ```text
/// 0xD2 (a marker no slot byte can be: an expanded block starts with a slot < 64)
/// entries:varint, then each entry as length:varint and bytes   -- the block's dictionary
/// per event: slot:u8 id:16 timestamp:zigzag-varint reply_code:varint (0: none, else zigzag + 1)
///            then the nine strings in EventBlock's order, each a varint tag:
///            0 null · k<<2|1 dictionary entry k · n<<2|2 n literal bytes follow
///            · k<<2|3 dictionary entry k, ":" and the decimal of a varint that follows
/// ```
///
/// Blocks written since migration `0006-message-identity` start with ``markerWithMessage``
/// (0xD3) instead, and each event has a tenth string after its source, its message identity
/// (tag 0 when it has none, else literal).
///
/// The address and the diagnostic are always literal; the type, kind, reason, enhanced code,
/// rule and provider verdict always come from the dictionary; a source of the form
/// `file:line` (a canonical decimal line) is the file's entry and the line number, any other
/// source is literal. Blocks stored before the migration keep the expanded layout, and every
/// reader takes both (``EventBlock/expand(_:into:)``).
enum CompactBlock {
    static let marker: UInt8 = 0xD2
    /// The marker of blocks whose events carry their message identity (a tenth string).
    static let markerWithMessage: UInt8 = 0xD3

    /// Whether a stored block's first byte says it is compact.
    static func isCompact(_ first: UInt8?) -> Bool { first == marker || first == markerWithMessage }

    /// The encoder every writer of blocks uses: blocks are written in ``CompressedBlock``'s
    /// form since migration `0010-compressed-blocks`.
    typealias Encoder = CompressedBlock.Encoder

    /// A block's dictionary of strings while it is written: each distinct string once, numbered
    /// in the order first met (``CompressedBlock`` and ``RowEncoder`` write it the same way).
    struct Strings {
        /// The entries back to back, and where each one ends.
        private var entryBytes: [UInt8] = []
        private var entryEnds: [Int] = []
        /// Per entry, its first and last 8 bytes (``words(_:)``): with the length, they decide
        /// equality outright for entries of up to 16 bytes.
        private var entryWords: [Words] = []
        /// Open addressing on the words' hash: entry index + 1 (0: free). A block has at most
        /// 64 × 8 entries, so the table never fills.
        private var table = [Int32](repeating: 0, count: Self.tableSize)
        private var used: [Int] = []
        private static let tableSize = 2_048

        init() {
            entryBytes.reserveCapacity(1 << 10)
        }

        mutating func reset() {
            entryBytes.removeAll(keepingCapacity: true)
            entryEnds.removeAll(keepingCapacity: true)
            entryWords.removeAll(keepingCapacity: true)
            for slot in used { table[slot] = 0 }
            used.removeAll(keepingCapacity: true)
        }

        /// Appends `entries:varint`, then each entry as `length:varint` and bytes.
        func write(to out: inout [UInt8]) {
            Varint.append(UInt64(entryEnds.count), to: &out)
            var start = 0
            entryBytes.withUnsafeBytes { bytes in
                for end in entryEnds {
                    Varint.append(UInt64(end - start), to: &out)
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                    start = end
                }
            }
        }

        private struct Words: Equatable {
            var first: UInt64
            var last: UInt64
        }

        @inline(__always)
        private static func words(_ bytes: UnsafeRawBufferPointer) -> Words {
            let n = bytes.count
            if n >= 8 {
                return Words(first: bytes.loadUnaligned(as: UInt64.self), last: bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            }
            // Shorter: every byte, in two overlapping loads (with the length, the words still
            // decide equality).
            let p = bytes.baseAddress
            if n >= 4 {
                return Words(first: UInt64(p!.loadUnaligned(as: UInt32.self)) | UInt64(p!.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32, last: 0)
            }
            guard n > 0 else { return Words(first: 0, last: 0) }
            return Words(first: UInt64(p!.load(as: UInt8.self)) | UInt64(p!.load(fromByteOffset: n / 2, as: UInt8.self)) << 8
                            | UInt64(p!.load(fromByteOffset: n - 1, as: UInt8.self)) << 16, last: 0)
        }

        /// The entry holding `bytes`, added if there is none.
        @inline(__always)
        mutating func index(of bytes: UnsafeRawBufferPointer) -> Int {
            let words = Self.words(bytes)
            var hash = (words.first &* 0x9E37_79B9_7F4A_7C15) ^ (words.last &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(bytes.count)
            hash ^= hash >> 29
            var slot = Int(truncatingIfNeeded: hash) & (Self.tableSize - 1)
            while table[slot] != 0 {
                let i = Int(table[slot]) - 1
                let start = i == 0 ? 0 : entryEnds[i - 1]
                if entryEnds[i] - start == bytes.count, entryWords[i] == words,
                   bytes.count <= 16 || entryBytes.withUnsafeBytes({ memcmp($0.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0 }) {
                    return i
                }
                slot = (slot + 1) & (Self.tableSize - 1)
            }
            entryBytes.append(contentsOf: bytes)
            entryEnds.append(entryBytes.count)
            entryWords.append(words)
            table[slot] = Int32(entryEnds.count)
            used.append(slot)
            return entryEnds.count - 1
        }
    }

    /// Writes this form (``markerWithMessage``), as every block was written from
    /// `0006-message-identity` until `0010-compressed-blocks`; kept to write such blocks in tests.
    struct RowEncoder {
        private var strings = Strings()
        /// The events, encoded against the dictionary (it is written before them).
        private var body: [UInt8] = []

        init() {
            body.reserveCapacity(16 << 10)
        }

        /// Appends the compact form of `block` (expanded layout, at least one event) to `out`.
        mutating func encode(_ block: UnsafeRawBufferPointer, into out: inout [UInt8]) throws {
            strings.reset()
            body.removeAll(keepingCapacity: true)
            try EventBlock.forEachExpanded(in: block) { slot, raw in
                let row = try HistoryStore.EventRow(raw)
                body.append(UInt8(slot))
                body.append(contentsOf: row.id)
                Varint.append(Varint.zigzag(row.timestamp), to: &body)
                Varint.append(row.replyCode.map { Varint.zigzag($0) &+ 1 } ?? 0, to: &body)
                literal(row.address)
                entry(row.type)
                entry(row.kind)
                entry(row.reason)
                entry(row.enhancedCode)
                literal(row.diagnostic)
                entry(row.rule)
                entry(row.providerVerdict)
                source(row.source)
                if let message = row.message { literal(message) } else { body.append(0) }
            }
            out.append(CompactBlock.markerWithMessage)
            strings.write(to: &out)
            out.append(contentsOf: body)
        }

        private mutating func literal(_ bytes: UnsafeRawBufferPointer) {
            Varint.append(UInt64(bytes.count) << 2 | 2, to: &body)
            body.append(contentsOf: bytes)
        }

        private mutating func entry(_ bytes: UnsafeRawBufferPointer?) {
            guard let bytes else { return body.append(0) }
            Varint.append(UInt64(strings.index(of: bytes)) << 2 | 1, to: &body)
        }

        /// `file:line` as the file's entry and the number; anything else literally.
        private mutating func source(_ bytes: UnsafeRawBufferPointer) {
            guard let (file, line) = CompactBlock.splitLine(bytes) else { return literal(bytes) }
            Varint.append(UInt64(strings.index(of: file)) << 2 | 3, to: &body)
            Varint.append(line, to: &body)
        }
    }

    /// Appends the expanded layout of a compact block (``EventBlock``'s events back to back).
    static func expand(_ blob: UnsafeRawBufferPointer, into out: inout [UInt8]) throws {
        var reader = Reader(blob)
        let entries = try reader.dictionary()
        var previousSlot = -1
        while !reader.isAtEnd {
            let event = try reader.event(entries: entries, after: previousSlot)
            previousSlot = event.slot
            let lengthAt = EventBlock.beginEvent(slot: event.slot, id: event.id, timestamp: event.timestamp,
                                                 replyCode: event.replyCode, to: &out)
            for string in [event.address, event.type, event.kind, event.reason, event.enhancedCode, event.diagnostic,
                           event.rule, event.providerVerdict] {
                EventBlock.appendString(string, to: &out)
            }
            let sourceAt = out.count
            withUnsafeBytes(of: UInt32(0)) { out.append(contentsOf: $0) }
            event.appendSource(to: &out)
            EventBlock.fillLength(at: sourceAt, in: &out)
            if reader.hasMessages { EventBlock.appendString(event.message, to: &out) }
            EventBlock.endEvent(lengthAt: lengthAt, in: &out)
        }
    }

    /// Where a compact block's dictionary entries and events are, so that single events can be
    /// read without expanding the block (`clean` reads about a third of each block's events).
    struct Index {
        private(set) var entries: [Range<Int>] = []
        /// Per slot, where its event starts (-1: no event).
        private(set) var starts = [Int](repeating: -1, count: EventBlock.capacity)

        mutating func build(_ blob: UnsafeRawBufferPointer) throws {
            for i in starts.indices { starts[i] = -1 }
            var reader = Reader(blob)
            entries = try reader.dictionary()
            var previousSlot = -1
            while !reader.isAtEnd {
                let at = reader.at
                let event = try reader.event(entries: entries, after: previousSlot)
                previousSlot = event.slot
                starts[event.slot] = at
            }
        }

        /// Lends the event at `slot` (which has one) as a row; `scratch` holds a source
        /// written as a file's entry and a line.
        func withRow(slot: Int, in blob: UnsafeRawBufferPointer, scratch: inout [UInt8],
                     _ body: (HistoryStore.EventRow) throws -> Void) throws {
            var reader = Reader(blob)
            reader.at = starts[slot]
            let event = try reader.event(entries: entries, after: -1)
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            func row(source: UnsafeRawBufferPointer) -> HistoryStore.EventRow {
                HistoryStore.EventRow(
                    id: event.id, timestamp: event.timestamp, replyCode: event.replyCode, address: event.address ?? empty,
                    type: event.type ?? empty, kind: event.kind, reason: event.reason ?? empty, enhancedCode: event.enhancedCode,
                    diagnostic: event.diagnostic ?? empty, rule: event.rule ?? empty, providerVerdict: event.providerVerdict,
                    source: source, message: event.message)
            }
            guard event.sourceLine != nil else { return try body(row(source: event.source ?? empty)) }
            scratch.removeAll(keepingCapacity: true)
            event.appendSource(to: &scratch)
            try scratch.withUnsafeBytes { try body(row(source: $0)) }
        }
    }

    /// One event of a compact block, its texts pointing into the block.
    struct Event {
        var slot = 0
        var id = UnsafeRawBufferPointer(start: nil, count: 0)
        var timestamp: Int64 = 0
        var replyCode: Int64?
        var address, type, kind, reason, enhancedCode, diagnostic, rule, providerVerdict, source, message: UnsafeRawBufferPointer?
        /// Set when the source is `source` (a file's entry), ":" and this line.
        var sourceLine: UInt64?

        func appendSource(to out: inout [UInt8]) {
            if let source { out.append(contentsOf: source) }
            guard var line = sourceLine else { return }
            out.append(UInt8(ascii: ":"))
            let first = out.count
            repeat {
                out.append(UInt8(ascii: "0") + UInt8(line % 10))
                line /= 10
            } while line > 0
            out[first...].reverse()
        }
    }

    /// `file:line` split when the line is a canonical decimal (no sign, no leading zero, below
    /// 10^18), so that expanding gives back the same bytes; nil otherwise.
    static func splitLine(_ bytes: UnsafeRawBufferPointer) -> (file: UnsafeRawBufferPointer, line: UInt64)? {
        var i = bytes.count
        var line: UInt64 = 0
        var scale: UInt64 = 1
        while i > 0, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i - 1]) {
            guard bytes.count - i < 18 else { return nil }
            line += UInt64(bytes[i - 1] - UInt8(ascii: "0")) * scale
            scale *= 10
            i -= 1
        }
        let digits = bytes.count - i
        guard digits > 0, i > 0, bytes[i - 1] == UInt8(ascii: ":"),
              digits == 1 || bytes[i] != UInt8(ascii: "0") else { return nil }
        return (UnsafeRawBufferPointer(rebasing: bytes[0..<(i - 1)]), line)
    }

    /// Reads a compact block front to back; every read checks the bounds.
    private struct Reader {
        let blob: UnsafeRawBufferPointer
        var at = 0
        /// The block's events carry a message identity (``markerWithMessage``).
        let hasMessages: Bool

        init(_ blob: UnsafeRawBufferPointer) {
            self.blob = blob
            hasMessages = blob.first == markerWithMessage
        }

        /// The marker and the dictionary: where each entry's bytes are.
        mutating func dictionary() throws -> [Range<Int>] {
            guard isCompact(try byte()) else { throw EventBlockError.corrupt }
            let count = try varint()
            guard count <= UInt64(blob.count) else { throw EventBlockError.corrupt }
            var entries: [Range<Int>] = []
            entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                let length = try varint()
                guard length <= UInt64(blob.count - at) else { throw EventBlockError.corrupt }
                entries.append(at..<(at + Int(length)))
                at += Int(length)
            }
            return entries
        }

        /// The next event, whose slot must come after `previousSlot`.
        mutating func event(entries: [Range<Int>], after previousSlot: Int) throws -> Event {
            var e = Event()
            e.slot = Int(try byte())
            guard e.slot < EventBlock.capacity, e.slot > previousSlot else { throw EventBlockError.corrupt }
            e.id = try bytes(16)
            e.timestamp = Varint.unzigzag(try varint())
            let code = try varint()
            e.replyCode = code == 0 ? nil : Varint.unzigzag(code &- 1)
            e.address = try string(entries)
            e.type = try string(entries)
            e.kind = try string(entries)
            e.reason = try string(entries)
            e.enhancedCode = try string(entries)
            e.diagnostic = try string(entries)
            e.rule = try string(entries)
            e.providerVerdict = try string(entries)
            let tag = try varint()
            if tag & 3 == 3 {
                e.source = try entry(tag, entries)
                e.sourceLine = try varint()
            } else {
                e.source = try string(tag: tag, entries)
            }
            if hasMessages { e.message = try string(entries) }
            return e
        }

        private mutating func string(_ entries: [Range<Int>]) throws -> UnsafeRawBufferPointer? {
            try string(tag: try varint(), entries)
        }

        private mutating func string(tag: UInt64, _ entries: [Range<Int>]) throws -> UnsafeRawBufferPointer? {
            switch tag & 3 {
            case 0:
                guard tag == 0 else { throw EventBlockError.corrupt }
                return nil
            case 1: return try entry(tag, entries)
            case 2: return try bytes(tag >> 2)
            default: throw EventBlockError.corrupt  // a file and a line: the source's form only
            }
        }

        private func entry(_ tag: UInt64, _ entries: [Range<Int>]) throws -> UnsafeRawBufferPointer {
            let k = tag >> 2
            guard k < UInt64(entries.count) else { throw EventBlockError.corrupt }
            return UnsafeRawBufferPointer(rebasing: blob[entries[Int(k)]])
        }

        var isAtEnd: Bool { at >= blob.count }

        mutating func byte() throws -> UInt8 {
            guard at < blob.count else { throw EventBlockError.corrupt }
            defer { at += 1 }
            return blob[at]
        }

        mutating func varint() throws -> UInt64 {
            guard let value = Varint.read(blob, at: &at) else { throw EventBlockError.corrupt }
            return value
        }

        mutating func bytes(_ count: UInt64) throws -> UnsafeRawBufferPointer {
            guard count <= UInt64(blob.count - at) else { throw EventBlockError.corrupt }
            defer { at += Int(count) }
            return UnsafeRawBufferPointer(rebasing: blob[at..<(at + Int(count))])
        }
    }
}
