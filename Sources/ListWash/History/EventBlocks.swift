/// The events' full records, stored in blocks of up to 64: `event_blocks(block, events)`.
///
/// Every event has a number, `block << 6 | slot`, which the address runs' entries hold (see
/// ``AddressEntry``). An ingest appends whole blocks at the end of the table: one SQLite row
/// per 64 events instead of one per event, so storing an event costs about a memory copy
/// (SQLite's per-row insert was most of an ingest's time). `clean` reads the evidence in
/// event-number order, so it reads each block it needs once.
///
/// The *expanded* layout, the form a block takes in memory (and the form blocks stored before
/// migration `0004-compact-blocks` keep on disk; blocks stored since are in
/// ``CompactBlock``'s form, expanded as they are read): its events back to back, in slot
/// order, each `slot:u8 length:u32` (of what follows), `id:16 ts:i64 reply_code:i64`
/// (Int64.min: none), then nine strings, `length:u32` (0xFFFF_FFFF: null) and UTF-8 bytes:
/// address, type, kind, reason, enhanced_code, diagnostic, rule, provider_verdict, source;
/// since migration `0006-message-identity` a tenth, the message identity (null: none; an
/// event that ends after its source has none). Integers little-endian.
enum EventBlock {
    static let shift = 6
    static let capacity = 1 << shift

    static func block(of number: Int64) -> Int64 { number >> Int64(shift) }
    static func slot(of number: Int64) -> Int { Int(number & Int64(capacity - 1)) }
    static func number(block: Int64, slot: Int) -> Int64 { block << Int64(shift) | Int64(slot) }

    static let null = UInt32.max
    /// Where an event's id starts, counted from its slot byte.
    static let idOffset = 5

