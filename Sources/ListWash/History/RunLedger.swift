import Foundation

/// The run ledger (`ledger`, added by `0007-run-ledger`): one row per `clean` and `ingest`
/// with its manifest, so an operator can list earlier runs (`listwash runs`) and compare two
/// of them (`listwash diff`, ``RunDiff``).
///
/// A `clean` also keeps its removed addresses (``Removals``) and the last event block it saw,
/// so a later comparison knows which events the run could have used.
public struct LedgerEntry: Sendable, Equatable {
    public var entry: Int64
    public var command: String
    public var recordedAt: Int64
    public var asOf: Int64?
    /// `max(event_blocks.block)` when the run read the history: events in later blocks came after it.
    public var lastBlock: Int64
    public var outcome: String
    /// The run's manifest as JSON text (clean: `manifest.json` as written).
    public var manifest: String
    public var removals: Removals?

    /// An ingest's ledger manifest: its files' counts and the history's events after it.
    static func ingestManifest(_ files: [IngestFileSummary], eventsTotal: Int) -> String {
        var json = JSONWriter()
        json.beginObject()
        json.string("tool", "listwash")
        json.string("version", ListWashVersion.current)
        json.beginArray("files")
        for f in files { f.write(to: &json, pathKey: "file") }
        json.endArray()
        json.int("events_total", eventsTotal)
        json.endObject()
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// The manifest, decoded (an empty object if it does not decode).
    public var manifestObject: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(manifest.utf8))) as? [String: Any] ?? [:]
    }

    /// The effective policy the run used (clean), from its manifest.
    public func policy() throws -> Policy? {
        guard let object = manifestObject["policy"] else { return nil }
        return try Policy.decode(JSONSerialization.data(withJSONObject: object), path: "ledger entry \(entry)")
    }

    /// A clean's removed address keys with their rules, sorted by key: per address
    /// `length:varint`, the key's bytes, the rule's index in ``SuppressionRule/allCases``.
    public struct Removals: Sendable, Equatable {
        public private(set) var rules: [String: SuppressionRule] = [:]

        public init(_ rules: [String: SuppressionRule] = [:]) { self.rules = rules }

        public init?(packed: [UInt8]) {
            var at = 0
            let ok = packed.withUnsafeBytes { raw -> Bool in
                while at < raw.count {
                    guard let length = Varint.read(raw, at: &at), length <= UInt64(raw.count - at), at + Int(length) < raw.count else { return false }
                    let key = String(decoding: raw[at..<at + Int(length)], as: UTF8.self)
                    at += Int(length)
                    guard Int(raw[at]) < SuppressionRule.allCases.count else { return false }
                    rules[key] = SuppressionRule.allCases[Int(raw[at])]
                    at += 1
                }
                return true
            }
            if !ok { return nil }
        }

        public var packed: [UInt8] {
            var out: [UInt8] = []
            for key in rules.keys.sorted() {
                let bytes = Array(key.utf8)
                Varint.append(UInt64(bytes.count), to: &out)
                out += bytes
                out.append(UInt8(rules[key]!.index))
            }
            return out
        }

    }

    /// A clean's removals as the list pass finds them, in bounded memory: each removal is a
    /// record (the key, the rule's index) in an ``ExternalSorter`` that spills sorted runs to
    /// unlinked temporary files, so a list of any length costs the sorter's budget, not its
    /// removals. ``finish()`` (while the run's folder still exists: a merge may write a run)
    /// gives the removals in ``Removals``' layout, sorted by key, to be streamed into the ledger.
    public final class RemovalsRecorder {
        private let sorter: ExternalSorter
        /// Removals added.
        public var count: Int { sorter.count }
        /// Bytes of the packed form: per removal the key's length as a varint, the key, the rule.
        public private(set) var packedSize = 0

        /// - Parameters:
        ///   - directory: where sorted runs are spilled (unlinked at once; must exist until ``finish()``).
        ///   - memoryBudget: the sorter's budget for removals held before a spill.
        public init(directory: String, memoryBudget: Int) {
            sorter = ExternalSorter(directory: directory, memoryBudget: memoryBudget)
        }

        func add(key: [UInt8], rule: SuppressionRule) throws {
            var value = UInt8(rule.index)
            try key.withUnsafeBytes { k in try withUnsafeBytes(of: &value) { try sorter.append(key: k, value: $0) } }
            packedSize += Varint.size(UInt64(key.count)) + key.count + 1
        }

        /// Ends recording: the removals, sorted by the keys' bytes, to be read once.
        public func finish() throws -> Sorted {
            Sorted(records: try sorter.finish(), size: packedSize)
        }

        /// The recorded removals in key order, read once from the front.
        public struct Sorted {
            fileprivate let records: ExternalSorter.Sorted
            /// Bytes of the packed form.
            public let size: Int

            /// Hands the packed form over in pieces of about `chunk` bytes, in order (each
            /// piece valid only during the call); their lengths add up to ``size``.
            public func forEachPiece(chunk: Int = 1 << 20, body: (UnsafeRawBufferPointer) throws -> Void) throws {
                var piece: [UInt8] = []
                piece.reserveCapacity(chunk + 64)
                try records.forEach { key, value in
                    Varint.append(UInt64(key.count), to: &piece)
                    piece.append(contentsOf: key)
                    piece.append(value[0])
                    if piece.count >= chunk {
                        try piece.withUnsafeBytes(body)
                        piece.removeAll(keepingCapacity: true)
                    }
                }
                if !piece.isEmpty { try piece.withUnsafeBytes(body) }
            }

            /// The packed form in one array (``size`` bytes), for a store that takes it whole.
            public func packed() throws -> [UInt8] {
                var out: [UInt8] = []
                out.reserveCapacity(size)
                try forEachPiece { out.append(contentsOf: $0) }
                return out
            }
        }
    }
}

