import CZstd
import Foundation

/// The stored form of an event block since migration `0010-compressed-blocks`: the block's
/// events laid out field by field and compressed with zstd, against a dictionary the history
/// keeps (`block_dictionaries`), in about a quarter of the bytes of ``CompactBlock``'s form.
///
/// What made the compact form large was what it could not share between events: the 16-byte
/// id (random bytes), the address written again inside most diagnostics, and the diagnostics'
/// wording, which repeats from block to block but rarely inside one block of 64. Here the id
/// is left out when it is the one ``EventRecord/identity(address:timestamp:type:replyCode:enhancedCode:diagnostic:into:)``
/// gives for the event's fields (every event `ingest` reads), and recomputed when the event is
/// read; the address is cut out of the diagnostic; fields of a kind are stored together; and
/// zstd compresses against a dictionary of earlier blocks' bytes.
///
/// ```text
/// 0xD4 mode:u8                 0 payload as it is · 1 zstd · 2 zstd with a dictionary
/// [dictionary:u64]             mode 2: which dictionary (its hash, see ``BlockDictionaries``)
/// data                         the payload, or one zstd frame of it (with its content size)
///
/// payload:
/// count:varint                 events, 1–64
/// entries:varint, each length:varint and bytes      -- the block's strings, as in CompactBlock
/// ints:varint addresses:varint diagnostics:varint literals:varint   -- the streams' lengths
/// heads    per event slot:u8 flags:u8  (1 id stored · 2 reply code · 4 message
///                                        · 8 address cut out of the diagnostic)
/// ids      16 bytes per event with flag 1
/// ints     per event: time (zigzag of the difference to the event before, the first to 0),
///          [reply code, zigzag], then type, kind, reason, enhanced code, rule, provider
///          verdict as string tags, the source as a source tag, [where the address was cut]
/// addresses    per event length:varint and bytes
/// diagnostics  per event length:varint and bytes
/// literals     the strings of literal tags, then the message (flag 4), each length:varint and bytes
/// ```
///
/// String tags: 0 null · k<<2|1 entry k · 2 the next literal. Source tags: as string tags, or
/// k<<2|3 entry k, ":" and a line, followed by the zigzag of its difference to the previous
/// such line of the block (the first to 0). Integers are varints (``Varint``).
enum CompressedBlock {
    static let marker: UInt8 = 0xD4
    /// The zstd level blocks are written at (measured: docs/benchmarks.md).
    static let level: Int32 = 3

    static let modeRaw: UInt8 = 0
    static let modeZstd: UInt8 = 1
    static let modeDictionary: UInt8 = 2

    static let idStored: UInt8 = 1
    static let hasReply: UInt8 = 2
    static let hasMessage: UInt8 = 4
    static let addressCut: UInt8 = 8

    /// The most bytes a block's payload may say it has (a damaged frame must not allocate more).
    static let maxPayload = 1 << 30

    /// A dictionary for the encoder: its hash and zstd's prepared form.
    struct Dictionary: @unchecked Sendable {
        let hash: UInt64
        let compress: OpaquePointer
    }

    /// The zstd contexts one encoder or decoder reuses from block to block (not thread-safe).
    final class Contexts {
        let compress: OpaquePointer
        let decompress: OpaquePointer

        init() {
            compress = ZSTD_createCCtx()
            decompress = ZSTD_createDCtx()
            _ = ZSTD_CCtx_setParameter(compress, ZSTD_c_compressionLevel, CompressedBlock.level)
            // Literals stored as they are, not Huffman-coded: decompressing a block takes about
            // 40% less time and compressing it 25% less, for 3.6% more bytes (measured:
            // docs/benchmarks.md). A libzstd without the parameter keeps its default.
            _ = ZSTD_CCtx_setParameter(compress, ZSTD_c_experimentalParam5 /* literalCompressionMode */, 2 /* disable */)
        }

        deinit {
            ZSTD_freeCCtx(compress)
            ZSTD_freeDCtx(decompress)
        }
    }