    /// Appends an event's slot, a length to fill and its fixed fields; returns where the length goes.
    static func beginEvent(slot: Int, id: UnsafeRawBufferPointer, timestamp: Int64, replyCode: Int64?, to out: inout [UInt8]) -> Int {
        out.append(UInt8(slot))
        let lengthAt = out.count
        out.append(littleEndian: UInt32(0))
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: id.prefix(16)))
        for _ in min(id.count, 16)..<16 { out.append(0) }
        out.append(littleEndian: timestamp)
        out.append(littleEndian: replyCode ?? .min)
        return lengthAt
    }

    /// Fills in the length of the event begun at `lengthAt` (after its strings).
    static func endEvent(lengthAt: Int, in out: inout [UInt8]) {
        fillLength(at: lengthAt, in: &out)
    }

    /// Writes at `at` the length of the bytes after it (those after the 4 bytes reserved there).
    static func fillLength(at: Int, in out: inout [UInt8]) {
        let length = UInt32(out.count - at - 4)
        withUnsafeBytes(of: length.littleEndian) { raw in for i in 0..<4 { out[at + i] = raw[i] } }
    }

    @inline(__always)
    static func appendString(_ bytes: UnsafeRawBufferPointer?, to out: inout [UInt8]) {
        guard let bytes else { return out.append(littleEndian: null) }
        out.append(littleEndian: UInt32(bytes.count))
        out.append(contentsOf: bytes)
    }

    /// Appends an event as ``forEach(in:_:)`` gave it (its slot and its bytes after the length).
    static func append(slot: Int, event: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(slot))
        out.append(littleEndian: UInt32(event.count))
        out.append(contentsOf: event)
    }

    /// Appends a stored block's events in this layout: a block stored in ``CompressedBlock``'s
    /// or ``CompactBlock``'s form is expanded, one stored before them is copied as it is.
    static func expand(_ blob: UnsafeRawBufferPointer, into out: inout [UInt8]) throws {
        if blob.first == CompressedBlock.marker {
            let decoder = CompressedBlock.Decoder()
            try decoder.load(blob)
            try decoder.expand(into: &out)
        } else if CompactBlock.isCompact(blob.first) {
            try CompactBlock.expand(blob, into: &out)
        } else {
            out.append(contentsOf: blob)
        }
    }

    /// Each event of a stored block (any form): its slot and its bytes after the length
    /// (for ``HistoryStore/EventRow``). With ``CompactBlock/Encoder``, the one pair every
    /// reader and writer of whole blocks uses.
    static func forEach(in blob: UnsafeRawBufferPointer, _ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        guard CompactBlock.isCompact(blob.first) || blob.first == CompressedBlock.marker else {
            return try forEachExpanded(in: blob, body)
        }
        var expanded: [UInt8] = []
        try expand(blob, into: &expanded)
        try expanded.withUnsafeBytes { try forEachExpanded(in: $0, body) }
    }

    /// Each event of a block in this layout.
    static func forEachExpanded(in blob: UnsafeRawBufferPointer, _ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        var at = 0
        while at + 5 <= blob.count {
            let slot = Int(blob[at])
            let length = Int(UInt32(littleEndian: blob.loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
            guard slot < capacity, at + 5 + length <= blob.count, length >= 32 else { throw EventBlockError.corrupt }
            try body(slot, UnsafeRawBufferPointer(rebasing: blob[(at + 5)..<(at + 5 + length)]))
            at += 5 + length
        }
        guard at == blob.count else { throw EventBlockError.corrupt }
    }
}

/// A block that does not parse: the history file is damaged.
enum EventBlockError: Error {
    case corrupt
    /// A compressed block names a dictionary the history does not hold.
    case missingDictionary
}

extension HistoryStore {
    /// The fields of one stored event, as a view of its block's bytes, valid only inside the
    /// body it is lent to (see ``EventRowReader/read(_:_:)``).
    struct EventRow {
        let id: UnsafeRawBufferPointer
        let timestamp: Int64
        let replyCode: Int64?
        let address: UnsafeRawBufferPointer
        let type: UnsafeRawBufferPointer
        let kind: UnsafeRawBufferPointer?
        let reason: UnsafeRawBufferPointer
        let enhancedCode: UnsafeRawBufferPointer?
        let diagnostic: UnsafeRawBufferPointer
        let rule: UnsafeRawBufferPointer
        let providerVerdict: UnsafeRawBufferPointer?
        let source: UnsafeRawBufferPointer
        /// The message identity (``RawEvent/messageIdentity``), nil when none.
        let message: UnsafeRawBufferPointer?

        init(id: UnsafeRawBufferPointer, timestamp: Int64, replyCode: Int64?, address: UnsafeRawBufferPointer,
             type: UnsafeRawBufferPointer, kind: UnsafeRawBufferPointer?, reason: UnsafeRawBufferPointer,
             enhancedCode: UnsafeRawBufferPointer?, diagnostic: UnsafeRawBufferPointer, rule: UnsafeRawBufferPointer,
             providerVerdict: UnsafeRawBufferPointer?, source: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer?) {
            self.id = id
            self.timestamp = timestamp
            self.replyCode = replyCode
            self.address = address
            self.type = type
            self.kind = kind
            self.reason = reason
            self.enhancedCode = enhancedCode
            self.diagnostic = diagnostic
            self.rule = rule
            self.providerVerdict = providerVerdict
            self.source = source
            self.message = message
        }

        /// Parses an event's bytes in the expanded layout (after its slot and length).
        init(_ raw: UnsafeRawBufferPointer) throws {
            guard raw.count >= 32 else { throw EventBlockError.corrupt }
            id = UnsafeRawBufferPointer(rebasing: raw[0..<16])
            timestamp = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 16, as: Int64.self))
            let code = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 24, as: Int64.self))
            replyCode = code == .min ? nil : code
            var at = 32
            let empty = UnsafeRawBufferPointer(start: nil, count: 0)
            address = try Self.field(raw, &at) ?? empty
            type = try Self.field(raw, &at) ?? empty
            kind = try Self.field(raw, &at)
            reason = try Self.field(raw, &at) ?? empty
            enhancedCode = try Self.field(raw, &at)
            diagnostic = try Self.field(raw, &at) ?? empty
            rule = try Self.field(raw, &at) ?? empty
            providerVerdict = try Self.field(raw, &at)
            source = try Self.field(raw, &at) ?? empty
            message = at < raw.count ? try Self.field(raw, &at) : nil
        }

        /// The identity of the event's fields as an event of `type`
        /// (``EventRecord/identity(address:timestamp:type:replyCode:enhancedCode:diagnostic:into:)``),
        /// its 16 bytes as two words in memory order.
        @inline(__always)
        func identity(as type: EventType) -> (UInt64, UInt64) {
            var id: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &id) { out in
                EventRecord.identity(address: address.bindMemory(to: UInt8.self), timestamp: timestamp, type: type,
                                     replyCode: replyCode.map { Int($0) },
                                     enhancedCode: (enhancedCode ?? UnsafeRawBufferPointer(start: nil, count: 0)).bindMemory(to: UInt8.self),
                                     diagnostic: diagnostic.bindMemory(to: UInt8.self), into: out)
            }
            return id
        }

        /// The string at `at` (`length:u32` and its bytes; nil for null), moving `at` past it.
        /// Inlined into ``init(_:)``: a nested function there was a call per field.
        @inline(__always)
        private static func field(_ raw: UnsafeRawBufferPointer, _ at: inout Int) throws -> UnsafeRawBufferPointer? {
            guard raw.count - at >= 4 else { throw EventBlockError.corrupt }
            let length = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            at += 4
            if length == EventBlock.null { return nil }
            guard Int(length) <= raw.count - at else { throw EventBlockError.corrupt }
            let start = at
            at += Int(length)
            return UnsafeRawBufferPointer(start: raw.baseAddress! + start, count: Int(length))
        }
    }

    /// Reads events by number, one block at a time: numbers asked for in increasing order
    /// read each block once. One thread at a time.
    final class EventRowReader {
        private let select: SQLiteStatement
        /// A connection of the reader's own, in a read transaction it ends (nil: the store's).
        private let ownConnection: SQLiteConnection?
        private let path: String
        private var block: Int64 = -1
        /// The block as stored.
        private var bytes: [UInt8] = []
        /// Whether the block is compressed, and then its decoded events.
        private var isCompressed = false
        private lazy var decoder = CompressedBlock.Decoder()
        /// Whether the block is compact, and then where its events are.
        private var isCompact = false
        private var compact = CompactBlock.Index()
        private var scratch: [UInt8] = []
        /// For an expanded block, where each slot's event starts in `bytes` and its length (-1: no such event).
        private var starts = [Int](repeating: -1, count: EventBlock.capacity)
        private var lengths = [Int](repeating: 0, count: EventBlock.capacity)

        fileprivate init(db: SQLiteConnection, ownConnection: SQLiteConnection? = nil) throws {
            select = try db.prepare("SELECT events FROM event_blocks WHERE block = ?1")
            self.ownConnection = ownConnection
            path = db.path
        }

        deinit {
            select.reset()
            try? ownConnection?.execute("COMMIT")
        }

        /// Calls `body` with the event; false when there is none. `id`: the event's id as its
        /// run entry holds it (``EventReference``), which a compressed block that leaves the id
        /// out then lends instead of working it out of the fields (a SHA-256 per event).
        func read(_ number: Int64, id: (high: UInt64, low: UInt64)? = nil, _ body: (EventRow) throws -> Void) throws -> Bool {
            let wanted = EventBlock.block(of: number)
            if wanted != block { try load(wanted) }
            let slot = EventBlock.slot(of: number)
            if isCompressed {
                guard decoder.index[slot] >= 0 else { return false }
                do {
                    try decoder.withRow(slot: slot, knownID: id, body)
                } catch is EventBlockError {
                    throw HistoryError.sqlite(path: path, code: 11, message: "event block \(block) is damaged")
                }
                return true
            }
            if isCompact {
                guard compact.starts[slot] >= 0 else { return false }
                do {
                    try bytes.withUnsafeBytes { try compact.withRow(slot: slot, in: $0, scratch: &scratch, body) }
                } catch is EventBlockError {
                    throw HistoryError.sqlite(path: path, code: 11, message: "event block \(block) is damaged")
                }
                return true
            }
            let start = starts[slot]
            guard start >= 0 else { return false }
            let length = lengths[slot]
            try bytes.withUnsafeBytes { raw in
                try body(try EventRow(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])))
            }
            return true
        }

        private func load(_ number: Int64) throws {
            block = -1
            bytes.removeAll(keepingCapacity: true)
            for i in 0..<EventBlock.capacity { starts[i] = -1 }
            select.reset()
            select.bind(1, number)
            defer { select.reset() }
            isCompressed = false
            let found = try select.step()
            do {
                if found {
                    let blob = select.bytes(0)
                    // A compressed block is decompressed from SQLite's copy; the others are kept.
                    if blob.first == CompressedBlock.marker {
                        isCompressed = true
                        isCompact = false
                        try decoder.load(blob)
                        block = number
                        return
                    }
                    bytes.append(contentsOf: blob)
                }
                isCompact = CompactBlock.isCompact(bytes.first)
                if isCompact {
                    try bytes.withUnsafeBytes { try compact.build($0) }
                    block = number
                    return
                }
                try bytes.withUnsafeBytes { raw in
                    try EventBlock.forEachExpanded(in: raw) { slot, event in
                        starts[slot] = event.baseAddress! - raw.baseAddress!
                        lengths[slot] = event.count
                    }
                }
            } catch EventBlockError.missingDictionary {
                throw HistoryError.sqlite(path: path, code: 11, message: "event block \(number) names a compression dictionary the history does not hold")
            } catch {
                throw HistoryError.sqlite(path: path, code: 11, message: "event block \(number) is damaged")
            }
            block = number
        }
    }

    func eventRowReader() throws -> EventRowReader { try EventRowReader(db: db) }

    /// A reader on a second connection, for another thread to read events while this store's
    /// connection is busy; nil when it cannot have one at once. Call it inside
    /// ``reading(_:)``: the shared lock held there keeps every writer from committing, so the
    /// reader's own read transaction sees the same history.
    ///
    /// It takes its shared lock now and does not wait for it: an ingest that is waiting to
    /// write (SQLite's pending lock) refuses new readers until this store's lock goes, which
    /// is only at the end of the caller's work. The caller then reads on one thread instead.
    func separateEventRowReader() -> EventRowReader? {
        do {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            connection.setBusyTimeout(milliseconds: 0)
            // Blocks are read in number order: a small cache holds the b-tree's upper pages.
            try connection.execute("PRAGMA cache_size=-8192; BEGIN DEFERRED; SELECT count(*) FROM runs;")
            return try EventRowReader(db: connection, ownConnection: connection)
        } catch {
            return nil
        }
    }
}