extension LedgerEntry {
    /// A clean's removals read back from a ledger row in key order, one at a time, in bounded
    /// memory: the blob comes a piece at a time (``SQLiteBlobReader``), so a run that removed
    /// millions of addresses costs a piece, not its removals. The layout is checked as it is
    /// read: a record cut short or naming no rule is a ``HistoryError``. ``inByteOrder`` turns
    /// false once a key does not follow the one before it in byte order (rows written by a
    /// listwash that sorted the keys as Swift strings, which differ from byte order only for
    /// some non-ASCII keys).
    final class RemovalsCursor {
        private let reader: SQLiteBlobReader
        private let path: String
        private var buffer: [UInt8] = []
        private var at = 0
        /// The current removal (after ``next()`` returned true).
        private(set) var key: [UInt8] = []
        private(set) var rule: SuppressionRule = .hardBounce
        private(set) var inByteOrder = true
        private var started = false
        static let piece = 1 << 20

        init(reader: SQLiteBlobReader, path: String) {
            self.reader = reader
            self.path = path
        }

        /// Moves to the next removal; false at the end.
        func next() throws -> Bool {
            while true {
                let buffered = buffer.count - at
                // A key's length as a varint (at most 10 bytes), the key, the rule's index.
                let header = buffer.withUnsafeBytes { raw -> (length: UInt64, start: Int)? in
                    var position = at
                    return Varint.read(raw, at: &position).map { ($0, position) }
                }
                if let (length, start) = header {
                    // No address key comes near this; a longer one is a damaged row, not a read of all that follows.
                    guard length < UInt64(Self.piece) else { throw corrupt("a removal's key is \(length) bytes long") }
                    let end = start + Int(length)
                    if end < buffer.count {
                        let index = Int(buffer[end])
                        guard index < SuppressionRule.allCases.count else { throw corrupt("a removal names no rule") }
                        var next = Array(buffer[start..<end])
                        if started, !key.lexicographicallyPrecedes(next) { inByteOrder = false }
                        swap(&key, &next)
                        rule = SuppressionRule.allCases[index]
                        at = end + 1
                        started = true
                        return true
                    }
                } else if buffered >= 10 {
                    throw corrupt("a removal's key length does not read")
                }
                // The record runs past what is buffered: keep its start, read the next piece.
                if at > 0 {
                    buffer.removeFirst(at)
                    at = 0
                }
                guard try reader.read(upTo: Self.piece, into: &buffer) > 0 else {
                    guard buffer.isEmpty else { throw corrupt("the last removal is cut short") }
                    return false
                }
            }
        }

