/// Finds one address's entries in a run, whatever its layout: one SQLite lookup (the row of
/// the key, or of the group whose first key is the greatest not after it).
struct RunLookup {
    private let exact: SQLiteStatement
    private let floor: SQLiteStatement
    private let path: String

    init(db: SQLiteConnection) throws {
        path = db.path
        exact = try db.cached("SELECT entries FROM address_runs WHERE run = ?1 AND address_key = ?2")
        floor = try db.cached("SELECT entries FROM address_runs WHERE run = ?1 AND address_key <= ?2 ORDER BY address_key DESC LIMIT 1")
    }

    /// Appends the key's entries in `run` to `entries`.
    func append(run: Int64, layout: RunLayout, key: UnsafeRawBufferPointer, to entries: inout [AddressEntry]) throws {
        let select = layout.isGrouped ? floor : exact
        select.reset()
        defer { select.reset() }
        select.bind(1, run)
        select.bindText(2, key)
        guard try select.step() else { return }
        do {
            guard layout.isGrouped else {
                return try RunGroup.decode(select.bytes(0), layout: layout, base: 0, into: &entries)
            }
            if let found = try RunGroup.entries(of: key, in: select.bytes(0), layout: layout) {
                try RunGroup.decode(found.entries, layout: layout, base: found.base, into: &entries)
            }
        } catch {
            throw HistoryError.sqlite(path: path, code: 11, message: "address run \(run) is damaged")
        }
    }
}
