#if canImport(Glibc)
import Glibc
#endif

/// The event history: an append-only SQLite table of classified events, keyed by a
/// deterministic id, so that ingesting the same events twice changes nothing.
public final class HistoryStore {
    public let path: String
    let db: SQLiteConnection

    /// Named migrations, applied in order, never edited once shipped.
    static let migrations: [(name: String, sql: String)] = [
        // One B-tree clustered by address and time: `clean` reads it in key order with no
        // sort and no second index, and ingest merges sorted batches into it. The key ends
        // with the event id, so the same event twice is the same key (`INSERT OR IGNORE`):
        // the id is derived from the address and the time, so equal ids mean equal keys.
        ("0001-events", """
            CREATE TABLE events (
                address_key TEXT NOT NULL,        -- trimmed, lower-cased: the grouping key
                ts INTEGER NOT NULL,              -- Unix seconds, UTC
                id BLOB NOT NULL,                 -- first 16 bytes of SHA-256 of the event's identity
                type TEXT NOT NULL,               -- bounce | delivered | complaint | unsubscribe
                kind TEXT,                        -- hard | soft | sender | ignore, for bounces
                reason TEXT NOT NULL,             -- classifier reason (sisimai vocabulary) or the event type
                address TEXT NOT NULL,            -- trimmed, domain lower-cased, local part as received
                reply_code INTEGER,               -- basic SMTP reply code
                enhanced_code TEXT,               -- RFC 3463 status
                diagnostic TEXT NOT NULL,         -- the remote reply or provider text
                rule TEXT NOT NULL,               -- the classifier rule that decided
                provider_verdict TEXT,            -- the provider's own verdict, for the audit
                source TEXT NOT NULL,             -- file:line or file <message-id>
                PRIMARY KEY (address_key, ts, id)
            ) WITHOUT ROWID;
            """),
    ]

