import CLibPQ
import PGRows

public struct LibPQError: Error, CustomStringConvertible {
    public let description: String
}

/// The libpq side, as listwash's History/Postgres/PostgresConnection.swift uses libpq: blocking
/// calls, `COPY … FROM STDIN` fed 1 MiB at a time, `COPY … TO STDOUT` read a row at a time.
public final class LibPQ: @unchecked Sendable {
    public static let name = "libpq"
    let handle: OpaquePointer

    public init(url: String) throws {
        guard let handle = PQconnectdb(url) else { throw LibPQError(description: "libpq: out of memory") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw LibPQError(description: "libpq: \(message)")
        }
        self.handle = handle
        PQsetNoticeProcessor(handle, { _, _ in }, nil)  // "table does not exist, skipping"
        try execute(Table.session)
    }

    deinit { PQfinish(handle) }

    func failure(_ result: OpaquePointer?) -> LibPQError {
        LibPQError(description: "libpq: " + String(cString: result.map { PQresultErrorMessage($0) } ?? PQerrorMessage(handle)))
    }

    public func execute(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result) }
    }

    func finishResults() throws {
        var failed: LibPQError?
        while let result = PQgetResult(handle) {
            let status = PQresultStatus(result)
            if failed == nil, status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK { failed = failure(result) }
            PQclear(result)
        }
        if let failed { throw failed }
    }

    /// The rows in the table (a check on a load whose rows are not read back).
    public func count() throws -> Int {
        let result = PQexec(handle, "SELECT count(*) FROM \(Table.name)")
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK, PQntuples(result) == 1 else { throw failure(result) }
        return Int(String(cString: PQgetvalue(result, 0, 0))) ?? -1
    }

    /// Bulk load: the events as `COPY`'s text format, handed to libpq 1 MiB at a time.
    public func load(_ events: [Event]) throws {
        let start = PQexec(handle, Table.copyIn)
        guard PQresultStatus(start) == PGRES_COPY_IN else { defer { PQclear(start) }; throw failure(start) }
        PQclear(start)
        let chunk = 1 << 20
        var buffer: [UInt8] = []
        buffer.reserveCapacity(chunk + 4096)
        func flush() throws {
            let rc = buffer.withUnsafeBytes { PQputCopyData(handle, $0.baseAddress!.assumingMemoryBound(to: CChar.self), Int32($0.count)) }
            guard rc == 1 else { throw failure(nil) }
            buffer.removeAll(keepingCapacity: true)
        }
        for event in events {
            appendCopyRow(event, to: &buffer)
            if buffer.count >= chunk { try flush() }
        }
        if !buffer.isEmpty { try flush() }
        guard PQputCopyEnd(handle, nil) == 1 else { throw failure(nil) }
        try finishResults()
    }

    /// Read back: `COPY (SELECT … ORDER BY …) TO STDOUT`, each row decoded into an ``Event``.
    public func read() throws -> Digest {
        let start = PQexec(handle, "COPY (\(Table.select)) TO STDOUT")
        guard PQresultStatus(start) == PGRES_COPY_OUT else { defer { PQclear(start) }; throw failure(start) }
        PQclear(start)
        var digest = Digest()
        var failed: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let n = PQgetCopyData(handle, &buffer, 0)
            if n == -1 { break }
            if n == -2 { throw failure(nil) }
            defer { PQfreemem(buffer) }
            if failed == nil, let buffer {
                do { digest.add(try decodeCopyRow(UnsafeRawBufferPointer(start: buffer, count: Int(n)))) } catch { failed = error }
            }
        }
        try finishResults()
        if let failed { throw failed }
        return digest
    }
}