/// Gathers events into blocks and appends them to `event_blocks` (inside the caller's
/// transaction), numbering each event as it is added; each block is stored in
/// ``CompressedBlock``'s form, against the history's newest dictionary.
///
/// Events go into the encoder's streams as they are added (from where ``EventBatch`` packed
/// them; no block is laid out first). A finished block's payload joins a group, and a full
/// group is compressed on a thread of its own while the next group fills: compressing is most
/// of the cost of storing an event, and the thread that adds them is `ingest`'s bound. The
/// compressed blocks are inserted when the group after them is handed over, and all of them
/// by ``finish()``, which a reader of the load's blocks calls first.
///
/// A history without a dictionary gets one from its first large load: the payloads of every
/// 16th block, from the first, up to ``dictionaryBytes`` or 16 blocks, become a dictionary of raw content
/// (zstd finds its matches in those bytes; no training), stored in `block_dictionaries` and used
/// for the blocks after it. Later loads use it too.
///
/// A scratch history's writer (`compress: false`; ``HistoryStore/isScratch``: `clean
/// --events` and the PostgreSQL mirror) stores each block as it is (``CompressedBlock``'s
/// mode 0), on this thread as it ends, and makes no dictionary: such a history is read once,
/// from the page cache, and compressing its blocks was the largest cost of storing them.
struct EventBlockWriter {
    static let dictionaryBytes = 64 << 10
    /// Blocks sampled for the dictionary: one in this many, this many at most.
    static let dictionaryStride = 16
    static let dictionarySamples = 16
    /// Blocks compressed together on the compressing thread.
    static let groupBlocks = 128
    private let db: SQLiteConnection
    private let insert: SQLiteStatement
    private var encoder = CompactBlock.Encoder()
    private(set) var block: Int64
    private var count = 0
    /// Blocks written by this writer, and the sample for a dictionary (nil: not making one).
    private var written = 0
    private var sample: [UInt8]?
    /// The group being filled, the one being compressed, and a spare.
    private var filling = BlockGroup()
    private var compressing: BackgroundWork<BlockGroup>?
    private var spare: BlockGroup?
    /// False: every block is stored as it is, when it ends.
    private let compress: Bool
    private var stored: [UInt8] = []

