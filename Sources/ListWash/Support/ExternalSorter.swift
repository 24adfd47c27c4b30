#if canImport(Glibc)
import Glibc
#endif

/// Sorts byte records (a key and a value) by key in bounded memory: records are appended,
/// each full buffer of ``memoryBudget`` bytes is sorted and written to a temporary file (a
/// *run*) in ``directory``, and ``finish()`` merges the runs back in key order.
///
/// - Keys compare as unsigned bytes (`memcmp`, a shorter key before its extensions).
/// - The sort is stable: records with equal keys come back in the order they were appended
///   (ties are broken by position within a run, then by run order), so the output is the
///   same whatever the budget and whatever sorting algorithm runs underneath.
/// - Temporary files are unlinked as soon as they are created: they disappear when the
///   sorter (or its ``Sorted`` stream) is released, after success, after an error, even
///   after a crash. Nothing is left in ``directory``.
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
    private var runs: [SpillRun] = []
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
        entries.append(Entry(prefix: Self.prefix(key), offset: storage.count))
        withUnsafeBytes(of: UInt32(key.count).littleEndian) { storage.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(value.count).littleEndian) { storage.append(contentsOf: $0) }
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
            var merged: [SpillRun] = []
            var start = 0
            while start < runs.count {
                let group = Array(runs[start..<min(start + fanIn, runs.count)])
                start += fanIn
                if group.count == 1 {
                    merged.append(group[0])
                    continue
                }
                let writer = try RunWriter(directory: directory)
                let merger = try Merger(runs: group, bufferSize: readBufferSize(runs: group.count), directory: directory)
                while try merger.next({ key, value in try writer.write(key: key, value: value) }) {}
                merged.append(try writer.finish())
                runsWritten += 1
            }
            runs = merged
        }
        let merger = try Merger(runs: runs, bufferSize: readBufferSize(runs: runs.count), directory: directory)
        runs = []
        return Sorted(merger: merger)
    }

    private func readBufferSize(runs: Int) -> Int {
        min(1 << 20, max(4096, memoryBudget / max(1, runs)))
    }

    private func spill(sorted: Bool = false) throws {
        if !sorted { sortBuffer() }
        let writer = try RunWriter(directory: directory)
        try storage.withUnsafeBytes { base in
            for entry in entries {
                let (key, value) = Self.record(base, at: entry.offset)
                try writer.write(key: key, value: value)
            }
        }
        runs.append(try writer.finish())
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
                let c = Self.compare(Self.record(base, at: a.offset).key, Self.record(base, at: b.offset).key)
                if c != 0 { return c < 0 }
                return a.offset < b.offset
            }
        }
    }

    @inline(__always) static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var p: UInt64 = 0
        let n = min(8, key.count)
        for i in 0..<n { p |= UInt64(key[i]) << UInt64(56 - 8 * i) }
        return p
    }

    @inline(__always) static func record(_ base: UnsafeRawBufferPointer, at offset: Int) -> (key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let k = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let v = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        return (UnsafeRawBufferPointer(rebasing: base[(offset + 8)..<(offset + 8 + k)]),
                UnsafeRawBufferPointer(rebasing: base[(offset + 8 + k)..<(offset + 8 + k + v)]))
    }

    /// Unsigned byte order; a key that is a prefix of another comes first.
    @inline(__always) static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
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

/// A run on disk: an unlinked temporary file, closed when released.
final class SpillRun {
    let fd: Int32
    let length: Int
    let directory: String

    init(fd: Int32, length: Int, directory: String) {
        self.fd = fd
        self.length = length
        self.directory = directory
    }

    deinit { close(fd) }
}

/// Writes one run through a 1 MiB buffer.
final class RunWriter {
    private var fd: Int32
    private let directory: String
    private var buffer: [UInt8] = []
    private var length = 0
    private let capacity = 1 << 20

    init(directory: String) throws {
        self.directory = directory
        var template = Array("\(directory)/.listwash-sort-XXXXXX".utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw OutputError.cannotCreate(path: directory, reason: "temporary sort file: " + String(cString: strerror(errno))) }
        // Unlinked at once: the file lives only as long as its descriptor, whatever happens next.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        buffer.reserveCapacity(capacity)
    }

    deinit { if fd >= 0 { close(fd) } }

