/// The PostgreSQL history's tables (docs/history-postgres.md), built by versioned
/// migrations as the SQLite store's are, and the text form of `COPY` its rows travel in.
enum PostgresSchema {
    struct Migration {
        let name: String
        let sql: String
    }

    /// Applied in order, each once, each in its own transaction; never edited once shipped.
    static let migrations: [Migration] = [
        Migration(name: "0001-events", sql: """
            CREATE TABLE events (
                -- The matching key (the address with its local part lower-cased): what every
                -- read groups by, and the column a Citus cluster distributes the table by.
                address_key      text        NOT NULL,
                -- The event's deterministic id (16 bytes of SHA-256 over what it says):
                -- the same event from two files or two workers is stored once.
                event_id         bytea       NOT NULL CHECK (length(event_id) = 16),
                occurred_at      timestamptz NOT NULL,
                -- The address as received (domain lower-cased, local part as written).
                address          text        NOT NULL,
                type             text        NOT NULL CHECK (type IN ('bounce', 'delivered', 'complaint', 'unsubscribe', 'allow', 'suppress')),
                reason           text        NOT NULL,
                kind             text        CHECK (kind IN ('hard', 'soft', 'sender', 'ignore')),
                rule             text        NOT NULL,
                reply_code       smallint,
                enhanced_code    text,
                diagnostic       text        NOT NULL,
                provider_verdict text,
                source           text        NOT NULL,
                message_id       text,
                -- The message identity's 32-bit hash (as a signed integer), which the policy
                -- counts attempts by; 0 without an identity.
                message_hash     integer     NOT NULL DEFAULT 0,
                -- A number for the event's row, for the audit's evidence.
                event_no         bigint      GENERATED ALWAYS AS IDENTITY,
                ingested_at      timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (address_key, occurred_at, event_id)
            );
            CREATE INDEX events_occurred_at ON events USING brin (occurred_at);
            """),
        // What the commands beside ingest and clean keep, as the SQLite store keeps it: which
        // classifier classified each event, the run ledger, the lifecycle log, the erasure
        // secret and the forgotten addresses' keyed hashes. Event numbers stand where the
        // SQLite store has block numbers (`last_event_no`).
        Migration(name: "0002-shared-tables", sql: """
            CREATE TABLE classifiers (
                classifier_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                classifier    text NOT NULL,     -- the built-in classifier's version (listwash version and table digest)
                rules         text NOT NULL,     -- digest of the policy's rules and classification settings
                UNIQUE (classifier, rules)
            );
            -- Null: an operator's event (allow, suppress), which no classifier classified.
            ALTER TABLE events ADD COLUMN classifier_id integer REFERENCES classifiers;
            CREATE TABLE ledger (
                entry         bigint PRIMARY KEY,  -- 1, 2, … in the order the runs finished
                command       text   NOT NULL,     -- clean | ingest
                recorded_at   bigint NOT NULL,     -- Unix seconds, UTC, when the run finished
                as_of         bigint,              -- clean: its as-of time; ingest: null
                last_event_no bigint NOT NULL,     -- the highest event_no the run saw: later rows came after it
                outcome       text   NOT NULL,     -- clean: written | refused | forced; ingest: added
                manifest      text   NOT NULL,     -- clean: its manifest.json as written; ingest: a JSON summary
                removals      bytea                -- clean: the removed address keys and rules, packed and sorted
            );
            CREATE TABLE lifecycle_log (
                entry  bigint PRIMARY KEY,
                at     bigint NOT NULL,            -- Unix seconds, UTC
                action text   NOT NULL,            -- retract | prune | forget
                detail text   NOT NULL             -- what it applied to and what it changed, no addresses
            );
            CREATE TABLE secret (
                purpose    text   PRIMARY KEY,     -- erasure
                value      bytea  NOT NULL,        -- 32 random bytes
                created_at bigint NOT NULL
            );
            -- The order the commands read the events in (docs/history-postgres.md, "mirrored"):
            -- an index scan instead of a sort of the table.
            CREATE UNIQUE INDEX events_event_no ON events (event_no);
            CREATE TABLE forgotten (
                hash         bytea  PRIMARY KEY,   -- HMAC-SHA-256 of the address key under the erasure secret
                forgotten_at bigint NOT NULL
            );
            """),
        // Keys compare byte by byte, the order every read asks for (`ORDER BY address_key
        // COLLATE "C"`, the SQLite store's order): the primary key's index then gives the
        // reads their order (an index-only scan for a clean's fingerprint, instead of a sort
        // of the table), and its upkeep compares bytes instead of the locale's rules.
        // Rewrites the table once.
        Migration(name: "0003-keys-in-byte-order", sql: """
            ALTER TABLE events ALTER COLUMN address_key TYPE text COLLATE "C";
            """),
    ]