    /// Writes blocks (expanded layout in, this form out); one per writer, reused from block to block.
    struct Encoder {
        private var strings = CompactBlock.Strings()
        private var heads: [UInt8] = []
        private var ids: [UInt8] = []
        private var ints: [UInt8] = []
        private var addresses: [UInt8] = []
        private var diagnostics: [UInt8] = []
        private var literals: [UInt8] = []
        /// The last block's payload before compression (a writer samples it for a dictionary).
        private(set) var payload: [UInt8] = []
        private var compressed: [UInt8] = []
        private let contexts = Contexts()
        /// The dictionary blocks are compressed against; nil: none.
        var dictionary: Dictionary?

        init() {
            payload.reserveCapacity(16 << 10)
        }

        /// An encoder that compresses against the history's newest dictionary (none when it has none).
        init(newestDictionaryIn db: SQLiteConnection) throws {
            self.init()
            let newest = try db.cached("SELECT bytes FROM block_dictionaries ORDER BY dictionary DESC LIMIT 1")
            defer { newest.reset() }
            if try newest.step() { dictionary = BlockDictionaries.shared.compression(Array(newest.bytes(0))) }
        }

        /// Events added since ``begin()``.
        private(set) var count = 0
        private var previousTime: Int64 = 0
        private var previousLine: Int64 = 0

        /// Appends the stored form of `block` (expanded layout, at least one event) to `out`.
        /// `derived` has bit `slot` set for each event whose id is known to be its fields'
        /// identity; the ids of the other events are checked (and stored when they differ).
        mutating func encode(_ block: UnsafeRawBufferPointer, derived: UInt64 = 0, into out: inout [UInt8]) throws {
            begin()
            try EventBlock.forEachExpanded(in: block) { slot, raw in
                add(slot: slot, row: try HistoryStore.EventRow(raw), derived: derived & (1 << UInt64(slot)) != 0)
            }
            try finish(into: &out)
        }

        /// Starts a block: ``add(slot:row:derived:)`` its events in slot order, then
        /// ``finish(into:)`` (or ``assemble()``). A writer adds events straight from where they
        /// were packed, without laying the block out first.
        mutating func begin() {
            strings.reset()
            heads.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
            ints.removeAll(keepingCapacity: true)
            addresses.removeAll(keepingCapacity: true)
            diagnostics.removeAll(keepingCapacity: true)
            literals.removeAll(keepingCapacity: true)
            count = 0
            previousTime = 0
            previousLine = 0
        }