        private func corrupt(_ problem: String) -> HistoryError {
            .sqlite(path: path, code: 11, message: "the run ledger's removals do not read back: \(problem)")
        }
    }
}

extension HistoryStore {
    /// Whether this history has the ledger (a history migrated by this listwash does).
    func hasLedger() throws -> Bool {
        let select = try db.cached("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'ledger'")
        defer { select.reset() }
        _ = try select.step()
        return select.int64(0) > 0
    }

    /// The last event block there is (0 for an empty history); call inside a read for the run's view.
    func lastEventBlock() throws -> Int64 {
        let select = try db.cached("SELECT coalesce(max(block), 0) FROM event_blocks")
        defer { select.reset() }
        _ = try select.step()
        return select.int64(0)
    }

    /// Adds a run to the ledger, in its own transaction; returns its entry number. A clean's
    /// `removals` are streamed into the row's blob (a `zeroblob` of their packed size, filled in
    /// place), never held whole in memory.
    @discardableResult
    func record(command: String, asOf: Int64?, lastBlock: Int64, outcome: String, manifest: String,
                removals: LedgerEntry.RemovalsRecorder.Sorted?, at time: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Int64 {
        try db.transaction {
            let insert = try db.cached("""
                INSERT INTO ledger (command, recorded_at, as_of, last_block, outcome, manifest, removals)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """)
            defer { insert.reset() }
            insert.bind(1, command)
            insert.bind(2, time)
            insert.bind(3, asOf)
            insert.bind(4, lastBlock)
            insert.bind(5, outcome)
            insert.bind(6, manifest)
            if let removals { try insert.bindZeroBlob(7, count: removals.size) } else { insert.bind(7, nil as Int64?) }
            _ = try insert.step()
            let select = try db.cached("SELECT last_insert_rowid()")
            defer { select.reset() }
            _ = try select.step()
            let entry = select.int64(0)
            if let removals, removals.size > 0 {
                try db.fillBlob(table: "ledger", column: "removals", row: entry) { try removals.forEachPiece(body: $0) }
            }
            return entry
        }
    }

    /// Records an ingest's files in the ledger.
    public func recordIngest(_ files: [IngestFileSummary]) throws {
        try record(command: "ingest", asOf: nil, lastBlock: try lastEventBlock(), outcome: "added",
                   manifest: LedgerEntry.ingestManifest(files, eventsTotal: try count()), removals: nil)
    }

    /// Every ledger entry, oldest first (their removals left out unless `removals`).
    public func ledger(removals: Bool = false) throws -> [LedgerEntry] {
        try ledgerEntries(where: nil, removals: removals)
    }

    /// One ledger entry (its removals left out unless `removals`), or nil. Only that row is
    /// read; ``removalsCursor(entry:)`` reads its removals in bounded memory.
    public func ledgerEntry(_ entry: Int64, removals: Bool = false) throws -> LedgerEntry? {
        try ledgerEntries(where: entry, removals: removals).first
    }

    /// A cursor over entry `entry`'s removals in key order, read a piece at a time; nil when
    /// the entry has none recorded (an ingest, or no such entry).
    func removalsCursor(entry: Int64) throws -> LedgerEntry.RemovalsCursor? {
        guard try hasLedger() else { return nil }
        let select = try db.cached("SELECT removals IS NOT NULL FROM ledger WHERE entry = ?1")
        defer { select.reset() }
        select.bind(1, entry)
        guard try select.step(), select.int64(0) == 1 else { return nil }
        return LedgerEntry.RemovalsCursor(reader: try db.blobReader(table: "ledger", column: "removals", row: entry), path: path)
    }

    private func ledgerEntries(where entry: Int64?, removals: Bool) throws -> [LedgerEntry] {
        guard try hasLedger() else { return [] }
        let select = try db.prepare("""
            SELECT entry, command, recorded_at, as_of, last_block, outcome, manifest, \(removals ? "removals" : "NULL") FROM ledger
            \(entry == nil ? "" : "WHERE entry = ?1") ORDER BY entry
            """)
        if let entry { select.bind(1, entry) }
        var out: [LedgerEntry] = []
        while try select.step() {
            out.append(LedgerEntry(
                entry: select.int64(0), command: select.string(1) ?? "", recordedAt: select.int64(2),
                asOf: select.isNull(3) ? nil : select.int64(3), lastBlock: select.int64(4), outcome: select.string(5) ?? "",
                manifest: select.string(6) ?? "{}",
                removals: select.isNull(7) ? nil : LedgerEntry.Removals(packed: Array(select.bytes(7)))))
        }
        return out
    }

    /// The events of one address key with their event numbers, in the order of
    /// ``events(forKey:asOf:caseSensitive:)`` (the numbers tell which runs could have seen them).
    func numberedEvents(forKey key: [UInt8], caseSensitive: Bool) throws -> [(number: Int64, record: EventRecord)] {
        let lower = ASCII.lowercased(key)
        let lookup = try RunLookup(db: db)
        var entries: [AddressEntry] = []
        for run in try runs() {
            try lower.withUnsafeBytes { try lookup.append(run: run.run, layout: run.layout, key: $0, to: &entries) }
        }
        _ = AddressEntry.sortAndDeduplicate(&entries)
        let reader = try eventRowReader()
        var out: [(Int64, EventRecord)] = []
        for entry in entries {
            if caseSensitive, entry.exactDiffers != (lower != key) { continue }
            _ = try reader.read(entry.event) { row in
                if caseSensitive, entry.exactDiffers, !row.address.elementsEqual(key) { return }
                if let record = EventRecord(row: row) { out.append((entry.event, record)) }
            }
        }
        return out
    }
}

extension LedgerEntry {
    /// One line for `listwash runs`: number, command, when, as-of, outcome and what it did.
    public var summaryLine: String {
        let object = manifestObject
        var what = ""
        if command == "clean" {
            let list = ((object["inputs"] as? [String: Any])?["list"] as? [String: Any])?["path"] as? String ?? "?"
            let summary = object["summary"] as? [String: Any] ?? [:]
            what = "\(list): \(summary["rows_read"] as? Int ?? 0) rows, \(summary["removed"] as? Int ?? 0) removed"
        } else {
            let files = object["files"] as? [[String: Any]] ?? []
            let new = files.reduce(0) { $0 + ($1["new"] as? Int ?? 0) }
            what = "\(files.count) file\(files.count == 1 ? "" : "s"), \(new) new events"
        }
        return [String(entry), command, Timestamp.format(recordedAt), asOf.map { "as of " + Timestamp.format($0) } ?? "-", outcome, what]
            .joined(separator: "  ")
    }

    /// One JSON object for `listwash runs --json` (the manifest included as it was recorded).
    public var jsonLine: [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.int("run", entry)
        json.string("command", command)
        json.string("recorded_at", Timestamp.format(recordedAt))
        json.string("as_of", asOf.map(Timestamp.format))
        json.int("last_block", lastBlock)
        json.string("outcome", outcome)
        var bytes = json.bytes
        var text = Substring(manifest)
        while text.last?.isNewline == true { text = text.dropLast() }
        bytes += Array(",\"manifest\":".utf8) + Array(text.utf8) + [UInt8(ascii: "}"), 0x0A]
        return bytes
    }
}