    /// The advisory lock every writer takes: shared by ingests and ledger rows (they only add),
    /// exclusive for a lifecycle command (forget, retract, prune, reclassify, allow, suppress),
    /// which reads the history and writes back what it changed.
    static let writersLock: Int64 = 7310852161349625394

    /// The columns `COPY` fills, in ``writeRow(_:to:)``'s order.
    static let copyColumns = "address_key, event_id, occurred_at, address, type, reason, kind, rule, reply_code, enhanced_code, diagnostic, provider_verdict, source, message_id, message_hash"

    /// Where one transaction's events land before they join `events`: the `COPY` columns,
    /// with the time as epoch seconds.
    static let stagingTable = """
        CREATE TEMP TABLE staging_events (
            address_key text, event_id bytea, occurred_at bigint, address text, type text, reason text, kind text,
            rule text, reply_code smallint, enhanced_code text, diagnostic text, provider_verdict text, source text,
            message_id text, message_hash integer, classifier_id integer) ON COMMIT DROP
        """

    /// Creates or checks the tables. With `create`, missing migrations are applied under an
    /// advisory lock (workers that start together apply each once); without it, a history
    /// that needs a migration is an error, as for SQLite.
    static func prepare(_ connection: PostgresConnection, create: Bool) throws {
        let lock = "SELECT pg_advisory_xact_lock(7310852161349625393)"  // "listwash" as a key
        if create {
            try connection.execute("BEGIN; \(lock); CREATE TABLE IF NOT EXISTS listwash_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); COMMIT")
        }
        let applied: [String]
        do {
            applied = try connection.query("SELECT name FROM listwash_migrations ORDER BY name").compactMap { $0.first ?? nil }
        } catch {
            throw PostgresError.statement(server: connection.server, sqlState: "42P01", message: "not a listwash history (run 'listwash ingest' once)")
        }
        let known = Set(migrations.map(\.name))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw PostgresError.statement(server: connection.server, sqlState: "", message: "written by a newer listwash (unknown migration '\(unknown)')")
        }
        let missing = migrations.filter { !applied.contains($0.name) }
        guard !missing.isEmpty else { return }
        guard create else {
            throw PostgresError.statement(server: connection.server, sqlState: "", message: "history needs migrating: run 'listwash ingest' once")
        }
        for migration in missing {
            try connection.execute("BEGIN; \(lock)")
            do {
                // Another worker may have applied it while this one waited for the lock.
                if try connection.query("SELECT 1 FROM listwash_migrations WHERE name = $1", [migration.name]).isEmpty {
                    try connection.execute(migration.sql)
                    _ = try connection.query("INSERT INTO listwash_migrations(name) VALUES ($1)", [migration.name])
                }
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// One event as a row of `COPY`'s text format (``copyColumns``; `occurred_at` as epoch
    /// seconds, which the staging table holds as a number).
    /// With `classifier` (``copyColumns`` and `classifier_id`), the classifier's id follows:
    /// `.some(nil)` is NULL.
    static func writeRow(_ event: EventRecord, classifier: Int64?? = nil, to writer: inout PostgresConnection.CopyWriter) throws {
        var row: [UInt8] = []
        row.reserveCapacity(256)
        func text(_ value: String?) {
            guard var value else { row.append(contentsOf: [0x5C, 0x4E]); return }
            value.withUTF8 { escape($0, into: &row) }
        }
        text(event.addressKey); row.append(0x09)
        row.append(contentsOf: [0x5C, 0x5C, 0x78])  // \\x: bytea's hex form, its backslash escaped
        for b in event.id { row.append(hexDigit(b >> 4)); row.append(hexDigit(b & 15)) }
        row.append(0x09)
        row.append(contentsOf: String(event.timestamp).utf8); row.append(0x09)
        text(event.address); row.append(0x09)
        text(event.type.rawValue); row.append(0x09)
        text(event.reason); row.append(0x09)
        text(event.kind?.rawValue); row.append(0x09)
        text(event.rule); row.append(0x09)
        text(event.replyCode.map { String($0) }); row.append(0x09)
        text(event.enhancedCode); row.append(0x09)
        text(event.diagnostic); row.append(0x09)
        text(event.providerVerdict); row.append(0x09)
        text(event.source); row.append(0x09)
        text(event.messageIdentity); row.append(0x09)
        row.append(contentsOf: String(Int32(bitPattern: MessageIdentity.hash(event.messageIdentity))).utf8)
        if let classifier {
            row.append(0x09)
            text(classifier.map { String($0) })
        }
        try writer.write(row)
        try writer.endRow()
    }

    /// `COPY` text escaping: backslash, tab, newline and carriage return; a NUL byte (which
    /// PostgreSQL's text cannot hold) becomes U+FFFD.
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into row: inout [UInt8]) {
        for b in bytes {
            switch b {
            case 0x5C: row.append(0x5C); row.append(0x5C)
            case 0x09: row.append(0x5C); row.append(0x74)
            case 0x0A: row.append(0x5C); row.append(0x6E)
            case 0x0D: row.append(0x5C); row.append(0x72)
            case 0x00: row.append(contentsOf: [0xEF, 0xBF, 0xBD])
            default: row.append(b)
            }
        }
    }

    /// The bytes of one field of `COPY`'s text output, its escapes undone.
    static func unescape(_ field: UnsafeRawBufferPointer.SubSequence) -> [UInt8] {
        guard field.contains(0x5C) else { return Array(field) }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var i = field.startIndex
        while i < field.endIndex {
            let b = field[i]
            i += 1
            guard b == 0x5C, i < field.endIndex else { out.append(b); continue }
            let e = field[i]
            i += 1
            switch e {
            case 0x74: out.append(0x09)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x76: out.append(0x0B)
            default: out.append(e)
            }
        }
        return out
    }

    /// A decimal integer field (with an optional minus sign).
    static func integer(_ field: UnsafeRawBufferPointer.SubSequence) -> Int64? {
        guard !field.isEmpty else { return nil }
        var i = field.startIndex
        let negative = field[i] == 0x2D
        if negative { i += 1 }
        guard i < field.endIndex else { return nil }
        var value: Int64 = 0
        while i < field.endIndex {
            let d = field[i] &- 0x30
            guard d < 10 else { return nil }
            value = value &* 10 &+ Int64(d)
            i += 1
        }
        return negative ? -value : value
    }

    /// An as-of time PostgreSQL's timestamps can hold (they end in the year 294276):
    /// later ones, such as "no limit", become the end of year 9999.
    static func clamped(_ asOf: Int64) -> Int64 { min(asOf, 253_402_300_799) }

    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x61 + v - 10 }

    /// The bytes of hexadecimal text (as `encode(…, 'hex')` gives them).
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i + 1 < digits.count {
            out.append(hexValue(digits[i]) << 4 | hexValue(digits[i + 1]))
            i += 2
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return 0
        }
    }
}
