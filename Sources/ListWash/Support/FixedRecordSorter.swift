/// Sorts fixed-size records of four 64-bit words in bounded memory, by `(a, b, c)`: records
/// are appended into a buffer of ``capacity`` records; a full buffer is sorted (a radix pass
/// on the top bits of `a`, then a small comparison sort per bucket) and written whole to a
/// temporary file (a *run*) in ``directory``; ``finish()`` merges the runs back in order.
///
/// The byte-keyed ``ExternalSorter`` serves records of any length; this one serves integer
/// records (the duplicate pre-pass's `(fingerprint, row, line)`), where a comparison sort of
/// byte keys, one length header per record and one append per field cost more than the work.
///
/// - Order: by `a`, then `b`, then `c` (unsigned); `d` rides along. Records equal in all
///   three come back in an unspecified order, so callers make `(a, b, c)` unique (a row
///   number in `c` or `a` does).
/// - Runs are ``TemporaryFile``s (unlinked at once: nothing is left in ``directory``, whatever
///   happens), written in the machine's byte order (they are read back by the same process);
///   a run that does not read back whole is a ``TemporaryFileError``.
/// - Memory: the buffer and its sorting scratch (``memoryBudget`` together), then, while
///   merging, one read window per run (at most ``fanIn`` runs are merged at once; more are
///   first merged in groups into longer runs).
final class FixedRecordSorter {
    /// One record: the sort key `(a, b, c)` and a payload `d`.
    struct Record: Equatable {
        var a: UInt64
        var b: UInt64
        var c: UInt64
        var d: UInt64

        /// Whether `x` sorts before `y`.
        @inline(__always)
        static func precedes(_ x: Record, _ y: Record) -> Bool {
            if x.a != y.a { return x.a < y.a }
            if x.b != y.b { return x.b < y.b }
            return x.c < y.c
        }
    }

    static let recordSize = MemoryLayout<Record>.stride

    let directory: String
    let memoryBudget: Int
    /// Records a buffer holds before it is spilled (half the budget: the other half is the sort's scratch).
    let capacity: Int
    let fanIn: Int
    /// Records appended so far.
    private(set) var count = 0
    /// Runs written to disk so far (including runs written by intermediate merges).
    private(set) var runsWritten = 0

    private var buffer: [Record] = []
    private var runs: [TemporaryFile] = []
    private var finished = false

    /// - Parameters:
    ///   - directory: where runs are spilled (must exist and be writable).
    ///   - memoryBudget: bytes for the buffer and its scratch (at least two records' worth is used).
    ///   - fanIn: the most runs merged at once (at least 2).
    init(directory: String, memoryBudget: Int, fanIn: Int = 64) {
        self.directory = directory
        self.memoryBudget = max(1, memoryBudget)
        capacity = max(2, memoryBudget / (2 * Self.recordSize))
        self.fanIn = max(2, fanIn)
    }

    /// Appends one record.
    @inline(__always)
    func append(_ record: Record) throws {
        precondition(!finished, "FixedRecordSorter: append after finish")
        if buffer.count == capacity { try spill() }
        if buffer.capacity == 0 { buffer.reserveCapacity(min(capacity, 1 << 16)) }
        buffer.append(record)
        count += 1
    }

