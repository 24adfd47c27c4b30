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

    /// A clean's removals as the list pass finds them, kept packed (about the key's length
    /// and two bytes each, not a dictionary entry) until ``packed`` sorts them for the ledger.
    public struct RemovalsRecorder: Sendable {
        private var bytes: [UInt8] = []
        /// Where each removal starts in `bytes`.
        private var starts: [Int] = []

        public init() {}

        mutating func add(key: [UInt8], rule: SuppressionRule) {
            starts.append(bytes.count)
            Varint.append(UInt64(key.count), to: &bytes)
            bytes += key
            bytes.append(UInt8(rule.index))
        }

        /// The removals in ``Removals``' layout: sorted by key.
        /// - Complexity: O(*n* log *n*) in the removals.
        public var packed: [UInt8] {
            bytes.withUnsafeBytes { raw -> [UInt8] in
                func record(_ start: Int) -> (key: UnsafeRawBufferPointer, end: Int) {
                    var at = start
                    let length = Int(Varint.read(raw, at: &at) ?? 0)
                    return (UnsafeRawBufferPointer(rebasing: raw[at..<at + length]), at + length + 1)
                }
                let order = starts.sorted { record($0).key.lexicographicallyPrecedes(record($1).key) }
                var out: [UInt8] = []
                out.reserveCapacity(bytes.count)
                for start in order { out += raw[start..<record(start).end] }
                return out
            }
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

    /// Adds a run to the ledger, in its own transaction; returns its entry number.
    @discardableResult
    func record(command: String, asOf: Int64?, lastBlock: Int64, outcome: String, manifest: String,
                removals: [UInt8]?, at time: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Int64 {
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
            if let removals { insert.bind(7, removals) } else { insert.bind(7, nil as Int64?) }
            _ = try insert.step()
            let select = try db.cached("SELECT last_insert_rowid()")
            defer { select.reset() }
            _ = try select.step()
            return select.int64(0)
        }
    }

    /// Records an ingest's files in the ledger.
    public func recordIngest(_ files: [IngestFileSummary]) throws {
        try record(command: "ingest", asOf: nil, lastBlock: try lastEventBlock(), outcome: "added",
                   manifest: LedgerEntry.ingestManifest(files, eventsTotal: try count()), removals: nil)
    }

    /// Every ledger entry, oldest first (their removals left out unless `removals`).
    public func ledger(removals: Bool = false) throws -> [LedgerEntry] {
        guard try hasLedger() else { return [] }
        let select = try db.prepare("""
            SELECT entry, command, recorded_at, as_of, last_block, outcome, manifest, \(removals ? "removals" : "NULL") FROM ledger ORDER BY entry
            """)
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

    /// One ledger entry with its removals, or nil.
    public func ledgerEntry(_ entry: Int64) throws -> LedgerEntry? {
        try ledger(removals: true).first { $0.entry == entry }
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
