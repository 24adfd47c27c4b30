import Foundation
import Testing
@testable import ListWash

/// The libpq connection against a throwaway server (``PostgresTestServer``).
@Suite struct PostgresConnectionTests {
    @Test func statementsParametersAndNulls() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresConnectionTests") else { return }
        let c = try PostgresConnection(url: db.url)
        try c.execute("CREATE TABLE t(a bigint, b text); INSERT INTO t VALUES (1, 'x'), (2, NULL)")
        #expect(try c.query("SELECT a, b FROM t WHERE a >= $1 ORDER BY a", ["1"]) == [["1", "x"], ["2", nil]])
        #expect(try c.query("SELECT $1::text IS NULL", [nil]) == [["t"]])
    }

    @Test func copyInAndOutCarryEveryByte() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresConnectionTests") else { return }
        let c = try PostgresConnection(url: db.url)
        try c.execute("CREATE TABLE t(n bigint, s text)")
        // More than one buffer's worth, so the writer hands libpq several pieces.
        let rows = 40_000
        try c.copyIn("COPY t FROM STDIN") { w in
            for n in 0..<rows {
                try w.write("\(n)\tröw \\\\ \(n)".utf8)
                try w.endRow()
            }
        }
        var seen = 0
        var last = ""
        try c.copyOut("COPY (SELECT n, s FROM t ORDER BY n) TO STDOUT") { line in
            seen += 1
            last = String(decoding: line, as: UTF8.self)
        }
        #expect(seen == rows)
        #expect(last == "\(rows - 1)\tröw \\\\ \(rows - 1)\n")
        #expect(try c.query("SELECT count(*) FROM t WHERE position(chr(92) in s) > 0") == [["\(rows)"]])
    }

    @Test func aFailedCopyKeepsNothingAndTheConnectionGoesOn() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresConnectionTests") else { return }
        let c = try PostgresConnection(url: db.url)
        try c.execute("CREATE TABLE t(n bigint)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try c.copyIn("COPY t FROM STDIN") { w in
                try w.write("1".utf8)
                try w.endRow()
                throw Stop()
            }
        }
        // A row the server rejects: the error names the SQLSTATE and leaves the value out.
        do {
            try c.copyIn("COPY t FROM STDIN") { w in
                try w.write("secret@example.com".utf8)
                try w.endRow()
            }
            Issue.record("a bad row was accepted")
        } catch let error as PostgresError {
            guard case .statement(_, let state, let message) = error else { Issue.record("\(error)"); return }
            #expect(state == "22P02")
            #expect(!message.contains("secret"))
            #expect(!error.description.contains("secret"))
        }
        #expect(try c.query("SELECT count(*) FROM t") == [["0"]])
    }

    @Test func messagesLeaveOutPasswordsAndQuotedValues() {
        #expect(PostgresConnection.displayName("postgres://lw:s3cret@db.example:5432/h") == "postgres://lw@db.example:5432/h")
        #expect(PostgresConnection.displayName("postgres://lw@%2Ftmp%2Fx/h") == "postgres://lw@%2Ftmp%2Fx/h")
        #expect(PostgresError.redacted("invalid input syntax for type bigint: \"a@b.c\"") == "invalid input syntax for type bigint: \"…\"")
    }

    @Test func aRefusedConnectionSaysWhereWithoutThePassword() {
        #expect {
            _ = try PostgresConnection(url: "postgres://lw:s3cret@%2Fnonexistent-socket-folder/h")
        } throws: { error in
            guard let error = error as? PostgresError, case .connect(let server, _) = error else { return false }
            return server == "postgres://lw@%2Fnonexistent-socket-folder/h" && !error.description.contains("s3cret")
        }
    }
}
