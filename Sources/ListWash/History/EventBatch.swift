#if canImport(Glibc)
import Glibc
#endif

/// Events packed for the history as `ingest`'s reader thread makes them: each event already in
/// its block form (``EventBlock``: slot, length, fixed fields and ten strings) and its address
/// key, in flat buffers that are emptied and refilled from batch to batch.
///
/// An event read from a canonical CSV goes from the reader's buffer into these bytes without a
/// `String`, an id array or an ``EventRecord`` on the way; the storing thread copies each
/// event's bytes into its block and its key into the address entries. (With a record per event,
/// allocating, copying and freeing its nine strings was about a third of ingest's time.)
struct EventBatch: Sendable {
    struct Item: Sendable, Equatable {
        /// Where the event's block form starts in `bytes` (at its slot byte), and its length.
        var start: Int
        var length: Int
        /// The address key's place in `keys`.
        var keyStart: Int
        var keyLength: Int
        /// The reason string's place in `bytes`.
        var reasonStart: Int
        var reasonLength: Int
        var timestamp: Int64
        var type: EventType
        var kind: BounceKind?
        var exactDiffers: Bool
        /// ``MessageIdentity/hash(_:)`` of the event's message, 0 when none.
        var message: UInt32 = 0
        /// The event's id is still zeros: the storing thread computes it (``identity(of:type:)``),
        /// which takes the SHA-256 off the reading thread, the busier of the two.
        var needsID = false
    }