        /// Adds an event at `slot` (above the slot of the one added before). `derived`: its id
        /// is known to be its fields' identity; otherwise it is checked (and stored when it differs).
        mutating func add(slot: Int, row: HistoryStore.EventRow, derived: Bool) {
            count += 1
            var flags: UInt8 = 0
            if !derived, !CompressedBlock.idIsDerived(row) {
                flags |= idStored
                ids.append(contentsOf: row.id)
            }
            // The event's integers are written to the stack first and appended to `ints` at
            // once (at most 11 varints of 10 bytes): one append per event instead of one per byte.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { scratch in
                var out = VarintWriter(scratch.baseAddress!)
                out.append(Varint.zigzag(row.timestamp &- previousTime))
                previousTime = row.timestamp
                if let code = row.replyCode {
                    flags |= hasReply
                    out.append(Varint.zigzag(code))
                }
                out.append(tag(row.type))
                out.append(tag(row.kind))
                out.append(tag(row.reason))
                out.append(tag(row.enhancedCode))
                out.append(tag(row.rule))
                out.append(tag(row.providerVerdict))
                if let (file, line) = CompactBlock.splitLine(row.source) {
                    out.append(UInt64(strings.index(of: file)) << 2 | 3)
                    out.append(Varint.zigzag(Int64(bitPattern: line) &- previousLine))
                    previousLine = Int64(bitPattern: line)
                } else {
                    out.append(tag(row.source))
                }
                appendLength(row.address, to: &addresses)
                if let cut = CompressedBlock.find(row.address, in: row.diagnostic) {
                    flags |= addressCut
                    out.append(UInt64(cut))
                    Varint.append(UInt64(row.diagnostic.count - row.address.count), to: &diagnostics)
                    diagnostics.append(contentsOf: UnsafeRawBufferPointer(rebasing: row.diagnostic[..<cut]))
                    diagnostics.append(contentsOf: UnsafeRawBufferPointer(rebasing: row.diagnostic[(cut + row.address.count)...]))
                } else {
                    appendLength(row.diagnostic, to: &diagnostics)
                }
                ints.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: out.count))
            }
            if let message = row.message {
                flags |= hasMessage
                appendLength(message, to: &literals)
            }
            heads.append(UInt8(slot))
            heads.append(flags)
        }

        /// Lays the block's payload out (``payload``) from the events added, uncompressed.
        mutating func assemble() {
            payload.removeAll(keepingCapacity: true)
            Varint.append(UInt64(count), to: &payload)
            strings.write(to: &payload)
            for stream in [ints, addresses, diagnostics, literals] { Varint.append(UInt64(stream.count), to: &payload) }
            payload.append(contentsOf: heads)
            payload.append(contentsOf: ids)
            payload.append(contentsOf: ints)
            payload.append(contentsOf: addresses)
            payload.append(contentsOf: diagnostics)
            payload.append(contentsOf: literals)
        }

        /// Appends the stored form of the events added (at least one) to `out`.
        mutating func finish(into out: inout [UInt8]) throws {
            assemble()
            payload.withUnsafeBytes { CompressedBlock.store($0, dictionary: dictionary, context: contexts.compress, scratch: &compressed, into: &out) }
        }

        /// A string's tag: 0 for null, else its entry's (added if new).
        @inline(__always)
        private mutating func tag(_ bytes: UnsafeRawBufferPointer?) -> UInt64 {
            guard let bytes else { return 0 }
            return UInt64(strings.index(of: bytes)) << 2 | 1
        }

        @inline(__always)
        private func appendLength(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
            Varint.append(UInt64(bytes.count), to: &out)
            out.append(contentsOf: bytes)
        }
    }

    /// Varints written to memory the caller has made room for (``Varint/maxBytes`` each).
    struct VarintWriter {
        let base: UnsafeMutablePointer<UInt8>
        private(set) var count = 0

        init(_ base: UnsafeMutablePointer<UInt8>) {
            self.base = base
        }

        /// Writes `value` as ``Varint/append(_:to:)`` does.
        @inline(__always)
        mutating func append(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                base[count] = UInt8(truncatingIfNeeded: v) | 0x80
                count += 1
                v >>= 7
            }
            base[count] = UInt8(v)
            count += 1
        }
    }

    /// Appends the stored form of a block's `payload` to `out`: compressed with `context`
    /// (against `dictionary` when there is one; `scratch` holds the frame), or as it is when
    /// compression does not make it smaller.
    static func store(_ payload: UnsafeRawBufferPointer, dictionary: Dictionary?, context: OpaquePointer,
                      scratch compressed: inout [UInt8], into out: inout [UInt8]) {
        let bound = ZSTD_compressBound(payload.count)
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        // The context keeps its parameters (``Contexts``); the dictionary, or none, per block.
        _ = ZSTD_CCtx_reset(context, ZSTD_reset_session_only)
        _ = ZSTD_CCtx_refCDict(context, dictionary?.compress)
        let written = compressed.withUnsafeMutableBytes { target in
            ZSTD_compress2(context, target.baseAddress, target.count, payload.baseAddress, payload.count)
        }
        out.append(CompressedBlock.marker)
        guard ZSTD_isError(written) == 0, written < payload.count else {
            out.append(CompressedBlock.modeRaw)
            out.append(contentsOf: payload)
            return
        }
        if let dictionary {
            out.append(CompressedBlock.modeDictionary)
            out.append(littleEndian: dictionary.hash)
        } else {
            out.append(CompressedBlock.modeZstd)
        }
        out.append(contentsOf: compressed[0..<written])
    }

    /// Whether an event's id is the identity of its fields (so it need not be stored).
    static func idIsDerived(_ row: HistoryStore.EventRow) -> Bool {
        guard row.id.count == 16, let id = identity(of: row) else { return false }
        return id.0 == row.id.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            && id.1 == row.id.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    }

    /// The identity of a stored event's fields (its 16 bytes as two words in memory order), nil
    /// when its type is not one this build knows.
    static func identity(of row: HistoryStore.EventRow) -> (UInt64, UInt64)? {
        EventType(storedName: row.type).map { row.identity(as: $0) }
    }

    /// Where `needle` (not empty) first occurs in `haystack`.
    @inline(__always)
    static func find(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Int? {
        guard needle.count > 0, haystack.count >= needle.count else { return nil }
        let base = haystack.baseAddress!, first = Int32(needle[0]), last = haystack.count - needle.count
        let end = needle.count - 1, lastByte = needle[end]
        var at = 0
        while at <= last {
            guard let hit = memchr(base + at, first, last - at + 1) else { return nil }
            let i = UnsafeRawPointer(hit) - base
            // The needle's last byte first: most places its first byte occurs are not it.
            if base.load(fromByteOffset: i + end, as: UInt8.self) == lastByte,
               memcmp(base + i, needle.baseAddress!, needle.count) == 0 { return i }
            at = i + 1
        }
        return nil
    }

    /// One decoded event: where its fields are in the decoder's payload (-1: null).
    struct Event {
        var slot = 0
        var flags: UInt8 = 0
        var id = 0
        var timestamp: Int64 = 0
        var replyCode: Int64 = 0
        /// Each string as (start, count) in the payload; count -1: null.
        var address = (0, 0), type = (0, 0), kind = (0, 0), reason = (0, 0), enhanced = (0, 0)
        var diagnostic = (0, 0), rule = (0, 0), verdict = (0, 0), source = (0, 0), message = (0, -1)
        /// The source's line when it is a file's entry and a line (-1: not).
        var line: Int64 = -1
        var cut = 0
    }

    /// Where the decoding of a block's events stands: the next event and where its fields
    /// start in each stream, with the running time and source line the differences add to.
    private struct Cursor {
        var ordinal = 0
        var id = 0
        var ints = 0, addresses = 0, diagnostics = 0, literals = 0
        var time: Int64 = 0
        var line: Int64 = 0
    }

    /// Reads blocks of this form: decompresses one into its own buffer and reads its header
    /// (the strings, the streams' places and which slots hold events); the events are then
    /// decoded when asked for (``withRow(slot:knownID:_:)``), in slot order from where the last
    /// one ended, so a reader of a few events of a block (`clean`'s evidence) walks past the
    /// others' fields without decoding them and stops at the last one it needs. Their ids are
    /// computed only for the events read. One thread at a time.
    final class Decoder {
        private let contexts = Contexts()
        private var buffer: UnsafeMutableRawBufferPointer
        private var length = 0
        /// Per slot, its event's place in slot order (-1: no event).
        private(set) var index = [Int](repeating: -1, count: EventBlock.capacity)
        /// Events in the block.
        private(set) var count = 0
        /// The block's strings: where each is in the payload.
        private var entries: [(Int, Int)] = []
        private var scratch: [UInt8] = []
        private var sourceScratch: [UInt8] = []
        private var headsAt = 0
        private var intsEnd = 0, addressesEnd = 0, diagnosticsEnd = 0, literalsEnd = 0
        /// The cursor at the block's first event, and the one after the last event decoded.
        private var first = Cursor()
        private var cursor = Cursor()
        /// The last event decoded, and its place (-1: none yet).
        private var current = Event()
        private var currentOrdinal = -1

        init() {
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
        }

        deinit { buffer.deallocate() }

        /// Every event of the block, decoded, in slot order (the whole block is checked).
        var events: [Event] {
            get throws {
                var all: [Event] = []
                var c = first
                var e = Event()
                for _ in 0..<count {
                    try decode(&c, full: true, into: &e)
                    all.append(e)
                }
                try checkEnd(c)
                return all
            }
        }

        /// Decodes a stored block of this form (`blob` is read only during the call).
        func load(_ blob: UnsafeRawBufferPointer) throws {
            for i in index.indices { index[i] = -1 }
            count = 0
            currentOrdinal = -1
            guard blob.count >= 2, blob[0] == marker else { throw EventBlockError.corrupt }
            var at = 2
            switch blob[1] {
            case modeRaw:
                try reserve(blob.count - at)
                buffer.baseAddress!.copyMemory(from: blob.baseAddress! + at, byteCount: blob.count - at)
                length = blob.count - at
            case modeZstd, modeDictionary:
                var dictionary: OpaquePointer?
                if blob[1] == modeDictionary {
                    guard blob.count >= 10 else { throw EventBlockError.corrupt }
                    let hash = UInt64(littleEndian: blob.loadUnaligned(fromByteOffset: 2, as: UInt64.self))
                    guard let found = BlockDictionaries.shared.decompression(hash) else { throw EventBlockError.missingDictionary }
                    dictionary = found
                    at = 10
                }
                let frame = UnsafeRawBufferPointer(rebasing: blob[at...])
                let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
                guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size <= UInt64(maxPayload) else {
                    throw EventBlockError.corrupt
                }
                try reserve(Int(size))
                let n = dictionary.map {
                    ZSTD_decompress_usingDDict(contexts.decompress, buffer.baseAddress, Int(size), frame.baseAddress, frame.count, $0)
                } ?? ZSTD_decompressDCtx(contexts.decompress, buffer.baseAddress, Int(size), frame.baseAddress, frame.count)
                guard ZSTD_isError(n) == 0, n == Int(size) else { throw EventBlockError.corrupt }
                length = n
            default:
                throw EventBlockError.corrupt
            }
            try parseHeader()
        }

        private func reserve(_ bytes: Int) throws {
            guard bytes <= maxPayload else { throw EventBlockError.corrupt }
            if buffer.count < bytes {
                buffer.deallocate()
                buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, buffer.count * 2), alignment: 8)
            }
        }

        private var base: UnsafePointer<UInt8> { UnsafePointer(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)) }

        /// A varint at `at`, below `end`.
        @inline(__always)
        private func varint(_ at: inout Int, _ end: Int) throws -> UInt64 {
            guard let value = Varint.read(UnsafeRawBufferPointer(start: base, count: end), at: &at) else {
                throw EventBlockError.corrupt
            }
            return value
        }

        @inline(__always)
        private static func size(_ v: UInt64, within limit: Int) throws -> Int {
            guard v <= UInt64(limit) else { throw EventBlockError.corrupt }
            return Int(v)
        }

        /// Reads the payload's header: the strings, the streams' places and lengths, the heads.
        private func parseHeader() throws {
            let base = base
            let length = length
            var at = 0
            let count = try Self.size(try varint(&at, length), within: EventBlock.capacity)
            guard count > 0 else { throw EventBlockError.corrupt }
            let entryCount = try Self.size(try varint(&at, length), within: length)
            entries.removeAll(keepingCapacity: true)
            for _ in 0..<entryCount {
                let n = try Self.size(try varint(&at, length), within: length - at)
                entries.append((at, n))
                at += n
            }
            let intsLength = try Self.size(try varint(&at, length), within: length)
            let addressesLength = try Self.size(try varint(&at, length), within: length)
            let diagnosticsLength = try Self.size(try varint(&at, length), within: length)
            let literalsLength = try Self.size(try varint(&at, length), within: length)
            guard count * 2 <= length - at else { throw EventBlockError.corrupt }
            headsAt = at
            at += count * 2
            var storedIDs = 0
            var previousSlot = -1
            for i in 0..<count {
                let slot = Int(base[headsAt + 2 * i])
                guard slot < EventBlock.capacity, slot > previousSlot else { throw EventBlockError.corrupt }
                previousSlot = slot
                index[slot] = i
                if base[headsAt + 2 * i + 1] & idStored != 0 { storedIDs += 1 }
            }
            /// The next `n` bytes of the payload, which must hold them.
            func stream(_ n: Int) throws -> Range<Int> {
                guard n <= length - at else { throw EventBlockError.corrupt }
                defer { at += n }
                return at..<(at + n)
            }
            var c = Cursor()
            c.id = try stream(storedIDs * 16).lowerBound
            let ints = try stream(intsLength), addresses = try stream(addressesLength)
            let diagnostics = try stream(diagnosticsLength), literals = try stream(literalsLength)
            (c.ints, intsEnd) = (ints.lowerBound, ints.upperBound)
            (c.addresses, addressesEnd) = (addresses.lowerBound, addresses.upperBound)
            (c.diagnostics, diagnosticsEnd) = (diagnostics.lowerBound, diagnostics.upperBound)
            (c.literals, literalsEnd) = (literals.lowerBound, literals.upperBound)
            guard at == length else { throw EventBlockError.corrupt }
            self.count = count
            first = c
            cursor = c
        }

        /// Whether every stream ends where the last event's fields end.
        private func checkEnd(_ c: Cursor) throws {
            guard c.ordinal == count, c.ints == intsEnd, c.addresses == addressesEnd, c.diagnostics == diagnosticsEnd,
                  c.literals == literalsEnd else { throw EventBlockError.corrupt }
        }

        /// Decodes the event at `c` and moves `c` past it; with `full` false only moves past it
        /// (the fields it returns are then not filled in).
        @inline(__always)
        private func decode(_ c: inout Cursor, full: Bool, into e: inout Event) throws {
            let base = base
            guard c.ordinal < count else { throw EventBlockError.corrupt }
            let intsEnd = intsEnd, literalsEnd = literalsEnd
            let entries = entries
            @inline(__always) func string(_ position: inout Int, _ end: Int) throws -> (Int, Int) {
                let n = try varint(&position, end)
                guard n <= UInt64(end - position) else { throw EventBlockError.corrupt }
                defer { position += Int(n) }
                return (position, Int(n))
            }
            @inline(__always) func tagged(_ tag: UInt64, _ c: inout Cursor) throws -> (Int, Int) {
                switch tag & 3 {
                case 0:
                    guard tag == 0 else { throw EventBlockError.corrupt }
                    return (0, -1)
                case 1:
                    guard tag >> 2 < UInt64(entries.count) else { throw EventBlockError.corrupt }
                    return full ? entries[Int(tag >> 2)] : (0, 0)
                case 2:
                    guard tag == 2 else { throw EventBlockError.corrupt }
                    return try string(&c.literals, literalsEnd)
                default: throw EventBlockError.corrupt
                }
            }
            let head = headsAt + 2 * c.ordinal
            e.slot = Int(base[head])
            e.flags = base[head + 1]
            if e.flags & idStored != 0 {
                e.id = c.id
                c.id += 16
            } else {
                e.id = -1
            }
            e.replyCode = 0
            e.line = -1
            e.cut = 0
            e.message = (0, -1)
            c.time = c.time &+ Varint.unzigzag(try varint(&c.ints, intsEnd))
            e.timestamp = c.time
            if e.flags & hasReply != 0 { e.replyCode = Varint.unzigzag(try varint(&c.ints, intsEnd)) }
            e.type = try tagged(try varint(&c.ints, intsEnd), &c)
            e.kind = try tagged(try varint(&c.ints, intsEnd), &c)
            e.reason = try tagged(try varint(&c.ints, intsEnd), &c)
            e.enhanced = try tagged(try varint(&c.ints, intsEnd), &c)
            e.rule = try tagged(try varint(&c.ints, intsEnd), &c)
            e.verdict = try tagged(try varint(&c.ints, intsEnd), &c)
            let sourceTag = try varint(&c.ints, intsEnd)
            if sourceTag & 3 == 3 {
                guard sourceTag >> 2 < UInt64(entries.count) else { throw EventBlockError.corrupt }
                if full { e.source = entries[Int(sourceTag >> 2)] }
                c.line = c.line &+ Varint.unzigzag(try varint(&c.ints, intsEnd))
                guard c.line >= 0 else { throw EventBlockError.corrupt }
                e.line = c.line
            } else {
                e.source = try tagged(sourceTag, &c)
            }
            e.address = try string(&c.addresses, addressesEnd)
            e.diagnostic = try string(&c.diagnostics, diagnosticsEnd)
            if e.flags & addressCut != 0 {
                let cut = try varint(&c.ints, intsEnd)
                guard cut <= UInt64(e.diagnostic.1) else { throw EventBlockError.corrupt }
                e.cut = Int(cut)
            }
            if e.flags & hasMessage != 0 { e.message = try string(&c.literals, literalsEnd) }
            c.ordinal += 1
            // After the last event every stream must be used up.
            if c.ordinal == count { try checkEnd(c) }
        }

        /// Decodes the event at place `ordinal` into ``current``, from the cursor on (from the
        /// block's first event when it lies behind the cursor).
        private func decodeCurrent(_ ordinal: Int) throws {
            if ordinal == currentOrdinal { return }
            currentOrdinal = -1
            if ordinal < cursor.ordinal { cursor = first }
            while cursor.ordinal < ordinal { try decode(&cursor, full: false, into: &current) }
            try decode(&cursor, full: true, into: &current)
            currentOrdinal = ordinal
        }

        /// Lends the event at `slot` (which has one, see ``index``) as a row. `knownID`: the
        /// event's id as its run entry holds it (two big-endian words), lent when the block
        /// left the id out instead of working it out of the fields.
        func withRow<T>(slot: Int, knownID: (high: UInt64, low: UInt64)? = nil, _ body: (HistoryStore.EventRow) throws -> T) throws -> T {
            guard index[slot] >= 0 else { throw EventBlockError.corrupt }
            try decodeCurrent(index[slot])
            let e = current
            let payload = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<length])
            func bytes(_ r: (Int, Int)) -> UnsafeRawBufferPointer? {
                r.1 < 0 ? nil : UnsafeRawBufferPointer(rebasing: payload[r.0..<(r.0 + r.1)])
            }
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            let address = bytes(e.address) ?? empty
            // The diagnostic with the address put back, and the source with its line, in scratch.
            scratch.removeAll(keepingCapacity: true)
            let diagnosticBytes = bytes(e.diagnostic) ?? empty
            if e.flags & addressCut != 0 {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: diagnosticBytes[..<e.cut]))
                scratch.append(contentsOf: address)
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: diagnosticBytes[e.cut...]))
            }
            sourceScratch.removeAll(keepingCapacity: true)
            if e.line >= 0 {
                sourceScratch.append(contentsOf: bytes(e.source) ?? empty)
                sourceScratch.append(UInt8(ascii: ":"))
                let first = sourceScratch.count
                var line = UInt64(e.line)
                repeat {
                    sourceScratch.append(UInt8(ascii: "0") + UInt8(line % 10))
                    line /= 10
                } while line > 0
                sourceScratch[first...].reverse()
            }
            return try scratch.withUnsafeBytes { rebuilt in
                try sourceScratch.withUnsafeBytes { source in
                    var id: (UInt64, UInt64) = (0, 0)
                    return try withUnsafeMutableBytes(of: &id) { idBytes in
                        let computed = UnsafeRawBufferPointer(idBytes)
                        let row = HistoryStore.EventRow(
                            id: e.id >= 0 ? UnsafeRawBufferPointer(rebasing: payload[e.id..<(e.id + 16)]) : computed,
                            timestamp: e.timestamp, replyCode: e.flags & hasReply != 0 ? e.replyCode : nil,
                            address: address, type: bytes(e.type) ?? empty, kind: bytes(e.kind), reason: bytes(e.reason) ?? empty,
                            enhancedCode: bytes(e.enhanced),
                            diagnostic: e.flags & addressCut != 0 ? rebuilt : diagnosticBytes,
                            rule: bytes(e.rule) ?? empty, providerVerdict: bytes(e.verdict),
                            source: e.line >= 0 ? source : (bytes(e.source) ?? empty), message: bytes(e.message))
                        if e.id < 0, let knownID {
                            idBytes.storeBytes(of: knownID.high.bigEndian, toByteOffset: 0, as: UInt64.self)
                            idBytes.storeBytes(of: knownID.low.bigEndian, toByteOffset: 8, as: UInt64.self)
                        } else if e.id < 0 {
                            guard let derived = CompressedBlock.identity(of: row) else { throw EventBlockError.corrupt }
                            idBytes.storeBytes(of: derived.0, toByteOffset: 0, as: UInt64.self)
                            idBytes.storeBytes(of: derived.1, toByteOffset: 8, as: UInt64.self)
                        }
                        return try body(row)
                    }
                }
            }
        }

        /// Appends every event in the expanded layout (``EventBlock``); the whole block is checked.
        func expand(into out: inout [UInt8]) throws {
            for slot in 0..<EventBlock.capacity where index[slot] >= 0 {
                try withRow(slot: slot) { row in
                    let lengthAt = EventBlock.beginEvent(slot: slot, id: row.id, timestamp: row.timestamp,
                                                         replyCode: row.replyCode, to: &out)
                    for string in [row.address, row.type, row.kind, row.reason, row.enhancedCode, row.diagnostic,
                                   row.rule, row.providerVerdict, row.source, row.message] as [UnsafeRawBufferPointer?] {
                        EventBlock.appendString(string, to: &out)
                    }
                    EventBlock.endEvent(lengthAt: lengthAt, in: &out)
                }
            }
        }
    }
}

