/// The history's schema, step by step: every migration ever shipped, in order, with the code
/// each runs as it was on the day it shipped.
extension HistoryStore {
    /// Named migrations, applied in order, never edited once shipped. Each is self-contained:
    /// its SQL and the code it runs are as of the day it shipped (``Migration0002``,
    /// ``Migration0003``), and none calls today's writers or types, so changing those never
    /// changes what an old history migrates to (pinned by `HistoryRunsTests`).
    ///
    /// The comments inside the SQL are stored in the history's schema (`sqlite_master`) and
    /// stay as shipped, so they describe the columns as of their migration: since
    /// `0003-event-blocks` an entry's "events rowid" is the event's number (block << 6 | slot),
    /// since `0004-compact-blocks` new blocks are stored in ``CompactBlock``'s form, since
    /// `0005-grouped-runs` a run's row may hold a group of addresses (``RunGroup``), and since
    /// `0006-message-identity` entries may be 36 bytes (``RunLayout/groupedWithMessages``).
    /// `0007-run-ledger` adds the ``RunLedger``; `0008-lifecycle` the operator's events;
    /// `0009-erasure` the erasure secret and the forgotten addresses' hashes (``Migration0009``);
    /// `0010-compressed-blocks` the dictionaries of ``CompressedBlock``s; since `0011-compact-runs`
    /// runs are written in ``RunLayout/compact``.
    static let migrations: [(name: String, apply: @Sendable (SQLiteConnection) throws -> Void)] = [
        // One B-tree clustered by address and time, merged into in key order.
        ("0001-events", { db in
            try db.execute("""
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
                """)
        }),
        // Events appended in arrival order (an ingest writes at the end of the file, whatever
        // the history's size), and per-address summaries in sorted runs that `clean` reads
        // instead of the events: 32 bytes an event (see ``AddressEntry``).
        ("0002-address-runs", { db in
            try db.execute("""
                ALTER TABLE events RENAME TO events_v1;
                CREATE TABLE events (
                    id BLOB NOT NULL,                 -- first 16 bytes of SHA-256 of the event's identity
                    ts INTEGER NOT NULL,              -- Unix seconds, UTC
                    address TEXT NOT NULL,            -- trimmed, domain lower-cased, local part as received
                    type TEXT NOT NULL,               -- bounce | delivered | complaint | unsubscribe
                    kind TEXT,                        -- hard | soft | sender | ignore, for bounces
                    reason TEXT NOT NULL,             -- classifier reason (sisimai vocabulary) or the event type
                    reply_code INTEGER,               -- basic SMTP reply code
                    enhanced_code TEXT,               -- RFC 3463 status
                    diagnostic TEXT NOT NULL,         -- the remote reply or provider text
                    rule TEXT NOT NULL,               -- the classifier rule that decided
                    provider_verdict TEXT,            -- the provider's own verdict, for the audit
                    source TEXT NOT NULL              -- file:line or file <message-id>
                );
                -- One row per address and run: the address's events of that run, packed, in time order.
                CREATE TABLE address_runs (
                    run INTEGER NOT NULL,
                    address_key TEXT NOT NULL,        -- trimmed, lower-cased: the grouping key
                    entries BLOB NOT NULL,            -- 32 bytes an event: ts, id, events rowid, type/kind, reason code
                    PRIMARY KEY (run, address_key)
                ) WITHOUT ROWID;
                CREATE TABLE runs (run INTEGER PRIMARY KEY, events INTEGER NOT NULL, addresses INTEGER NOT NULL);
                CREATE TABLE reasons (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                INSERT INTO events (id, ts, address, type, kind, reason, reply_code, enhanced_code, diagnostic, rule, provider_verdict, source)
                    SELECT id, ts, address, type, kind, reason, reply_code, enhanced_code, diagnostic, rule, provider_verdict, source
                    FROM events_v1 ORDER BY address_key, ts, id;
                DROP TABLE events_v1;
                """)
            try Migration0002.firstRun(db)
        }),
        // Events stored in blocks of 64 (see ``EventBlock``): an ingest writes one row per 64
        // events. Each event keeps its rowid as its number, so the runs' entries stay valid.
        ("0003-event-blocks", { db in
            try db.execute("""
                CREATE TABLE event_blocks (
                    block INTEGER PRIMARY KEY,        -- event number >> 6
                    events BLOB NOT NULL              -- up to 64 events, packed (see EventBlock)
                );
                """)
            try Migration0003.copyIntoBlocks(db)
            try db.execute("DROP TABLE events")
        }),
        // Blocks are stored in a compact form from here on (see ``CompactBlock``: about 55% of
        // the bytes). Blocks stored before keep the expanded form and are read as they are, so
        // nothing is converted; the migration marks the file, so that a listwash from before
        // it refuses the history as newer instead of taking a compact block for a damaged one.
        ("0004-compact-blocks", { _ in }),
        // Runs written from here on hold up to 16 addresses a row (see ``RunLayout``); the
        // runs written before keep one row per address, and `layout` tells the two apart.
        ("0005-grouped-runs", { db in
            try db.execute("ALTER TABLE runs ADD COLUMN layout INTEGER NOT NULL DEFAULT 1")
        }),
        // Converts nothing: from here on blocks are written with each event's message identity
        // (marker 0xD3) and runs in layout 3 (36-byte entries ending in the message's hash).
        // `classifications` records what classified the events: each ingest's blocks, or the
        // whole history after a reclassify.
        ("0006-message-identity", { db in
            try db.execute("""
                CREATE TABLE classifications (
                    first_block INTEGER NOT NULL,     -- the first event block classified so
                    last_block INTEGER NOT NULL,      -- the last one
                    classifier TEXT NOT NULL,         -- the built-in classifier's version (listwash version and table digest)
                    rules TEXT NOT NULL,              -- digest of the policy's rules and classification settings
                    classified_at INTEGER NOT NULL,   -- Unix seconds, UTC
                    PRIMARY KEY (first_block)
                )
                """)
        }),
        // The run ledger: every clean and ingest, with its manifest, so runs can be listed and
        // compared (see ``RunLedger``). Nothing earlier changes.
        ("0007-run-ledger", { db in
            try db.execute("""
                CREATE TABLE ledger (
                    entry INTEGER PRIMARY KEY,        -- 1, 2, … in the order the runs finished
                    command TEXT NOT NULL,            -- clean | ingest
                    recorded_at INTEGER NOT NULL,     -- Unix seconds, UTC, when the run finished
                    as_of INTEGER,                    -- clean: its as-of time, Unix seconds; ingest: null
                    last_block INTEGER NOT NULL,      -- max(event_blocks.block) the run saw: later blocks came after it
                    outcome TEXT NOT NULL,            -- clean: written | refused | forced; ingest: added
                    manifest TEXT NOT NULL,           -- clean: its manifest.json as written; ingest: a JSON summary of its files
                    removals BLOB                     -- clean: the removed address keys and rules, packed and sorted; ingest: null
                );
                """)
        }),
        // Converts nothing: `lifecycle_log` records what was done to the history other than
        // ingesting (a retracted file), without personal data; from here on an operator's
        // events (`allow`, `suppress`) may be stored, their entries' type in flags bits 6–7,
        // which an older listwash would misread as bounces (this migration's name stops it).
        ("0008-lifecycle", { db in
            try db.execute("""
                CREATE TABLE lifecycle_log (
                    entry INTEGER PRIMARY KEY,        -- in the order done
                    at INTEGER NOT NULL,              -- Unix seconds, UTC
                    action TEXT NOT NULL,             -- retract
                    detail TEXT NOT NULL              -- what it applied to and what it changed, no addresses
                )
                """)
        }),
        // `secret` (the history's erasure secret, 32 random bytes) and `forgotten` (the keyed
        // hashes `listwash forget` keeps); converts nothing.
        ("0009-erasure", { db in try Migration0009.apply(db) }),
        // Converts nothing: blocks are written compressed from here on (see ``CompressedBlock``:
        // about a quarter of the compact form's bytes), against dictionaries kept here; blocks
        // stored before keep their form and are read as they are. An older listwash cannot
        // read the new blocks, which this migration's name stops it from trying.
        ("0010-compressed-blocks", { db in
            try db.execute("""
                CREATE TABLE block_dictionaries (
                    dictionary INTEGER PRIMARY KEY,   -- in the order made; writers use the newest
                    bytes BLOB NOT NULL               -- zstd raw-content dictionary; blocks name it by the first 8 bytes of its SHA-256
                )
                """)
        }),
        // Converts nothing: runs are written in layout 4 from here on (``RunLayout/compact``:
        // each address's entries packed, times and numbers as varint differences, about 25
        // bytes an entry instead of 36); runs written before keep their layout and are read
        // as they are, and compactions rewrite them. An older listwash cannot read the new
        // runs, which this migration's name stops it from trying.
        ("0011-compact-runs", { _ in }),
    ]
}