    /// Starts after the last block stored; with `compress` false, blocks are stored as they are.
    init(db: SQLiteConnection, compress: Bool = true) throws {
        self.db = db
        self.compress = compress
        let select = try db.cached("SELECT coalesce(max(block), 0) + 1 FROM event_blocks")
        _ = try select.step()
        block = select.int64(0)
        select.reset()
        insert = try db.cached("INSERT INTO event_blocks (block, events) VALUES (?1, ?2)")
        encoder = try CompactBlock.Encoder(newestDictionaryIn: db)
        if !compress {
            encoder.dictionary = nil
        } else if encoder.dictionary == nil {
            sample = []
        }
    }

    /// The number the next event gets.
    var nextNumber: Int64 { EventBlock.number(block: block, slot: count) }

    /// Appends an event's fields at the next slot (as ``EventBatch`` packed them, parsed once
    /// by the load); returns its number. `derived`: its id is its fields' identity (left out of
    /// the block; `row.id` is not read).
    @inline(__always)
    mutating func append(row: HistoryStore.EventRow, derived: Bool) throws -> Int64 {
        if count == 0 { encoder.begin() }
        encoder.add(slot: count, row: row, derived: derived)
        let number = nextNumber
        count += 1
        if count == EventBlock.capacity { try finishBlock() }
        return number
    }

