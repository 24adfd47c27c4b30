/// Bytes appended to numbered buckets in any order and read back bucket by bucket, in
/// bounded memory: each bucket keeps a small buffer, full buffers go to one temporary file,
/// and a bucket comes back whole (its spilled buffers in order, then what its buffer holds).
/// ``NumberBuckets`` and ``ReferenceBuckets`` sort their records this way.
final class BucketFile {
    private let file: TemporaryFile
    private let bufferBytes: Int
    private var staging: [[UInt8]]
    /// Per bucket: where its full buffers went in `file` (offset, bytes).
    private var spilled: [[(offset: Int64, count: Int)]]

    init(directory: String, buckets: Int, bufferBytes: Int) throws {
        file = try TemporaryFile(directory: directory)
        self.bufferBytes = bufferBytes
        staging = Array(repeating: [], count: max(buckets, 1))
        spilled = Array(repeating: [], count: max(buckets, 1))
    }

    var count: Int { staging.count }

    /// Appends to a bucket; a record may be appended in parts (they stay contiguous).
    func append(_ bytes: UnsafeRawBufferPointer, to bucket: Int) throws {
        staging[bucket].append(contentsOf: bytes)
        if staging[bucket].count >= bufferBytes {
            spilled[bucket].append((file.size, staging[bucket].count))
            try file.append(staging[bucket])
            staging[bucket].removeAll(keepingCapacity: true)
        }
    }

    /// Writes out the buffers' full part (call before ``read(bucket:into:)``).
    func flush() throws { try file.flush() }

    /// Appends one bucket's bytes to `bytes`. It only reads, so threads may read different
    /// buckets at once, after ``flush()`` and once every append is done.
    func read(bucket: Int, into bytes: inout [UInt8]) throws {
        for (offset, count) in spilled[bucket] {
            try file.readExactly(at: offset, count: count, into: &bytes, file: "evidence bucket")
        }
        bytes += staging[bucket]
    }

    /// The error for a bucket whose bytes do not read back as written.
    func corrupt(_ problem: String) -> TemporaryFileError { file.corrupt("evidence bucket", problem) }

    /// Each bucket's bytes, in bucket order (one bucket in memory at a time).
    func forEachBucket(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try file.flush()
        var bytes: [UInt8] = []
        for bucket in staging.indices {
            bytes.removeAll(keepingCapacity: true)
            try read(bucket: bucket, into: &bytes)
            staging[bucket] = []
            try bytes.withUnsafeBytes { try body($0) }
        }
    }
}