/// The dictionaries blocks are compressed against (`block_dictionaries`), for every history
/// this process has opened, by their hash (the first 8 bytes of the SHA-256 of their bytes, as
/// a little-endian integer), so that a block alone says which it needs.
///
/// `@unchecked Sendable`: every stored property is read and written under `lock`; zstd's
/// prepared dictionaries are read-only once made and live as long as the process.
final class BlockDictionaries: @unchecked Sendable {
    static let shared = BlockDictionaries()

    private let lock = NSLock()
    private var decompressing: [UInt64: OpaquePointer] = [:]
    private var compressing: [UInt64: OpaquePointer] = [:]

    /// The hash a dictionary's bytes are known by (never 0).
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        let digest = SHA256Hasher.digest(bytes)
        let value = digest.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        return value == 0 ? 1 : value
    }

    /// Makes a dictionary known; returns its hash.
    @discardableResult
    func register(_ bytes: [UInt8]) -> UInt64 {
        let hash = Self.hash(bytes)
        lock.lock()
        defer { lock.unlock() }
        if decompressing[hash] == nil {
            decompressing[hash] = bytes.withUnsafeBytes { ZSTD_createDDict($0.baseAddress, $0.count) }
        }
        return hash
    }

    /// Registers every dictionary stored in a history.
    func load(from db: SQLiteConnection) throws {
        let select = try db.prepare("SELECT bytes FROM block_dictionaries")
        while try select.step() { register(Array(select.bytes(0))) }
    }

    /// The prepared dictionary for decompressing, nil when none with this hash is known.
    func decompression(_ hash: UInt64) -> OpaquePointer? {
        lock.lock()
        defer { lock.unlock() }
        return decompressing[hash]
    }

    /// An encoder's dictionary made from `bytes` (registered for reading too).
    func compression(_ bytes: [UInt8]) -> CompressedBlock.Dictionary {
        let hash = register(bytes)
        lock.lock()
        defer { lock.unlock() }
        if let made = compressing[hash] { return CompressedBlock.Dictionary(hash: hash, compress: made) }
        let made = bytes.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, CompressedBlock.level) }!
        compressing[hash] = made
        return CompressedBlock.Dictionary(hash: hash, compress: made)
    }
}