    /// Ends the block being filled, if it holds any event; the next event starts a new block.
    /// The block is stored by a later call or by ``finish()``.
    mutating func finishBlock() throws {
        guard count > 0 else { return }
        encoder.assemble()
        guard compress else { return try storeAsItIs() }
        // The block that completes the sample is compressed without the dictionary it makes.
        let dictionary = encoder.dictionary
        if sample != nil { try sampleForDictionary() }
        filling.add(block: block, payload: encoder.payload, dictionary: dictionary)
        block += 1
        count = 0
        written += 1
        if filling.blocks.count >= Self.groupBlocks { try handOver() }
    }

    /// Ends the block being filled and stores every block (waits for the compressing thread).
    mutating func finish() throws {
        try finishBlock()
        try handOver()
        try storeCompressed()
    }

    /// Stores the group compressed before (waiting for it) and starts compressing the one filled.
    private mutating func handOver() throws {
        try storeCompressed()
        guard !filling.blocks.isEmpty else { return }
        let group = filling
        filling = spare ?? BlockGroup()
        spare = nil
        compressing = BackgroundWork {
            group.compress()
            return group
        }
    }

    /// Inserts the block just assembled in mode 0 (a scratch history's writer) and starts the next.
    private mutating func storeAsItIs() throws {
        stored.removeAll(keepingCapacity: true)
        stored.append(CompressedBlock.marker)
        stored.append(CompressedBlock.modeRaw)
        stored.append(contentsOf: encoder.payload)
        insert.reset()
        insert.bind(1, block)
        try stored.withUnsafeBytes { bytes in
            // No copy: `stored` is unchanged until the reset below.
            insert.bindBlobNoCopy(2, bytes)
            _ = try insert.step()
            insert.reset()
        }
        block += 1
        count = 0
        written += 1
    }

    /// Waits for the group being compressed, if any, and inserts its blocks.
    private mutating func storeCompressed() throws {
        guard let work = compressing else { return }
        compressing = nil
        let group = try work.wait()
        try group.out.withUnsafeBytes { out in
            var start = 0
            for (i, number) in group.blocks.enumerated() {
                let end = group.outEnds[i]
                insert.reset()
                insert.bind(1, number)
                // No copy: the group's bytes are unchanged until the reset below.
                insert.bindBlobNoCopy(2, UnsafeRawBufferPointer(rebasing: out[start..<end]))
                _ = try insert.step()
                insert.reset()
                start = end
            }
        }
        group.clear()
        spare = group
    }

