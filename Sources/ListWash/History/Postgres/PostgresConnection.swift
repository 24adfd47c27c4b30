import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// Errors of a PostgreSQL history. Messages name the server (without a password), the
/// SQLSTATE and PostgreSQL's message with every quoted value left out, never addresses.
public enum PostgresError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection could not be made (wrong URL, no server, authentication refused).
    case connect(server: String, message: String)
    /// A statement failed: its SQLSTATE and the server's message, quoted values left out.
    case statement(server: String, sqlState: String, message: String)
    /// The server answered in a way the client did not ask for (a protocol mismatch).
    case unexpected(server: String, what: String)
    /// libpq could not be loaded (not installed): the loader's message.
    case clientMissing(detail: String)

    public var description: String {
        switch self {
        case .connect(let server, let message): return "\(server): cannot connect: \(message)"
        case .statement(let server, let state, let message): return "\(server): PostgreSQL error \(state): \(message)"
        case .unexpected(let server, let what): return "\(server): unexpected answer from the server: \(what)"
        case .clientMissing(let detail):
            return "a PostgreSQL history needs libpq, the PostgreSQL client library (Debian and Ubuntu: apt-get install libpq5): \(detail)"
        }
    }

    /// PostgreSQL puts the values it complains about in double quotes ("invalid input syntax
    /// for type bigint: \"…\"") and in DETAIL lines ("Key (address)=(…) already exists"):
    /// only the primary message is kept, with its quoted parts replaced by "…".
    static func redacted(_ message: String) -> String {
        var out = ""
        var inQuote = false
        for ch in message {
            if ch == "\"" {
                if !inQuote { out += "\"…\"" }
                inQuote.toggle()
            } else if !inQuote {
                out.append(ch)
            }
        }
        return out.trimmingTrailingWhitespace()
    }
}

extension String {
    fileprivate func trimmingTrailingWhitespace() -> String {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}

/// A connection to one PostgreSQL database through libpq, the PostgreSQL project's own C
/// client (why not postgres-nio: docs/history-postgres.md, "Client library"), loaded when
/// the first connection opens (Sources/CLibPQ). Synchronous, like the SQLite store: one
/// thread uses a connection at a time.
/// The only file that imports libpq.
final class PostgresConnection {
    /// The URL without its password, for messages.
    let server: String
    private var handle: OpaquePointer?

    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?…]`, a Unix socket's
    /// folder as HOST percent-encoded, or any libpq connection string).
    init(url: String) throws {
        server = Self.displayName(url)
        var loadError = [CChar](repeating: 0, count: 512)
        guard lw_pq_load(&loadError, loadError.count) == 0 else {
            throw PostgresError.clientMissing(detail: String(decoding: loadError.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        handle = lw_PQconnectdb(url)
        guard let handle, lw_PQstatus(handle) == Int32(LW_CONNECTION_OK) else {
            let message = handle.map { Self.firstLine(String(cString: lw_PQerrorMessage($0))) } ?? "out of memory"
            lw_PQfinish(handle)
            self.handle = nil
            throw PostgresError.connect(server: server, message: message)
        }
        // Warnings (NOTICE) are not the user's business on standard error.
        lw_PQsilenceNotices(handle)
    }

    deinit { lw_PQfinish(handle) }

    /// `url` without a password: `postgres://user:secret@host/db` → `postgres://user@host/db`.
    static func displayName(_ url: String) -> String {
        let chars = Array(url)
        // A key=value connection string: only its host and database are safe to show.
        guard let scheme = (0..<max(chars.count - 2, 0)).first(where: { chars[$0] == ":" && chars[$0 + 1] == "/" && chars[$0 + 2] == "/" }) else {
            let words = url.split(separator: " ").filter { !$0.hasPrefix("password=") }
            return words.joined(separator: " ")
        }
        let rest = scheme + 3
        let end = chars[rest...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? chars.count
        // A password in the query (`?password=…`) goes too.
        var shown = chars
        if end < chars.count, chars[end] == "?" {
            let parameters = String(chars[(end + 1)...]).split(separator: "&").filter { !$0.lowercased().hasPrefix("password=") }
            shown = Array(chars[..<end]) + (parameters.isEmpty ? [] : ["?"] + Array(parameters.joined(separator: "&")))
        }
        guard let at = shown[rest..<end].lastIndex(of: "@"),
              let colon = shown[rest..<at].firstIndex(of: ":") else { return String(shown) }
        return String(shown[..<colon]) + String(shown[at...])
    }

    private static func firstLine(_ message: String) -> String {
        let line = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? message
        return PostgresError.redacted(line)
    }

    private func failure(_ result: OpaquePointer?) -> PostgresError {
        guard let result else { return .statement(server: server, sqlState: "", message: Self.firstLine(String(cString: lw_PQerrorMessage(handle)))) }
        let state = lw_PQresultErrorField(result, Int32(LW_PG_DIAG_SQLSTATE)).map { String(cString: $0) } ?? ""
        let primary = lw_PQresultErrorField(result, Int32(LW_PG_DIAG_MESSAGE_PRIMARY)).map { String(cString: $0) }
            ?? String(cString: lw_PQresultErrorMessage(result))
        return .statement(server: server, sqlState: state, message: Self.firstLine(primary))
    }

    /// Runs SQL that returns no rows the caller wants (several statements allowed).
    func execute(_ sql: String) throws {
        let result = lw_PQexec(handle, sql)
        defer { lw_PQclear(result) }
        let status = lw_PQresultStatus(result)
        guard status == Int32(LW_PGRES_COMMAND_OK) || status == Int32(LW_PGRES_TUPLES_OK) else { throw failure(result) }
    }

    /// Runs one statement with text parameters (`$1`, `$2`, …; nil is NULL) and returns its
    /// rows as text (nil for NULL). For small answers; large ones stream with ``copyOut(_:_:)``.
    func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        let result = withCStrings(parameters) { values in
            lw_PQexecParams(handle, sql, Int32(values.count), values)
        }
        defer { lw_PQclear(result) }
        let status = lw_PQresultStatus(result)
        guard status == Int32(LW_PGRES_COMMAND_OK) || status == Int32(LW_PGRES_TUPLES_OK) else { throw failure(result) }
        var rows: [[String?]] = []
        let columns = lw_PQnfields(result)
        for r in 0..<lw_PQntuples(result) {
            var row: [String?] = []
            row.reserveCapacity(Int(columns))
            for c in 0..<columns {
                row.append(lw_PQgetisnull(result, r, c) == 1 ? nil : String(cString: lw_PQgetvalue(result, r, c)))
            }
            rows.append(row)
        }
        return rows
    }

