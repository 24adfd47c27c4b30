import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// The event history: classified events with a deterministic id, appended in blocks of 64
/// (`event_blocks`, see ``EventBlock`` and ``CompactBlock``), so that ingesting the same
/// events twice changes nothing, and per-address summaries of those events in sorted runs
/// (`address_runs` and `runs`, see ``AddressEntry`` and ``RunGroup``), which `clean` reads
/// instead of the events themselves. The schema is built by ``migrations``.
public final class HistoryStore {
    public let path: String
    let db: SQLiteConnection

    /// The reason names that run entries refer to by code.
    let reasons = ReasonDictionary()
    /// The runs' numbers, oldest first; read once per snapshot and dropped on every write.
    var runsCache: [(run: Int64, layout: RunLayout)]?
    /// How many bytes of entries an ingest fills (about 73 bytes an event) before it sorts
    /// them into a chunk on disk, on the other core while it fills the next: `ingest` holds
    /// two of these whatever the file's size.
    var runBufferBytes = 64 << 20
    /// More runs than this and an ingest merges the smaller ones (see ``compactIfNeeded()``).
    var maxRuns = 6

    /// A history no one keeps (`clean --events`' one-off run, inside its staging folder):
    /// written without a journal and without syncs, since a failed run discards it whole.
    let isScratch: Bool

