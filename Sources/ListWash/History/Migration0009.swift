import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// Migration `0009-erasure`'s own code, as it shipped: the tables `secret` and `forgotten`,
/// and the history's erasure secret, 32 bytes read from `/dev/urandom`, made once (when the
/// history is created, or when an older one is first migrated) and never changed: the HMAC
/// key of the hashes `listwash forget` keeps (``KeyedAddressHash``).
enum Migration0009 {
    static func apply(_ db: SQLiteConnection) throws {
        try db.execute("""
            CREATE TABLE secret (
                purpose TEXT PRIMARY KEY,         -- erasure: the HMAC key of forgotten.hash
                value BLOB NOT NULL,              -- 32 bytes from /dev/urandom
                created_at INTEGER NOT NULL       -- Unix seconds, UTC
            );
            CREATE TABLE forgotten (
                hash BLOB PRIMARY KEY,            -- HMAC-SHA-256 (key: secret 'erasure') of the address key, ASCII lower-cased
                forgotten_at INTEGER NOT NULL     -- Unix seconds, UTC, of the first forget
            ) WITHOUT ROWID;
            """)
        let insert = try db.prepare("INSERT INTO secret (purpose, value, created_at) VALUES ('erasure', ?1, ?2)")
        insert.bind(1, try randomBytes(32, path: db.path))
        insert.bind(2, Int64(time(nil)))
        _ = try insert.step()
    }

    /// `count` bytes from the kernel's random source.
    static func randomBytes(_ count: Int, path: String) throws -> [UInt8] {
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HistoryError.sqlite(path: path, code: 1, message: "cannot open /dev/urandom for the erasure secret") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw HistoryError.sqlite(path: path, code: 1, message: "cannot read /dev/urandom for the erasure secret") }
            filled += n
        }
        return bytes
    }
}
