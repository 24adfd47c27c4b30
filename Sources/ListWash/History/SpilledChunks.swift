/// One ingest's entries beyond what its buffer holds: each time the ``EntryBuffer`` fills,
/// it is sorted and appended to an unlinked temporary file as a *chunk*, and at the commit
/// the chunks are merged in key order and written as the load's one run. Each entry is
/// written to SQLite once, however large the file, and a full buffer costs a sort and a
/// sequential write instead of a run written to and read back from the database.
///
/// A chunk is its keys in order, each `keyLength:u32 key count:u32` and `count` entries of
/// ``AddressEntry/size`` bytes (little-endian).
///
/// ``spill(_:)`` runs on one background thread at a time; ``merge(_:)`` runs on the load's
/// thread once the last spill has been waited for.
final class SpilledChunks: @unchecked Sendable {
    private let file: TemporaryFile
    private var chunks: [(start: Int64, end: Int64)] = []
    private var record: [UInt8] = []

    init(directory: String) throws {
        file = try TemporaryFile(directory: directory)
    }

    /// Sorts the buffer's entries by key and appends them as one chunk; the buffer is emptied.
    func spill(_ buffer: inout EntryBuffer) throws {
        let start = file.size
        try buffer.forEachKey { key, group in
            record.removeAll(keepingCapacity: true)
            withUnsafeBytes(of: UInt32(key.count).littleEndian) { record.append(contentsOf: $0) }
            record.append(contentsOf: key)
            withUnsafeBytes(of: UInt32(group.count).littleEndian) { record.append(contentsOf: $0) }
            for entry in group { entry.write(to: &record) }
            try file.append(record)
        }
        chunks.append((start, file.size))
        buffer.removeAll()
    }

    /// Calls `body` once per key, in key order, with the entries every chunk holds for it
    /// (in no particular order across chunks).
    func merge(_ body: (UnsafeRawBufferPointer, inout [AddressEntry]) throws -> Void) throws {
        try file.flush()
        let readers = try chunks.map { try ChunkReader(file: file, start: $0.start, end: $0.end) }
        var entries: [AddressEntry] = []
        var key: [UInt8] = []
        while true {
            // The smallest key: by the keys' first 8 bytes, and by all of them on a tie.
            var smallest: ChunkReader?
            for reader in readers where reader.live {
                if let s = smallest {
                    if reader.prefix > s.prefix { continue }
                    if reader.prefix == s.prefix, reader.withKey({ a in s.withKey { b in compareKeys(a, b) } }) >= 0 { continue }
                }
                smallest = reader
            }
            guard let smallest else { return }
            let prefix = smallest.prefix
            key.removeAll(keepingCapacity: true)
            smallest.withKey { key.append(contentsOf: $0) }
            entries.removeAll(keepingCapacity: true)
            try key.withUnsafeBytes { current in
                for reader in readers where reader.live && reader.prefix == prefix && reader.withKey({ compareKeys($0, current) }) == 0 {
                    reader.withEntries { AddressEntry.decode($0, into: &entries) }
                    try reader.advance()
                }
                try body(current, &entries)
            }
        }
    }
}

/// Reads one chunk front to back through a window of 1 MiB (more for a key with more entries).
private final class ChunkReader {
    private let file: TemporaryFile
    private var next: Int64
    private let end: Int64
    private var window: [UInt8] = []
    private var at = 0
    private var keyRange = 0..<0
    private var entriesRange = 0..<0
    private(set) var live = true
    /// The current key's first 8 bytes, big-endian and zero-padded: compared before the bytes.
    private(set) var prefix: UInt64 = 0

    init(file: TemporaryFile, start: Int64, end: Int64) throws {
        self.file = file
        next = start
        self.end = end
        try advance()
    }

    /// The current key's bytes (until ``advance()``).
    func withKey<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try window.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[keyRange])) }
    }

    /// The current key's entries, packed (until ``advance()``).
    func withEntries<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try window.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[entriesRange])) }
    }

    /// Moves to the next key; `live` turns false after the last.
    func advance() throws {
        guard window.count > at || next < end else {
            live = false
            return
        }
        guard try need(4) else { throw truncated }
        let keyLength = Int(uint32(at: at))
        guard try need(8 + keyLength) else { throw truncated }
        let total = 8 + keyLength + Int(uint32(at: at + 4 + keyLength)) * AddressEntry.size
        guard try need(total) else { throw truncated }
        keyRange = (at + 4)..<(at + 4 + keyLength)
        entriesRange = (at + 8 + keyLength)..<(at + total)
        at += total
        prefix = withKey { key in
            var p: UInt64 = 0
            for i in 0..<8 { p = p << 8 | UInt64(i < key.count ? key[i] : 0) }
            return p
        }
    }

    private var truncated: OutputError { OutputError.writeFailed(path: "(ingest)", reason: "a spilled chunk is truncated") }

    private func uint32(at offset: Int) -> UInt32 {
        window.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }

    /// Makes `count` bytes from `at` available in the window, moving what is left to its
    /// front and reading more; false when the chunk ends first.
    private func need(_ count: Int) throws -> Bool {
        if window.count - at >= count { return true }
        if at > 0 {
            window.removeSubrange(0..<at)
            at = 0
        }
        while window.count < count, next < end {
            let before = window.count
            try file.read(at: next, count: Int(min(Int64(max(count - before, 1 << 20)), end - next)), into: &window)
            guard window.count > before else { break }
            next += Int64(window.count - before)
        }
        return window.count >= count
    }
}

/// An entry buffer on its way to a background sort (a class, so the sorting thread holds the
/// only reference to its arrays and sorts them in place).
final class EntryBox: @unchecked Sendable {
    var buffer: EntryBuffer

    init(_ buffer: consuming EntryBuffer) {
        self.buffer = buffer
    }
}