    func write(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        if buffer.count + 8 + key.count + value.count > capacity { try flush() }
        withUnsafeBytes(of: UInt32(key.count).littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(value.count).littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: key)
        buffer.append(contentsOf: value)
    }

    private func flush() throws {
        try buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError.writeFailed(path: directory, reason: "temporary sort file: " + String(cString: strerror(errno)))
                }
                done += n
            }
        }
        length += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws -> SpillRun {
        try flush()
        let run = SpillRun(fd: fd, length: length, directory: directory)
        fd = -1
        return run
    }
}

/// Reads one run record by record through a buffer.
final class RunReader {
    let run: SpillRun
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var fileOffset = 0
    /// The current record: its offsets in `buffer`.
    private(set) var keyStart = 0
    private(set) var keyCount = 0
    private(set) var valueCount = 0
    private var recordSize = 0

    init(run: SpillRun, bufferSize: Int) {
        self.run = run
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    /// Moves to the next record; false at the end of the run.
    func advance() throws -> Bool {
        start += recordSize
        recordSize = 0
        guard try fill(8) else { return false }
        let (k, v) = buffer.withUnsafeBytes { b in
            (Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: start, as: UInt32.self))),
             Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self))))
        }
        guard try fill(8 + k + v) else { throw corrupt() }
        keyStart = start + 8
        keyCount = k
        valueCount = v
        recordSize = 8 + k + v
        return true
    }

    func withRecord<T>(_ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try buffer.withUnsafeBytes { b in
            try body(UnsafeRawBufferPointer(rebasing: b[keyStart..<(keyStart + keyCount)]),
                     UnsafeRawBufferPointer(rebasing: b[(keyStart + keyCount)..<(keyStart + keyCount + valueCount)]))
        }
    }

    /// Makes `n` bytes available from `start`; false when the run ends before any of them (a
    /// run that ends inside a record is corrupt).
    private func fill(_ n: Int) throws -> Bool {
        if end - start >= n { return true }
        if start > 0 {
            let kept = end - start
            if kept > 0 {
                buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + start, kept) }
            }
            start = 0
            end = kept
        }
        if buffer.count < n { buffer += [UInt8](repeating: 0, count: n - buffer.count) }
        while end < n, fileOffset < run.length {
            let got = buffer.withUnsafeMutableBytes { b in
                pread(run.fd, b.baseAddress! + end, b.count - end, off_t(fileOffset))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw InputError.unreadable(path: run.directory, reason: "temporary sort file: " + String(cString: strerror(errno)))
            }
            if got == 0 { break }
            end += got
            fileOffset += got
        }
        if end >= n { return true }
        if end == 0 { return false }
        throw corrupt()
    }

    private func corrupt() -> Error {
        InputError.unreadable(path: run.directory, reason: "temporary sort file ends inside a record")
    }
}

/// A k-way merge of runs with a binary heap ordered by (key, run index): equal keys come
/// from the earlier run first, which keeps the sort stable.
final class Merger {
    private var readers: [RunReader]
    private var heap: [Int] = []
    /// The reader whose record was handed out last; it moves on at the next call.
    private var pending: Int?

    init(runs: [SpillRun], bufferSize: Int, directory: String) throws {
        readers = runs.map { RunReader(run: $0, bufferSize: bufferSize) }
        for i in readers.indices where try readers[i].advance() {
            heap.append(i)
            siftUp(heap.count - 1)
        }
    }

    func next(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        if let p = pending {
            pending = nil
            if try readers[p].advance() {
                heap[0] = p
                siftDown(0)
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
                if !heap.isEmpty { siftDown(0) }
            }
        }
        guard let top = heap.first else {
            readers = []
            return false
        }
        pending = top
        try readers[top].withRecord(body)
        return true
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let c = readers[a].withRecord { ka, _ in readers[b].withRecord { kb, _ in ExternalSorter.compare(ka, kb) } }
        return c != 0 ? c < 0 : a < b
    }

    private func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(heap[i], heap[parent]) else { return }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private func siftDown(_ index: Int) {
        var i = index
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < heap.count, less(heap[l], heap[smallest]) { smallest = l }
            if r < heap.count, less(heap[r], heap[smallest]) { smallest = r }
            if smallest == i { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }
}
