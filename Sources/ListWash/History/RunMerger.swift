/// One run's addresses in key order, whatever its layout: `key` and `entries` are views of
/// the statement's current row (SQLite's memory), valid until the next ``advance()``.
final class RunCursor: MergeSource {
    private let select: SQLiteStatement
    let layout: RunLayout
    private let run: Int64
    private let path: String
    private(set) var isLive = false
    private(set) var key = UnsafeRawBufferPointer(start: nil, count: 0)
    private(set) var entries = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The time the current address's entries are decoded against (``CompactEntries``).
    private var base: Int64 = 0
    /// In a group, where the next address starts, and the time its entries are decoded against.
    private var next = 0
    private var nextBase: Int64 = 0

    init(db: SQLiteConnection, run: Int64, layout: RunLayout) throws {
        select = try db.prepare("SELECT address_key, entries FROM address_runs WHERE run = ?1 ORDER BY address_key")
        select.bind(1, run)
        self.layout = layout
        self.run = run
        path = db.path
        try step()
    }

    func advance() throws {
        if layout.isGrouped, next < select.bytes(1).count {
            return try take()
        }
        try step()
    }

    private func step() throws {
        isLive = try select.step()
        guard isLive else { return }
        if layout.isGrouped {
            next = 0
            nextBase = 0
            try take()
        } else {
            key = select.bytes(0)
            entries = select.bytes(1)
        }
    }

    private func take() throws {
        do {
            let member = try RunGroup.member(of: select.bytes(1), at: next, layout: layout, base: nextBase)
            (key, entries, base, next, nextBase) = (member.key, member.entries, member.base, member.next, member.nextBase)
        } catch {
            throw damaged()
        }
    }

    /// Appends the current address's entries to `into`.
    func decode(into out: inout [AddressEntry]) throws {
        do { try RunGroup.decode(entries, layout: layout, base: base, into: &out) } catch { throw damaged() }
    }

    private func damaged() -> HistoryError {
        HistoryError.sqlite(path: path, code: 11, message: "address run \(run) is damaged")
    }
}

/// Reads several runs at once in key order, giving each key's entries from every run together
/// (a ``KWayMerge`` of one ``RunCursor`` per run).
final class RunMerger {
    private var merge: KWayMerge<RunCursor>

    init(db: SQLiteConnection, runs: [(run: Int64, layout: RunLayout)]) throws {
        merge = KWayMerge(try runs.map { try RunCursor(db: db, run: $0.run, layout: $0.layout) })
    }

    /// The next key in key order and its entries from every run (run by run, oldest first);
    /// false when every run is read. Entries are appended to `entries` after it is emptied.
    func next(key out: inout [UInt8], entries: inout [AddressEntry], runsContributing: inout Int) throws -> Bool {
        entries.removeAll(keepingCapacity: true)
        var contributing = 0
        guard try merge.nextGroup(key: &out, { cursor in
            try cursor.decode(into: &entries)
            contributing += 1
        }) else { return false }
        runsContributing = contributing
        return true
    }
}
