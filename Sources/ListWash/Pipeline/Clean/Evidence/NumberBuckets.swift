/// (event number and id, reference, slot) records gathered in any order and read back in number
/// order: each record goes to the bucket of its number's range, and each bucket is sorted
/// alone. A history holds at most one event per number, so a bucket of `memoryBudget / 32`
/// numbers never holds more records than that, however the references fall. Cheaper than an
/// external merge sort for fixed-size numeric keys: one copy on the way in, one read and one
/// in-memory sort per bucket on the way out.
final class NumberBuckets {
    private struct Record {
        var number: Int64
        var idHigh: UInt64
        var idLow: UInt64
        var reference: UInt32
        var slot: UInt32
    }

    private let buckets: BucketFile
    /// Numbers per bucket.
    private let span: Int64

    init(directory: String, highest: Int64, memoryBudget: Int) throws {
        span = max(Int64(max(memoryBudget, 1 << 16) / MemoryLayout<Record>.stride), 1)
        buckets = try BucketFile(directory: directory, buckets: Int(max(highest, 0) / span) + 1,
                                 bufferBytes: 4_096 * MemoryLayout<Record>.stride)
    }

    /// The error for records that do not read back as written.
    func corrupt(_ problem: String) -> TemporaryFileError { buckets.corrupt(problem) }

    func append(_ event: EventReference, reference: UInt32, slot: UInt32) throws {
        let bucket = min(Int(max(event.number, 0) / span), buckets.count - 1)
        let record = Record(number: event.number, idHigh: event.idHigh, idLow: event.idLow, reference: reference, slot: slot)
        try withUnsafeBytes(of: record) { try buckets.append($0, to: bucket) }
    }

    /// Every record in number order.
    ///
    /// Numbers are unique (an event is the evidence of one slot at most) and a bucket's lie in
    /// its range, so a bucket is put in order by ``KeyPlacement`` instead of a comparison sort;
    /// one where that does not hold (a number repeated or out of its range) is sorted as before.
    func forEachInOrder(_ body: (_ event: EventReference, _ reference: UInt32, _ slot: UInt32) throws -> Void) throws {
        var records: [Record] = []
        let size = MemoryLayout<Record>.stride
        var base: Int64 = 0
        func emit(_ record: Record) throws {
            try body(EventReference(number: record.number, idHigh: record.idHigh, idLow: record.idLow), record.reference, record.slot)
        }
        try buckets.forEachBucket { raw in
            defer { base += span }
            guard raw.count % size == 0 else { throw buckets.corrupt("a bucket holds part of a record") }
            records.removeAll(keepingCapacity: true)
            for i in 0..<(raw.count / size) { records.append(raw.loadUnaligned(fromByteOffset: i * size, as: Record.self)) }
            guard !records.isEmpty else { return }
            let placed = KeyPlacement.order(count: records.count, range: Int(span)) { i in
                let at = records[i].number &- base
                return at >= 0 && at < span ? Int(at) : -1
            }
            if let placed {
                for i in placed { try emit(records[i]) }
            } else {
                records.sort { $0.number < $1.number }
                for record in records { try emit(record) }
            }
        }
    }
}
