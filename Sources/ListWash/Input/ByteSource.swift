import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something bytes are read from in chunks: a file, or memory in tests.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads up to `bytes.count` bytes into the start of `bytes`; returns how many (0 at the end).
    func read(into bytes: inout [UInt8]) throws -> Int {
        try bytes.withUnsafeMutableBytes { try read(into: $0) }
    }

    /// Everything left to read, in one array (for inputs read whole).
    func readToEnd() throws -> [UInt8] {
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try read(into: &chunk)
            if n == 0 { return all }
            all.append(contentsOf: chunk[..<n])
        }
    }
}

/// Errors opening or reading input files. Messages name the file, never its contents.
public enum InputError: Error, Equatable, Sendable {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case emptyFile(path: String)
    /// No header names the address; `columns` is how many the header has, and
    /// `firstLineHoldsAddress` says that a field of it looks like an address (a file without a
    /// header line). The names are not kept: a data row taken for a header would put its data
    /// in the message.
    case noAddressColumn(path: String, columns: Int, firstLineHoldsAddress: Bool)
    case unknownColumn(path: String, name: String)
    case unknownFormat(path: String)
}

extension InputError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path): no such file"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .emptyFile(let path): return "\(path): the file is empty (no header line)"
        case .noAddressColumn(let path, let columns, true):
            // A file without a header line: its first line is a record, whose fields are personal data.
            return "\(path):1: the first line holds an address, so it is a record, not a header naming the \(columns) columns; add a header line, or name the column with --email-column"
        case .noAddressColumn(let path, let columns, false):
            return "\(path):1: none of the header's \(columns) columns is named like an address (email, Email Address, …); name it with --email-column (listwash inspect-csv shows the header)"
        case .unknownColumn(let path, let name): return "\(path):1: no column named '\(name)'"
        case .unknownFormat(let path): return "\(path): unrecognised input format; name it with --format"
        }
    }
}

/// Reads a file with `read(2)`, feeding every byte to an optional SHA-256 hasher on the way
/// (so the manifest's input hash costs no second pass).
public final class FileByteSource: ByteSource {
    public let path: String
    private let fd: Int32
    public let hasher: SHA256Hasher?
    public private(set) var bytesRead: Int = 0

    /// Opens `path` for reading; "-" reads standard input.
    public init(path: String, hashing: Bool = false) throws {
        self.path = path
        if path == "-" {
            fd = 0
        } else {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            if opened < 0 {
                let code = errno
                if code == ENOENT { throw InputError.missingFile(path: path) }
                throw InputError.unreadable(path: path, reason: String(cString: strerror(code)))
            }
            var info = stat()
            if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(opened)
                throw InputError.unreadable(path: path, reason: "is a directory")
            }
            fd = opened
        }
        hasher = hashing ? SHA256Hasher() : nil
    }

    deinit { if fd > 2 { close(fd) } }

    /// A whole (small) file's bytes, with the same errors as ``init(path:hashing:)``.
    public static func readAll(path: String) throws -> [UInt8] {
        try FileByteSource(path: path).readToEnd()
    }

    /// The file's modification time in Unix seconds, if it can be read.
    public static func modificationTime(path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_mtim.tv_sec)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n > 0 {
                hasher?.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                bytesRead += n
            }
            return n
        }
    }
}

/// Bytes in memory, handed out in chunks of the given sizes (cycled), for tests that prove
/// readers give the same records however the input is split.
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    private let chunkSizes: [Int]
    private var chunkIndex = 0

    public init(_ bytes: [UInt8], chunkSizes: [Int] = [1 << 20]) {
        self.bytes = bytes
        self.chunkSizes = chunkSizes.map { max(1, $0) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let want = min(buffer.count, chunkSizes[chunkIndex % chunkSizes.count], bytes.count - offset)
        chunkIndex += 1
        guard want > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: want)
        }
        offset += want
        return want
    }
}

/// Reads a gzip file (RFC 1952) through zlib, handing out the decompressed bytes; members
/// written one after another (`cat a.gz b.gz`) read as one stream, as `gunzip` reads them.
/// Corrupt or truncated data is an ``InputError/unreadable(path:reason:)`` naming the file.
public final class GzipByteSource: ByteSource {
    public let path: String
    private let file: ByteSource
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var streamEnded = false
    private var open = false

    /// Decompresses what `file` reads; `path` names it in errors.
    public init(file: ByteSource, path: String) throws {
        self.path = path
        self.file = file
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        guard listwash_inflate_init(&stream) == Z_OK else {
            input.deallocate()
            throw InputError.unreadable(path: path, reason: "cannot start gzip decompression")
        }
        open = true
    }

    deinit {
        if open { inflateEnd(&stream) }
        input.deallocate()
    }

    /// Whether `prefix` starts with gzip's magic bytes (1F 8B).
    public static func isGzip(_ prefix: some Collection<UInt8>) -> Bool {
        prefix.starts(with: [0x1F, 0x8B])
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0, !streamEnded else { return 0 }
        let capacity = min(buffer.count, Int(UInt32.max))
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(capacity)
        while stream.avail_out > 0 {
            if stream.avail_in == 0, !inputEnded, try !fillInput() { inputEnded = true }
            if stream.avail_in == 0, inputEnded {
                if Int(stream.avail_out) < capacity { break }
                throw InputError.unreadable(path: path, reason: "truncated gzip data")
            }
            switch inflate(&stream, Z_NO_FLUSH) {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // Another member may follow; anything else after the last one is not gzip.
                if stream.avail_in == 0, try !fillInput() {
                    streamEnded = true
                    return capacity - Int(stream.avail_out)
                }
                guard stream.next_in.pointee == 0x1F else {
                    throw InputError.unreadable(path: path, reason: "data after the end of the gzip stream")
                }
                inflateReset(&stream)
            default:
                throw InputError.unreadable(path: path, reason: "corrupt gzip data")
            }
        }
        return capacity - Int(stream.avail_out)
    }

    /// Reads the next compressed chunk; false at the end of the file.
    private func fillInput() throws -> Bool {
        let n = try file.read(into: input)
        guard n > 0 else { return false }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = uInt(n)
        return true
    }
}

extension FileByteSource {
    /// The file at `path`, decompressed when it is gzip data (by its first bytes, whatever its
    /// name), as it is otherwise.
    public static func openDecompressing(path: String) throws -> ByteSource {
        let probe = try FileByteSource(path: path)
        guard path != "-" else { return probe }
        var head = [UInt8](repeating: 0, count: 2)
        let n = try probe.read(into: &head)
        let file = try FileByteSource(path: path)
        return n == 2 && GzipByteSource.isGzip(head) ? try GzipByteSource(file: file, path: path) : file
    }
}
