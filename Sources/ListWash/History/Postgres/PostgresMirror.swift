import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL history seen through an SQLite history: one consistent snapshot of the server's
/// tables (a `REPEATABLE READ` transaction) copied into a scratch SQLite history, which the
/// commands then read with the code they read a history file with. That is how `clean`,
/// `explain`, `runs`, `diff`, `export-suppressions` and `history export` give the same bytes
/// on both stores: one implementation of the policy, the evidence and the audit, fed the same
/// events, classifications, ledger and forgotten hashes.
///
/// A lifecycle command (`forget`, `retract`, `prune`, `reclassify`, `allow`, `suppress`) takes
/// the writers' advisory lock alone before the snapshot, changes the mirror with the SQLite
/// code, and ``writeBack()`` sends what changed (events deleted, rewritten or added, the
/// ledger's scrubbed rows, the lifecycle log, the forgotten hashes) in one transaction.
///
/// Event numbers: the mirror loads events in `event_no` order, a new load (so a new block) at
/// every ledger entry's `last_event_no`, so "the blocks a run saw" in the mirror is exactly
/// "the rows a run saw" on the server.
final class PostgresMirror {
    let postgres: PostgresHistory
    let store: HistoryStore
    /// The highest `event_no` in the snapshot (0 when there is none).
    private(set) var lastEventNo: Int64 = 0
    /// Whether this mirror holds the writers' lock and writes back (``writeBack()``).
    let writable: Bool
    /// Per event of the snapshot (by id): a fingerprint of what it says and which classifier
    /// classified it; kept for ``writeBack()`` only, which takes out each event it finds.
    private var fingerprints: [EventKey: UInt64] = [:]
    /// The snapshot's `classifiers`, by id, and back.
    private var classifiers: [Int64: ClassificationIdentity] = [:]
    private var classifierIDs: [ClassificationIdentity: Int64] = [:]

    struct EventKey: Hashable {
        let high: UInt64, low: UInt64
        init(_ id: [UInt8]) {
            var h: UInt64 = 0, l: UInt64 = 0
            for i in 0..<8 { h = h << 8 | UInt64(id[i]) }
            for i in 8..<16 { l = l << 8 | UInt64(id[i]) }
            high = h
            low = l
        }
    }

    /// What of the snapshot a mirror holds.
    enum Scope {
        /// Every event: what the commands that read or change the whole history need.
        case everything
        /// `clean`'s join on the server (``ListJoin``).
        case list(ListJoin)
    }

    /// `clean`'s join done where the data is: the list's address keys go to the server with
    /// `COPY`, and the mirror holds the events of those keys, not the whole history. What a
    /// clean reads of the other addresses comes with them, computed by the server from the
    /// same snapshot:
    ///
    /// - the run's figures over the whole history as of its time (``wholeHistory``: the
    ///   events and the SHA-256 of their ids, in the order ``HistoryStore/forEachAddress(asOf:caseSensitive:_:)``
    ///   hashes them), for the manifest;
    /// - when the policy judges domains (``DomainJudge``), every domain-level failure and every
    ///   `sender`-kind bounce of the stale window, and one sign of life per domain and day:
    ///   exactly what the judgment reads, so its findings are those of the whole history;
    /// - the first event of each classifier, so the notice about events classified by
    ///   another classifier is the whole history's.
    ///
    /// The other addresses' few events decide nothing a list row can ask for.
    struct ListJoin {
        /// The run's as-of time.
        var asOf: Int64
        /// With a domain judgment, the start of the stale window (its `sender` faults); nil
        /// when the policy judges no domains.
        var judgedSince: Int64?
        /// Sends every address key of the list (in the history's form: ``EventRecord/addressKey``);
        /// a key may come more than once.
        var keys: (_ send: ([UInt8]) throws -> Void) throws -> Void
    }

    /// With a ``Scope/list(_:)`` scope: the whole snapshot's events at or before the as-of
    /// time and the SHA-256 of their ids, the figures a full mirror's scan would give.
    private(set) var wholeHistory: (events: Int, digest: [UInt8])?