/// Migration `0002-address-runs`'s own code, as it shipped: the rows copied in key order become
/// run 1, one `address_runs` row per address (the layout later called ``RunLayout/perAddress``),
/// each event's entry 32 bytes, little-endian: `ts:8 id:16 rowid:6 flags:1 reason:1`, flags
/// bits 0–1 the type (bounce 0, delivered 1, complaint 2, unsubscribe 3), bits 2–4 the kind
/// (none 0, hard 1, soft 2, sender 3, ignore 4), bit 5 set when the address differs from its
/// key; reasons numbered from 0 in the order first met, in `reasons`.
enum Migration0002 {
    static func firstRun(_ db: SQLiteConnection) throws {
        let select = try db.prepare("SELECT rowid, id, ts, address, type, kind, reason FROM events ORDER BY rowid")
        let insertRow = try db.prepare("INSERT INTO address_runs (run, address_key, entries) VALUES (1, ?1, ?2)")
        let insertReason = try db.prepare("INSERT INTO reasons (code, name) VALUES (?1, ?2)")
        var reasons: [String: UInt8] = [:]
        var key: [UInt8] = []
        var entries: [UInt8] = []
        var events: Int64 = 0
        var addresses: Int64 = 0
        func writeRow() throws {
            guard !entries.isEmpty else { return }
            insertRow.reset()
            insertRow.bindText(1, key)
            insertRow.bind(2, entries)
            _ = try insertRow.step()
            addresses += 1
            entries.removeAll(keepingCapacity: true)
        }
        while try select.step() {
            let address = select.bytes(3)
            // The key: the address with A–Z lower-cased.
            let lower = address.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            if lower != key {
                try writeRow()
                key = lower
            }
            let type = select.bytes(4), kind = select.bytes(5)
            let typeCode: UInt8
            switch (type.count, type.first) {
            case (6, UInt8(ascii: "b")?): typeCode = 0
            case (9, UInt8(ascii: "d")?): typeCode = 1
            case (9, UInt8(ascii: "c")?): typeCode = 2
            case (11, UInt8(ascii: "u")?): typeCode = 3
            default: continue
            }
            let kindCode: UInt8
            switch (kind.count, kind.first) {
            case (4, UInt8(ascii: "h")?): kindCode = 1
            case (4, UInt8(ascii: "s")?): kindCode = 2
            case (6, UInt8(ascii: "s")?): kindCode = 3
            case (6, UInt8(ascii: "i")?): kindCode = 4
            default: kindCode = 0
            }
            let name = String(decoding: select.bytes(6), as: UTF8.self)
            let reason: UInt8
            if let code = reasons[name] {
                reason = code
            } else {
                guard reasons.count < 256 else {
                    throw HistoryError.sqlite(path: db.path, code: 1, message: "more than 256 distinct reasons")
                }
                reason = UInt8(reasons.count)
                insertReason.reset()
                insertReason.bind(1, Int64(reason))
                insertReason.bind(2, name)
                _ = try insertReason.step()
                reasons[name] = reason
            }
            entries.append(littleEndian: select.int64(2))
            let id = select.bytes(1)
            if id.count >= 16 {
                entries.append(contentsOf: id.prefix(16))
            } else {
                entries.append(contentsOf: repeatElement(0, count: 16))
            }
            let rowid = UInt64(bitPattern: select.int64(0))
            for i in 0..<6 { entries.append(UInt8(truncatingIfNeeded: rowid >> (8 * UInt64(i)))) }
            entries.append(typeCode | kindCode << 2 | (address.elementsEqual(lower) ? 0 : 0x20))
            entries.append(reason)
            events += 1
        }
        try writeRow()
        guard events > 0 else { return }
        let insertRun = try db.prepare("INSERT INTO runs (run, events, addresses) VALUES (1, ?1, ?2)")
        insertRun.bind(1, events)
        insertRun.bind(2, addresses)
        _ = try insertRun.step()
    }
}

