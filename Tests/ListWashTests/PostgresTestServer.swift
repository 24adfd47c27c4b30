import Foundation
@testable import ListWash

#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL server the PostgreSQL tests use: the one `LISTWASH_TEST_POSTGRES` names
/// (a URL), or else a throwaway server that `Scripts/pg-test-server.sh` starts in a temporary
/// folder on a Unix socket the first time a test asks, and stops when the test process ends.
/// Each test gets a database of its own. Without PostgreSQL (not installed, and not root to
/// install it) ``database()`` returns nil and prints one line saying the tests were skipped.
enum PostgresTestServer {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: (url: String?, folder: String?)?
    nonisolated(unsafe) private static var stopFolder: String?

    /// The repository's root, from this file's path.
    static let repository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The server's URL (of its maintenance database), starting the server if needed; nil
    /// when there is none.
    static func serverURL(for test: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        if let started { 
            if started.url == nil { print("\(test): SKIPPED: no PostgreSQL server for the tests (see the first skip line)") }
            return started.url
        }
        if let url = ProcessInfo.processInfo.environment["LISTWASH_TEST_POSTGRES"], !url.isEmpty {
            started = (url, nil)
            return url
        }
        var template = Array("\(NSTemporaryDirectory())/listwash-pg-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            started = (nil, nil)
            return nil
        }
        let folder = String(cString: made)
        rmdir(folder)
        let (status, output, errors) = run(["\(repository)/Scripts/pg-test-server.sh", "start", folder])
        guard status == 0, let url = output.split(separator: "\n").last.map(String.init), url.hasPrefix("postgres://") else {
            print("\(test): SKIPPED the PostgreSQL tests: \(errors.trimmingCharacters(in: .whitespacesAndNewlines))")
            started = (nil, nil)
            return nil
        }
        started = (url, folder)
        stopFolder = folder
        atexit {
            guard let folder = PostgresTestServer.stopFolder else { return }
            _ = PostgresTestServer.run(["\(PostgresTestServer.repository)/Scripts/pg-test-server.sh", "stop", folder])
        }
        return url
    }

    /// A new, empty database on the test server for one test, and its URL; nil without a server.
    static func database(for test: String) throws -> TestDatabase? {
        guard let server = serverURL(for: test) else { return nil }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PostgresConnection(url: server)
        try admin.execute("CREATE DATABASE \(name)")
        return TestDatabase(server: server, name: String(name))
    }

    /// A test's database; dropped when released.
    final class TestDatabase {
        let server: String
        let name: String
        let url: String

        init(server: String, name: String) {
            self.server = server
            self.name = name
            // The server's URL ends in its database's name: swap it for this one.
            let base = server.split(separator: "?", maxSplits: 1)
            var path = String(base[0])
            if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
            url = path + "/" + name + (base.count > 1 ? "?" + base[1] : "")
        }

        deinit {
            if let admin = try? PostgresConnection(url: server) {
                try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
        }
    }

    /// Runs a command with its output in files, not pipes: the server it starts lives on
    /// after it and would hold a pipe open (a read to the pipe's end would never return).
    static func run(_ arguments: [String]) -> (Int32, String, String) {
        let base = "\(NSTemporaryDirectory())/listwash-pg-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(base + ".out"); unlink(base + ".err") }
        // posix_spawn and waitpid rather than Foundation's Process, whose wait for the child
        // was seen never to return here once the child had exited.
        let command = "exec \"$0\" \"$@\" >'\(base).out' 2>'\(base).err' </dev/null"
        let argv = (["/bin/sh", "-c", command] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return (127, "", "cannot run \(arguments[0])") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
        return (exitCode, output, errors)
    }
}