    /// Runs `COPY … FROM STDIN` and gives `body` a writer for the data: the writer buffers
    /// and hands libpq large pieces. The copy ends when `body` returns; if `body` throws, the
    /// copy fails on the server and nothing of it is kept.
    func copyIn(_ sql: String, _ body: (inout CopyWriter) throws -> Void) throws {
        let start = lw_PQexec(handle, sql)
        let status = lw_PQresultStatus(start)
        guard status == Int32(LW_PGRES_COPY_IN) else {
            defer { lw_PQclear(start) }
            throw failure(start)
        }
        lw_PQclear(start)
        var writer = CopyWriter(connection: self)
        do {
            try body(&writer)
            try writer.flush()
        } catch {
            lw_PQputCopyEnd(handle, "listwash stopped the copy")
            drainResults()
            throw error
        }
        guard lw_PQputCopyEnd(handle, nil) == 1 else { throw failure(nil) }
        try finishResults()
    }

    /// Runs `COPY … TO STDOUT` and gives `body` each row's bytes as the server sent them (one
    /// line of text format, with its newline; or one binary tuple).
    func copyOut(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let start = lw_PQexec(handle, sql)
        let status = lw_PQresultStatus(start)
        guard status == Int32(LW_PGRES_COPY_OUT) else {
            defer { lw_PQclear(start) }
            throw failure(start)
        }
        lw_PQclear(start)
        var failed: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = lw_PQgetCopyData(handle, &buffer, 0)
            if n == -1 { break }
            if n == -2 { throw failure(nil) }
            defer { lw_PQfreemem(buffer) }
            if failed == nil, let buffer {
                do { try body(UnsafeRawBufferPointer(start: buffer, count: Int(n))) } catch { failed = error }
            }
        }
        // A failing `body` still reads the copy to its end: the connection stays usable.
        try finishResults()
        if let failed { throw failed }
    }

    fileprivate func putCopyData(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        let rc = lw_PQputCopyData(handle, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        guard rc == 1 else { throw failure(nil) }
    }

    /// Reads the results that follow a copy; the first error is thrown.
    private func finishResults() throws {
        var failed: PostgresError?
        while let result = lw_PQgetResult(handle) {
            let status = lw_PQresultStatus(result)
            if failed == nil, status != Int32(LW_PGRES_COMMAND_OK), status != Int32(LW_PGRES_TUPLES_OK) { failed = failure(result) }
            lw_PQclear(result)
        }
        if let failed { throw failed }
    }

    private func drainResults() {
        while let result = lw_PQgetResult(handle) { lw_PQclear(result) }
    }

    private func withCStrings<T>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> T) rethrows -> T {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0) } ?? nil }
        defer { for p in pointers { free(p) } }
        return try body(pointers.map { UnsafePointer($0) })
    }

    /// Buffers the rows of a `COPY … FROM STDIN` and hands them to libpq 1 MiB at a time.
    struct CopyWriter {
        fileprivate let connection: PostgresConnection
        private var buffer: [UInt8] = []
        static let chunk = 1 << 20

        fileprivate init(connection: PostgresConnection) {
            self.connection = connection
            buffer.reserveCapacity(Self.chunk + 4096)
        }

        mutating func write(_ bytes: some Sequence<UInt8>) throws {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.chunk { try flush() }
        }

        /// Writes bytes as lower-case hex digits (a `bytea` field's value after its `\\x`), a
        /// piece of a long value at a time.
        mutating func writeHex(_ bytes: some Sequence<UInt8>) throws {
            for b in bytes {
                buffer.append(PostgresSchema.hexDigit(b >> 4))
                buffer.append(PostgresSchema.hexDigit(b & 15))
            }
            if buffer.count >= Self.chunk { try flush() }
        }

        mutating func write(byte: UInt8) {
            buffer.append(byte)
        }

        /// Ends a row: text format's newline, and a hand-over when the buffer is full.
        mutating func endRow() throws {
            buffer.append(0x0A)
            if buffer.count >= Self.chunk { try flush() }
        }

        mutating func flush() throws {
            try buffer.withUnsafeBytes { try connection.putCopyData($0) }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
