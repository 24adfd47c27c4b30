/// How a run's rows hold its addresses (`runs.layout`).
enum RunLayout: Int64, Sendable {
    /// One row per address, `entries` its 32-byte entries: runs written before migration
    /// `0005-grouped-runs`.
    case perAddress = 1
    /// One row per group of up to ``RunGroup/addresses`` consecutive addresses, keyed by the
    /// first one (see ``RunGroup``): a load writes a sixteenth of the rows, and SQLite's
    /// per-row work had been most of the time an ingest spends writing its run.
    case grouped = 2
    /// Grouped as ``grouped``, with entries of ``AddressEntry/size`` bytes that carry the
    /// event's message: runs written since migration `0006-message-identity`.
    case groupedWithMessages = 3

    /// Whether a row holds a group of addresses (``RunGroup``) rather than one.
    var isGrouped: Bool { self != .perAddress }

    /// The bytes of one stored entry.
    var entrySize: Int { self == .groupedWithMessages ? AddressEntry.size : AddressEntry.sizeWithoutMessage }
}

/// A grouped run's row: per address, `key length:varint key entries:varint` and the entries
/// (``RunLayout/entrySize`` bytes each), in key order. The row's `address_key` is the group's first key.
enum RunGroup {
    /// A group that does not parse (the caller names the history and the run).
    struct Damaged: Error {}

    /// Addresses a group holds at most; a group also ends once it passes ``bytes``.
    static let addresses = 16
    static let bytes = 8 << 10

    /// The entries' bytes of `key` in a group, or nil.
    static func entries(of key: UnsafeRawBufferPointer, in blob: UnsafeRawBufferPointer, entrySize: Int) throws -> UnsafeRawBufferPointer? {
        guard !blob.isEmpty else { throw Damaged() }  // a group holds one address at least
        var at = 0
        while at < blob.count {
            let (stored, entries, next) = try member(of: blob, at: at, entrySize: entrySize)
            let order = compareKeys(stored, key)
            if order == 0 { return entries }
            if order > 0 { return nil }
            at = next
        }
        return nil
    }

    /// The address that starts at `at`: its key, its entries' bytes and where the next starts.
    static func member(of blob: UnsafeRawBufferPointer, at start: Int, entrySize: Int)
        throws -> (key: UnsafeRawBufferPointer, entries: UnsafeRawBufferPointer, next: Int) {
        var at = start
        guard let keyLength = Varint.read(blob, at: &at).flatMap(Int.init(exactly:)), keyLength <= blob.count - at else { throw Damaged() }
        let key = UnsafeRawBufferPointer(rebasing: blob[at..<(at + keyLength)])
        at += keyLength
        guard let count = Varint.read(blob, at: &at).flatMap(Int.init(exactly:)), count <= (blob.count - at) / entrySize else {
            throw Damaged()
        }
        let entries = UnsafeRawBufferPointer(rebasing: blob[at..<(at + count * entrySize)])
        return (key, entries, at + count * entrySize)
    }
}
