#if canImport(Glibc)
import Glibc
#endif

/// Tells `clean`'s list pass which rows repeat an earlier row's key, and the line of that
/// first row. Two ways, with the same answers:
///
/// - **in memory** (small lists): one pass, one slot of a ``FingerprintTable`` per distinct
///   address; memory grows with the list.
/// - **sorted** (large lists): a pre-pass over the list writes `(fingerprint, row, line)` for
///   every row, as one fixed-size record, into a ``FixedRecordSorter``; the sorted stream
///   groups equal fingerprints with the first row first (rows sort after the fingerprint),
///   and every later row of a group goes, with the group's first line, into a second sorter
///   by row number. The list pass then reads that stream front to back as it meets the rows:
///   memory is the sorters' budget, whatever the list's length.
///
/// Rows are numbered by their order among the reader's records (a line number would not do:
/// several XML records can share a line).
final class DuplicateIndex {
    private var table = FingerprintTable<Int32>(capacity: 16)
    private let stream: FixedRecordSorter.Sorted?
    private var nextRow = Int.max
    private var nextFirstLine = 0
    /// SHA-256 of the list as the pre-pass read it (nil in memory): the list pass must read the same bytes.
    let prepassDigest: [UInt8]?
    /// The pre-pass's entry for every segment of a CSV list read from a file as it is, so that the
    /// list pass does not parse it again (nil in memory, and for other lists).
    private(set) var rows: ListRowStream?
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
    /// `keepsRows`: a CSV list's rows are noted for the list pass (``rows``).
    init(prepass open: () throws -> SubscriberListReader, rules: AddressRules, directory: String, memoryBudget: Int,
         shard: ShardSpec? = nil, keepsRows: Bool = true) throws {
        let list = try open()
        let csv = list as? CSVListReader
        var rows = try csv.flatMap { keepsRows && $0.isPlainFile ? try ListRowStream(directory: directory) : nil }
        let byKey = FixedRecordSorter(directory: directory, memoryBudget: memoryBudget)
        var row = 0
        try list.read { segment in
            // The encoding is settled once reading has begun: a transcoded list is read again instead.
            if rows != nil, csv?.isPlainFile != true { rows = nil }
            let record: ListRecord
            switch segment {
            case .passthrough(let bytes):
                if let rows, let csv { try rows.add(.passthrough, start: csv.segmentStart, length: bytes.count, line: 0) }
                return
            case .record(let r):
                record = r
            }
            row += 1
            guard let address = record.address else {
                if let rows, let csv {
                    try rows.addRejected(start: csv.segmentStart, length: record.raw.count, line: record.line,
                                         reason: record.error ?? "malformed record", text: record.text)
                }
                return
            }
            let addressKey = rules.key(address)
            if let shard, !shard.owns(key: addressKey) {
                if let rows, let csv { try rows.add(.otherShard, start: csv.segmentStart, length: record.raw.count, line: record.line) }
                return
            }
            if let rows, let csv {
                try addressKey.withUnsafeBytes {
                    try rows.add(.record, start: csv.segmentStart, length: record.raw.count, line: record.line, extra: $0)
                }
            }
            let fingerprint = Fingerprint(addressKey)
            try byKey.append(.init(a: fingerprint.high, b: fingerprint.low, c: UInt64(row), d: UInt64(record.line)))
        }
        prepassDigest = list.digest()
        if let rows, let csv {
            rows.dialectDescription = csv.dialectDescription
            rows.addressField = csv.addressField
            rows.blankLines = csv.blankLines
            rows.bytesRead = csv.bytesRead
            self.rows = rows
        }

        let byRow = FixedRecordSorter(directory: directory, memoryBudget: memoryBudget)
        var high: UInt64 = 0, low: UInt64 = 0, firstLine: UInt64 = 0
        var started = false
        var duplicates = 0
        var filter = FingerprintFilter(expected: row)
        let sorted = try byKey.finish()
        while let r = try sorted.next() {
            if started, r.a == high, r.b == low {
                // A later row of the same key: sorted by its row number for the list pass.
                try byRow.append(.init(a: r.c, b: 0, c: 0, d: firstLine))
                duplicates += 1
            } else {
                started = true
                high = r.a
                low = r.b
                firstLine = r.d
                filter.insert(Fingerprint(high: r.a, low: r.b))
            }
        }
        sortedDuplicates = duplicates
        keys = filter
        stream = try byRow.finish()
        try loadNext()
    }

    private func loadNext() throws {
        guard let stream else { return }
        if let next = try stream.next() {
            nextRow = Int(next.a)
            nextFirstLine = Int(next.d)
        } else {
            nextRow = Int.max
        }
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