    /// Opens the history at `path`. With `create`, a missing database is created and migrated;
    /// without it, a missing database is ``HistoryError/notFound(path:)``. A `scratch` history
    /// is written without a rollback journal or syncs (see ``isScratch``): only for a file
    /// that nothing reads after a failure.
    public init(path: String, create: Bool, scratch: Bool = false) throws {
        self.path = path
        isScratch = scratch
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw HistoryError.notAFile(path: path) }
        } else if !create {
            throw HistoryError.notFound(path: path)
        }
        db = try SQLiteConnection(path: path, readOnly: false, create: create)
        if create {
            // 64 KiB pages (the page size takes on a new file only): an event block (64 events,
            // about 16 KB) fits one page instead of a chain of overflow pages, and the scan and
            // the evidence read fewer, larger pages (measured: docs/decisions.md, "64 KiB pages").
            try db.execute("PRAGMA page_size=65536; PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768; PRAGMA temp_store=FILE;")
            if scratch { try db.execute("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;") }
            try migrate()
        } else {
            try db.execute("PRAGMA cache_size=-32768;")
            try checkSchema()
        }
        try reasons.load(db: db)
        try BlockDictionaries.shared.load(from: db)
    }

    private func migrate() throws {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY NOT NULL)")
        let applied = try appliedMigrations()
        let known = Set(Self.migrations.map(\.name))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw HistoryError.newerSchema(path: path, migration: unknown)
        }
        for migration in Self.migrations where !applied.contains(migration.name) {
            try db.transaction {
                try migration.apply(db)
                let insert = try db.cached("INSERT INTO schema_migrations(name) VALUES (?1)")
                insert.bind(1, migration.name)
                _ = try insert.step()
            }
        }
    }

    private func appliedMigrations() throws -> [String] {
        let select = try db.cached("SELECT name FROM schema_migrations ORDER BY name")
        var names: [String] = []
        while try select.step() { names.append(select.string(0) ?? "") }
        return names
    }

    private func checkSchema() throws {
        let applied: [String]
        do { applied = try appliedMigrations() } catch {
            throw HistoryError.sqlite(path: path, code: 1, message: "not a listwash history")
        }
        let known = Set(Self.migrations.map(\.name))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw HistoryError.newerSchema(path: path, migration: unknown)
        }
        if applied.count < Self.migrations.count {
            throw HistoryError.sqlite(path: path, code: 1, message: "history needs migrating: run 'listwash ingest' once")
        }
    }

    /// Adds events in one transaction; returns how many were new and how many were already
    /// there (same id and time).
    public func insert(_ events: [EventRecord]) throws -> (new: Int, duplicate: Int) {
        let load = try beginLoad()
        do {
            try load.stage(events)
            return try load.commit()
        } catch {
            load.abandon()
            throw error
        }
    }

    /// Starts a bulk load: events are appended to `event_blocks` and their entries gathered;
    /// ``Load/commit()`` writes them as one run and commits, all in one transaction, so a
    /// file is added whole or not at all.
    public func beginLoad() throws -> Load {
        try db.execute("BEGIN IMMEDIATE")
        runsCache = nil
        do {
            return try Load(store: self, priorRuns: try runs().map { ($0.run, $0.layout) })
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    /// The runs, oldest first, with their sizes.
    func runs() throws -> [(run: Int64, events: Int64, layout: RunLayout)] {
        let select = try db.cached("SELECT run, events, layout FROM runs ORDER BY run")
        defer { select.reset() }
        var out: [(Int64, Int64, RunLayout)] = []
        while try select.step() {
            guard let layout = RunLayout(rawValue: select.int64(2)) else {
                throw HistoryError.sqlite(path: path, code: 1, message: "run \(select.int64(0)) has an unknown layout")
            }
            out.append((select.int64(0), select.int64(1), layout))
        }
        return out
    }

    private func runNumbers() throws -> [(run: Int64, layout: RunLayout)] {
        if let runsCache { return runsCache }
        let numbers = try runs().map { ($0.run, $0.layout) }
        runsCache = numbers
        return numbers
    }

    func nextRun() throws -> Int64 {
        let select = try db.cached("SELECT coalesce(max(run), 0) + 1 FROM runs")
        _ = try select.step()
        defer { select.reset() }
        return select.int64(0)
    }

    /// Removes repeated events by number: a block left empty is deleted (a file ingested again
    /// repeats all of its events: all of its blocks go), any other block is written again
    /// without them.
    func deleteEvents(numbers: [Int64]) throws {
        guard !numbers.isEmpty else { return }
        let select = try db.cached("SELECT events FROM event_blocks WHERE block = ?1")
        let update = try db.cached("UPDATE event_blocks SET events = ?2 WHERE block = ?1")
        let delete = try db.cached("DELETE FROM event_blocks WHERE block = ?1")
        let sorted = numbers.sorted()
        var gone = [Bool](repeating: false, count: EventBlock.capacity)
        var kept: [UInt8] = []
        var encoder = try CompactBlock.Encoder(newestDictionaryIn: db)
        var compact: [UInt8] = []
        var i = 0
        while i < sorted.count {
            let block = EventBlock.block(of: sorted[i])
            for s in gone.indices { gone[s] = false }
            while i < sorted.count, EventBlock.block(of: sorted[i]) == block {
                gone[EventBlock.slot(of: sorted[i])] = true
                i += 1
            }
            select.reset()
            select.bind(1, block)
            guard try select.step() else { continue }
            kept.removeAll(keepingCapacity: true)
            do {
                try EventBlock.forEach(in: select.bytes(0)) { slot, event in
                    guard !gone[slot] else { return }
                    EventBlock.append(slot: slot, event: event, to: &kept)
                }
            } catch {
                throw HistoryError.sqlite(path: path, code: 11, message: "event block \(block) is damaged")
            }
            select.reset()
            let statement = kept.isEmpty ? delete : update
            statement.reset()
            statement.bind(1, block)
            if !kept.isEmpty {
                compact.removeAll(keepingCapacity: true)
                try kept.withUnsafeBytes { try encoder.encode($0, into: &compact) }
                statement.bind(2, compact)
            }
            _ = try statement.step()
        }
    }

    /// Merges runs into one new run (inside the caller's transaction); repeats of one event
    /// across the runs are kept once and their extra rows removed. Returns how many were removed.
    func merge(runs merged: [(run: Int64, layout: RunLayout)]) throws -> Int {
        var writer = try AddressRunWriter(db: db, run: try nextRun())
        var repeated: [Int64] = []
        do {
            let merger = try RunMerger(db: db, runs: merged)
            var key: [UInt8] = []
            var entries: [AddressEntry] = []
            var contributing = 0
            while try merger.next(key: &key, entries: &entries, runsContributing: &contributing) {
                if contributing > 1 { repeated += AddressEntry.sortAndDeduplicate(&entries) }
                try key.withUnsafeBytes { try writer.write(key: $0, entries: entries) }
            }
        }
        let delete = try db.cached("DELETE FROM address_runs WHERE run = ?1")
        let forget = try db.cached("DELETE FROM runs WHERE run = ?1")
        for (run, _) in merged {
            for statement in [delete, forget] {
                statement.reset()
                statement.bind(1, run)
                _ = try statement.step()
            }
        }
        if writer.events > 0 { try writer.finish() }
        try deleteEvents(numbers: repeated)
        runsCache = nil
        return repeated.count
    }

    /// Keeps the number of runs small, so `clean` merges few cursors and a lookup by address
    /// touches few runs: with more than ``maxRuns`` runs, the runs other than the largest are
    /// merged (all of them once those together outgrow the largest), in one transaction.
    /// The cost of a day's ingest stays proportional to the recent runs, not to the history.
    public func compactIfNeeded() throws {
        let all = try runs()
        guard all.count > maxRuns, let largest = all.max(by: { $0.events < $1.events }) else { return }
        let others = all.filter { $0.run != largest.run }
        let chosen = others.reduce(0) { $0 + $1.events } >= largest.events ? all : others
        try db.transaction { _ = try merge(runs: chosen.map { ($0.run, $0.layout) }) }
    }

    /// Runs `body` inside one read transaction: every read sees the same snapshot of the
    /// history (an ingest committing meanwhile is not half-seen), and SQLite takes its file
    /// locks once instead of once per query.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        try db.execute("BEGIN DEFERRED")
        runsCache = nil
        defer { try? db.execute("COMMIT") }
        return try body()
    }

    /// Number of events stored.
    public func count() throws -> Int {
        let select = try db.cached("SELECT coalesce(sum(events), 0) FROM runs")
        _ = try select.step()
        defer { select.reset() }
        return Int(select.int64(0))
    }

    /// Streams every event at or before `asOf`, grouped by address and in time order within
    /// each address, calling `body` once per address with its key bytes and events.
    /// Returns the number of events read and a SHA-256 over their ids in (key, time, id) order
    /// (the history's fingerprint in the manifest).
    /// - Complexity: one merged pass over the runs in key order (about 24 bytes an event, not the
    ///   events' rows); memory holds one address's events.
    public func forEachAddress(asOf: Int64, caseSensitive: Bool, _ body: ([UInt8], [PolicyEvent]) throws -> Void) throws -> (events: Int, digest: [UInt8]) {
        try forEachAddress(asOf: asOf, caseSensitive: caseSensitive) { key, events, _ in try body(key, events) }
    }

    /// ``forEachAddress(asOf:caseSensitive:_:)`` that also gives each event's number and id
    /// (for ``EventRowReader/read(_:id:_:)``), in the same order as the events.
    /// With `worthDeciding`, an address whose bounces (at or before `asOf`) number `bounces`
    /// and that has no hard bounce, complaint or unsubscribe (`strong` false) reaches `body`
    /// only if it returns true: the caller's cheap test, before any event is built.
    /// With `observe`, every address's key and entries (deduplicated, in time order, those
    /// after `asOf` included) go to it first (``DomainJudge/observe(key:entries:)``).
    func forEachAddress(asOf: Int64, caseSensitive: Bool,
                        observe: ((_ key: [UInt8], _ entries: [AddressEntry]) throws -> Void)? = nil,
                        worthDeciding: ((_ key: [UInt8], _ bounces: Int, _ strong: Bool) -> Bool)? = nil,
                        _ body: ([UInt8], [PolicyEvent], [EventReference]) throws -> Void) throws -> (events: Int, digest: [UInt8]) {
        let merger = try RunMerger(db: db, runs: try runNumbers())
        let hasher = SHA256Hasher()
        // 16 bytes an event, hashed 64 KiB at a time (a sink: two appends an event).
        var ids = ByteSink(capacity: 1 << 16 + 16)
        var key: [UInt8] = []
        var entries: [AddressEntry] = []
        var kept: [AddressEntry] = []
        var group: [PolicyEvent] = []
        var rows: [EventReference] = []
        var contributing = 0
        var total = 0
        let names = reasons.names
        while try merger.next(key: &key, entries: &entries, runsContributing: &contributing) {
            if contributing > 1 { _ = AddressEntry.sortAndDeduplicate(&entries) }
            try observe?(key, entries)
            group.removeAll(keepingCapacity: true)
            kept.removeAll(keepingCapacity: true)
            rows.removeAll(keepingCapacity: true)
            var anyExact = false
            var count = 0
            var bounces = 0
            var strong = false
            for e in entries where e.timestamp <= asOf {
                ids.append(bigEndian: e.idHigh)
                ids.append(bigEndian: e.idLow)
                count += 1
                switch e.type {
                case .bounce:
                    bounces += 1
                    strong = strong || e.kind == .hard
                case .complaint, .unsubscribe, .allow, .suppress: strong = true
                case .delivered: break
                }
            }
            if ids.count >= 1 << 16 {
                hasher.update(ids.bytes)
                ids.removeAll()
            }
            guard count > 0 else { continue }
            total += count
            if let worthDeciding, !strong, !worthDeciding(key, bounces, strong) { continue }
            for e in entries where e.timestamp <= asOf {
                group.append(PolicyEvent(timestamp: e.timestamp, type: e.type, kind: e.kind,
                                         reason: Int(e.reason) < names.count ? names[Int(e.reason)] : "", message: e.message))
                kept.append(e)
                rows.append(EventReference(e))
                anyExact = anyExact || e.exactDiffers
            }
            if caseSensitive, anyExact {
                try splitByExactAddress(key: key, entries: kept, events: group, body)
            } else {
                try body(key, group, rows)
            }
        }
        hasher.update(ids.bytes)
        return (total, hasher.finalize())
    }

    /// With case-sensitive local parts, one key's events split by the address as received
    /// (read from the event's block for the entries whose address is not the key itself).
    private func splitByExactAddress(key: [UInt8], entries: [AddressEntry], events: [PolicyEvent],
                                     _ body: ([UInt8], [PolicyEvent], [EventReference]) throws -> Void) throws {
        let reader = try eventRowReader()
        var groups: [[UInt8]: (events: [PolicyEvent], rows: [EventReference])] = [:]
        for (entry, event) in zip(entries, events) {
            var exact = key
            if entry.exactDiffers { _ = try reader.read(entry.event) { exact = Array($0.address) } }
            groups[exact, default: ([], [])].events.append(event)
            groups[exact, default: ([], [])].rows.append(EventReference(entry))
        }
        for exact in groups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            try body(exact, groups[exact]!.events, groups[exact]!.rows)
        }
    }

    /// The events of one address key at or before `asOf`, in the same order as
    /// ``forEachAddress(asOf:caseSensitive:_:)``: one lookup per run, then one per event.
    public func events(forKey key: [UInt8], asOf: Int64, caseSensitive: Bool) throws -> [EventRecord] {
        let lower = ASCII.lowercased(key)
        let lookup = try RunLookup(db: db)
        var entries: [AddressEntry] = []
        for (run, layout) in try runNumbers() {
            try lower.withUnsafeBytes { try lookup.append(run: run, layout: layout, key: $0, to: &entries) }
        }
        _ = AddressEntry.sortAndDeduplicate(&entries)
        let reader = try eventRowReader()
        var out: [EventRecord] = []
        for entry in entries where entry.timestamp <= asOf {
            if caseSensitive, entry.exactDiffers != (lower != key) { continue }
            _ = try reader.read(entry.event) { row in
                if caseSensitive, entry.exactDiffers, !row.address.elementsEqual(key) { return }
                if let record = EventRecord(row: row) { out.append(record) }
            }
        }
        return out
    }
}
