import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The event history on a PostgreSQL server (`--history postgres://…`): one row an event in
/// `events`, with its classification and message identity in plain columns, so that the rest
/// of a company can query it with SQL (docs/history-postgres.md). Events come in with `COPY`
/// into a staging table and one `INSERT … ON CONFLICT DO NOTHING`, so the same events twice
/// change nothing, whichever worker sends them; reads stream back with `COPY … TO STDOUT`,
/// ordered by address key the way the SQLite store's runs are, so both stores give the policy
/// the same events in the same order and the same fingerprint.
public final class PostgresHistory {
    let connection: PostgresConnection
    /// The server, without a password (for the manifest and messages).
    public var server: String { connection.server }

    /// Opens the history in the database `url` names, creating or migrating its tables when
    /// `create` (several workers may do so at once: the migrations take a lock).
    public init(url: String, create: Bool) throws {
        connection = try PostgresConnection(url: url)
        // The staging table of a file's events lives in temp_buffers (set before the session's
        // first temporary table); the move into `events` sorts them by key in work_mem. JIT
        // compiling is off: it cost a clean's join seconds (the queries are scans, not
        // expression-heavy), measured with EXPLAIN ANALYZE at S.
        try connection.execute("SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; SET temp_buffers = '256MB'; SET work_mem = '256MB'; SET jit = off")
        try PostgresSchema.prepare(connection, create: create)
        // The erasure secret, made once (as the SQLite store's migration 0009 makes it): the
        // first worker's insert wins, the others' do nothing.
        if create, try connection.query("SELECT 1 FROM secret WHERE purpose = 'erasure'").isEmpty {
            let secret = try Migration0009.randomBytes(32, path: server)
            _ = try connection.query("""
                INSERT INTO secret (purpose, value, created_at) VALUES ('erasure', decode($1, 'hex'), $2)
                ON CONFLICT DO NOTHING
                """, [secret.hexString, String(Int64(time(nil)))])
        }
    }