    /// Opens the history at `path`. With `create`, a missing database is created and migrated;
    /// without it, a missing database is ``HistoryError/notFound(path:)``.
    public init(path: String, create: Bool) throws {
        self.path = path
        if !create, access(path, F_OK) != 0 { throw HistoryError.notFound(path: path) }
        db = try SQLiteConnection(path: path, readOnly: !create)
        if create {
            // Large pages suit the wide clustered rows; page size only takes on a new file.
            try db.execute("PRAGMA page_size=16384; PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072; PRAGMA temp_store=FILE;")
            try migrate()
        } else {
            try db.execute("PRAGMA cache_size=-32768;")
            try checkSchema()
        }
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
                try db.execute(migration.sql)
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

    /// Adds events in one transaction with one prepared statement; returns how many were new
    /// and how many were already there (same id).
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

    /// Starts a bulk load: events are staged in a temporary table and merged into the history
    /// in key order by ``Load/commit()``, all in one transaction, so a file is added whole or
    /// not at all and the merge touches each page of the history once.
    public func beginLoad() throws -> Load {
        try db.execute("BEGIN IMMEDIATE")
        do {
            try db.execute("""
                CREATE TEMP TABLE IF NOT EXISTS staged (address_key TEXT, ts INTEGER, id BLOB, type TEXT, kind TEXT, reason TEXT,
                address TEXT, reply_code INTEGER, enhanced_code TEXT, diagnostic TEXT, rule TEXT, provider_verdict TEXT, source TEXT);
                DELETE FROM staged;
                """)
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        return Load(db: db)
    }

    /// One bulk load in progress (see ``HistoryStore/beginLoad()``).
    public final class Load {
        let db: SQLiteConnection
        private(set) var staged = 0
        private var open = true

        init(db: SQLiteConnection) { self.db = db }

        deinit { if open { abandon() } }

        /// Appends events to the staging table (cheap: no index is touched).
        public func stage(_ events: [EventRecord]) throws {
            let insert = try db.cached("""
                INSERT INTO staged (address_key, ts, id, type, kind, reason, address, reply_code, enhanced_code, diagnostic, rule, provider_verdict, source)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                """)
            for e in events {
                insert.reset()
                insert.bind(1, e.addressKey)
                insert.bind(2, e.timestamp)
                insert.bind(3, e.id)
                insert.bind(4, e.type.rawValue)
                insert.bind(5, e.kind?.rawValue)
                insert.bind(6, e.reason)
                insert.bind(7, e.address)
                insert.bind(8, e.replyCode.map(Int64.init))
                insert.bind(9, e.enhancedCode)
                insert.bind(10, e.diagnostic)
                insert.bind(11, e.rule)
                insert.bind(12, e.providerVerdict)
                insert.bind(13, e.source)
                _ = try insert.step()
            }
            staged += events.count
        }

        /// Merges the staged events into the history in key order and commits; returns how
        /// many were new and how many were already there.
        public func commit() throws -> (new: Int, duplicate: Int) {
            try db.execute("""
                INSERT OR IGNORE INTO events
                (address_key, ts, id, type, kind, reason, address, reply_code, enhanced_code, diagnostic, rule, provider_verdict, source)
                SELECT address_key, ts, id, type, kind, reason, address, reply_code, enhanced_code, diagnostic, rule, provider_verdict, source
                FROM staged ORDER BY address_key, ts, id
                """)
            let new = db.changes
            try db.execute("DELETE FROM staged")
            try db.execute("COMMIT")
            open = false
            return (new, staged - new)
        }

        /// Rolls the load back: the history is as before.
        public func abandon() {
            guard open else { return }
            open = false
            try? db.execute("ROLLBACK")
        }
    }

    /// Runs `body` inside one read transaction: every read sees the same snapshot of the
    /// history (an ingest committing meanwhile is not half-seen), and SQLite takes its file
    /// locks once instead of once per query.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        try db.execute("BEGIN DEFERRED")
        defer { try? db.execute("COMMIT") }
        return try body()
    }

    /// Number of events stored.
    public func count() throws -> Int {
        let select = try db.cached("SELECT count(*) FROM events")
        _ = try select.step()
        return Int(select.int64(0))
    }

    /// Streams every event at or before `asOf`, grouped by address and in time order within
    /// each address, calling `body` once per address with its key bytes and events.
    /// Returns the number of events read and a SHA-256 over their ids in that order (the
    /// history's fingerprint in the manifest).
    /// - Complexity: one pass over the clustered table in key order; memory holds one address's events.
    public func forEachAddress(asOf: Int64, caseSensitive: Bool, _ body: ([UInt8], [PolicyEvent]) throws -> Void) throws -> (events: Int, digest: [UInt8]) {
        let sql = caseSensitive
            ? "SELECT address, ts, type, kind, reason, id FROM events WHERE ts <= ?1 ORDER BY address, ts, id"
            : "SELECT address_key, ts, type, kind, reason, id FROM events WHERE ts <= ?1 ORDER BY address_key, ts, id"
        let select = try db.cached(sql)
        select.bind(1, asOf)
        let hasher = SHA256Hasher()
        var ids: [UInt8] = []
        ids.reserveCapacity(1 << 16)
        var current: [UInt8] = []
        var group: [PolicyEvent] = []
        var total = 0
        var reasons = ReasonInterner()
        // Hot loop over every event: columns are read as bytes, the few type and kind names are
        // told apart by their bytes and reasons are interned, so no String is made per row.
        while try select.step() {
            total += 1
            let key = select.bytes(0)
            if !key.elementsEqual(current) {
                if !group.isEmpty { try body(current, group) }
                current = Array(key)
                group.removeAll(keepingCapacity: true)
            }
            guard let type = EventType(storedName: select.bytes(2)) else { continue }
            let kind = BounceKind(storedName: select.bytes(3))
            group.append(PolicyEvent(timestamp: select.int64(1), type: type, kind: kind, reason: reasons.string(select.bytes(4))))
            ids.append(contentsOf: select.bytes(5))
            if ids.count >= 1 << 16 {
                hasher.update(ids)
                ids.removeAll(keepingCapacity: true)
            }
        }
        if !group.isEmpty { try body(current, group) }
        hasher.update(ids)
        return (total, hasher.finalize())
    }

    /// One stored event, with everything the audit shows.
    public struct StoredEvent: Sendable, Equatable {
        public var id: [UInt8]
        public var timestamp: Int64
        public var type: EventType
        public var replyCode: Int?
        public var enhancedCode: String?
        public var diagnostic: String
        public var reason: String
        public var kind: BounceKind?
        public var rule: String
        public var providerVerdict: String?
        public var source: String

        public var policyEvent: PolicyEvent { PolicyEvent(timestamp: timestamp, type: type, kind: kind, reason: reason) }
    }

    /// The events of one address key at or before `asOf`, in the same order as ``forEachAddress(asOf:caseSensitive:_:)``.
    public func events(forKey key: [UInt8], asOf: Int64, caseSensitive: Bool) throws -> [StoredEvent] {
        let column = caseSensitive ? "address" : "address_key"
        let select = try db.cached("""
            SELECT id, ts, type, reply_code, enhanced_code, diagnostic, reason, kind, rule, provider_verdict, source
            FROM events WHERE \(column) = ?1 AND ts <= ?2 ORDER BY ts, id
            """)
        select.bindText(1, key)
        select.bind(2, asOf)
        var out: [StoredEvent] = []
        while try select.step() {
            guard let type = EventType(rawValue: select.string(2) ?? "") else { continue }
            out.append(StoredEvent(
                id: Array(select.bytes(0)), timestamp: select.int64(1), type: type,
                replyCode: select.isNull(3) ? nil : Int(select.int64(3)), enhancedCode: select.string(4),
                diagnostic: select.string(5) ?? "", reason: select.string(6) ?? "",
                kind: select.string(7).flatMap(BounceKind.init(rawValue:)), rule: select.string(8) ?? "",
                providerVerdict: select.string(9), source: select.string(10) ?? ""))
        }
        return out
    }
}

/// Turns the few distinct reason names of a history into shared Strings, without making a
/// new String for every row.
struct ReasonInterner {
    private var seen: [(bytes: [UInt8], string: String)] = []

    mutating func string(_ bytes: UnsafeRawBufferPointer) -> String {
        for entry in seen where entry.bytes.elementsEqual(bytes) { return entry.string }
        let string = String(decoding: bytes, as: UTF8.self)
        if seen.count < 256 { seen.append((Array(bytes), string)) }
        return string
    }
}

extension EventType {
    /// The type stored under this name in the history.
    init?(storedName bytes: UnsafeRawBufferPointer) {
        switch (bytes.count, bytes.first) {
        case (6, UInt8(ascii: "b")?): self = .bounce
        case (9, UInt8(ascii: "d")?): self = .delivered
        case (9, UInt8(ascii: "c")?): self = .complaint
        case (11, UInt8(ascii: "u")?): self = .unsubscribe
        default: return nil
        }
    }
}

extension BounceKind {
    /// The kind stored under this name in the history (nil for NULL or an unknown name).
    init?(storedName bytes: UnsafeRawBufferPointer) {
        switch (bytes.count, bytes.first) {
        case (4, UInt8(ascii: "h")?): self = .hard
        case (4, UInt8(ascii: "s")?): self = .soft
        case (6, UInt8(ascii: "s")?): self = .sender
        case (6, UInt8(ascii: "i")?): self = .ignore
        default: return nil
        }
    }
}
