/// Evidence records (``EvidenceEvent``) gathered in event-number order and laid out in
/// reference order: each goes to the bucket of its reference's range (32,768 references,
/// about 4 MB of records), and each bucket is ordered alone.
final class ReferenceBuckets {
    private let buckets: BucketFile
    private let references: Int
    /// Per bucket, the bytes it lays out to (its records), so that each
    /// bucket's place in the data file is known before any is written.
    private var sizes: [Int]
    private static let span = 32_768

    init(directory: String, references: Int) throws {
        buckets = try BucketFile(directory: directory, buckets: references / Self.span + 1, bufferBytes: 32 << 10)
        self.references = references
        sizes = Array(repeating: 0, count: buckets.count)
    }

    /// One record: `reference:u32 length:u32` and its bytes.
    func append(reference: UInt32, record: UnsafeRawBufferPointer) throws {
        let bucket = min(Int(reference) / Self.span, buckets.count - 1)
        let header = (reference.littleEndian, UInt32(record.count).littleEndian)
        try withUnsafeBytes(of: header) { try buckets.append($0, to: bucket) }
        try buckets.append(record, to: bucket)
        sizes[bucket] += record.count
    }

    /// Writes the records at the end of `data` in reference order, and the reference index to
    /// `index`: where each reference's record starts (a reference without one: where the next
    /// record would start), and one entry more, where the last ends. Each bucket's place is known from the sizes, so two threads
    /// lay out alternate buckets at once (writing the bytes is most of the work).
    func layOut(into data: TemporaryFile, index: TemporaryFile) throws {
        try buckets.flush()
        var starts: [Int64] = []
        var end = data.size
        for size in sizes {
            starts.append(end)
            end += Int64(size)
        }
        let work = { [self] (bucket: Int) throws in try layOut(bucket: bucket, at: starts[bucket], into: data, index: index) }
        let count = buckets.count
        let other = BackgroundWork { for bucket in stride(from: 1, to: count, by: 2) { try work(bucket) } }
        var failure: (any Error)?
        do { for bucket in stride(from: 0, to: count, by: 2) { try work(bucket) } } catch { failure = error }
        do { try other.wait() } catch { failure = failure ?? error }
        if let failure { throw failure }
        var last: [UInt8] = []
        last.append(littleEndian: UInt64(end))
        try last.withUnsafeBytes { try index.write($0, at: Int64(references) * 8) }
        data.markWritten(through: end)
        index.markWritten(through: Int64(references + 1) * 8)
    }

    private func layOut(bucket: Int, at start: Int64, into data: TemporaryFile, index: TemporaryFile) throws {
        var bytes: [UInt8] = []
        try buckets.read(bucket: bucket, into: &bytes)
        let first = bucket * Self.span
        let last = bucket == buckets.count - 1 ? references : min(first + Self.span, references)
        let ordered = try bytes.withUnsafeBytes { try order($0, first: first, last: last) }
        var out: [UInt8] = []
        out.reserveCapacity(sizes[bucket])
        var entries: [UInt8] = []
        entries.reserveCapacity(max(last - first, 0) * 8)
        func entry() { entries.append(littleEndian: UInt64(start + Int64(out.count))) }
        var next = first
        try bytes.withUnsafeBytes { raw in
            for (reference, at) in ordered {
                guard Int(reference) >= next, Int(reference) < last else {
                    throw buckets.corrupt("reference \(reference) is out of its bucket's range")
                }
                while next < Int(reference) {
                    entry()
                    next += 1
                }
                entry()
                let length = Int(raw.littleEndian(at: at + 4, as: UInt32.self))
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(at + 8)..<(at + 8 + length)]))
                next += 1
            }
        }
        while next < last {
            entry()
            next += 1
        }
        guard out.count == sizes[bucket] else {
            throw buckets.corrupt("a bucket laid out to \(out.count) bytes, not \(sizes[bucket])")
        }
        try out.withUnsafeBytes { try data.write($0, at: start) }
        try entries.withUnsafeBytes { try index.write($0, at: Int64(first) * 8) }
    }

    /// A bucket's records by reference: each one's reference and where its record starts.
    /// References are unique and a bucket's lie in `first..<last`, so a bucket is put in order by
    /// ``KeyPlacement``; one where that does not hold is sorted, and ``layOut(into:index:)``
    /// reports what is wrong with it.
    func order(_ raw: UnsafeRawBufferPointer, first: Int, last: Int) throws -> [(reference: UInt32, start: Int)] {
        var order: [(reference: UInt32, start: Int)] = []
        var at = 0
        while at < raw.count {
            guard raw.count - at >= 8 else { throw buckets.corrupt("a record is truncated") }
            let length = Int(raw.littleEndian(at: at + 4, as: UInt32.self))
            guard length <= raw.count - at - 8 else { throw buckets.corrupt("a record runs past its bucket") }
            order.append((raw.littleEndian(at: at, as: UInt32.self), at))
            at += 8 + length
        }
        guard let placed = KeyPlacement.order(count: order.count, range: max(last - first, 0), key: { Int(order[$0].reference) - first }) else {
            return order.sorted { $0.reference < $1.reference }
        }
        return placed.map { order[$0] }
    }
}