    /// Adds the block just assembled to the sample; once it is full (``dictionaryBytes``, or
    /// ``dictionarySamples`` blocks), stores it as the history's dictionary and compresses the
    /// next blocks against it.
    private mutating func sampleForDictionary() throws {
        guard written % Self.dictionaryStride == 0, var taken = sample else { return }
        taken.append(contentsOf: encoder.payload.prefix(Self.dictionaryBytes - taken.count))
        sample = taken
        guard taken.count >= Self.dictionaryBytes || written / Self.dictionaryStride + 1 >= Self.dictionarySamples else { return }
        let store = try db.cached("INSERT INTO block_dictionaries (bytes) VALUES (?1)")
        defer { store.reset() }
        store.bind(1, taken)
        _ = try store.step()
        encoder.dictionary = BlockDictionaries.shared.compression(taken)
        sample = nil
    }
}

/// Blocks' payloads waiting to be compressed, then their stored forms (``EventBlockWriter``).
///
/// `@unchecked Sendable`: filled by the writer's thread, then handed whole to one compressing
/// thread and back (``BackgroundWork/wait()`` orders the hand-overs); never used by two threads at once.
private final class BlockGroup: @unchecked Sendable {
    private(set) var blocks: [Int64] = []
    private var payloads: [UInt8] = []
    private var ends: [Int] = []
    private var dictionaries: [CompressedBlock.Dictionary?] = []
    /// The stored forms, back to back; `outEnds[i]` is where block i's ends.
    private(set) var out: [UInt8] = []
    private(set) var outEnds: [Int] = []
    private let context = CompressedBlock.Contexts()
    private var scratch: [UInt8] = []

    func add(block: Int64, payload: [UInt8], dictionary: CompressedBlock.Dictionary?) {
        blocks.append(block)
        payloads.append(contentsOf: payload)
        ends.append(payloads.count)
        dictionaries.append(dictionary)
    }

    func compress() {
        out.removeAll(keepingCapacity: true)
        outEnds.removeAll(keepingCapacity: true)
        payloads.withUnsafeBytes { all in
            var start = 0
            for i in blocks.indices {
                CompressedBlock.store(UnsafeRawBufferPointer(rebasing: all[start..<ends[i]]), dictionary: dictionaries[i],
                                      context: context.compress, scratch: &scratch, into: &out)
                outEnds.append(out.count)
                start = ends[i]
            }
        }
    }

    func clear() {
        blocks.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        dictionaries.removeAll(keepingCapacity: true)
        out.removeAll(keepingCapacity: true)
        outEnds.removeAll(keepingCapacity: true)
    }
}

extension HistoryStore {
    /// The highest number an event of the history can have (0 for an empty history).
    func highestEventNumber() throws -> Int64 {
        let select = try db.cached("SELECT coalesce(max(block), 0) FROM event_blocks")
        defer { select.reset() }
        _ = try select.step()
        return EventBlock.number(block: select.int64(0), slot: EventBlock.capacity - 1)
    }

    /// The numbers of every event record stored, in order: a full read of `event_blocks`, for
    /// checks that no record is left without an entry.
    func storedEventNumbers() throws -> [Int64] {
        let select = try db.prepare("SELECT block, events FROM event_blocks ORDER BY block")
        var numbers: [Int64] = []
        while try select.step() {
            let block = select.int64(0)
            try EventBlock.forEach(in: select.bytes(1)) { slot, _ in numbers.append(EventBlock.number(block: block, slot: slot)) }
        }
        return numbers
    }
}

extension EventRecord {
    /// The stored event as a value: the one way a packed or stored event becomes a record
    /// (``EventBatch/record(_:)``, ``HistoryStore/events(forKey:asOf:caseSensitive:)``). The
    /// key is the stored address with its local part lower-cased too; nil when the stored type
    /// is not one this build knows.
    init?(row: HistoryStore.EventRow, id: UnsafeRawBufferPointer? = nil) {
        guard let type = EventType(storedName: row.type) else { return nil }
        func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
        self.id = Array(id ?? row.id)
        address = text(row.address)
        addressKey = String(decoding: ASCII.lowercased(row.address), as: UTF8.self)
        timestamp = row.timestamp
        self.type = type
        replyCode = row.replyCode.map(Int.init)
        enhancedCode = row.enhancedCode.map(text)
        diagnostic = text(row.diagnostic)
        reason = text(row.reason)
        kind = row.kind.flatMap { BounceKind(storedName: $0) }
        rule = text(row.rule)
        providerVerdict = row.providerVerdict.map(text)
        source = text(row.source)
        messageIdentity = row.message.map(text)
    }
}
