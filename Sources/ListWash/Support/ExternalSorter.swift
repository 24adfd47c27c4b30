/// Sorts byte records (a key and a value) by key in bounded memory: records are appended,
/// each full buffer of ``memoryBudget`` bytes is sorted and written to a temporary file (a
/// *run*) in ``directory``, and ``finish()`` merges the runs back in key order.
///
/// - Keys compare as unsigned bytes (`memcmp`, a shorter key before its extensions).
/// - The sort is stable: records with equal keys come back in the order they were appended
///   (ties are broken by position within a run, then by run order), so the output is the
///   same whatever the budget and whatever sorting algorithm runs underneath.
/// - Runs are ``TemporaryFile``s (unlinked as soon as they are created): they disappear when
///   the sorter (or its ``Sorted`` stream) is released, after success, after an error, even
///   after a crash. Nothing is left in ``directory``. A run that does not read back as
///   written is a ``TemporaryFileError``.
/// - Runs are merged by ``KWayMerge``.
/// - Memory: the budget for the records being collected, plus, while merging, one read
///   buffer per run (at most ``fanIn`` runs are merged at once; more runs are first merged
///   in groups into longer runs).
public final class ExternalSorter {
    public let directory: String
    public let memoryBudget: Int
    public let fanIn: Int
    /// Records appended so far.
    public private(set) var count = 0
    /// Runs written to disk so far (including runs written by intermediate merges).
    public private(set) var runsWritten = 0

    /// Records of the current buffer: `[key length u32][value length u32][key][value]`, back to back.
    private var storage: [UInt8] = []
    private var entries: [Entry] = []
    private var runs: [TemporaryFile] = []
    private var finished = false

    /// One buffered record: the first 8 key bytes (big-endian, zero-padded) for a fast first
    /// comparison, and where the record starts in `storage`.
    struct Entry {
        var prefix: UInt64
        var offset: Int
    }

    /// - Parameters:
    ///   - directory: where runs are spilled (must exist and be writable).
    ///   - memoryBudget: bytes of buffered records (plus 16 bytes of bookkeeping each) that trigger a spill.
    ///   - fanIn: the most runs merged at once (at least 2).
    public init(directory: String, memoryBudget: Int, fanIn: Int = 64) {
        self.directory = directory
        self.memoryBudget = max(1, memoryBudget)
        self.fanIn = max(2, fanIn)
    }

    /// Appends one record.
    public func append(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        precondition(!finished, "ExternalSorter: append after finish")
        let size = 8 + key.count + value.count
        if !entries.isEmpty, storage.count + (entries.count + 1) * MemoryLayout<Entry>.stride + size > memoryBudget {
            try spill()
        }
        entries.append(Entry(prefix: keyPrefix(key), offset: storage.count))
        storage.append(littleEndian: UInt32(key.count))
        storage.append(littleEndian: UInt32(value.count))
        storage.append(contentsOf: key)
        storage.append(contentsOf: value)
        count += 1
    }