    /// Copies the snapshot (all of it, or what `scope` asks for) into a new scratch SQLite
    /// history at `path` (which must not exist).
    init(postgres: PostgresHistory, path: String, writable: Bool, scope: Scope = .everything) throws {
        self.postgres = postgres
        self.writable = writable
        let connection = postgres.connection
        store = try HistoryStore(path: path, create: true, scratch: true)
        if writable { try connection.execute("SELECT pg_advisory_lock(\(PostgresSchema.writersLock))") }
        do {
            var join: ListJoin?
            if case .list(let listJoin) = scope {
                precondition(!writable, "a list's mirror is read-only")
                try sendKeys(listJoin)
                join = listJoin
            }
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { try? connection.execute("COMMIT") }
            try copyTables()
            try copyEvents(where: join.map(Self.joinFilter) ?? "true")
            try copyLedger(removals: join == nil)
            // The snapshot's last row, which the run ledger records, whatever the mirror holds.
            let last = try connection.query("SELECT coalesce(max(event_no), 0) FROM events").first?.first ?? nil
            lastEventNo = last.flatMap { Int64($0) } ?? 0
            if let join { wholeHistory = try postgres.figures(asOf: join.asOf) }
        } catch {
            if writable { _ = try? connection.execute("SELECT pg_advisory_unlock(\(PostgresSchema.writersLock))") }
            throw error
        }
    }

    deinit {
        if writable { _ = try? postgres.connection.execute("SELECT pg_advisory_unlock(\(PostgresSchema.writersLock))") }
    }

    // MARK: The snapshot

    /// The erasure secret, the forgotten hashes, the lifecycle log and the classifiers.
    private func copyTables() throws {
        let connection = postgres.connection
        let db = store.db
        for row in try connection.query("SELECT encode(value, 'hex'), created_at FROM secret WHERE purpose = 'erasure'") {
            let update = try db.prepare("UPDATE secret SET value = ?1, created_at = ?2 WHERE purpose = 'erasure'")
            update.bind(1, PostgresSchema.bytes(hex: row[0] ?? ""))
            update.bind(2, Int64(row[1] ?? "0"))
            _ = try update.step()
        }
        try db.transaction {
            let insert = try db.prepare("INSERT INTO forgotten (hash, forgotten_at) VALUES (?1, ?2)")
            for row in try connection.query("SELECT encode(hash, 'hex'), forgotten_at FROM forgotten") {
                insert.reset()
                insert.bind(1, PostgresSchema.bytes(hex: row[0] ?? ""))
                insert.bind(2, Int64(row[1] ?? "0"))
                _ = try insert.step()
            }
            let log = try db.prepare("INSERT INTO lifecycle_log (entry, at, action, detail) VALUES (?1, ?2, ?3, ?4)")
            for row in try connection.query("SELECT entry, at, action, detail FROM lifecycle_log ORDER BY entry") {
                log.reset()
                log.bind(1, Int64(row[0] ?? "0") ?? 0)
                log.bind(2, Int64(row[1] ?? "0"))
                log.bind(3, row[2])
                log.bind(4, row[3])
                _ = try log.step()
            }
        }
        for row in try connection.query("SELECT classifier_id, classifier, rules FROM classifiers") {
            guard let id = row[0].flatMap({ Int64($0) }) else { continue }
            let identity = ClassificationIdentity(classifier: row[1] ?? "", rules: row[2] ?? "")
            classifiers[id] = identity
            classifierIDs[identity] = id
        }
    }

    /// The columns the snapshot reads an event with, in ``readEvent(_:)``'s order.
    private static let eventColumns = """
        encode(event_id, 'hex'), address_key, address, extract(epoch FROM occurred_at)::bigint, type, reply_code,
        enhanced_code, diagnostic, reason, kind, rule, provider_verdict, source, message_id, event_no, coalesce(classifier_id, 0)
        """

    /// The list's keys into the session's temporary table `listwash_list_keys`, before the
    /// snapshot's read-only transaction (which may not create a table).
    private func sendKeys(_ join: ListJoin) throws {
        let connection = postgres.connection
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS listwash_list_keys (address_key text); TRUNCATE listwash_list_keys")
        try connection.copyIn("COPY listwash_list_keys (address_key) FROM STDIN") { writer in
            var row: [UInt8] = []
            try join.keys { key in
                row.removeAll(keepingCapacity: true)
                key.withUnsafeBufferPointer { PostgresSchema.escape($0, into: &row) }
                try writer.write(row)
                try writer.endRow()
            }
        }
        try connection.execute("ANALYZE listwash_list_keys")
    }

