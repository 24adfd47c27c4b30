#if canImport(Glibc)
import CSystem
import Glibc
#endif

/// A buffered output file that hashes (SHA-256) and counts what it writes.
///
/// A full buffer (1 MiB) is hashed and written on a thread of its own while the caller fills
/// the next one; one buffer is in flight at a time, so the file and its hash take the bytes in
/// the order written. The threads that write `audit.jsonl` and `cleaned.csv` are the ones the
/// run waits for, and the hash of a large audit was a fifth of the audit thread's work.
/// `hasher`, `bytesWritten` and `writebackStart` belong to the buffer in flight until it is
/// waited for (``drain()``); ``close()`` waits for it before the digest is read.
public final class OutputFile {
    public let path: String
    public let name: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let capacity = 1 << 20
    private let hasher = SHA256Hasher()
    public private(set) var bytesWritten = 0
    /// Data rows written (callers count them with ``countRow()``).
    public private(set) var rows = 0
    public private(set) var digest: [UInt8] = []

    init(path: String, name: String) throws {
        self.path = path
        self.name = name
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(capacity)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > capacity { try flush() }
        if bytes.count >= capacity {
            try drain()
            try writeOut(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    public func countRow() { rows += 1 }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bytes)
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        bytesWritten += bytes.count
        // Start writing back what is written so far, without waiting, so the fsync at close
        // waits for the last few megabytes rather than the whole file (a large audit).
        if bytesWritten - writebackStart >= Self.writebackChunk {
            _ = listwash_start_writeback(fd, Int64(writebackStart), Int64(bytesWritten - writebackStart))
            writebackStart = bytesWritten
        }
    }

    /// Bytes after which written data is handed to the kernel's writeback.
    private static let writebackChunk = 16 << 20
    private var writebackStart = 0

    /// The buffer being hashed and written on its own thread, which hands it back for reuse.
    private var inFlight: BackgroundWork<[UInt8]>?
    /// A buffer handed back, to fill next.
    private var spare: [UInt8] = []

    /// Hands the buffered bytes to be hashed and written (after the buffer before them).
    func flush() throws {
        guard !buffer.isEmpty else { return }
        try drain()
        let full = buffer
        buffer = spare
        spare = []
        buffer.removeAll(keepingCapacity: true)
        buffer.reserveCapacity(capacity)
        inFlight = BackgroundWork { [self] in
            try full.withUnsafeBytes { try writeOut($0) }
            return full
        }
    }

    /// Waits until the buffer in flight is hashed and written.
    private func drain() throws {
        guard let work = inFlight else { return }
        inFlight = nil
        spare = try work.wait()
    }

    /// Flushes, fsyncs and closes; the digest is final afterwards.
    func close() throws {
        guard fd >= 0 else { return }
        try flush()
        try drain()
        if fsync(fd) != 0 { throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        Glibc.close(fd)
        fd = -1
        digest = hasher.finalize()
    }
}
