/// One ingest's entries beyond what its buffer holds: each time the ``EntryBuffer`` fills,
/// it is sorted and appended to an unlinked temporary file as a *chunk*, and at the commit
/// the chunks are merged in key order and written as the load's one run. Each entry is
/// written to SQLite once, however large the file, and a full buffer costs a sort and a
/// sequential write instead of a run written to and read back from the database.
///
/// A chunk is its keys in order, each `keyLength:u32 key count:u32` and `count` entries of
/// ``AddressEntry/size`` bytes (little-endian).
///
/// `@unchecked Sendable`: owned by one ``HistoryStore/Load``; ``spill(_:)`` runs on one
/// background thread at a time (the load waits for a spill before it starts the next), and
/// ``merge(_:)`` runs on the load's thread once the last spill has been waited for, so no two
/// threads ever touch it at once.
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
        // Each entry's bytes as the buffer holds them (the chunk's own form).
        try buffer.forEachKeyPacked { key, items, arena in
            record.removeAll(keepingCapacity: true)
            record.append(littleEndian: UInt32(key.count))
            record.append(contentsOf: key)
            record.append(littleEndian: UInt32(items.count))
            for item in items {
                record.append(contentsOf: UnsafeRawBufferPointer(start: arena.baseAddress! + Int(item.offset + item.keyLength), count: AddressEntry.size))
            }
            try record.withUnsafeBytes { try file.append($0) }
        }
        chunks.append((start, file.size))
        buffer.removeAll()
    }

    /// Calls `body` once per key, in key order, with the entries every chunk holds for it
    /// (chunk by chunk, in the order they were spilled) and then those of `last`, the load's
    /// last fill, merged from memory instead of being spilled and read back (it is sorted
    /// here unless ``EntryBuffer/sort()`` was called since its last append, and emptied). A
    /// chunk that does not read back as written is a ``TemporaryFileError``.
    func merge(last: inout EntryBuffer, _ body: (UnsafeRawBufferPointer, inout [AddressEntry]) throws -> Void) throws {
        try file.finishAppending()
        last.sort()
        try last.withSortedItems { items, arena in
            var sources: [EntrySource] = try chunks.map { try ChunkReader(file: file, range: $0.start..<$0.end) }
            if !items.isEmpty { sources.append(BufferReader(items: items, arena: arena)) }
            var merge = KWayMerge(sources)
            var entries: [AddressEntry] = []
            var key: [UInt8] = []
            while true {
                entries.removeAll(keepingCapacity: true)
                guard try merge.nextGroup(key: &key, { $0.decode(into: &entries) }) else { return }
                try key.withUnsafeBytes { try body($0, &entries) }
            }
        }
        last.removeAll()
    }
}

/// One sorted source of the merge: a key and its entries at a time (``ChunkReader``,
/// ``BufferReader``); `key` is valid until ``advance()``.
private class EntrySource: MergeSource {
    fileprivate(set) var isLive = false
    fileprivate(set) var key = UnsafeRawBufferPointer(start: nil, count: 0)

    func advance() throws {}

    /// Appends the current key's entries.
    func decode(into entries: inout [AddressEntry]) {}
}

/// Reads one chunk front to back, a key and its entries at a time (through a window of 1 MiB,
/// more for a key with more entries): `key` and `entries` are valid until ``advance()``.
private final class ChunkReader: EntrySource {
    private let reader: TemporaryFileReader
    /// The current key's entries, packed.
    private(set) var entries = UnsafeRawBufferPointer(start: nil, count: 0)

    init(file: TemporaryFile, range: Range<Int64>) throws {
        reader = TemporaryFileReader(file: file, range: range, window: 1 << 20, name: "spilled chunk of address entries")
        super.init()
        try advance()
    }

    /// Moves to the next key; `isLive` turns false after the last.
    override func advance() throws {
        isLive = try reader.nextRecord { reader in
            try reader.require(4)
            let keyLength = Int(reader.uint32(at: 0))
            try reader.require(8 + keyLength)
            return 8 + keyLength + Int(reader.uint32(at: 4 + keyLength)) * AddressEntry.size
        }
        guard isLive else { return }
        let keyLength = Int(reader.uint32(at: 0))
        key = reader.bytes(4, keyLength)
        entries = reader.bytes(8 + keyLength, Int(reader.uint32(at: 4 + keyLength)) * AddressEntry.size)
    }

    override func decode(into out: inout [AddressEntry]) {
        AddressEntry.decode(entries, into: &out)
    }
}

/// Walks a sorted ``EntryBuffer``'s items a key at a time (``EntryBuffer/withSortedItems(_:)``
/// lends them and the arena for as long as the merge runs).
private final class BufferReader: EntrySource {
    private let items: UnsafeBufferPointer<EntryBuffer.Item>
    private let arena: UnsafeRawBufferPointer
    /// The current key's items, `start..<end`.
    private var start = 0
    private var end = 0

    init(items: UnsafeBufferPointer<EntryBuffer.Item>, arena: UnsafeRawBufferPointer) {
        self.items = items
        self.arena = arena
        super.init()
        advance()
    }

    override func advance() {
        start = end
        isLive = start < items.count
        guard isLive else { return }
        end = EntryBuffer.keyEnd(items, from: start, arena)
        key = EntryBuffer.key(items[start], arena)
    }

    override func decode(into out: inout [AddressEntry]) {
        for item in items[start..<end] { out.append(AddressEntry(arena, at: Int(item.offset + item.keyLength))) }
    }
}

/// An entry buffer on its way to a background sort (a class, so the sorting thread holds the
/// only reference to its arrays and sorts them in place).
///
/// `@unchecked Sendable`: handed whole from the load's thread to the sorting thread, which
/// alone touches it until the load's ``BackgroundWork/wait()`` hands it back; the load keeps
/// no other reference meanwhile.
final class EntryBox: @unchecked Sendable {
    var buffer: EntryBuffer

    init(_ buffer: consuming EntryBuffer) {
        self.buffer = buffer
    }
}