    /// The rows of `events` a list's mirror holds (``ListJoin``), as an SQL condition.
    static func joinFilter(_ join: ListJoin) -> String {
        func names(_ reasons: some Sequence<String>) -> String {
            reasons.sorted().map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ", ")
        }
        let asOf = "to_timestamp(\(PostgresSchema.clamped(join.asOf)))"
        var filter = """
            address_key IN (SELECT address_key FROM listwash_list_keys)
            OR event_no IN (SELECT min(event_no) FROM events GROUP BY classifier_id)
            """
        if let since = join.judgedSince {
            let classes = DomainJudge.nonContactReasons
            let failures = names(classes.filter { $0.value == .unreachable || $0.value == .nonexistence }.keys)
            // DomainJudge.observe(key:entries:): a failure, a sender-side fault of the stale
            // window, or a sign of life (one a domain and day is all the judgment keeps; the
            // session's time zone is UTC, so a date is a Unix day).
            filter += """

                OR (occurred_at <= \(asOf) AND type = 'bounce'
                    AND ((kind IS DISTINCT FROM 'ignore' AND reason IN (\(failures)))
                         OR (kind = 'sender' AND occurred_at >= to_timestamp(\(PostgresSchema.clamped(since))))))
                OR event_no IN (
                    SELECT min(event_no) FROM events
                    WHERE occurred_at <= \(asOf)
                      AND (type IN ('delivered', 'complaint', 'unsubscribe') OR (type = 'bounce' AND reason NOT IN (\(names(classes.keys)))))
                    GROUP BY split_part(address_key, '@', -1), occurred_at::date)
                """
        }
        return filter
    }

    /// The events `filter` selects (all, or a list's: ``joinFilter(_:)``), in `event_no`
    /// order, into loads: a new load where the classifier changes and after every ledger
    /// entry's `last_event_no`.
    private func copyEvents(where filter: String) throws {
        let connection = postgres.connection
        var cuts = try connection.query("SELECT DISTINCT last_event_no FROM ledger ORDER BY 1")
            .compactMap { $0[0].flatMap { Int64($0) } }[...]
        var load: HistoryStore.Load?
        var loadClassifier: Int64 = -1
        var lastCopied: Int64 = 0
        var batch: [EventRecord] = []
        batch.reserveCapacity(10_000)
        func finishLoad() throws {
            guard let current = load else { return }
            if !batch.isEmpty { try current.stage(batch) }
            batch.removeAll(keepingCapacity: true)
            _ = try current.commit()
            loadEnds.append((try store.lastEventBlock(), lastCopied))
            load = nil
        }
        try connection.copyOut("COPY (SELECT \(Self.eventColumns) FROM events WHERE \(filter) ORDER BY event_no) TO STDOUT") { line in
            let (event, number, classifier) = try readEvent(line)
            // The load holding the events up to a ledger entry's last row ends there.
            var cut = false
            while let next = cuts.first, number > next {
                cuts.removeFirst()
                cut = true
            }
            if load == nil || cut || classifier != loadClassifier {
                try finishLoad()
                let started = try store.beginLoad()
                started.classifiedBy = classifiers[classifier]
                load = started
                loadClassifier = classifier
            }
            batch.append(event)
            if batch.count == 10_000 {
                try load?.stage(batch)
                batch.removeAll(keepingCapacity: true)
            }
            lastCopied = number
            if writable { fingerprints[EventKey(event.id)] = Self.fingerprint(event, classifier: classifier) }
        }
        try finishLoad()
    }

    /// One row of ``eventColumns`` in `COPY`'s text format.
    private func readEvent(_ line: UnsafeRawBufferPointer) throws -> (EventRecord, Int64, Int64) {
        var fields: [String?] = []
        fields.reserveCapacity(16)
        var start = 0
        for i in 0..<line.count where line[i] == 0x09 || line[i] == 0x0A {
            let field = line[start..<i]
            fields.append(field.elementsEqual([0x5C, 0x4E]) ? nil : String(decoding: PostgresSchema.unescape(field), as: UTF8.self))
            start = i + 1
        }
        guard fields.count == 16, let hex = fields[0], hex.utf8.count == 32, let key = fields[1], let address = fields[2],
              let ts = fields[3].flatMap({ Int64($0) }), let type = fields[4].flatMap(EventType.init(rawValue:)),
              let diagnostic = fields[7], let reason = fields[8], let rule = fields[10], let source = fields[12],
              let number = fields[14].flatMap({ Int64($0) }), let classifier = fields[15].flatMap({ Int64($0) }) else {
            throw PostgresError.unexpected(server: postgres.server, what: "an event row it cannot read")
        }
        let event = EventRecord(id: PostgresSchema.bytes(hex: hex), addressKey: key, address: address, timestamp: ts, type: type,
                                replyCode: fields[5].flatMap { Int($0) }, enhancedCode: fields[6], diagnostic: diagnostic,
                                reason: reason, kind: fields[9].flatMap(BounceKind.init(rawValue:)), rule: rule,
                                providerVerdict: fields[11], source: source, messageIdentity: fields[13])
        return (event, number, classifier)
    }

    /// The ledger, each entry's `last_event_no` as the last block holding a row at or below
    /// it (the loads end there, see ``copyEvents()``). With `removals` (a whole mirror, for
    /// the commands that read them: `diff`, `forget`), each clean's removals come a piece at a
    /// time into a blob of their length, never whole in memory; a list's mirror (a clean,
    /// which reads only the manifests) leaves them out.
    private func copyLedger(removals: Bool) throws {
        let connection = postgres.connection
        let db = store.db
        let insert = try db.prepare("""
            INSERT INTO ledger (entry, command, recorded_at, as_of, last_block, outcome, manifest, removals)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        try db.transaction {
            for row in try connection.query("""
                SELECT entry, command, recorded_at, as_of, last_event_no, outcome, manifest, octet_length(removals)
                FROM ledger ORDER BY entry
                """) {
                guard let entry = row[0].flatMap({ Int64($0) }) else {
                    throw PostgresError.unexpected(server: postgres.server, what: "a ledger entry without a number")
                }
                insert.reset()
                insert.bind(1, entry)
                insert.bind(2, row[1])
                insert.bind(3, row[2].flatMap { Int64($0) })
                insert.bind(4, row[3].flatMap { Int64($0) })
                insert.bind(5, lastBlock(atOrBelow: row[4].flatMap { Int64($0) } ?? 0))
                insert.bind(6, row[5])
                insert.bind(7, row[6])
                let length = removals ? row[7].flatMap { Int($0) } : nil
                if let length { try insert.bindZeroBlob(8, count: length) } else { insert.bind(8, nil as Int64?) }
                _ = try insert.step()
                guard let length, length > 0 else { continue }
                try db.fillBlob(table: "ledger", column: "removals", row: entry) { put in
                    var offset = 0
                    while offset < length {
                        let count = min(Self.removalsPiece, length - offset)
                        let piece = try connection.query("""
                            SELECT encode(substring(removals from $2::integer for $3::integer), 'hex') FROM ledger WHERE entry = $1::bigint
                            """, [String(entry), String(offset + 1), String(count)])
                        let bytes = PostgresSchema.bytes(hex: piece.first?.first.flatMap { $0 } ?? "")
                        guard bytes.count == count else {
                            throw PostgresError.unexpected(server: postgres.server, what: "ledger entry \(entry)'s removals shorter than their length")
                        }
                        try bytes.withUnsafeBytes(put)
                        offset += count
                    }
                }
            }
        }
    }

    /// The bytes of a ledger entry's removals fetched at a time.
    static let removalsPiece = 4 << 20

    /// Each load's blocks and the event numbers they end at, recorded as the loads commit.
    private var loadEnds: [(lastBlock: Int64, lastNumber: Int64)] = []

    /// The last mirror block whose events are all at or below `number`.
    func lastBlock(atOrBelow number: Int64) -> Int64 {
        var found: Int64 = 0
        for end in loadEnds where end.lastNumber <= number { found = max(found, end.lastBlock) }
        return found
    }

    // MARK: Writing back

    /// What ``writeBack()`` changed on the server.
    struct Changes: Equatable {
        var deleted = 0
        var rewritten = 0
        var added = 0
    }

    /// Sends what the command changed in the mirror to the server, in one transaction: events
    /// deleted, rewritten (a scrubbed text, a new classification) or added; the ledger's
    /// manifests and removals; the lifecycle log; the forgotten hashes. Then `VACUUM`s the
    /// tables that lost rows (docs/history-postgres.md: what that does and does not wipe).
    @discardableResult
    func writeBack() throws -> Changes {
        precondition(writable, "a read-only mirror writes nothing back")
        let connection = postgres.connection
        let db = store.db
        var changes = Changes()
        try connection.execute("BEGIN")
        do {
            // The classifier of each mirror block, by the mirror's records (ingest, reclassify).
            var identityIDs: [ClassificationIdentity: Int64] = classifierIDs
            let records = try store.classificationRecords()
            for record in records where identityIDs[record.identity] == nil {
                identityIDs[record.identity] = Int64(try postgres.classifierID(record.identity)) ?? 0
            }
            func classifier(ofBlock block: Int64) -> Int64 {
                for record in records.reversed() where record.firstBlock <= block && block <= record.lastBlock {
                    return identityIDs[record.identity] ?? 0
                }
                return 0
            }
            var rewritten: [(EventRecord, Int64)] = []
            var added: [(EventRecord, Int64)] = []
            let reader = try store.eventRowReader()
            let lastBlock = try store.lastEventBlock()
            if lastBlock > 0 {
                for block in 1...lastBlock {
                    let id = classifier(ofBlock: block)
                    for slot in 0..<EventBlock.capacity {
                        _ = try reader.read(EventBlock.number(block: block, slot: slot)) { row in
                            guard let event = EventRecord(row: row) else { return }
                            let key = EventKey(event.id)
                            if let before = fingerprints.removeValue(forKey: key) {
                                if before != Self.fingerprint(event, classifier: id) { rewritten.append((event, id)) }
                            } else {
                                added.append((event, id))
                            }
                        }
                    }
                }
            }
            // What is left of the snapshot's events is what the command deleted.
            if !fingerprints.isEmpty {
                try connection.execute("CREATE TEMP TABLE gone_events (event_id bytea) ON COMMIT DROP")
                try connection.copyIn("COPY gone_events (event_id) FROM STDIN") { writer in
                    for key in fingerprints.keys {
                        var row: [UInt8] = [0x5C, 0x5C, 0x78]  // \\x: bytea's hex form, its backslash escaped
                        for v in [key.high, key.low] {
                            for shift in stride(from: 60, through: 0, by: -4) {
                                row.append(PostgresSchema.hexDigit(UInt8((v >> UInt64(shift)) & 15)))
                            }
                        }
                        try writer.write(row)
                        try writer.endRow()
                    }
                }
                try connection.execute("DELETE FROM events e USING gone_events g WHERE e.event_id = g.event_id")
                changes.deleted = fingerprints.count
            }
            if !rewritten.isEmpty || !added.isEmpty {
                try connection.execute(PostgresSchema.stagingTable)
                try connection.copyIn("COPY staging_events (\(PostgresSchema.copyColumns), classifier_id) FROM STDIN") { writer in
                    for (event, id) in rewritten + added {
                        try PostgresSchema.writeRow(event, classifier: .some(id == 0 ? nil : id), to: &writer)
                    }
                }
                try connection.execute("""
                    UPDATE events e SET address = s.address, type = s.type, reason = s.reason, kind = s.kind, rule = s.rule,
                           reply_code = s.reply_code, enhanced_code = s.enhanced_code, diagnostic = s.diagnostic,
                           provider_verdict = s.provider_verdict, source = s.source, message_id = s.message_id,
                           message_hash = s.message_hash, classifier_id = s.classifier_id
                    FROM staging_events s
                    WHERE e.address_key = s.address_key AND e.occurred_at = to_timestamp(s.occurred_at) AND e.event_id = s.event_id
                    """)
                try connection.execute("""
                    INSERT INTO events (\(PostgresSchema.copyColumns), classifier_id)
                    SELECT address_key, event_id, to_timestamp(occurred_at), address, type, reason, kind, rule, reply_code,
                           enhanced_code, diagnostic, provider_verdict, source, message_id, message_hash, classifier_id
                    FROM staging_events ORDER BY address_key, occurred_at, event_id
                    ON CONFLICT DO NOTHING
                    """)
                changes.rewritten = rewritten.count
                changes.added = added.count
            }
            // The ledger's texts (a forget scrubs manifests and removals): an entry whose
            // manifest or removals (by their SHA-256) differ from the server's is written back,
            // its removals through a `COPY`, a piece at a time.
            var server: [Int64: (manifest: String?, removals: String?)] = [:]
            for row in try connection.query("SELECT entry, manifest, encode(sha256(removals), 'hex') FROM ledger") {
                if let entry = row[0].flatMap({ Int64($0) }) { server[entry] = (row[1], row[2]) }
            }
            let ledger = try db.prepare("SELECT entry, manifest, removals IS NOT NULL FROM ledger ORDER BY entry")
            var changed: [(entry: Int64, manifest: String?, removals: Bool)] = []
            while try ledger.step() {
                let entry = ledger.int64(0)
                guard let theirs = server[entry] else { continue }
                var hash: String?
                if ledger.int64(2) == 1 {
                    let hasher = SHA256Hasher()
                    let reader = try db.blobReader(table: "ledger", column: "removals", row: entry)
                    var piece: [UInt8] = []
                    while try reader.read(upTo: Self.removalsPiece, into: &piece) > 0 {
                        hasher.update(piece)
                        piece.removeAll(keepingCapacity: true)
                    }
                    hash = hasher.finalize().hexString
                }
                if ledger.string(1) != theirs.manifest || hash != theirs.removals {
                    changed.append((entry, ledger.string(1), hash != nil))
                }
            }
            if !changed.isEmpty {
                try connection.execute("CREATE TEMP TABLE listwash_removals (entry bigint, removals bytea) ON COMMIT DROP")
            }
            for (entry, manifest, hasRemovals) in changed {
                _ = try connection.query("UPDATE ledger SET manifest = $2, removals = NULL WHERE entry = $1", [String(entry), manifest])
                guard hasRemovals else { continue }
                try connection.execute("TRUNCATE listwash_removals")
                let reader = try db.blobReader(table: "ledger", column: "removals", row: entry)
                try connection.copyIn("COPY listwash_removals (entry, removals) FROM STDIN") { writer in
                    try writer.write("\(entry)\t\\\\x".utf8)  // the number, a tab, \\x: bytea's hex form, its backslash escaped
                    var piece: [UInt8] = []
                    while try reader.read(upTo: Self.removalsPiece, into: &piece) > 0 {
                        try writer.writeHex(piece)
                        piece.removeAll(keepingCapacity: true)
                    }
                    try writer.endRow()
                }
                try connection.execute("UPDATE ledger l SET removals = t.removals FROM listwash_removals t WHERE l.entry = t.entry")
            }
            let log = try db.prepare("SELECT entry, at, action, detail FROM lifecycle_log ORDER BY entry")
            while try log.step() {
                _ = try connection.query("""
                    INSERT INTO lifecycle_log (entry, at, action, detail) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (entry) DO UPDATE SET detail = excluded.detail
                    """, [String(log.int64(0)), String(log.int64(1)), log.string(2), log.string(3)])
            }
            try connection.execute("DELETE FROM forgotten")
            let forgotten = try db.prepare("SELECT hash, forgotten_at FROM forgotten")
            while try forgotten.step() {
                _ = try connection.query("INSERT INTO forgotten (hash, forgotten_at) VALUES (decode($1, 'hex'), $2)",
                                         [Array(forgotten.bytes(0)).hexString, String(forgotten.int64(1))])
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        if changes.deleted > 0 || changes.rewritten > 0 {
            try connection.execute("VACUUM events, ledger, lifecycle_log")
        }
        return changes
    }

    // MARK: Helpers

    /// FNV-1a over everything an event says and its classifier: what ``writeBack()`` compares.
    static func fingerprint(_ e: EventRecord, classifier: Int64) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ s: String?) {
            guard var s else { h = (h ^ 0xFF) &* 0x100_0000_01b3; return }
            s.withUTF8 { for b in $0 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
            h = (h ^ 0xFE) &* 0x100_0000_01b3
        }
        add(e.addressKey); add(e.address); add(String(e.timestamp)); add(e.type.rawValue)
        add(e.replyCode.map { String($0) }); add(e.enhancedCode); add(e.diagnostic); add(e.reason)
        add(e.kind?.rawValue); add(e.rule); add(e.providerVerdict); add(e.source); add(e.messageIdentity)
        add(String(classifier))
        return h
    }
}
