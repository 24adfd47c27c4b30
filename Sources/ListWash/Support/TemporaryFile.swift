#if canImport(Glibc)
import Glibc
#endif

/// A temporary file that does not read back as it was written: listwash wrote it moments
/// before in the same run, so this is an internal error (a bug, a full or failing disk, a
/// file changed behind the run's back), never a reason to crash or to go on with wrong bytes.
public enum TemporaryFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `file` says which temporary file (a sort run, a spilled chunk, an evidence bucket…),
    /// `problem` what did not fit.
    case corrupt(directory: String, file: String, problem: String)

    public var description: String {
        switch self {
        case .corrupt(let directory, let file, let problem):
            let place = directory.isEmpty ? "" : " in \(directory)"
            return "internal error: a temporary file (\(file))\(place) is corrupt: \(problem); nothing was written, please report this"
        }
    }
}

/// The one temporary file of the spill toolkit: unlinked as soon as it is created (it
/// disappears with its descriptor, after success, an error or a crash; nothing is left in
/// ``directory``), appended to in order through a 1 MiB buffer, and read back by position
/// (``read(at:count:into:)``) or front to back (``TemporaryFileReader``). Sort runs, spilled
/// chunks and the evidence files are all of this type.
///
/// `@unchecked Sendable`: appends, ``flush()`` and ``markWritten(through:)`` are made by its
/// owner (the structure that created it), on one thread at a time. Once its owner has
/// flushed it for the last time, ``read(at:count:into:)`` and ``write(_:at:)`` to separate
/// ranges are safe from any thread (`pread`/`pwrite` never move the descriptor's offset).
/// The descriptor is closed when the last reference goes.
final class TemporaryFile: @unchecked Sendable {
    private let fd: Int32
    let directory: String
    /// Appends gather here (a sink: the spill files take many small appends) up to 1 MiB.
    private var buffer = ByteSink(capacity: 0)
    /// Bytes appended so far (written or buffered).
    private(set) var size: Int64 = 0

    init(directory: String) throws {
        var template = Array("\(directory)/.listwash-XXXXXX".utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        self.directory = directory
        guard fd >= 0 else {
            throw OutputError.cannotCreate(path: directory, reason: "temporary file: " + String(cString: strerror(errno)))
        }
        // Unlinked at once: the file lives only as long as its descriptor, whatever happens next.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    deinit { close(fd) }

    func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws {
        if bytes.withContiguousStorageIfAvailable({ buffer.append(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in bytes { buffer.append(byte) }
        }
        size += Int64(bytes.count)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func append(_ raw: UnsafeRawBufferPointer) throws {
        buffer.append(bytes: raw)
        size += Int64(raw.count)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes the buffered bytes out.
    func flush() throws {
        let raw = buffer.bytes
        var done = 0
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw writeFailed() }
            done += n
        }
        buffer.removeAll()
    }

    /// Writes the buffered bytes out and gives the buffer's memory back: for a file that is
    /// only read from now on (a later append takes a new buffer).
    func finishAppending() throws {
        try flush()
        buffer = ByteSink(capacity: 0)
    }

    /// Writes `bytes` at `offset`, past what is buffered (call ``flush()`` first; threads may
    /// write separate ranges at once). ``markWritten(through:)`` then takes the size past them.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw writeFailed() }
            done += n
        }
    }

    /// Takes the file's size to `end` after ``write(_:at:)``s (later appends go after it).
    func markWritten(through end: Int64) {
        guard end > size else { return }
        size = end
        lseek(fd, off_t(end), SEEK_SET)
    }

    /// Reads from `offset` into `target` until it is full or the file ends; returns the bytes
    /// read. Reads only what was flushed.
    func read(at offset: Int64, into target: UnsafeMutableRawBufferPointer) throws -> Int {
        var done = 0
        while done < target.count {
            let n = pread(fd, target.baseAddress! + done, target.count - done, off_t(offset) + off_t(done))
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw OutputError.writeFailed(path: directory, reason: "temporary file: " + String(cString: strerror(errno))) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Appends up to `count` bytes from `offset` (fewer at the end of the file) to `bytes`.
    /// Reads only what was flushed.
    func read(at offset: Int64, count: Int, into bytes: inout [UInt8]) throws {
        precondition(count >= 0, "TemporaryFile: negative read")
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        let done = try bytes.withUnsafeMutableBytes { raw in
            try read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + count)]))
        }
        bytes.removeLast(count - done)
    }

    /// Reads exactly `count` bytes from `offset` (appended to `bytes`), after checking that the
    /// range lies within what was written; `file` names the temporary file in the error.
    func readExactly(at offset: Int64, count: Int, into bytes: inout [UInt8], file: String) throws {
        guard offset >= 0, count >= 0, Int64(count) <= size - offset else {
            throw corrupt(file, "\(count) bytes at \(offset) lie past its end (\(size) bytes)")
        }
        let before = bytes.count
        try read(at: offset, count: count, into: &bytes)
        guard bytes.count - before == count else { throw corrupt(file, "it is shorter than was written") }
    }

    /// Appends one record of any length (a 4-byte length, then the bytes), for ``forEachFramed(_:)``.
    func appendFramed(_ bytes: [UInt8]) throws {
        var header: [UInt8] = []
        header.append(littleEndian: UInt32(bytes.count))
        try append(header)
        try append(bytes)
    }