/// Migration `0003-event-blocks`'s own code, as it shipped: the events' rows copied into
/// blocks of 64 by rowid (block = rowid >> 6, slot = rowid & 63), each block's events back to
/// back in slot order, each `slot:u8 length:u32` (of what follows) `id:16 ts:i64
/// reply_code:i64` (Int64.min: none), then its nine strings, each `length:u32` (0xFFFF_FFFF:
/// null) and bytes, in the SELECT's order. Integers little-endian.
enum Migration0003 {
    static func copyIntoBlocks(_ db: SQLiteConnection) throws {
        let select = try db.prepare("""
            SELECT rowid, id, ts, reply_code, address, type, kind, reason, enhanced_code, diagnostic, rule, provider_verdict, source
            FROM events ORDER BY rowid
            """)
        let insert = try db.prepare("INSERT INTO event_blocks (block, events) VALUES (?1, ?2)")
        var block: Int64 = -1
        var bytes: [UInt8] = []
        func write() throws {
            guard !bytes.isEmpty else { return }
            insert.reset()
            insert.bind(1, block)
            insert.bind(2, bytes)
            _ = try insert.step()
            bytes.removeAll(keepingCapacity: true)
        }
        while try select.step() {
            let rowid = select.int64(0)
            if rowid >> 6 != block {
                try write()
                block = rowid >> 6
            }
            bytes.append(UInt8(rowid & 63))
            let lengthAt = bytes.count
            bytes.append(contentsOf: [0, 0, 0, 0])
            let id = select.bytes(1)
            bytes.append(contentsOf: id.prefix(16))
            bytes.append(contentsOf: repeatElement(0, count: 16 - min(id.count, 16)))
            bytes.append(littleEndian: select.int64(2))
            bytes.append(littleEndian: select.isNull(3) ? Int64.min : select.int64(3))
            for column in Int32(4)...12 {
                if select.isNull(column) {
                    bytes.append(littleEndian: UInt32.max)
                } else {
                    let text = select.bytes(column)
                    bytes.append(littleEndian: UInt32(text.count))
                    bytes.append(contentsOf: text)
                }
            }
            let length = UInt32(bytes.count - lengthAt - 4)
            for i in 0..<4 { bytes[lengthAt + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
        }
        try write()
    }
}