    /// Ends appending and returns the records in order. Call once.
    func finish() throws -> Sorted {
        precondition(!finished, "FixedRecordSorter: finish called twice")
        finished = true
        Self.sort(&buffer)
        if runs.isEmpty { return Sorted(memory: buffer) }
        if !buffer.isEmpty { try spill(sorted: true) }
        buffer = []
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
                let merge = try Merge(runs: group, window: windowRecords(runs: group.count))
                var out: [Record] = []
                out.reserveCapacity(windowRecords(runs: 1))
                while let record = try merge.next() {
                    out.append(record)
                    if out.count == out.capacity { try Self.write(&out, to: run) }
                }
                try Self.write(&out, to: run)
                try run.finishAppending()
                merged.append(run)
                runsWritten += 1
            }
            runs = merged
        }
        let merge = try Merge(runs: runs, window: windowRecords(runs: runs.count))
        runs = []
        return Sorted(merge: merge)
    }

    /// Records per read window when `runs` runs are merged: the budget shared, 4 KiB to 1 MiB each.
    private func windowRecords(runs: Int) -> Int {
        min(1 << 20, max(4096, memoryBudget / max(1, runs))) / Self.recordSize
    }

    private func spill(sorted: Bool = false) throws {
        if !sorted { Self.sort(&buffer) }
        let run = try TemporaryFile(directory: directory)
        try Self.write(&buffer, to: run)
        try run.finishAppending()
        runs.append(run)
        runsWritten += 1
    }

    /// Appends `records` to `run` (straight from their memory, past the file's own buffer) and empties them.
    private static func write(_ records: inout [Record], to run: TemporaryFile) throws {
        guard !records.isEmpty else { return }
        try run.flush()
        let offset = run.size
        try records.withUnsafeBytes { try run.write($0, at: offset) }
        run.markWritten(through: offset + Int64(records.count * recordSize))
        records.removeAll(keepingCapacity: true)
    }

    /// Sorts `records` by `(a, b, c)`: one counting pass on the top bits of `a - min(a)` into a
    /// scratch array (up to 65,536 buckets, about four records each), then each bucket by
    /// comparison (insertion sort when small). Uniform keys (fingerprints, row numbers) fill
    /// the buckets evenly; skewed ones only make the buckets' sorts longer.
    /// - Complexity: O(*n*) for uniform keys, O(*n* log *n*) at worst.
    static func sort(_ records: inout [Record]) {
        let n = records.count
        guard n > 32 else {
            records.withUnsafeMutableBufferPointer { insertionSort($0) }
            return
        }
        var low = UInt64.max, high: UInt64 = 0
        for r in records {
            low = min(low, r.a)
            high = max(high, r.a)
        }
        let span = high - low
        guard span > 0 else {
            records.sort(by: Record.precedes)
            return
        }
        let bits = min(16, max(1, (Int.bitWidth - n.leadingZeroBitCount) - 2))
        let spanBits = UInt64.bitWidth - span.leadingZeroBitCount
        let shift = UInt64(max(0, spanBits - bits))
        let buckets = Int(span >> shift) + 1
        var starts = [Int](repeating: 0, count: buckets + 1)
        let sorted = records.withUnsafeBufferPointer { source in
            starts.withUnsafeMutableBufferPointer { starts in
                for r in source { starts[Int((r.a &- low) >> shift) &+ 1] &+= 1 }
                for i in 1...buckets { starts[i] &+= starts[i &- 1] }
                return [Record](unsafeUninitializedCapacity: n) { target, initialized in
                    var next = Array(starts[0..<buckets])
                    next.withUnsafeMutableBufferPointer { next in
                        for r in source {
                            let bucket = Int((r.a &- low) >> shift)
                            (target.baseAddress! + next[bucket]).initialize(to: r)
                            next[bucket] &+= 1
                        }
                    }
                    initialized = n
                    for bucket in 0..<buckets {
                        let size = starts[bucket &+ 1] &- starts[bucket]
                        guard size > 1 else { continue }
                        var slice = UnsafeMutableBufferPointer(rebasing: target[starts[bucket]..<starts[bucket &+ 1]])
                        if size <= 24 { insertionSort(slice) } else { slice.sort(by: Record.precedes) }
                    }
                }
            }
        }
        records = sorted
    }

    @inline(__always)
    private static func insertionSort(_ items: UnsafeMutableBufferPointer<Record>) {
        guard items.count > 1 else { return }
        for i in 1..<items.count {
            let item = items[i]
            var j = i
            while j > 0, Record.precedes(item, items[j &- 1]) {
                items[j] = items[j &- 1]
                j &-= 1
            }
            items[j] = item
        }
    }

    /// The sorted records, read once from the front.
    final class Sorted {
        private let memory: [Record]
        private var index = 0
        private let merge: Merge?

        init(memory: [Record]) {
            self.memory = memory
            merge = nil
        }

        init(merge: Merge) {
            memory = []
            self.merge = merge
        }

        /// The next record, nil when every record was read.
        @inline(__always)
        func next() throws -> Record? {
            if let merge { return try merge.next() }
            guard index < memory.count else { return nil }
            index += 1
            return memory[index - 1]
        }
    }

    /// One run read back through a window of records.
    ///
    /// Unsafe memory, fenced here: the window is allocated in `init` and freed in `deinit`; the
    /// reader belongs to its ``Merge``, used by one thread at a time.
    final class RunReader {
        private let file: TemporaryFile
        private let window: UnsafeMutableBufferPointer<Record>
        private var position = 0
        private var filled = 0
        /// The file offset of the next record not yet in the window.
        private var offset: Int64 = 0
        private(set) var current = Record(a: 0, b: 0, c: 0, d: 0)
        private(set) var isLive = false

        init(file: TemporaryFile, window: Int) throws {
            self.file = file
            self.window = .allocate(capacity: max(1, window))
            guard file.size % Int64(FixedRecordSorter.recordSize) == 0 else {
                throw file.corrupt("fixed-record sort run", "its size (\(file.size) bytes) is not a whole number of records")
            }
            try advance()
        }

        deinit { window.deallocate() }

        @inline(__always)
        func advance() throws {
            if position == filled {
                try refill()
                guard filled > 0 else {
                    isLive = false
                    return
                }
            }
            current = window[position]
            position += 1
            isLive = true
        }

        private func refill() throws {
            let size = FixedRecordSorter.recordSize
            let records = Int(min(Int64(window.count), (file.size - offset) / Int64(size)))
            position = 0
            filled = 0
            guard records > 0 else { return }
            let raw = UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(window.baseAddress!), count: records * size)
            let got = try file.read(at: offset, into: raw)
            guard got == records * size else { throw file.corrupt("fixed-record sort run", "it is shorter than was written") }
            offset += Int64(got)
            filled = records
        }
    }

    /// Runs merged in order with a binary heap of run indices (ties by run order).
    final class Merge {
        private let readers: [RunReader]
        private var heap: [Int] = []

        init(runs: [TemporaryFile], window: Int) throws {
            readers = try runs.map { try RunReader(file: $0, window: window) }
            for i in readers.indices where readers[i].isLive {
                heap.append(i)
                siftUp(heap.count - 1)
            }
        }

        @inline(__always)
        func next() throws -> Record? {
            guard let top = heap.first else { return nil }
            let reader = readers[top]
            let record = reader.current
            try reader.advance()
            if !reader.isLive {
                let last = heap.removeLast()
                if !heap.isEmpty { heap[0] = last }
            }
            if !heap.isEmpty { siftDown(0) }
            return record
        }

        @inline(__always)
        private func less(_ x: Int, _ y: Int) -> Bool {
            let rx = readers[x].current, ry = readers[y].current
            if Record.precedes(rx, ry) { return true }
            if Record.precedes(ry, rx) { return false }
            return x < y
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
            let n = heap.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < n, less(heap[l], heap[smallest]) { smallest = l }
                if r < n, less(heap[r], heap[smallest]) { smallest = r }
                if smallest == i { return }
                heap.swapAt(i, smallest)
                i = smallest
            }
        }
    }
}
