import Foundation

/// `listwash retract`: takes out of the history every event one ingested file brought in.
extension HistoryStore {
    /// What a retraction did.
    public struct RetractSummary: Sendable, Equatable {
        /// Events removed.
        public var events = 0
        /// Event blocks rewritten, and those left empty and deleted.
        public var blocksRewritten = 0
        public var blocksDeleted = 0
        /// Addresses taken out of a run because none of their events there is left (an address
        /// with events in several runs counts once in each).
        public var runAddressesRemoved = 0
    }

    /// Whether a stored source (`file:line`, `file <message-id>` or `file`) names `file`.
    static func source(_ stored: UnsafeRawBufferPointer, isFrom file: [UInt8]) -> Bool {
        guard stored.count >= file.count, stored.starts(with: file) else { return false }
        if stored.count == file.count { return true }
        let rest = stored[(stored.startIndex + file.count)...]
        if rest.first == UInt8(ascii: " "), rest.dropFirst().first == UInt8(ascii: "<") { return true }
        guard rest.first == UInt8(ascii: ":"), rest.count > 1 else { return false }
        return rest.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Removes every event whose source is the file `file` (as `ingest` was given it, which the
    /// audit's `source` shows), in one transaction: its events leave their blocks (a block left
    /// empty is deleted) and their entries leave the runs, and `lifecycle_log` records the
    /// retraction (the file's name and the counts). A file that brought no event changes
    /// nothing and is recorded nowhere.
    /// - Complexity: one read of every block and every run row; writes only what changed.
    public func retract(source file: String) throws -> RetractSummary {
        var summary = RetractSummary()
        let wanted = Array(file.utf8)
        try db.transaction {
            runsCache = nil
            let rewrite = try rewriteEventBlocks { slot, raw, out in
                let row = try EventRow(raw)
                if Self.source(row.source, isFrom: wanted) { return false }
                EventBlock.append(slot: slot, event: raw, to: &out)
                return true
            }
            let removed = rewrite.removed
            summary.blocksRewritten = rewrite.rewritten
            summary.blocksDeleted = rewrite.deleted
            guard !removed.isEmpty else { return }
            summary.events = removed.count
            summary.runAddressesRemoved = try removeRunEntries(removed)
            let log = try db.cached("INSERT INTO lifecycle_log (at, action, detail) VALUES (?1, 'retract', ?2)")
            defer { log.reset() }
            log.bind(1, Int64(Date().timeIntervalSince1970))
            log.bind(2, "source \(file): \(summary.events) events removed")
            _ = try log.step()
        }
        return summary
    }

    /// Takes the entries of the events `numbers` out of every run; a row's group is written
    /// again without them (under its new first key when its first address left), a run's
    /// counts follow, and a run left empty is deleted. Returns how many addresses left a run.
    func removeRunEntries(_ numbers: Set<Int64>) throws -> Int {
        var emptied = 0
        for (run, _, layout) in try runs() {
            let select = try db.prepare("SELECT address_key, entries FROM address_runs WHERE run = ?1 ORDER BY address_key")
            select.bind(1, run)
            var rewrites: [(oldKey: [UInt8], members: [(key: [UInt8], entries: [AddressEntry])])] = []
            var removedEvents = 0, removedAddresses = 0
            while try select.step() {
                let oldKey = Array(select.bytes(0))
                var members: [(key: [UInt8], entries: [AddressEntry], removed: Int)] = []
                do {
                    for member in try RunGroup.decodeRow(select.bytes(1), rowKey: select.bytes(0), layout: layout) {
                        let kept = member.entries.filter { !numbers.contains($0.event) }
                        members.append((member.key, kept, member.entries.count - kept.count))
                    }
                } catch {
                    throw HistoryError.sqlite(path: path, code: 11, message: "address run \(run) is damaged")
                }
                let removedHere = members.reduce(0) { $0 + $1.removed }
                guard removedHere > 0 else { continue }
                removedEvents += removedHere
                removedAddresses += members.filter { $0.entries.isEmpty }.count
                rewrites.append((oldKey, members.filter { !$0.entries.isEmpty }.map { ($0.key, $0.entries) }))
            }
            select.reset()
            guard removedEvents > 0 else { continue }
            let deleteRow = try db.cached("DELETE FROM address_runs WHERE run = ?1 AND address_key = ?2")
            let insertRow = try db.cached("INSERT INTO address_runs (run, address_key, entries) VALUES (?1, ?2, ?3)")
            for rewrite in rewrites {
                deleteRow.reset()
                deleteRow.bind(1, run)
                deleteRow.bindText(2, rewrite.oldKey)
                _ = try deleteRow.step()
                deleteRow.reset()
                guard let first = rewrite.members.first else { continue }
                let blob = RunGroup.encodeRow(rewrite.members, layout: layout)
                insertRow.reset()
                insertRow.bind(1, run)
                insertRow.bindText(2, first.key)
                insertRow.bind(3, blob)
                _ = try insertRow.step()
                insertRow.reset()
            }
            let counts = try db.cached("UPDATE runs SET events = events - ?2, addresses = addresses - ?3 WHERE run = ?1")
            counts.reset()
            counts.bind(1, run)
            counts.bind(2, Int64(removedEvents))
            counts.bind(3, Int64(removedAddresses))
            _ = try counts.step()
            counts.reset()
            emptied += removedAddresses
        }
        try db.execute("DELETE FROM address_runs WHERE run IN (SELECT run FROM runs WHERE events <= 0)")
        try db.execute("DELETE FROM runs WHERE events <= 0")
        return emptied
    }

    /// `listwash retract`: opens the history at `path` (which must exist; an older one is
    /// migrated first) and retracts the events of the file `source`.
    public static func retract(path: String, source: String) throws -> RetractSummary {
        try HistoryStore.requireExisting(path)
        return try HistoryStore.using(path, create: true, writes: true) { try $0.retract(source: source) }
    }

    /// The lifecycle log, oldest first: (time, action, detail).
    public func lifecycleLog() throws -> [(at: Int64, action: String, detail: String)] {
        let select = try db.cached("SELECT at, action, detail FROM lifecycle_log ORDER BY entry")
        defer { select.reset() }
        var out: [(Int64, String, String)] = []
        while try select.step() { out.append((select.int64(0), select.string(1) ?? "", select.string(2) ?? "")) }
        return out
    }
}
