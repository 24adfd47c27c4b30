import Glibc
import LibPQBench
import PGRows
import PostgresNIO

// libpq against postgres-nio on listwash's two bulk paths; see Package.swift and
// docs/history-postgres.md ("Client library"). `make bench-pg-client` runs it.

/// The postgres-nio side: one connection, `copyFrom` for the load (text format, fed the same
/// 1 MiB pieces as libpq), the row-streaming query for the read (postgres-nio 1.33 has no
/// `COPY … TO STDOUT`), each row decoded with `PostgresRow.decode` into an ``Event``.
final class NIOClient: Client, @unchecked Sendable {
    let name = "postgres-nio"
    let connection: PostgresConnection
    let logger: Logger
    let backendPID: Int32

    init(url: String) async throws {
        var logger = Logger(label: "pg-client-bench")
        logger.logLevel = .critical
        self.logger = logger
        connection = try await PostgresConnection.connect(configuration: try Self.configuration(url), id: 1, logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: Table.session), logger: logger)
        var pid: Int32 = 0
        for try await row in try await connection.query("SELECT pg_backend_pid()", logger: logger) {
            pid = try row.decode(Int32.self)
        }
        backendPID = pid
    }

    /// postgres://USER[:PASSWORD]@HOST[:PORT]/DB, the host a percent-encoded socket folder
    /// (as Scripts/pg-test-server.sh prints) or a name for TCP without TLS.
    static func configuration(_ url: String) throws -> PostgresConnection.Configuration {
        guard let scheme = url.range(of: "://") else { throw BenchFailure("not a postgres:// URL") }
        var rest = Substring(url[scheme.upperBound...])
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let database = slash < rest.endIndex ? String(rest[rest.index(after: slash)...]) : nil
        var authority = rest[..<slash]
        var user = "postgres", password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                user = percentDecoded(userInfo[..<colon])
                password = percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                user = percentDecoded(userInfo)
            }
            authority = authority[authority.index(after: at)...]
        }
        var host = percentDecoded(authority)
        var port = 5432
        if let colon = host.lastIndex(of: ":"), let p = Int(host[host.index(after: colon)...]) {
            port = p
            host = String(host[..<colon])
        }
        if host.hasPrefix("/") {
            return .init(unixSocketPath: "\(host)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        return .init(host: host.isEmpty ? "localhost" : host, port: port, username: user, password: password,
                     database: database, tls: .disable)
    }

    static func percentDecoded(_ s: Substring) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == 0x25, bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func reset() async throws {
        try await connection.query(PostgresQuery(unsafeSQL: Table.drop), logger: logger)
        try await connection.query(PostgresQuery(unsafeSQL: Table.create), logger: logger)
    }

    func load(_ events: [Event]) async throws {
        try await connection.copyFrom(table: Table.name, columns: Table.columns, logger: logger) { writer in
            let chunk = 1 << 20
            var buffer: [UInt8] = []
            buffer.reserveCapacity(chunk + 4096)
            for event in events {
                appendCopyRow(event, to: &buffer)
                if buffer.count >= chunk {
                    try await writer.write(ByteBuffer(bytes: buffer))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            if !buffer.isEmpty { try await writer.write(ByteBuffer(bytes: buffer)) }
        }
    }

    func read() async throws -> Digest {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: Table.select), logger: logger)
        var digest = Digest()
        for try await row in rows {
            let (key, id, occurredAt, address, type, reason, kind, rule, replyCode, enhancedCode, diagnostic,
                 providerVerdict, source, messageID, messageHash) = try row.decode(
                    (String, ByteBuffer, Int64, String, String, String, String?, String, Int16?, String?, String,
                     String?, String, String?, Int32).self)
            guard id.readableBytes == 16, let high = id.getInteger(at: id.readerIndex, as: UInt64.self),
                  let low = id.getInteger(at: id.readerIndex + 8, as: UInt64.self) else {
                throw BenchFailure("an event_id of \(id.readableBytes) bytes")
            }
            digest.add(Event(addressKey: key, idHigh: high, idLow: low, occurredAt: occurredAt, address: address,
                             type: type, reason: reason, kind: kind, rule: rule, replyCode: replyCode,
                             enhancedCode: enhancedCode, diagnostic: diagnostic, providerVerdict: providerVerdict,
                             source: source, messageID: messageID, messageHash: messageHash))
        }
        return digest
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()),
                            usage: "usage: pg-client-bench postgres://USER@HOST[:PORT]/DB [--rows N] [--rounds R]")
do {
    let nio = try await NIOClient(url: options.url)
    try await run([LibPQ(url: options.url), LibPQPipelined(url: options.url), nio], options: options)
    try await nio.connection.closeGracefully()
} catch {
    print("error: \(String(reflecting: error))")
    exit(1)
}