    private(set) var bytes: [UInt8] = []
    private(set) var keys: [UInt8] = []
    private(set) var items: [Item] = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }

    init(reservingEvents events: Int = 0) {
        items.reserveCapacity(events)
        bytes.reserveCapacity(events * 256)
        keys.reserveCapacity(events * 32)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
    }

    /// An event's source text as it is packed (see ``EventSource/description``): `text`, then,
    /// when there is a line, `:` and the line in decimal. `text` is its owner's memory (a
    /// reader's copy of the file's name, kept for the whole read) and is read only during the
    /// ``append(address:timestamp:type:replyCode:enhancedCode:diagnostic:providerVerdict:message:classifier:source:)``
    /// it is given to.
    struct Source {
        /// A file's name (for a line) or a whole description.
        var text: UnsafeBufferPointer<UInt8>
        var line: Int?
    }

    /// Normalizes, classifies, identifies and packs one event from its fields' bytes, as
    /// ``EventRecord/init(_:classifier:)`` does from a ``RawEvent``. `enhancedCode` nil or empty
    /// is none. Returns false (and packs nothing) when the address is empty.
    ///
    /// The event's block form is written in one piece: its length is known before a byte is
    /// written, so `bytes` grows once per event and every field is one copy from its place.
    @inline(__always)
    mutating func append(
        address field: UnsafeBufferPointer<UInt8>, timestamp: Int64, type: EventType, replyCode: Int?,
        enhancedCode: UnsafeBufferPointer<UInt8>?, diagnostic: UnsafeBufferPointer<UInt8>,
        providerVerdict: String?, message: UnsafeBufferPointer<UInt8>? = nil, classifier: Classifier,
        source: Source
    ) -> Bool {
        let enhanced = enhancedCode.flatMap { $0.isEmpty ? nil : $0 }
        let message = message.flatMap { $0.isEmpty ? nil : $0 }
        return EventRecord.withNormalizedAddress(field) { (exact, key) -> Void in
            let c = type == .bounce
                ? classifier.classify(replyCode: replyCode, enhancedCode: enhanced, diagnostic: diagnostic, recipientKey: exact)
                : nil
            let (reason, kind, rule) = EventRecord.outcome(type: type, c)
            // The line's decimal digits, `:` first, in 24 bytes of scratch.
            var lineText: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let lineLength = withUnsafeMutableBytes(of: &lineText) { scratch -> Int in
                guard let line = source.line else { return 0 }
                return EventSource.writeLine(line, into: scratch.bindMemory(to: UInt8.self))
            }
            let typeText = type.rawValue, kindText = kind?.rawValue
            // slot, length, id, timestamp, reply code, and ten strings' lengths.
            let fixed = 1 + 4 + 16 + 8 + 8 + 10 * 4
            let length = fixed + exact.count + typeText.utf8.count + (kindText?.utf8.count ?? 0) + reason.utf8.count
                + (enhanced?.count ?? 0) + diagnostic.count + rule.utf8.count + (providerVerdict?.utf8.count ?? 0)
                + source.text.count + lineLength + (message?.count ?? 0)
            let start = bytes.count
            var reasonStart = 0
            Self.appendUninitialized(length, to: &bytes) { p in
                var w = Writer(p)
                w.byte(0)  // slot
                w.u32(UInt32(length - 5))
                w.zeros(16)  // the id, filled in by the storing thread (Item.needsID)
                w.u64(UInt64(bitPattern: timestamp))
                w.u64(UInt64(bitPattern: replyCode.map(Int64.init) ?? .min))
                w.string(exact)
                w.text(typeText)
                w.text(kindText)
                reasonStart = start + w.offset(from: p) + 4
                w.text(reason)
                w.string(enhanced)
                w.string(diagnostic)
                w.text(rule)
                w.text(providerVerdict)
                w.u32(UInt32(source.text.count + lineLength))
                w.raw(source.text)
                withUnsafeBytes(of: &lineText) {
                    w.raw(UnsafeBufferPointer(start: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: lineLength))
                }
                w.string(message)
                assert(w.offset(from: p) == length)
            }
            let keyStart = keys.count
            keys.append(contentsOf: key)
            items.append(Item(start: start, length: length, keyStart: keyStart, keyLength: key.count,
                              reasonStart: reasonStart, reasonLength: reason.utf8.count, timestamp: timestamp, type: type,
                              kind: kind, exactDiffers: !Self.sameBytes(exact, key),
                              message: message.map { MessageIdentity.hash(UnsafeRawBufferPointer($0)) } ?? 0, needsID: true))
        } != nil
    }

    /// Appends `count` bytes written by `body` (which must write every one of them) to `out`,
    /// growing its storage geometrically.
    @inline(__always)
    private static func appendUninitialized(_ count: Int, to out: inout [UInt8], _ body: (UnsafeMutableRawPointer) -> Void) {
        if out.capacity - out.count < count { out.reserveCapacity(Swift.max(2 * out.capacity, out.count + count)) }
        out.append(addingCapacity: count) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                body(UnsafeMutableRawPointer(buffer.baseAddress!))
                initialized = count
            }
        }
    }

    /// Writes an event's block form front to back (little-endian integers, strings as
    /// ``EventBlock`` lays them out), into memory its caller sized.
    private struct Writer {
        var p: UnsafeMutableRawPointer
        @inline(__always) init(_ p: UnsafeMutableRawPointer) { self.p = p }
        @inline(__always) func offset(from start: UnsafeMutableRawPointer) -> Int { p - start }
        @inline(__always) mutating func byte(_ v: UInt8) { p.storeBytes(of: v, as: UInt8.self); p += 1 }
        @inline(__always) mutating func u32(_ v: UInt32) { p.storeBytes(of: v.littleEndian, as: UInt32.self); p += 4 }
        @inline(__always) mutating func u64(_ v: UInt64) { p.storeBytes(of: v.littleEndian, as: UInt64.self); p += 8 }
        @inline(__always) mutating func zeros(_ n: Int) { p.initializeMemory(as: UInt8.self, repeating: 0, count: n); p += n }
        @inline(__always) mutating func raw(_ b: UnsafeBufferPointer<UInt8>) {
            if let base = b.baseAddress, b.count > 0 { p.copyMemory(from: base, byteCount: b.count) }
            p += b.count
        }
        @inline(__always) mutating func string(_ b: UnsafeBufferPointer<UInt8>?) {
            guard let b else { return u32(EventBlock.null) }
            u32(UInt32(b.count))
            raw(b)
        }
        @inline(__always) mutating func text(_ s: String?) {
            guard let s else { return u32(EventBlock.null) }
            let utf8 = s.utf8
            u32(UInt32(utf8.count))
            if utf8.withContiguousStorageIfAvailable({ raw($0) }) == nil {
                for b in utf8 { byte(b) }
            }
        }
    }

    /// The id of a packed event (its block form, from the slot byte), from the fields it was
    /// packed with, as ``EventRecord/identity(address:timestamp:type:replyCode:enhancedCode:diagnostic:into:)``
    /// makes it.
    static func identity(of event: UnsafeRawBufferPointer, type: EventType) throws -> (UInt64, UInt64) {
        try HistoryStore.EventRow(UnsafeRawBufferPointer(rebasing: event[EventBlock.idOffset...])).identity(as: type)
    }

    /// The packed event at `index` as a record, its id computed if the storing thread has not
    /// done so yet; nil only if the bytes were not packed by this type.
    func record(_ index: Int) -> EventRecord? {
        let item = items[index]
        return bytes.withUnsafeBytes { all -> EventRecord? in
            let event = UnsafeRawBufferPointer(rebasing: all[item.start..<(item.start + item.length)])
            guard let row = try? HistoryStore.EventRow(UnsafeRawBufferPointer(rebasing: event[EventBlock.idOffset...])) else { return nil }
            guard item.needsID else { return EventRecord(row: row) }
            guard var id = try? Self.identity(of: event, type: item.type) else { return nil }
            return withUnsafeBytes(of: &id) { EventRecord(row: row, id: $0) }
        }
    }

    /// Packs a raw event (an importer's); false when its address is empty.
    mutating func append(_ raw: RawEvent, classifier: Classifier) -> Bool {
        var address = raw.address
        var diagnostic = raw.diagnostic
        var enhanced = raw.enhancedCode ?? ""
        var message = raw.messageIdentity ?? ""
        var source: [UInt8] = []
        raw.source.appendDescription(to: &source)
        return address.withUTF8 { address in
            diagnostic.withUTF8 { diagnostic in
                enhanced.withUTF8 { enhanced in
                    message.withUTF8 { message in
                        source.withUnsafeBufferPointer { source in
                            append(address: address, timestamp: raw.timestamp, type: raw.type, replyCode: raw.replyCode,
                                   enhancedCode: enhanced, diagnostic: diagnostic, providerVerdict: raw.providerVerdict,
                                   message: message, classifier: classifier, source: Source(text: source, line: nil))
                        }
                    }
                }
            }
        }
    }

    /// Packs a record made before (its id and classification as they are).
    mutating func append(_ e: EventRecord) {
        let start = bytes.count
        let lengthAt = e.id.withUnsafeBytes {
            EventBlock.beginEvent(slot: 0, id: $0, timestamp: e.timestamp, replyCode: e.replyCode.map(Int64.init), to: &bytes)
        }
        Self.appendText(e.address, to: &bytes)
        Self.appendText(e.type.rawValue, to: &bytes)
        Self.appendText(e.kind?.rawValue, to: &bytes)
        let reasonStart = bytes.count + 4
        Self.appendText(e.reason, to: &bytes)
        let reasonLength = bytes.count - reasonStart
        Self.appendText(e.enhancedCode, to: &bytes)
        Self.appendText(e.diagnostic, to: &bytes)
        Self.appendText(e.rule, to: &bytes)
        Self.appendText(e.providerVerdict, to: &bytes)
        Self.appendText(e.source, to: &bytes)
        Self.appendText(e.messageIdentity, to: &bytes)
        EventBlock.endEvent(lengthAt: lengthAt, in: &bytes)
        let keyStart = keys.count
        keys.append(contentsOf: e.addressKey.utf8)
        items.append(Item(start: start, length: bytes.count - start, keyStart: keyStart, keyLength: keys.count - keyStart,
                          reasonStart: reasonStart, reasonLength: reasonLength, timestamp: e.timestamp, type: e.type,
                          kind: e.kind, exactDiffers: !e.address.utf8.elementsEqual(e.addressKey.utf8),
                          message: MessageIdentity.hash(e.messageIdentity)))
    }

    @inline(__always)
    private static func appendText(_ value: String?, to out: inout [UInt8]) {
        guard let value else { return EventBlock.appendString(nil, to: &out) }
        var text = value  // withUTF8 lends a native string's own bytes
        text.withUTF8 { EventBlock.appendString(UnsafeRawBufferPointer($0), to: &out) }
    }

    @inline(__always)
    private static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0, a.baseAddress != b.baseAddress else { return true }
        return memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0
    }
}
