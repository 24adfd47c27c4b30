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
        ("0001-events", """
            CREATE TABLE events (
                id BLOB NOT NULL UNIQUE,          -- first 16 bytes of SHA-256 of the event's identity
                address_key TEXT NOT NULL,        -- trimmed, lower-cased: the grouping key
                address TEXT NOT NULL,            -- trimmed, domain lower-cased, local part as received
                ts INTEGER NOT NULL,              -- Unix seconds, UTC
                type TEXT NOT NULL,               -- bounce | delivered | complaint | unsubscribe
                reply_code INTEGER,               -- basic SMTP reply code
                enhanced_code TEXT,               -- RFC 3463 status
                diagnostic TEXT NOT NULL,         -- the remote reply or provider text
                reason TEXT NOT NULL,             -- classifier reason (sisimai vocabulary) or the event type
                kind TEXT,                        -- hard | soft | sender | ignore, for bounces
                rule TEXT NOT NULL,               -- the classifier rule that decided
                provider_verdict TEXT,            -- the provider's own verdict, for the audit
                source TEXT NOT NULL              -- file:line or file <message-id>
            );
            CREATE INDEX events_by_key ON events(address_key, ts, id, type, kind, reason);
            """),
    ]

    /// Opens the history at `path`. With `create`, a missing database is created and migrated;
    /// without it, a missing database is ``HistoryError/notFound(path:)``.
    public init(path: String, create: Bool) throws {
        self.path = path
        if !create, access(path, F_OK) != 0 { throw HistoryError.notFound(path: path) }
        db = try SQLiteConnection(path: path, readOnly: !create)
        if create {
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;")
            try migrate()
        } else {
            try db.execute("PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824;")
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
        try db.transaction {
            let insert = try db.cached("""
                INSERT OR IGNORE INTO events
                (id, address_key, address, ts, type, reply_code, enhanced_code, diagnostic, reason, kind, rule, provider_verdict, source)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                """)
            var new = 0
            for e in events {
                insert.reset()
                insert.bind(1, e.id)
                insert.bind(2, e.addressKey)
                insert.bind(3, e.address)
                insert.bind(4, e.timestamp)
                insert.bind(5, e.type.rawValue)
                insert.bind(6, e.replyCode.map(Int64.init))
                insert.bind(7, e.enhancedCode)
                insert.bind(8, e.diagnostic)
                insert.bind(9, e.reason)
                insert.bind(10, e.kind?.rawValue)
                insert.bind(11, e.rule)
                insert.bind(12, e.providerVerdict)
                insert.bind(13, e.source)
                _ = try insert.step()
                new += db.changes
            }
            return (new, events.count - new)
        }
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
    /// - Complexity: one pass over the `events_by_key` index; memory holds one address's events.
    public func forEachAddress(asOf: Int64, caseSensitive: Bool, _ body: ([UInt8], [PolicyEvent]) throws -> Void) throws -> (events: Int, digest: [UInt8]) {
        let sql = caseSensitive
            ? "SELECT address, ts, type, kind, reason, id FROM events WHERE ts <= ?1 ORDER BY address, ts, id"
            : "SELECT address_key, ts, type, kind, reason, id FROM events INDEXED BY events_by_key WHERE ts <= ?1 ORDER BY address_key, ts, id"
        let select = try db.cached(sql)
        select.bind(1, asOf)
        let hasher = SHA256Hasher()
        var current: [UInt8] = []
        var group: [PolicyEvent] = []
        var total = 0
        var kinds: [String: BounceKind] = [:]
        for kind in BounceKind.allCases { kinds[kind.rawValue] = kind }
        var types: [String: EventType] = [:]
        for type in EventType.allCases { types[type.rawValue] = type }
        while try select.step() {
            total += 1
            let key = select.bytes(0)
            if !key.elementsEqual(current) {
                if !group.isEmpty { try body(current, group) }
                current = Array(key)
                group.removeAll(keepingCapacity: true)
            }
            let typeText = select.string(2) ?? ""
            guard let type = types[typeText] else { continue }
            let kind = select.isNull(3) ? nil : kinds[select.string(3) ?? ""]
            group.append(PolicyEvent(timestamp: select.int64(1), type: type, kind: kind, reason: select.string(4) ?? ""))
            hasher.update(select.bytes(5))
        }
        if !group.isEmpty { try body(current, group) }
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
