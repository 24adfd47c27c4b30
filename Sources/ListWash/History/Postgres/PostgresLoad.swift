import Foundation

extension PostgresHistory {
    /// One file's events on their way into a PostgreSQL history (``PostgresHistory/beginLoad(classifiedBy:)``),
    /// as ``HistoryStore/Load`` is for the SQLite store: `ingest`'s storing stage hands it the
    /// reading stage's batches, each sent with `COPY` into a temporary staging table inside one
    /// transaction, and ``commit()`` moves them into `events` with one
    /// `INSERT … ON CONFLICT DO NOTHING`. A file is added whole or not at all: a worker killed
    /// before the commit leaves its transaction to the server, which rolls it back.
    public final class Load {
        let history: PostgresHistory
        private let classifierID: String?
        private(set) var staged = 0
        private var open = true

        init(history: PostgresHistory, classifiedBy: ClassificationIdentity?) throws {
            self.history = history
            let connection = history.connection
            try connection.execute("BEGIN")
            do {
                // Ingests only add: they share the writers' lock, which a lifecycle command
                // takes alone while it reads the history and writes its changes back.
                try connection.execute("SELECT pg_advisory_xact_lock_shared(\(PostgresSchema.writersLock))")
                classifierID = try classifiedBy.map { try history.classifierID($0) }
                try connection.execute(PostgresSchema.stagingTable)
            } catch {
                try? connection.execute("ROLLBACK")
                open = false
                throw error
            }
        }

        deinit { if open { abandon() } }

        /// Sends events to the staging table.
        public func stage(_ events: [EventRecord]) throws {
            guard !events.isEmpty else { return }
            try history.connection.copyIn("COPY staging_events (\(PostgresSchema.copyColumns)) FROM STDIN") { writer in
                for event in events { try PostgresSchema.writeRow(event, to: &writer) }
            }
            staged += events.count
        }

        /// Sends a packed batch (``EventBatch``, as `ingest`'s reading stage makes them).
        func stage(_ batch: EventBatch) throws {
            guard !batch.isEmpty else { return }
            try history.connection.copyIn("COPY staging_events (\(PostgresSchema.copyColumns)) FROM STDIN") { writer in
                for i in 0..<batch.count {
                    guard let event = batch.record(i) else { continue }
                    try PostgresSchema.writeRow(event, to: &writer)
                    staged += 1
                }
            }
        }

        /// Adds the staged events that are not stored yet and commits; returns how many were
        /// new and how many repeated an event already stored or staged earlier in the load.
        public func commit() throws -> (new: Int, duplicate: Int) {
            guard open else { throw PostgresError.unexpected(server: history.server, what: "a load committed twice") }
            open = false
            let connection = history.connection
            do {
                // One load at a time moves its rows into `events`, in file order: the rows'
                // numbers then follow the order loads commit in (a clean's snapshot sees every
                // number below its highest, which the ledger's `last_event_no` relies on), and
                // two loads of overlapping events cannot deadlock on each other's rows. Their
                // `COPY`s, most of a load's time, still run at once.
                try connection.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.writersLock + 2))")
                let inserted = try connection.query("""
                    WITH added AS (
                        INSERT INTO events (\(PostgresSchema.copyColumns), classifier_id)
                        SELECT address_key, event_id, to_timestamp(occurred_at), address, type, reason, kind, rule,
                               reply_code, enhanced_code, diagnostic, provider_verdict, source, message_id, message_hash,
                               $1::integer
                        FROM staging_events
                        ON CONFLICT DO NOTHING
                        RETURNING 1)
                    SELECT count(*) FROM added
                    """, [classifierID])
                try connection.execute("COMMIT")
                let new = Int(inserted.first?.first.flatMap { $0 }.flatMap { Int($0) } ?? 0)
                return (new, staged - new)
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }

        /// Rolls the load back (nothing of it stays).
        public func abandon() {
            guard open else { return }
            open = false
            try? history.connection.execute("ROLLBACK")
        }
    }

    /// Starts adding one file's events (see ``Load``).
    public func beginLoad(classifiedBy: ClassificationIdentity?) throws -> Load {
        try Load(history: self, classifiedBy: classifiedBy)
    }

    /// The `classifiers` row of `identity`, made when missing (inside the caller's transaction).
    func classifierID(_ identity: ClassificationIdentity) throws -> String {
        let rows = try connection.query("""
            WITH made AS (
                INSERT INTO classifiers (classifier, rules) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING classifier_id)
            SELECT classifier_id FROM made
            UNION ALL SELECT classifier_id FROM classifiers WHERE classifier = $1 AND rules = $2
            """, [identity.classifier, identity.rules])
        // A worker that made the row at the same moment committed after this statement's
        // snapshot: the row is there for the next statement.
        let found = rows.isEmpty
            ? try connection.query("SELECT classifier_id FROM classifiers WHERE classifier = $1 AND rules = $2",
                                   [identity.classifier, identity.rules])
            : rows
        guard let id = found.first?.first ?? nil else {
            throw PostgresError.unexpected(server: server, what: "no classifier row")
        }
        return id
    }
}
