import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// Writes one run in key order, in the ``RunLayout/current`` layout (groups of addresses,
/// ``RunGroup``, their entries packed, ``CompactEntries``), then its line in `runs`.
struct AddressRunWriter {
    let db: SQLiteConnection
    let run: Int64
    private(set) var events: Int64 = 0
    private var addresses: Int64 = 0
    private var blob: [UInt8] = []
    /// The group being filled: its first key and how many addresses it holds.
    private var firstKey: [UInt8] = []
    private var grouped = 0
    /// The time the next address's entries are written against (``CompactEntries``).
    private var base: Int64 = 0
    private var packed: [UInt8] = []
    private let insert: SQLiteStatement

    init(db: SQLiteConnection, run: Int64) throws {
        self.db = db
        self.run = run
        insert = try db.cached("INSERT INTO address_runs (run, address_key, entries) VALUES (?1, ?2, ?3)")
        blob.reserveCapacity(RunGroup.bytes + (4 << 10))
        packed.reserveCapacity(4 << 10)
    }

    /// One address and its entries (keys in increasing order).
    mutating func write(key: UnsafeRawBufferPointer, entries: [AddressEntry]) throws {
        guard !entries.isEmpty else { return }
        events += Int64(entries.count)
        addresses += 1
        if grouped == 0 {
            firstKey.removeAll(keepingCapacity: true)
            firstKey.append(contentsOf: key)
        }
        Varint.append(UInt64(key.count), to: &blob)
        blob.append(contentsOf: key)
        packed.removeAll(keepingCapacity: true)
        base = CompactEntries.encode(entries, base: base, into: &packed)
        Varint.append(UInt64(packed.count), to: &blob)
        blob.append(contentsOf: packed)
        grouped += 1
        if grouped == RunGroup.addresses || blob.count >= RunGroup.bytes { try writeGroup() }
    }

    private mutating func writeGroup() throws {
        guard grouped > 0 else { return }
        try firstKey.withUnsafeBytes { try writeRow(key: $0) }
        blob.removeAll(keepingCapacity: true)
        grouped = 0
        base = 0
    }

    /// One row of `blob` under `key`. Both are bound without a copy: SQLite reads them only
    /// during this call's one step (the statement is reset before it returns), while `key` is
    /// lent by the caller and `blob`, this writer's own, is not changed; one thread.
    private func writeRow(key: UnsafeRawBufferPointer) throws {
        insert.resetKeepingBindings()
        insert.bind(1, run)
        insert.bindTextNoCopy(2, key.bindMemory(to: UInt8.self))
        try blob.withUnsafeBytes { raw in
            insert.bindBlobNoCopy(3, raw)
            _ = try insert.step()
        }
        insert.reset()
    }

    /// Writes the last group and the run's line in `runs`.
    mutating func finish() throws {
        try writeGroup()
        let insert = try db.cached("INSERT INTO runs (run, events, addresses, layout) VALUES (?1, ?2, ?3, ?4)")
        insert.bind(1, run)
        insert.bind(2, events)
        insert.bind(3, addresses)
        insert.bind(4, RunLayout.current.rawValue)
        _ = try insert.step()
        insert.reset()
    }
}
