#if canImport(Glibc)
import CSystem
import Glibc
#endif

/// Errors creating or writing outputs. Messages name the path, never the data.
public enum OutputError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "\(path): cannot create: \(reason)"
        case .writeFailed(let path, let reason): return "\(path): write failed: \(reason)"
        }
    }
}

/// A set of output files that appear whole or not at all: each is written into a private
/// staging folder inside the destination and renamed into place only when every file is
/// complete; an existing file of the same name is replaced only then. If the run fails,
/// the staging folder is removed and the destination is untouched.
public final class OutputDirectory {
    public let path: String
    let staging: String
    private var writers: [OutputFile] = []
    private var finished = false

    public init(path: String) throws {
        self.path = path
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        var template = Array("\(path)/.listwash-staging-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        staging = String(cString: made)
    }

    deinit { if !finished { discard() } }

    /// A new file named `name` in the staging folder.
    public func create(_ name: String) throws -> OutputFile {
        let file = try OutputFile(path: "\(staging)/\(name)", name: name)
        writers.append(file)
        return file
    }

    /// Flushes, syncs and renames every file into the destination.
    public func commit() throws {
        for writer in writers { try writer.close() }
        for writer in writers {
            let target = "\(path)/\(writer.name)"
            if rename(writer.path, target) != 0 {
                throw OutputError.writeFailed(path: target, reason: String(cString: strerror(errno)))
            }
        }
        rmdir(staging)
        finished = true
    }

    /// Removes the staging folder and everything in it.
    public func discard() {
        for writer in writers {
            try? writer.close()
            unlink(writer.path)
        }
        rmdir(staging)
        finished = true
    }
}

/// A buffered output file that hashes (SHA-256) and counts what it writes.
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

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeOut($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, fsyncs and closes; the digest is final afterwards.
    func close() throws {
        guard fd >= 0 else { return }
        try flush()
        if fsync(fd) != 0 { throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
        Glibc.close(fd)
        fd = -1
        digest = hasher.finalize()
    }
}

/// RFC 4180 field quoting for the CSV files listwash writes itself.
public enum CSVText {
    /// Appends `value` to `out`, quoted when it holds the delimiter, a quote, CR or LF, or
    /// starts or ends with a blank.
    public static func appendField(_ value: some BidirectionalCollection<UInt8>, to out: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        let quote = UInt8(ascii: "\"")
        let needsQuotes = value.contains { $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D }
            || (value.first.map(AddressRules.isBlank) ?? false) || (value.last.map(AddressRules.isBlank) ?? false)
        guard needsQuotes else {
            out.append(contentsOf: value)
            return
        }
        out.append(quote)
        for c in value {
            if c == quote { out.append(quote) }
            out.append(c)
        }
        out.append(quote)
    }

    /// One CSV line (LF-terminated) of the given fields.
    public static func line(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendField(field.utf8, to: &out)
        }
        out.append(0x0A)
        return out
    }
}
