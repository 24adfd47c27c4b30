import CSQLite

/// Errors of the history store. Messages name the database and the SQLite error, never addresses.
public enum HistoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case sqlite(path: String, code: Int32, message: String)
    case newerSchema(path: String, migration: String)
    /// The path is a folder (or another kind of file that is not a database).
    case notAFile(path: String)
    /// An interrupted write left a transaction to roll back, and this process may not write
    /// the history (or its folder) to roll it back.
    case needsRecovery(path: String)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no history database (run 'listwash ingest' first, or pass --history)"
        case .notAFile(let path): return "\(path): is a folder, not a history database file"
        case .needsRecovery(let path):
            return "\(path): an interrupted ingest left a transaction to roll back (\(path)-journal), and this run may not write the history or its folder to do it; run any listwash command on it once with write access, and it recovers"
        case .sqlite(let path, let code, let message): return "\(path): SQLite error \(code): \(message)"
        case .newerSchema(let path, let migration): return "\(path): written by a newer listwash (unknown migration '\(migration)')"
        }
    }
}

/// A connection to one SQLite database: the only file that imports the SQLite C API.
final class SQLiteConnection {
    let path: String
    private(set) var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]

    /// Process-wide SQLite settings, applied once before the first connection opens (SQLite
    /// ignores them once initialised): no memory statistics, so allocations skip a global mutex.
    /// Connections stay serialised per connection by their users (one thread at a time each).
    private static let configured: Int32 = listwash_sqlite3_config_memstatus(0)

    /// Opens the database. A reader (`create` false) still opens it for writing where the
    /// file allows (SQLite falls back to read-only where it does not): a killed writer leaves a
    /// hot journal, and only a connection that may write can roll it back, which SQLite does
    /// at the first read. A reader never writes otherwise. `readOnly` opens strictly read-only
    /// (the extra readers of a store whose first connection has already recovered the file).
    init(path: String, readOnly: Bool, create: Bool = false) throws {
        self.path = path
        _ = Self.configured
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0))
        let rc = sqlite3_open_v2(path, &handle, flags | SQLITE_OPEN_NOMUTEX, nil)
        if rc != SQLITE_OK {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            handle = nil
            throw HistoryError.sqlite(path: path, code: rc, message: message)
        }
        sqlite3_extended_result_codes(handle, 1)
        // A clean that starts while an ingest commits waits for it rather than failing.
        sqlite3_busy_timeout(handle, 600_000)
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
    func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    func error(_ rc: Int32) -> HistoryError {
        // SQLITE_READONLY_ROLLBACK (SQLITE_READONLY | 3 << 8), a macro Swift does not import.
        if rc == 776 { return .needsRecovery(path: path) }
        return HistoryError.sqlite(path: path, code: rc, message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Runs SQL that returns no rows (several statements allowed).
    func execute(_ sql: String) throws {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc) }
    }

    /// Fills a blob already in the table at its full length (a `zeroblob`), front to back, with
    /// the pieces `fill` hands over, through SQLite's incremental blob I/O: the value is never
    /// whole in memory. Throws if the pieces do not add up to the blob's length.
    func fillBlob(table: String, column: String, row: Int64,
                  _ fill: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        var blob: OpaquePointer?
        let rc = sqlite3_blob_open(handle, "main", table, column, row, 1, &blob)
        guard rc == SQLITE_OK, let blob else {
            sqlite3_blob_close(blob)
            throw error(rc)
        }
        defer { sqlite3_blob_close(blob) }
        let length = Int(sqlite3_blob_bytes(blob))
        var offset = 0
        try fill { piece in
            guard piece.count <= length - offset else {
                throw HistoryError.sqlite(path: path, code: SQLITE_ERROR, message: "\(table).\(column) is shorter than what is written to it")
            }
            let rc = sqlite3_blob_write(blob, piece.baseAddress, Int32(piece.count), Int32(offset))
            if rc != SQLITE_OK { throw error(rc) }
            offset += piece.count
        }
        guard offset == length else {
            throw HistoryError.sqlite(path: path, code: SQLITE_ERROR, message: "\(table).\(column) is longer than what was written to it")
        }
    }

    /// Opens a blob of the table for reading in pieces (``SQLiteBlobReader``), never whole in memory.
    func blobReader(table: String, column: String, row: Int64) throws -> SQLiteBlobReader {
        var blob: OpaquePointer?
        let rc = sqlite3_blob_open(handle, "main", table, column, row, 0, &blob)
        guard rc == SQLITE_OK, let blob else {
            sqlite3_blob_close(blob)
            throw error(rc)
        }
        return SQLiteBlobReader(connection: self, blob: blob)
    }

    /// A prepared statement, cached by its SQL text and reset for reuse.
    func cached(_ sql: String) throws -> SQLiteStatement {
        if let statement = statements[sql] {
            statement.reset()
            return statement
        }
        let statement = try SQLiteStatement(connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// An uncached prepared statement, for when several must be open at once on the same SQL.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A prepared statement; parameters are 1-based, columns 0-based, as in SQLite.
final class SQLiteStatement {
    private let connection: SQLiteConnection
    private var handle: OpaquePointer?
    /// SQLite copies bound text and blobs (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(connection: SQLiteConnection, sql: String) throws {
        self.connection = connection
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        if rc != SQLITE_OK { throw connection.error(rc) }
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Resets for the next execution keeping the bound values (and SQLite's buffers for them):
    /// for a caller that binds every parameter again before each step.
    func resetKeepingBindings() {
        sqlite3_reset(handle)
    }

    /// Binds text that is not copied (SQLITE_STATIC). The invariant is the caller's: the
    /// bytes belong to the caller, who keeps them alive and unchanged, on the statement's one
    /// thread, from this call until the statement is reset (or the parameter bound again),
    /// and resets it before the bytes go; SQLite reads them only while it steps.
    func bindTextNoCopy(_ index: Int32, _ raw: UnsafeBufferPointer<UInt8>) {
        raw.withMemoryRebound(to: CChar.self) {
            _ = sqlite3_bind_text(handle, index, $0.baseAddress ?? Self.empty, Int32($0.count), nil)
        }
    }

    /// Binds a blob that is not copied (SQLITE_STATIC), with the same invariant as
    /// ``bindTextNoCopy(_:_:)``: the caller's bytes, alive and unchanged until the reset.
    func bindBlobNoCopy(_ index: Int32, _ raw: UnsafeRawBufferPointer) {
        _ = sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(Self.empty), Int32(raw.count), nil)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        // The String's own UTF-8 storage, without the C-string copy an implicit bridge makes.
        value.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) {
                _ = sqlite3_bind_text(handle, index, $0.baseAddress ?? Self.empty, Int32($0.count), Self.transient)
            }
        }
    }

    /// A non-NULL pointer for empty text (a NULL pointer would bind SQL NULL). `nonisolated(unsafe)`:
    /// one byte allocated once, never written after its initialiser and never freed, so any
    /// thread may read it.
    nonisolated(unsafe) private static let empty: UnsafePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    func bind(_ index: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Binds a blob of `count` zero bytes, to be filled in place (``SQLiteConnection/fillBlob(table:column:row:_:)``).
    /// Throws when the length passes the connection's limit (SQLITE_TOOBIG).
    func bindZeroBlob(_ index: Int32, count: Int) throws {
        let rc = sqlite3_bind_zeroblob64(handle, index, sqlite3_uint64(count))
        if rc != SQLITE_OK { throw connection.error(rc) }
    }

    /// Binds bytes as text (copied).
    func bindText(_ index: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { bindText(index, $0) }
    }

    /// Binds bytes as text (copied).
    func bindText(_ index: Int32, _ raw: UnsafeRawBufferPointer) {
        raw.withMemoryRebound(to: CChar.self) {
            _ = sqlite3_bind_text(handle, index, $0.baseAddress ?? Self.empty, Int32($0.count), Self.transient)
        }
    }

    /// Advances; true while there is a row.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc)
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: text)
    }

    /// The column's bytes without copying; valid until the next step or reset.
    func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        let base = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        return UnsafeRawBufferPointer(start: base, count: base == nil ? 0 : count)
    }
}

/// One blob read front to back through SQLite's incremental blob I/O, a piece at a time; the
/// handle closes with the reader. Used by one thread at a time, within a read of its connection.
final class SQLiteBlobReader {
    private let connection: SQLiteConnection
    private let blob: OpaquePointer
    /// The blob's length, and the bytes read so far.
    let length: Int
    private(set) var offset = 0

    fileprivate init(connection: SQLiteConnection, blob: OpaquePointer) {
        self.connection = connection
        self.blob = blob
        length = Int(sqlite3_blob_bytes(blob))
    }

    deinit { sqlite3_blob_close(blob) }

    /// Appends the next piece (up to `count` bytes, none at the end) to `bytes`; returns its length.
    @discardableResult
    func read(upTo count: Int, into bytes: inout [UInt8]) throws -> Int {
        let n = min(count, length - offset)
        guard n > 0 else { return 0 }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: n))
        let rc = bytes.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress! + start, Int32(n), Int32(offset)) }
        guard rc == SQLITE_OK else {
            bytes.removeLast(n)
            throw connection.error(rc)
        }
        offset += n
        return n
    }
}
