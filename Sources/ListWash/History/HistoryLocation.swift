import Foundation

/// Where a history lives: an SQLite file (the default, one machine), or a PostgreSQL database
/// (`postgres://USER@HOST:PORT/DB`, a history many workers share; docs/history-postgres.md).
public enum HistoryLocation: Equatable, Sendable {
    case file(String)
    case postgres(url: String)

    /// `--history` or `LISTWASH_HISTORY` as given: a `postgres://` or `postgresql://` URL, else a path.
    public init(_ given: String) {
        let lower = given.lowercased()
        self = lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") ? .postgres(url: given) : .file(given)
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// What messages, the manifest and the ledger name it by: the path, or the server and
    /// database without user name or password.
    public var display: String {
        switch self {
        case .file(let path): return path
        case .postgres(let url): return PostgresConnection.displayName(url)
        }
    }

    /// The store's name in the manifest: `sqlite` or `postgres`.
    public var store: String { isPostgres ? "postgres" : "sqlite" }
}

extension HistoryStore {
    /// Runs `body` with the history at `location`: an SQLite file as it is; a PostgreSQL
    /// history through a mirror of one snapshot of it (``PostgresMirror``) in a private scratch
    /// folder under `$TMPDIR`, removed afterwards. With `writes`, the mirror holds the writers'
    /// lock and what `body` changed is written back to the server when it returns.
    /// `create` creates a missing SQLite file, or a PostgreSQL history's missing tables.
    public static func using<T>(_ location: String, create: Bool = false, writes: Bool = false,
                                _ body: (HistoryStore) throws -> T) throws -> T {
        switch HistoryLocation(location) {
        case .file(let path):
            return try body(HistoryStore(path: path, create: create))
        case .postgres(let url):
            let postgres = try PostgresHistory(url: url, create: create)
            return try postgres.mirrored(writes: writes) { mirror in try body(mirror.store) }
        }
    }

    /// Throws ``HistoryError/notFound(path:)`` when `location` is a file that is not there, and
    /// the server's error when it is a PostgreSQL database without a listwash history: the
    /// lifecycle commands change a history, they do not start one (an older one is migrated).
    static func requireExisting(_ location: String) throws {
        switch HistoryLocation(location) {
        case .file(let path):
            var info = stat()
            guard stat(path, &info) == 0 else { throw HistoryError.notFound(path: path) }
        case .postgres(let url):
            let connection = try PostgresConnection(url: url)
            guard try connection.query("SELECT to_regclass('listwash_migrations') IS NOT NULL").first?.first == "t" else {
                throw PostgresError.statement(server: connection.server, sqlState: "42P01",
                                              message: "not a listwash history (run 'listwash ingest' once)")
            }
        }
    }

}

extension PostgresHistory {
    /// Runs `body` with a mirror of one snapshot of this history (``PostgresMirror``) in a
    /// private scratch folder under `$TMPDIR`, removed afterwards; with `writes`, what `body`
    /// changed in it is written back when it returns.
    func mirrored<T>(writes: Bool, scope: PostgresMirror.Scope = .everything, _ body: (PostgresMirror) throws -> T) throws -> T {
        let folder = try ScratchFolder(in: ScratchFolder.systemTemporaryFolder, prefix: "listwash-mirror-")
        defer { folder.remove() }
        let mirror = try PostgresMirror(postgres: self, path: "\(folder.path)/history.sqlite", writable: writes, scope: scope)
        let result = try body(mirror)
        if writes { try mirror.writeBack() }
        return result
    }
}