    /// Appends one record.
    public func append(key: [UInt8], value: [UInt8]) throws {
        try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try append(key: k, value: v) } }
    }

    /// Ends appending and returns the records in key order (stable). Call once.
    public func finish() throws -> Sorted {
        precondition(!finished, "ExternalSorter: finish called twice")
        finished = true
        sortBuffer()
        if runs.isEmpty {
            return Sorted(memory: storage, entries: entries)
        }
        if !entries.isEmpty { try spill(sorted: true) }
        storage = []
        entries = []
        // Merge consecutive groups until one merge can take every run; groups are
        // consecutive, so the stable order between runs is kept.
        while runs.count > fanIn {
            var merged: [TemporaryFile] = []
            var start = 0
            while start < runs.count {
                let group = Array(runs[start..<min(start + fanIn, runs.count)])
                start += fanIn
                if group.count == 1 {
                    merged.append(group[0])
                    continue
                }
                let run = try TemporaryFile(directory: directory)
                let merger = try Merger(runs: group, bufferSize: readBufferSize(runs: group.count))
                while try merger.next({ key, value in try Self.write(key: key, value: value, to: run) }) {}
                try run.finishAppending()
                merged.append(run)
                runsWritten += 1
            }
            runs = merged
        }
        let merger = try Merger(runs: runs, bufferSize: readBufferSize(runs: runs.count))
        runs = []
        return Sorted(merger: merger)
    }

    private func readBufferSize(runs: Int) -> Int {
        min(1 << 20, max(4096, memoryBudget / max(1, runs)))
    }

    private func spill(sorted: Bool = false) throws {
        if !sorted { sortBuffer() }
        let run = try TemporaryFile(directory: directory)
        try storage.withUnsafeBytes { base in
            for entry in entries {
                let (key, value) = Self.record(base, at: entry.offset)
                try Self.write(key: key, value: value, to: run)
            }
        }
        try run.finishAppending()
        runs.append(run)
        runsWritten += 1
        storage.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// Sorts `entries` by (key, offset): a total order, so the result does not depend on the
    /// algorithm's own stability.
    private func sortBuffer() {
        storage.withUnsafeBytes { base in
            entries.sort { a, b in
                if a.prefix != b.prefix { return a.prefix < b.prefix }
                let c = compareKeys(Self.record(base, at: a.offset).key, Self.record(base, at: b.offset).key)
                if c != 0 { return c < 0 }
                return a.offset < b.offset
            }
        }
    }

    /// Appends one record to a run, in the layout ``SortRunReader`` reads.
    @inline(__always) static func write(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, to run: TemporaryFile) throws {
        var header = (UInt32(key.count).littleEndian, UInt32(value.count).littleEndian)
        try withUnsafeBytes(of: &header) { try run.append($0) }
        try run.append(key)
        try run.append(value)
    }

    @inline(__always) static func record(_ base: UnsafeRawBufferPointer, at offset: Int) -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let k = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let v = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        return (UnsafeRawBufferPointer(rebasing: base[(offset + 8)..<(offset + 8 + k)]),
                UnsafeRawBufferPointer(rebasing: base[(offset + 8 + k)..<(offset + 8 + k + v)]))
    }

    /// The sorted records, read once from the front.
    public final class Sorted {
        private let memory: [UInt8]
        private let entries: [Entry]
        private var index = 0
        private let merger: Merger?

        init(memory: [UInt8], entries: [Entry]) {
            self.memory = memory
            self.entries = entries
            merger = nil
        }

        init(merger: Merger) {
            memory = []
            entries = []
            self.merger = merger
        }

        /// Calls `body` with the next record (its bytes are valid only during the call);
        /// returns false, without calling it, when no record is left.
        public func next(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
            if let merger { return try merger.next(body) }
            guard index < entries.count else { return false }
            let offset = entries[index].offset
            index += 1
            try memory.withUnsafeBytes { base in
                let (key, value) = ExternalSorter.record(base, at: offset)
                try body(key, value)
            }
            return true
        }

        /// Calls `body` with every remaining record in order.
        public func forEach(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void) throws {
            while try next(body) {}
        }
    }
}

/// One sort run read back record by record (`[key length u32][value length u32][key][value]`):
/// `key` and `value` are views of the reader's window, valid until ``advance()``.
final class SortRunReader: MergeSource {
    private let reader: TemporaryFileReader
    private(set) var isLive = false
    private(set) var key = UnsafeRawBufferPointer(start: nil, count: 0)
    private(set) var value = UnsafeRawBufferPointer(start: nil, count: 0)

    init(run: TemporaryFile, bufferSize: Int) throws {
        reader = TemporaryFileReader(file: run, range: 0..<run.size, window: bufferSize, name: "sort run")
        try advance()
    }

    func advance() throws {
        isLive = try reader.nextRecord { reader in
            try reader.require(8)
            return 8 + Int(reader.uint32(at: 0)) + Int(reader.uint32(at: 4))
        }
        guard isLive else { return }
        let k = Int(reader.uint32(at: 0))
        key = reader.bytes(8, k)
        value = reader.bytes(8 + k, Int(reader.uint32(at: 4)))
    }
}

/// Sort runs merged in key order, stable (equal keys from the earlier run first): a
/// ``KWayMerge`` whose current record is handed out, and moved past at the next call.
final class Merger {
    private var merge: KWayMerge<SortRunReader>
    /// Whether the top record was handed out (it moves on at the next call).
    private var pending = false

    init(runs: [TemporaryFile], bufferSize: Int) throws {
        merge = KWayMerge(try runs.map { try SortRunReader(run: $0, bufferSize: bufferSize) })
    }

    func next(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        if pending {
            pending = false
            try merge.advanceTop()
        }
        guard let top = merge.top else { return false }
        pending = true
        try body(top.key, top.value)
        return true
    }
}