    /// Adds a run to the ledger; returns its entry number. Entries are numbered in the order
    /// runs finish, under a lock of their own (two cleans finishing together get 7 and 8). A
    /// clean's `removals` are streamed to the server in the row of a `COPY`, a piece at a
    /// time, never whole in memory.
    @discardableResult
    public func record(command: String, asOf: Int64?, lastEventNo: Int64, outcome: String, manifest: String,
                       removals: LedgerEntry.RemovalsRecorder.Sorted?, at time: Int64 = Int64(Date().timeIntervalSince1970)) throws -> Int64 {
        try connection.execute("BEGIN")
        do {
            try connection.execute("SELECT pg_advisory_xact_lock_shared(\(PostgresSchema.writersLock)); SELECT pg_advisory_xact_lock(\(PostgresSchema.writersLock + 1))")
            let next = try connection.query("SELECT coalesce(max(entry), 0) + 1 FROM ledger")
            guard let entry = next.first?.first.flatMap({ $0 }).flatMap({ Int64($0) }) else {
                throw PostgresError.unexpected(server: server, what: "no next ledger entry")
            }
            try connection.copyIn("COPY ledger (entry, command, recorded_at, as_of, last_event_no, outcome, manifest, removals) FROM STDIN") { writer in
                var row: [UInt8] = []
                func field(_ value: String?) {
                    guard var value else { row.append(contentsOf: [0x5C, 0x4E]); return }
                    value.withUTF8 { PostgresSchema.escape($0, into: &row) }
                }
                for value in [String(entry), command, String(time), asOf.map { String($0) }, String(lastEventNo), outcome, manifest] {
                    field(value)
                    row.append(0x09)
                }
                guard let removals else {
                    field(nil)
                    try writer.write(row)
                    return try writer.endRow()
                }
                row.append(contentsOf: [0x5C, 0x5C, 0x78])  // \\x: bytea's hex form, its backslash escaped
                try writer.write(row)
                try removals.forEachPiece { try writer.writeHex($0) }
                try writer.endRow()
            }
            try connection.execute("COMMIT")
            return entry
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// Records an ingest's files in the ledger (as ``HistoryStore/recordIngest(_:)``).
    public func recordIngest(_ files: [IngestFileSummary]) throws {
        let totals = try connection.query("SELECT count(*), coalesce(max(event_no), 0) FROM events")
        let total = Int(totals.first?[0] ?? "0") ?? 0
        let last = Int64(totals.first?[1] ?? "0") ?? 0
        try record(command: "ingest", asOf: nil, lastEventNo: last, outcome: "added",
                   manifest: LedgerEntry.ingestManifest(files, eventsTotal: total), removals: nil)
    }

    /// Adds events in one transaction; returns how many were new and how many were already
    /// there (same address key, time and id): as ``HistoryStore/insert(_:)``.
    public func insert(_ events: [EventRecord]) throws -> (new: Int, duplicate: Int) {
        let load = try beginLoad(classifiedBy: nil)
        try load.stage(events)
        return try load.commit()
    }

    /// Number of events stored.
    public func count() throws -> Int {
        Int(try connection.query("SELECT count(*) FROM events").first?.first.flatMap { $0 } ?? "0") ?? 0
    }

    /// Streams every event at or before `asOf`, grouped by address key (in byte order) and in
    /// (time, id) order within each, as ``HistoryStore/forEachAddress(asOf:caseSensitive:_:)``:
    /// `body` gets the key, the events and their numbers (`event_no`). Returns the number of
    /// events read and the SHA-256 over their ids in that order, the same fingerprint the
    /// SQLite store gives for the same events.
    /// - Complexity: one ordered scan of the primary key on the server; memory holds one
    ///   address's events.
    public func forEachAddress(asOf: Int64, _ body: ([UInt8], [PolicyEvent], [Int64]) throws -> Void) throws -> (events: Int, digest: [UInt8]) {
        let hasher = SHA256Hasher()
        var ids: [UInt8] = []
        ids.reserveCapacity(1 << 16)
        var key: [UInt8] = []
        var group: [PolicyEvent] = []
        var numbers: [Int64] = []
        var total = 0
        try connection.copyOut("""
            COPY (SELECT address_key, extract(epoch FROM occurred_at)::bigint, encode(event_id, 'hex'), type, kind, reason,
                         message_hash, event_no
                  FROM events WHERE occurred_at <= to_timestamp(\(PostgresSchema.clamped(asOf)))
                  ORDER BY address_key COLLATE "C", occurred_at, event_id) TO STDOUT
            """) { line in
            // Eight tab-separated fields; only the reason may hold an escaped byte.
            var start = 0
            var row = [Range<Int>]()
            row.reserveCapacity(8)
            for i in 0..<line.count where line[i] == 0x09 || line[i] == 0x0A {
                row.append(start..<i)
                start = i + 1
            }
            guard row.count == 8 else { throw PostgresError.unexpected(server: server, what: "an event row of \(row.count) fields") }
            let rowKey = line[row[0]]
            if !rowKey.elementsEqual(key) {
                if !group.isEmpty { try body(key, group, numbers) }
                key = Array(PostgresSchema.unescape(rowKey))
                group.removeAll(keepingCapacity: true)
                numbers.removeAll(keepingCapacity: true)
            }
            guard let ts = PostgresSchema.integer(line[row[1]]),
                  let type = EventType(rawValue: String(decoding: line[row[3]], as: UTF8.self)),
                  let message = PostgresSchema.integer(line[row[6]]),
                  let number = PostgresSchema.integer(line[row[7]]) else {
                throw PostgresError.unexpected(server: server, what: "an event row it cannot read")
            }
            let hex = line[row[2]]
            guard hex.count == 32 else { throw PostgresError.unexpected(server: server, what: "an event id of \(hex.count / 2) bytes") }
            var i = hex.startIndex
            while i < hex.endIndex {
                ids.append(PostgresSchema.hexValue(hex[i]) << 4 | PostgresSchema.hexValue(hex[i + 1]))
                i += 2
            }
            let kindText = line[row[4]]
            let kind = kindText.elementsEqual([0x5C, 0x4E]) ? nil : BounceKind(rawValue: String(decoding: kindText, as: UTF8.self))
            group.append(PolicyEvent(timestamp: ts, type: type, kind: kind,
                                     reason: String(decoding: PostgresSchema.unescape(line[row[5]]), as: UTF8.self),
                                     message: UInt32(truncatingIfNeeded: message)))
            numbers.append(number)
            total += 1
            if ids.count >= 1 << 16 {
                hasher.update(ids)
                ids.removeAll(keepingCapacity: true)
            }
        }
        if !group.isEmpty { try body(key, group, numbers) }
        hasher.update(ids)
        return (total, hasher.finalize())
    }

    /// The number of events at or before `asOf` and the SHA-256 over their ids in the order of
    /// ``forEachAddress(asOf:_:)`` (what the SQLite store's scan gives), reading the ids alone.
    /// - Complexity: one ordered scan of the primary key on the server; 33 bytes an event
    ///   come back.
    func figures(asOf: Int64) throws -> (events: Int, digest: [UInt8]) {
        let hasher = SHA256Hasher()
        var ids: [UInt8] = []
        ids.reserveCapacity(1 << 16)
        var total = 0
        try connection.copyOut("""
            COPY (SELECT encode(event_id, 'hex') FROM events WHERE occurred_at <= to_timestamp(\(PostgresSchema.clamped(asOf)))
                  ORDER BY address_key COLLATE "C", occurred_at, event_id) TO STDOUT
            """) { line in
            guard line.count == 33 else { throw PostgresError.unexpected(server: server, what: "an event id of \((line.count - 1) / 2) bytes") }
            for i in stride(from: 0, to: 32, by: 2) {
                ids.append(PostgresSchema.hexValue(line[i]) << 4 | PostgresSchema.hexValue(line[i + 1]))
            }
            total += 1
            if ids.count >= 1 << 16 {
                hasher.update(ids)
                ids.removeAll(keepingCapacity: true)
            }
        }
        hasher.update(ids)
        return (total, hasher.finalize())
    }

    /// The events of one address key at or before `asOf`, in the order of
    /// ``forEachAddress(asOf:_:)``, as ``HistoryStore/events(forKey:asOf:caseSensitive:)``
    /// gives them.
    public func events(forKey key: String, asOf: Int64) throws -> [EventRecord] {
        let rows = try connection.query("""
            SELECT encode(event_id, 'hex'), address_key, address, extract(epoch FROM occurred_at)::bigint, type,
                   reply_code, enhanced_code, diagnostic, reason, kind, rule, provider_verdict, source, message_id
            FROM events WHERE address_key = $1 AND occurred_at <= to_timestamp($2::bigint)
            ORDER BY occurred_at, event_id
            """, [key, String(PostgresSchema.clamped(asOf))])
        return try rows.map { row in
            guard let hex = row[0], let key = row[1], let address = row[2], let ts = row[3].flatMap({ Int64($0) }),
                  let type = row[4].flatMap(EventType.init(rawValue:)), let diagnostic = row[7], let reason = row[8],
                  let rule = row[10], let source = row[12] else {
                throw PostgresError.unexpected(server: server, what: "an event row it cannot read")
            }
            return EventRecord(id: PostgresSchema.bytes(hex: hex), addressKey: key, address: address, timestamp: ts, type: type,
                               replyCode: row[5].flatMap { Int($0) }, enhancedCode: row[6], diagnostic: diagnostic,
                               reason: reason, kind: row[9].flatMap(BounceKind.init(rawValue:)), rule: rule,
                               providerVerdict: row[11], source: source, messageIdentity: row[13])
        }
    }
}

extension EventRecord {
    /// An event as a row of `events` holds it.
    init(id: [UInt8], addressKey: String, address: String, timestamp: Int64, type: EventType,
                     replyCode: Int?, enhancedCode: String?, diagnostic: String, reason: String, kind: BounceKind?,
                     rule: String, providerVerdict: String?, source: String, messageIdentity: String?) {
        self.id = id
        self.addressKey = addressKey
        self.address = address
        self.timestamp = timestamp
        self.type = type
        self.replyCode = replyCode
        self.enhancedCode = enhancedCode
        self.diagnostic = diagnostic
        self.reason = reason
        self.kind = kind
        self.rule = rule
        self.providerVerdict = providerVerdict
        self.source = source
        self.messageIdentity = messageIdentity
    }
}
