#if canImport(Glibc)
import Glibc
#endif

/// Tells `clean`'s list pass which rows repeat an earlier row's key, and the line of that
/// first row. Two ways, with the same answers:
///
/// - **in memory** (small lists): one pass, one slot of a ``FingerprintTable`` per distinct
///   address; memory grows with the list.
/// - **sorted** (large lists): a pre-pass over the list writes `(fingerprint, row, line)` for
///   every row into an ``ExternalSorter``; the sorted stream groups equal fingerprints with
///   the first row first (the sort is stable), and every later row of a group goes, with
///   the group's first line, into a second sorter by row number. The list pass then reads
///   that stream front to back as it meets the rows: memory is the sorters' budget,
///   whatever the list's length.
///
/// Rows are numbered by their order among the reader's records (a line number would not do:
/// several XML records can share a line).
final class DuplicateIndex {
    private var table = FingerprintTable<Int32>(capacity: 16)
    private let stream: ExternalSorter.Sorted?
    private var nextRow = Int.max
    private var nextFirstLine = 0
    /// SHA-256 of the list as the pre-pass read it (nil in memory): the list pass must read the same bytes.
    let prepassDigest: [UInt8]?
    /// Rows found to be later duplicates by the pre-pass.
    private(set) var sortedDuplicates = 0
    /// The list's distinct keys, from the pre-pass: lets the history scan skip the evidence of
    /// addresses the list does not hold (nil in memory: every address counts).
    private(set) var keys: FingerprintFilter?

    /// The in-memory index.
    init() {
        table = FingerprintTable<Int32>(capacity: 1 << 16)
        stream = nil
        prepassDigest = nil
    }

    /// Whether a list this size takes the sorted way: a regular file larger than `threshold`
    /// bytes (standard input and pipes cannot be read twice).
    static func wantsPrepass(path: String, threshold: Int) -> Bool {
        guard path != "-" else { return false }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return Int(info.st_size) > threshold
    }

    /// The sorted index, from a pre-pass over the list read with `open` (only `shard`'s rows, if given).
    init(prepass open: () throws -> SubscriberListReader, rules: AddressRules, directory: String, memoryBudget: Int,
         shard: ShardSpec? = nil) throws {
        let list = try open()
        let byKey = ExternalSorter(directory: directory, memoryBudget: memoryBudget)
        var row = 0
        var key = [UInt8](repeating: 0, count: 16)
        var value = [UInt8](repeating: 0, count: 16)
        try list.read { segment in
            guard case .record(let record) = segment else { return }
            row += 1
            guard let address = record.address else { return }
            let addressKey = rules.key(address)
            if let shard, !shard.owns(key: addressKey) { return }
            let fingerprint = Fingerprint(addressKey)
            Self.store(fingerprint.high, fingerprint.low, into: &key)
            Self.store(UInt64(row), UInt64(record.line), into: &value)
            try byKey.append(key: key, value: value)
        }
        prepassDigest = list.digest()

        let byRow = ExternalSorter(directory: directory, memoryBudget: memoryBudget)
        var high: UInt64 = 0, low: UInt64 = 0, firstLine: UInt64 = 0
        var started = false
        var duplicates = 0
        var filter = FingerprintFilter(expected: row)
        var rowKey = [UInt8](repeating: 0, count: 8)
        var lineValue = [UInt8](repeating: 0, count: 8)
        try byKey.finish().forEach { k, v in
            let h = UInt64(bigEndian: k.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            let l = UInt64(bigEndian: k.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let line = UInt64(bigEndian: v.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            if started, h == high, l == low {
                // A later row of the same key: the row number is the sort key of the second sorter.
                rowKey.removeAll(keepingCapacity: true)
                rowKey.append(contentsOf: v.prefix(8))
                lineValue.removeAll(keepingCapacity: true)
                lineValue.append(bigEndian: firstLine)
                try byRow.append(key: rowKey, value: lineValue)
                duplicates += 1
            } else {
                started = true
                high = h
                low = l
                firstLine = line
                filter.insert(Fingerprint(high: h, low: l))
            }
        }
        sortedDuplicates = duplicates
        keys = filter
        stream = try byRow.finish()
        try loadNext()
    }

    private static func store(_ a: UInt64, _ b: UInt64, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(bigEndian: a)
        bytes.append(bigEndian: b)
    }

    private func loadNext() throws {
        guard let stream else { return }
        let more = try stream.next { k, v in
            nextRow = Int(UInt64(bigEndian: k.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
            nextFirstLine = Int(UInt64(bigEndian: v.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
        }
        if !more { nextRow = Int.max }
    }

    /// For the list pass, called for rows in order: the line of the first row with this
    /// row's key if the row repeats it, nil if the row is the first of its key.
    /// - Parameters:
    ///   - row: the row's number among the records (1-based, rejected records included).
    ///   - line: the row's line, remembered as the first line of its key (in memory).
    @inline(__always)
    func firstLine(row: Int, line: Int, fingerprint: Fingerprint) throws -> Int? {
        if stream == nil {
            return table.insertIfAbsent(fingerprint, Int32(truncatingIfNeeded: line)).map(Int.init)
        }
        guard row == nextRow else { return nil }
        let first = nextFirstLine
        try loadNext()
        return first
    }
}