    /// Every record written by ``appendFramed(_:)``, in the order written: a FIFO on disk.
    func forEachFramed(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try flush()
        let reader = TemporaryFileReader(file: self, range: 0..<size, window: 1 << 20, name: "waiting audit rows")
        while try reader.nextRecord(size: { reader in
            try reader.require(4)
            return 4 + Int(reader.uint32(at: 0))
        }) {
            try body(reader.bytes(4, Int(reader.uint32(at: 0))))
        }
    }

    /// Every `size`-byte record in the order written; the file must hold whole records.
    func forEachRecord(size: Int, name: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try flush()
        let reader = TemporaryFileReader(file: self, range: 0..<self.size, window: max(size, (1 << 20) / size * size), name: name)
        while try reader.nextRecord(size: { _ in size }) {
            try body(reader.bytes(0, size))
        }
    }

    /// The error for bytes that do not read back as written.
    func corrupt(_ file: String, _ problem: String) -> TemporaryFileError {
        .corrupt(directory: directory, file: file, problem: problem)
    }

    private func writeFailed() -> OutputError {
        OutputError.writeFailed(path: directory, reason: "temporary file: " + String(cString: strerror(errno)))
    }
}

/// Reads a range of a ``TemporaryFile`` front to back through a window, checking every length
/// it is given against what the range holds: a record that would run past the range (a
/// truncated or damaged file) is a ``TemporaryFileError``, never a read past the window.
///
/// Unsafe memory, fenced here: the window is allocated in ``init(file:range:window:name:)``,
/// grown only by ``require(_:)`` and freed in `deinit`; the reader is used by one thread at a
/// time (its owner's), and the bytes ``bytes(_:_:)`` lends stay valid until the next
/// ``require(_:)`` (which may move them); ``consume(_:)`` only moves the position.
final class TemporaryFileReader {
    private let file: TemporaryFile
    /// What the file holds, for errors ("sort run", "spilled chunk", …).
    let name: String
    /// The file offset of the first byte not yet in the window, and the range's end.
    private var next: Int64
    private let end: Int64
    private var window: UnsafeMutableRawBufferPointer
    /// The current position in the window, and how many of its bytes hold data.
    private var position = 0
    private var filled = 0
    /// The bytes of the record ``nextRecord(size:)`` made available last.
    private var recordSize = 0

    init(file: TemporaryFile, range: Range<Int64>, window size: Int, name: String) {
        self.file = file
        self.name = name
        next = range.lowerBound
        end = range.upperBound
        window = .allocate(byteCount: max(size, 64), alignment: 16)
    }

    deinit { window.deallocate() }

    /// True once every byte of the range is consumed.
    var isAtEnd: Bool { position == filled && next >= end }

    /// Bytes available from the position without reading.
    var available: Int { filled - position }

    /// Makes `count` bytes from the position available; throws when the range (or the file)
    /// ends first.
    @inline(__always)
    func require(_ count: Int) throws {
        if filled - position >= count { return }
        try refill(count)
    }

    private func refill(_ count: Int) throws {
        guard count >= 0, Int64(count) <= Int64(filled - position) + (end - next) else {
            throw file.corrupt(name, "a record of \(count) bytes runs past its end")
        }
        if position > 0 {
            let kept = filled - position
            if kept > 0 { window.baseAddress!.copyMemory(from: window.baseAddress! + position, byteCount: kept) }
            position = 0
            filled = kept
        }
        if window.count < count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, window.count * 2), alignment: 16)
            if filled > 0 { larger.baseAddress!.copyMemory(from: window.baseAddress!, byteCount: filled) }
            window.deallocate()
            window = larger
        }
        while filled < count {
            let want = Int(min(Int64(window.count - filled), end - next))
            let got = try file.read(at: next, into: UnsafeMutableRawBufferPointer(rebasing: window[filled..<(filled + want)]))
            guard got > 0 else { throw file.corrupt(name, "it is shorter than was written") }
            filled += got
            next += Int64(got)
        }
    }

    /// `count` bytes from `offset` past the position (within what ``require(_:)`` made available).
    @inline(__always)
    func bytes(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        precondition(offset >= 0 && count >= 0 && position + offset + count <= filled, "TemporaryFileReader: read past the window")
        return UnsafeRawBufferPointer(start: window.baseAddress! + position + offset, count: count)
    }

    /// The little-endian `UInt32` at `offset` past the position (within what is available).
    @inline(__always)
    func uint32(at offset: Int) -> UInt32 {
        precondition(offset >= 0 && position + offset + 4 <= filled, "TemporaryFileReader: read past the window")
        return UInt32(littleEndian: UnsafeRawPointer(window.baseAddress! + position).loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// For a file of records: moves past the current record (the one the last call made
    /// available) and makes the next one available whole; `size` reads its header (calling
    /// ``require(_:)`` for the header's bytes) and says how many bytes the record takes.
    /// False at the end of the range.
    func nextRecord(size: (TemporaryFileReader) throws -> Int) throws -> Bool {
        consume(recordSize)
        recordSize = 0
        guard !isAtEnd else { return false }
        let total = try size(self)
        try require(total)
        recordSize = total
        return true
    }

    /// Moves the position on by `count` available bytes.
    @inline(__always)
    func consume(_ count: Int) {
        precondition(count >= 0 && count <= filled - position, "TemporaryFileReader: consumed past the window")
        position += count
    }
}
