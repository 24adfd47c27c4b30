import Dispatch

extension EvidenceFile {
    /// Gathers the records during the history scan (see ``EvidenceFile``).
    final class Builder {
        private let directory: String
        private let memoryBudget: Int
        /// (event number and id, reference number, slot) of every evidence event, to read the events in number order.
        private let references: NumberBuckets
        /// Each slot's header (``EvidenceFile/encodeHeader(_:into:)``), in slot order, until
        /// ``finish(history:twoThreads:)`` lays them out beside their evidence.
        private let headers: TemporaryFile
        /// Per slot: where its header starts in `headers` (8 bytes) and the header's reference (4 bytes).
        private let slotIndex: TemporaryFile
        /// Per slot: the address's fingerprint and rule (17 bytes), until the verdict table
        /// and the list's key filter are built from them.
        private let slotFile: TemporaryFile
        private var wanted: [Bool]?
        private var referenceCount: UInt32 = 0
        private(set) var slots = 0
        /// The records `add` writes, one at a time.
        private var header = ByteSink(capacity: 256)

        /// `highestEvent`: the history's highest event number (``HistoryStore/highestEventNumber()``),
        /// which sizes the buckets the references are sorted in.
        init(directory: String, memoryBudget: Int, highestEvent: Int64) throws {
            self.directory = directory
            self.memoryBudget = max(memoryBudget, 1 << 16)
            references = try NumberBuckets(directory: directory, highest: highestEvent, memoryBudget: self.memoryBudget / 2)
            headers = try TemporaryFile(directory: directory)
            slotIndex = try TemporaryFile(directory: directory)
            slotFile = try TemporaryFile(directory: directory)
        }

        /// Adds one address's record as the next slot; `rows` are the numbers of the address's
        /// events, in the order `decision.evidence` indexes them. The slot takes the next
        /// references: one for its header, then one per evidence event, so that the layout in
        /// reference order puts its header and its evidence in one range. `allowed`: the address is kept
        /// by the operator's allow, and `decision` is the one the allow overturned.
        func add(fingerprint: Fingerprint, decision: Decision?, bounces: BounceStats, rows: [EventReference], allowed: Bool = false) throws {
            guard slots < 1 << 28, referenceCount < UInt32.max - 1 << 16 else {
                throw OutputError.writeFailed(path: directory, reason: "too many suppressed addresses for one run of clean")
            }
            let slot = UInt32(slots)
            slots += 1
            header.removeAll()
            header.append(littleEndian: headers.size)
            header.append(littleEndian: referenceCount)
            try slotIndex.append(header.bytes)
            referenceCount += 1
            let rule = allowed ? Verdict.allowedIndex
                : decision.map { UInt8($0.rule.index) } ?? Verdict.noneIndex
            header.removeAll()
            header.append(littleEndian: fingerprint.high)
            header.append(littleEndian: fingerprint.low)
            header.append(rule)
            try slotFile.append(header.bytes)
            let record = SuppressionRecord(rule: decision?.rule, reason: decision?.reason ?? "", kind: decision?.kind ?? "",
                                           firstSeen: decision?.firstSeen, lastSeen: decision?.lastSeen,
                                           evidenceCount: decision?.evidence.count ?? 0, bounces: bounces, evidence: [])
            header.removeAll()
            EvidenceFile.encodeHeader(record, into: &header)
            try headers.append(header.bytes)
            for index in decision?.evidence ?? [] {
                try references.append(rows[index], reference: referenceCount, slot: slot)
                referenceCount += 1
            }
        }

        /// The list pass's table (fingerprint → slot << 4 | rule index, see ``Verdict``), sized
        /// once for the slots there are; with `keys`, also notes which slots the list can ask
        /// for (nil: all of them). Reads the slot file back once.
        func verdicts(keys: FingerprintFilter?) throws -> CompactFingerprintTable {
            var table = CompactFingerprintTable(capacity: slots)
            var wanted: [Bool] = []
            if keys != nil { wanted.reserveCapacity(slots) }
            var slot: UInt32 = 0
            try slotFile.forEachRecord(size: 17, name: "evidence slot file") { raw in
                guard Int(slot) < slots, raw[16] <= 0x0F else {
                    throw slotFile.corrupt("evidence slot file", "slot \(slot) does not read back as written")
                }
                let fingerprint = Fingerprint(high: raw.littleEndian(at: 0, as: UInt64.self), low: raw.littleEndian(at: 8, as: UInt64.self))
                table.insertIfAbsent(fingerprint, slot << 4 | UInt32(raw[16]))
                if let keys { wanted.append(keys.mayContain(fingerprint)) }
                slot += 1
            }
            guard Int(slot) == slots else { throw slotFile.corrupt("evidence slot file", "\(slot) slots read back of \(slots)") }
            self.wanted = keys == nil ? nil : wanted
            return table
        }

