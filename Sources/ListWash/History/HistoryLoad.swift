import CSystem
#if canImport(Glibc)
import Glibc
#endif

extension HistoryStore {
    /// One bulk load in progress (see ``HistoryStore/beginLoad()``).
    ///
    /// Events go into blocks at the end of `event_blocks` as they come; their entries wait in
    /// memory, sorted into chunks on disk whenever ``HistoryStore/runBufferBytes`` is reached,
    /// and at the commit are written, merged and sorted by address, as the load's one run.
    /// Repeats of events already stored (same time and id) are found then: against the runs
    /// of earlier loads by one lookup per address and run, within the load by sorting, and
    /// they are removed from their blocks again before the commit.
    public final class Load {
        let store: HistoryStore
        private let priorRuns: [(run: Int64, layout: RunLayout)]
        /// The buffer's earlier fills, sorted, on disk (nil while everything fits in the buffer).
        private var spilled: SpilledChunks?
        /// The fill being sorted into `spilled` on the other core.
        private var spilling: BackgroundWork<EntryBox>?
        private var buffer = EntryBuffer()
        private(set) var staged = 0
        private var repeats = 0
        private var open = true

        /// The block being filled; events are numbered as they are added.
        private var blocks: EventBlockWriter
        /// The first block this load writes.
        private let firstBlock: Int64
        /// What classified the load's events, recorded with its blocks at the commit.
        public var classifiedBy: ClassificationIdentity?

        /// The database file, read-only, to start the kernel writing back the pages SQLite has
        /// written so far (``stage(_:)``): the commit's fsync then waits for the last ones only.
        private let writeback: Int32
        private var writebackBlock: Int64

        init(store: HistoryStore, priorRuns: [(run: Int64, layout: RunLayout)]) throws {
            self.store = store
            self.priorRuns = priorRuns
            blocks = try EventBlockWriter(db: store.db, compress: !store.isScratch)
            firstBlock = blocks.block
            writebackBlock = blocks.block
            // A scratch history is never synced: nothing to write back early.
            writeback = store.isScratch ? -1 : Glibc.open(store.path, O_RDONLY | O_CLOEXEC)
        }

        deinit {
            if open { abandon() }
            if writeback >= 0 { Glibc.close(writeback) }
        }

        /// Appends events to the history (records made before, packed first; `ingest` packs on
        /// its reader thread and stages ``EventBatch``es).
        public func stage(_ events: [EventRecord]) throws {
            var batch = EventBatch(reservingEvents: events.count)
            for e in events { batch.append(e) }
            try stage(batch)
        }

