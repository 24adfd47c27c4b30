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