        /// Reads the evidence events in number order, files their records and hands the files over.
        /// Slots that ``verdicts(keys:)`` ruled out get no evidence (nothing will ask for it).
        ///
        /// The rows are read on two threads, each on its own connection, a chunk of the
        /// number-ordered references each, into records whose recurring texts are named by
        /// their entry in the thread's own table (``EvidenceStrings``); this thread files the
        /// records in chunk order. The audit renders the same JSON whichever thread read an
        /// event (and one thread reads them all, into the first table, when a waiting ingest
        /// keeps the second connection from its lock).
        /// `twoThreads: false` reads on this thread alone, as when the second connection is refused.
        func finish(history: HistoryStore, twoThreads: Bool = true) throws -> EvidenceFile {
            let second = twoThreads ? history.separateEventRowReader() : nil
            let readers = [try history.eventRowReader()] + (second.map { [$0] } ?? [])
            // Two sets of chunks: one is read in the background while this thread files the
            // set read before into the buckets. The sets share the readers, so one set is read
            // at a time.
            // Chunk i of either set is read on one thread at a time, so it fills table i alone.
            let tables = (EvidenceStrings(), EvidenceStrings())
            let sets = (0..<2).map { _ in
                readers.indices.map { EvidenceChunk(reader: readers[$0], strings: $0 == 0 ? tables.0 : tables.1, table: UInt8($0), path: history.path) }
            }
            // The records, by reference range, to be laid out in reference order; the headers first.
            let placed = try ReferenceBuckets(directory: directory, references: Int(referenceCount))
            try placeHeaders(into: placed)
            var current = 0
            var filling = 0
            var reading: (set: Int, work: BackgroundWork<Void>)?
            // On a failure, the set being read is waited for before its readers go.
            defer { _ = try? reading?.work.wait() }
            func place(_ chunks: [EvidenceChunk]) throws {
                for chunk in chunks {
                    try chunk.check()
                    var start = 0
                    try chunk.bytes.withUnsafeBytes { bytes in
                        for i in chunk.references.indices {
                            let end = chunk.ends[i]
                            try placed.append(reference: chunk.references[i], record: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                            start = end
                        }
                    }
                    chunk.clear()
                }
            }
            /// Starts reading the set being filled and files the one read before.
            func flush() throws {
                let previous = reading
                if let previous { try previous.work.wait() }
                let chunks = sets[current]
                reading = (current, BackgroundWork { DispatchQueue.concurrentPerform(iterations: chunks.count) { chunks[$0].read() } })
                if let previous { try place(sets[previous.set]) }
                current = 1 - current
                filling = 0
            }
            try references.forEachInOrder { event, reference, slot in
                guard Int(slot) < slots, reference < referenceCount else {
                    throw references.corrupt("a reference does not read back as written")
                }
                if let wanted, !wanted[Int(slot)] { return }
                let chunks = sets[current]
                chunks[filling].add(event: event, reference: reference)
                if chunks[filling].isFull {
                    filling += 1
                    if filling == chunks.count { try flush() }
                }
            }
            try flush()
            if let last = reading {
                reading = nil
                try last.work.wait()
                try place(sets[last.set])
            }
            // Each slot's header and evidence records back to back in `data`; the reference
            // index says where each reference's record starts (referenceCount + 1 entries, the
            // last where the last one ends), and the slot table where each slot's range starts.
            let data = try TemporaryFile(directory: directory)
            let referenceIndex = try TemporaryFile(directory: directory)
            try placed.layOut(into: data, index: referenceIndex)
            try data.flush()
            try referenceIndex.flush()
            let slotStarts = try self.slotStarts(referenceIndex: referenceIndex, end: data.size)
            return EvidenceFile(data: data, slotStarts: slotStarts, tables: tables, referenceCount: Int(referenceCount) - slots)
        }

        /// Files every wanted slot's header under its reference (read back in slot order).
        private func placeHeaders(into placed: ReferenceBuckets) throws {
            try headers.flush()
            let reader = TemporaryFileReader(file: headers, range: 0..<headers.size, window: 1 << 20, name: "evidence headers")
            var slot = 0
            var previous: (start: Int64, reference: UInt32)?
            func place(end: Int64) throws {
                guard let (start, reference) = previous else { return }
                guard start <= end, end - start <= Int64(EvidenceFile.maxHeader), Int(reference) < Int(referenceCount) else {
                    throw slotIndex.corrupt("evidence slot index", "slot \(slot - 1)'s header does not read back as written")
                }
                let length = Int(end - start)
                try reader.require(length)
                if wanted?[slot - 1] ?? true { try placed.append(reference: reference, record: reader.bytes(0, length)) }
                reader.consume(length)
            }
            try slotIndex.forEachRecord(size: 12, name: "evidence slot index") { raw in
                let start = raw.littleEndian(at: 0, as: Int64.self)
                try place(end: start)
                previous = (start, raw.littleEndian(at: 8, as: UInt32.self))
                slot += 1
            }
            try place(end: headers.size)
            guard slot == slots, reader.isAtEnd else {
                throw slotIndex.corrupt("evidence slot index", "\(slot) slots read back of \(slots)")
            }
        }

        /// The slot table: where each slot's range (its header, then its evidence) starts in
        /// the laid-out data, and one entry more, `end`; from the reference index's entries
        /// at the slots' header references, read front to back once.
        private func slotStarts(referenceIndex: TemporaryFile, end: Int64) throws -> [Int64] {
            var table: [Int64] = []
            table.reserveCapacity(slots + 1)
            let index = TemporaryFileReader(file: referenceIndex, range: 0..<referenceIndex.size, window: 1 << 20, name: "evidence reference index")
            var reference: Int64 = 0
            try slotIndex.forEachRecord(size: 12, name: "evidence slot index") { raw in
                let wanted = Int64(raw.littleEndian(at: 8, as: UInt32.self))
                guard wanted >= reference else {
                    throw slotIndex.corrupt("evidence slot index", "the slots' references do not read back in order")
                }
                while reference < wanted {
                    try index.require(8)
                    index.consume(8)
                    reference += 1
                }
                try index.require(8)
                table.append(index.bytes(0, 8).littleEndian(at: 0, as: Int64.self))
            }
            table.append(end)
            return table
        }
    }
}

/// One thread's share of the evidence events: a run of number-ordered references, read through
/// the thread's own row reader into records (``EvidenceEvent``) whose texts go to the
/// thread's own table.
///
/// `@unchecked Sendable`: owned by ``EvidenceFile/Builder/finish(history:twoThreads:)``,
/// which fills it, hands it to one reading thread (``read()``) and touches it again only
/// after waiting for that thread; its row reader's connection and its table are used by one thread at a time.
private final class EvidenceChunk: @unchecked Sendable {
    static let capacity = 4_096
    private let reader: HistoryStore.EventRowReader
    private let strings: EvidenceStrings
    private let table: UInt8
    private let path: String
    private var events: [EventReference] = []
    private(set) var references: [UInt32] = []
    /// The records, back to back; `ends[i]` is where the i-th one ends.
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []
    private var failure: (any Error)?

    init(reader: HistoryStore.EventRowReader, strings: EvidenceStrings, table: UInt8, path: String) {
        self.reader = reader
        self.strings = strings
        self.table = table
        self.path = path
    }

    var isFull: Bool { events.count >= Self.capacity }

    func add(event: EventReference, reference: UInt32) {
        events.append(event)
        references.append(reference)
    }

    /// Reads the chunk's rows into records (on any one thread at a time); an error waits for ``check()``.
    func read() {
        do {
            for event in events {
                // The id comes with the number (the run entry's): a compressed block need not work it out.
                guard try reader.read(event.number, id: (event.idHigh, event.idLow), { EvidenceEvent.append($0, strings: strings, table: table, to: &bytes) }) else {
                    throw HistoryError.sqlite(path: path, code: 1, message: "an event of the history is missing (number \(event.number))")
                }
                ends.append(bytes.count)
            }
        } catch {
            failure = error
        }
    }

    func check() throws {
        if let failure { throw failure }
    }

    func clear() {
        events.removeAll(keepingCapacity: true)
        references.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}