        /// Appends a batch's events to the history: into the block being filled, written out at
        /// the end of `event_blocks` every 64 events (no index is touched).
        func stage(_ batch: EventBatch) throws {
            let db = store.db
            // The buffers and the reason cache as locals while the batch is staged (the class's
            // stored properties would be checked for exclusive access once per event).
            do {
                var buffer = EntryBuffer()
                swap(&buffer, &self.buffer)
                var blocks = self.blocks
                var reasons = ReasonCache()
                swap(&reasons, &self.reasons)
                defer {
                    swap(&buffer, &self.buffer)
                    self.blocks = blocks
                    swap(&reasons, &self.reasons)
                }
                try batch.bytes.withUnsafeBytes { bytes in
                    try batch.keys.withUnsafeBytes { keys in
                        for item in batch.items {
                            let event = UnsafeRawBufferPointer(rebasing: bytes[item.start..<item.start + item.length])
                            // The event's fields, parsed once for its id and its block.
                            let row = try EventRow(UnsafeRawBufferPointer(rebasing: event[EventBlock.idOffset...]))
                            // The id: computed here when the reading thread left it out, else as packed.
                            let id = item.needsID ? row.identity(as: item.type)
                                : (row.id.loadUnaligned(fromByteOffset: 0, as: UInt64.self), row.id.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                            let reason = UnsafeRawBufferPointer(rebasing: bytes[item.reasonStart..<item.reasonStart + item.reasonLength])
                            let entry = AddressEntry(
                                timestamp: item.timestamp,
                                idHigh: UInt64(bigEndian: id.0), idLow: UInt64(bigEndian: id.1),
                                event: try blocks.append(row: row, derived: item.needsID),
                                type: item.type, kind: item.kind, exactDiffers: item.exactDiffers,
                                reason: try reasons.code(of: reason) { try store.reasons.code(for: String(decoding: $0, as: UTF8.self), db: db) },
                                message: item.message)
                            buffer.append(key: UnsafeRawBufferPointer(rebasing: keys[item.keyStart..<item.keyStart + item.keyLength]), entry: entry)
                        }
                    }
                }
            }
            staged += batch.count
            if buffer.byteCount >= store.runBufferBytes { try spill() }
            // A load past its first MiB of entries is a bulk one: the buffer gets its full size at once.
            if buffer.byteCount >= 1 << 20, !buffer.holds(bytes: fullBuffer) { buffer.reserve(bytes: fullBuffer) }
            // Every 1,024 blocks (about 20 MB of events), whether or not SQLite's cache has
            // spilled them yet; a hint only, so its result does not matter.
            if blocks.block - writebackBlock >= 1_024, writeback >= 0 {
                _ = listwash_start_writeback(writeback, 0, 0)
                writebackBlock = blocks.block
            }
        }

        /// What a full entry buffer holds: the spill size and one batch's worth more (a buffer
        /// is spilled after the batch that takes it past ``HistoryStore/runBufferBytes``).
        private var fullBuffer: Int { store.runBufferBytes + (1 << 20) }

        /// The codes of the reasons this load has met, by their bytes.
        private var reasons = ReasonCache()

        /// Hands the full buffer to a background thread that sorts it into a chunk on disk (see
        /// ``SpilledChunks``), and goes on in the buffer of the chunk before (one chunk is
        /// sorted at a time): the sorting overlaps the parsing instead of stopping it.
        private func spill() throws {
            if spilled == nil {
                // Beside the history: the disk the user chose for large files.
                let folder = store.path.lastIndex(of: "/").map { String(store.path[..<$0]) } ?? "."
                spilled = try SpilledChunks(directory: folder.isEmpty ? "/" : folder)
            }
            var next = try spilling?.wait().buffer ?? EntryBuffer(reservingBytes: fullBuffer)
            spilling = nil
            swap(&next, &buffer)
            // The full buffer moves into a box the worker alone holds, so it is sorted in place.
            let full = EntryBox(consume next)
            let chunks = spilled!
            spilling = BackgroundWork {
                try chunks.spill(&full.buffer)
                return full
            }
        }

        /// Waits for the chunk being sorted, if any (its error is the load's).
        private func finishSpilling() throws {
            defer { spilling = nil }
            _ = try spilling?.wait()
        }

        /// Writes the load's entries as one run, without the repeats of stored events: from
        /// the buffer alone, or merged with the chunks spilled before.
        private func writeRun() throws {
            // The last fill is sorted first, while the chunk before it and the last blocks may
            // still be on the other threads.
            if spilled != nil { buffer.sort() }
            try blocks.finish()
            let db = store.db
            var writer = try AddressRunWriter(db: db, run: try store.nextRun())
            let lookup = try RunLookup(db: db)
            var stored: [AddressEntry] = []
            var repeated: [Int64] = []
            let store = { (key: UnsafeRawBufferPointer, group: inout [AddressEntry]) throws in
                repeated += AddressEntry.sortAndDeduplicate(&group)
                for prior in self.priorRuns where !group.isEmpty {
                    stored.removeAll(keepingCapacity: true)
                    try lookup.append(run: prior.run, layout: prior.layout, key: key, to: &stored)
                    guard !stored.isEmpty else { continue }
                    group.removeAll { entry in
                        guard stored.contains(where: { $0.isSameEvent(as: entry) }) else { return false }
                        repeated.append(entry.event)
                        return true
                    }
                }
                if !group.isEmpty { try writer.write(key: key, entries: group) }
            }
            try finishSpilling()
            if let spilled {
                try spilled.merge(last: &buffer, store)
                self.spilled = nil
            } else {
                try buffer.forEachKey(store)
                buffer.removeAll()
            }
            if writer.events > 0 { try writer.finish() }
            try self.store.deleteEvents(numbers: repeated)
            repeats += repeated.count
        }

        /// Why compacting the runs after the commit failed, if it did. The load itself is
        /// committed and the history complete; the next load tries the compaction again.
        public private(set) var compactionError: (any Error)?

        /// Writes the load's run and commits; returns how many
        /// events were new and how many were already there. Then compacts the runs if there are
        /// too many (its own transaction: a failure there is kept in ``compactionError``).
        public func commit() throws -> (new: Int, duplicate: Int) {
            try writeRun()
            if let classifiedBy, staged > repeats {
                try store.recordClassification(first: firstBlock, last: blocks.block - 1, identity: classifiedBy)
            }
            try store.db.execute("COMMIT")
            open = false
            store.runsCache = nil
            do { try store.compactIfNeeded() } catch { compactionError = error }
            return (staged - repeats, repeats)
        }

        /// Rolls the load back: the history is as before.
        public func abandon() {
            guard open else { return }
            open = false
            try? finishSpilling()
            try? store.db.execute("ROLLBACK")
            store.runsCache = nil
            try? store.reasons.load(db: store.db)
        }
    }
}

/// A load's reasons by their bytes (``CompactBlock/Strings``) and their codes in the history's
/// ``ReasonDictionary``: an event's reason code without a `String` or a dictionary of them
/// (consecutive events of a bulk load mostly differ in reason, and the dictionary's lookup per
/// event was about 5% of the storing thread).
struct ReasonCache {
    private var names = CompactBlock.Strings()
    /// The code of each of `names`' entries, in their order.
    private var codes: [UInt8] = []

    /// The code of `reason`; `lookUp` gives it (adding it to the history) the first time.
    @inline(__always)
    mutating func code(of reason: UnsafeRawBufferPointer, _ lookUp: (UnsafeRawBufferPointer) throws -> UInt8) throws -> UInt8 {
        let i = names.index(of: reason)
        if i < codes.count { return codes[i] }
        do {
            codes.append(try lookUp(reason))
        } catch {
            // The entry just added has no code: start again (the load fails anyway).
            names.reset()
            codes.removeAll()
            throw error
        }
        return codes[i]
    }
}
