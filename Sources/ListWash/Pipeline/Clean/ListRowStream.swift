#if canImport(Glibc)
import Glibc
#endif

/// What the duplicate pre-pass learnt of a CSV list's rows, kept for the list pass so that the
/// list is parsed once: one entry per segment, in file order, in an unlinked temporary file in
/// the staging folder. The list pass then reads the list's bytes front to back without
/// tokenising them, cutting them at the entries' lengths (``ListBytes``).
///
/// Only for a list read from a file as it is (``CSVListReader/isPlainFile``: not transcoded):
/// there a segment's bytes are the file's own, at ``CSVListReader/segmentStart``. XML lists,
/// transcoded ones and standard input are read twice (or once, in memory) as before.
///
/// An entry: `[kind u8][raw length u32][extra length u32][line u64][extra]`, little-endian.
/// The extra bytes are the address key of a ``Kind/record``, and the reason's length (u32),
/// the reason and the row's text (before its line end) of a ``Kind/rejected`` row.
///
/// The list pass hashes every byte it reads, as before, and `clean` compares that digest with
/// the pre-pass's: a list changed between the two reads fails the run as it always did; a
/// list that became shorter fails it as soon as a segment runs past its end.
final class ListRowStream {
    enum Kind: UInt8 {
        /// Bytes that belong to no segment (blank lines): read past.
        case gap = 0
        /// Copied into the cleaned list (the header, a byte-order mark).
        case passthrough = 1
        /// A row with an address, of this shard.
        case record = 2
        /// A row with an address of another shard (`--shard`): counted as a row, read past.
        case otherShard = 3
        /// A malformed row, for `rejects.csv`.
        case rejected = 4
    }

    static let headerSize = 17

    private let file: TemporaryFile
    /// The list's bytes the entries cover so far.
    private(set) var covered = 0
    private var entry: [UInt8] = []

    /// How the pre-pass's reader read the list, for the list pass's summary.
    var dialectDescription = ""
    var addressField = ""
    var blankLines = 0
    var bytesRead = 0

    init(directory: String) throws {
        file = try TemporaryFile(directory: directory)
        entry.reserveCapacity(256)
    }

    /// Adds the segment at `start` (a gap entry first if it does not follow the last one).
    func add(_ kind: Kind, start: Int, length: Int, line: Int, extra: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) throws {
        if start > covered {
            try append(.gap, length: start - covered, line: 0, extra: UnsafeRawBufferPointer(start: nil, count: 0))
            covered = start
        }
        guard start == covered else { throw file.corrupt("list rows", "a segment at \(start) overlaps the one before (to \(covered))") }
        try append(kind, length: length, line: line, extra: extra)
        covered = start + length
    }

    /// Adds a malformed row with its reason and text.
    func addRejected(start: Int, length: Int, line: Int, reason: String, text: String) throws {
        var extra: [UInt8] = []
        let reasonBytes = Array(reason.utf8)
        extra.append(littleEndian: UInt32(reasonBytes.count))
        extra.append(contentsOf: reasonBytes)
        extra.append(contentsOf: text.utf8)
        try extra.withUnsafeBytes { try add(.rejected, start: start, length: length, line: line, extra: $0) }
    }

    @inline(__always)
    private func append(_ kind: Kind, length: Int, line: Int, extra: UnsafeRawBufferPointer) throws {
        entry.removeAll(keepingCapacity: true)
        entry.append(kind.rawValue)
        entry.append(littleEndian: UInt32(length))
        entry.append(littleEndian: UInt32(extra.count))
        entry.append(littleEndian: UInt64(line))
        entry.append(contentsOf: extra)
        try file.append(entry)
    }

    /// Every entry in order: its kind, raw length, line and extra bytes (valid during the call).
    func forEach(_ body: (Kind, Int, Int, UnsafeRawBufferPointer) throws -> Void) throws {
        try file.flush()
        let reader = TemporaryFileReader(file: file, range: 0..<file.size, window: 1 << 20, name: "list rows")
        while try reader.nextRecord(size: { r in
            try r.require(Self.headerSize)
            return Self.headerSize + Int(r.uint32(at: 5))
        }) {
            let head = reader.bytes(0, Self.headerSize)
            guard let kind = Kind(rawValue: head[0]) else { throw file.corrupt("list rows", "an entry of unknown kind \(head[0])") }
            let length = Int(reader.uint32(at: 1))
            let line = Int(UInt64(littleEndian: head.loadUnaligned(fromByteOffset: 9, as: UInt64.self)))
            try body(kind, length, line, reader.bytes(Self.headerSize, Int(reader.uint32(at: 5))))
        }
    }
}

/// A list file read front to back in pieces of given lengths (the ``ListRowStream``'s),
/// hashing every byte, as ``CSVListReader`` reads it.
///
/// Unsafe memory, fenced here: the window is allocated in `init`, replaced only by
/// ``take(_:)`` and freed in `deinit`; the bytes ``take(_:)`` lends are valid until the next
/// call; one thread (the list pass's) uses it.
final class ListBytes {
    private let path: String
    private let source: FileByteSource
    private var window: UnsafeMutableRawBufferPointer
    private var position = 0
    private var filled = 0

    init(path: String) throws {
        self.path = path
        source = try FileByteSource(path: path, hashing: true)
        window = .allocate(byteCount: 1 << 20, alignment: 16)
    }

    deinit { window.deallocate() }

    var bytesRead: Int { source.bytesRead }

    /// SHA-256 of every byte read (call after ``drain()``).
    func digest() -> [UInt8] { source.hasher?.finalize() ?? [] }

    /// The next `count` bytes; a file that ends first changed since the pre-pass read it.
    @inline(__always)
    func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        if filled - position < count { try refill(count) }
        let bytes = UnsafeRawBufferPointer(start: window.baseAddress! + position, count: count)
        position += count
        return bytes
    }

    /// Reads the rest of the file (so that the digest covers it).
    func drain() throws {
        position = filled
        while try source.read(into: window) > 0 {}
        filled = 0
        position = 0
    }

    private func refill(_ count: Int) throws {
        let kept = filled - position
        if window.count < count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, window.count * 2), alignment: 16)
            if kept > 0 { larger.baseAddress!.copyMemory(from: window.baseAddress! + position, byteCount: kept) }
            window.deallocate()
            window = larger
        } else if kept > 0, position > 0 {
            window.baseAddress!.copyMemory(from: window.baseAddress! + position, byteCount: kept)
        }
        position = 0
        filled = kept
        while filled < count {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: window[filled...]))
            guard n > 0 else { throw InputError.unreadable(path: path, reason: "the file changed while it was being read") }
            filled += n
        }
    }
}
