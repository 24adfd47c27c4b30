import Foundation
import Testing
@testable import ListWash

#if canImport(Glibc)
import Glibc
#endif

/// The commands on a PostgreSQL history (`--history postgres://…`), through the real binary:
/// the same outputs as on an SQLite history for the same events, and many workers at once
/// losing nothing and adding nothing twice, a killed one included.
@Suite(.serialized) struct PostgresStoreTests {
    static let root = PostgresTestServer.repository

    /// The built binary, next to the test bundle or in the debug build folder.
    static var binary: String {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("listwash").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("listwash").path,
            "\(root)/.build/debug/listwash",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    /// Runs the binary from the repository's root; returns the exit status and standard output.
    @discardableResult
    static func listwash(_ arguments: [String], environment: [String] = []) -> (status: Int32, output: String, errors: String) {
        let (status, output, errors) = PostgresTestServer.run(["/usr/bin/env", "-C", root] + environment + [binary] + arguments)
        return (status, output, errors)
    }

    /// The output set's files, the manifest with the history's path and store taken out (the
    /// one thing that differs by nature between the stores).
    static func outputs(_ folder: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in ["cleaned.csv", "cleaned.xml", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"] {
            guard let text = try? String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8) else { continue }
            files[name] = text
        }
        if let manifest = files["manifest.json"] {
            let withoutStore = manifest
                .replacingOccurrences(of: #""path":"[^"]*","store":"(sqlite|postgres)""#, with: #""path":"…""#, options: .regularExpression)
            #expect(withoutStore != manifest, "the manifest names the history and its store")
            files["manifest.json"] = withoutStore
        }
        return files
    }

    @Test func everyCommandGivesTheSameOutputsOnBothStores() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresStoreTests") else { return }
        let folder = try TemporaryFolder()
        let forgotten = "bob.hard@example.org"
        var results: [[String: String]] = []
        var texts: [[String]] = []
        for history in ["\(folder.path)/h.sqlite", db.url] {
            let out = "\(folder.path)/\(history.hasPrefix("postgres") ? "pg" : "sqlite")"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            func run(_ arguments: [String]) -> String {
                let r = Self.listwash(arguments + ["--history", history])
                #expect([0, 65].contains(r.status), "\(arguments.first ?? ""): \(r.errors.prefix(300))")
                return r.output
            }
            let asOf = ["--as-of", "2026-12-01T00:00:00Z"]
            _ = run(["ingest", "-q", "--policy", "Samples/policy.json", "Samples/events.csv"])
            _ = run(["clean", "-q", "--policy", "Samples/policy.json", "--list", "Samples/subscribers.csv", "--out", "\(out)/1"] + asOf)
            _ = run(["ingest", "-q", "--policy", "Samples/policy.json", "Samples/events.jsonl"])
            _ = run(["allow", "--reason", "asked to be mailed again", "--at", "2026-11-20T10:00:00Z", "carol@example.com"])
            _ = run(["suppress", "--reason", "asked by phone", "--at", "2026-11-21T10:00:00Z", "ana.ruiz@example.com"])
            _ = run(["forget", forgotten])
            _ = run(["retract", "--source", "Samples/events.jsonl"])
            _ = run(["prune", "--older-than", "400"] + asOf)
            _ = run(["reclassify", "--policy", "Samples/policy.json"])
            _ = run(["clean", "-q", "--policy", "Samples/policy.json", "--list", "Samples/subscribers.csv", "--out", "\(out)/2"] + asOf)
            _ = run(["clean", "-q", "--policy", "Samples/policy.json", "--list", "Samples/subscribers.xml", "--out", "\(out)/3"] + asOf)
            var result: [String: String] = [:]
            for set in ["1", "2", "3"] {
                for (name, text) in try Self.outputs("\(out)/\(set)") { result["\(set)/\(name)"] = text }
            }
            results.append(result)
            texts.append([
                run(["history", "export", "--format", "csv"]).split(separator: "\n").sorted().joined(separator: "\n"),
                run(["export-suppressions", "--format", "csv"] + asOf),
                // Less the blocks' count: how events fill blocks is the SQLite layout's, which
                // the mirror does not copy (docs/history-postgres.md).
                run(["diff", "2", "4"]).split(separator: "\n").filter { !$0.hasPrefix("events: added") }.joined(separator: "\n")
                    .replacingOccurrences(of: "recorded [0-9TZ:-]+", with: "recorded", options: .regularExpression),
                run(["runs"]).split(separator: "\n").map { $0.split(separator: " ").filter { !$0.contains("T") }.joined(separator: " ") }.joined(separator: "\n"),
                run(["explain", "--policy", "Samples/policy.json", "carol@example.com", "ana.ruiz@example.com"] + asOf),
            ])
        }
        #expect(results[0].count == 21)
        for name in results[0].keys.sorted() {
            #expect(results[0][name] == results[1][name], "\(name) differs between the stores")
        }
        #expect(texts[0] == texts[1])
        // The forgotten address is gone from the server's tables, and removed by its hash.
        let postgres = try PostgresConnection(url: db.url)
        let left = try postgres.query("SELECT count(*) FROM events WHERE address_key = $1 OR diagnostic ILIKE $2 OR source ILIKE $2",
                                      [forgotten, "%\(forgotten)%"])
        #expect(left.first?.first == "0")
        // And from the removals the server's ledger keeps (streamed back from the mirror):
        // the clean before the forget no longer names it, which still names the others it
        // removed; the two after it remove it as forgotten (the list still names it).
        let ledgers = try postgres.query("SELECT encode(removals, 'hex') FROM ledger WHERE removals IS NOT NULL ORDER BY entry")
        let removals = ledgers.compactMap { $0.first.flatMap { $0 } }.compactMap { LedgerEntry.Removals(packed: PostgresSchema.bytes(hex: $0)) }
        #expect(removals.count == 3)
        #expect(removals.first.map { $0.rules[forgotten] == nil && !$0.rules.isEmpty } == true)
        #expect(removals.dropFirst().allSatisfy { $0.rules[forgotten] == .forgotten })
        #expect(results[1]["2/suppressed.csv"]?.contains("forgotten") == true)
        #expect(try postgres.query("SELECT count(*) FROM forgotten").first?.first == "1")
    }

    @Test func aLifecycleCommandRefusesADatabaseWithoutAHistory() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresStoreTests") else { return }
        for command in [["forget", "ana@example.com"], ["retract", "--source", "x.csv"], ["prune", "--older-than", "400"], ["reclassify"]] {
            let run = Self.listwash(command + ["--history", db.url])
            #expect(run.status != 0, "\(command[0])")
            #expect(run.errors.contains("not a listwash history"), "\(command[0]): \(run.errors)")
        }
        let tables = try PostgresConnection(url: db.url).query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables.first?.first == "0", "nothing was created")
    }

    /// Canonical CSV events: `shared` lines every file has, then `unique` of its own (a hard
    /// bounce for every 20th address, a delivery for the others).
    static func eventFile(_ index: Int, shared: Int, unique: Int) -> String {
        var lines = ["email,timestamp,event,smtp_code,enhanced_code,diagnostic"]
        for n in 0..<shared { lines.append("shared\(n)@example.com,\(1_790_000_000 + n),delivered,250,2.0.0,250 OK") }
        for n in 0..<unique {
            let address = "w\(index)-\(n)@example.\(["com", "net", "org"][n % 3])"
            lines.append(n % 20 == 0
                ? "\(address),\(1_790_000_000 + n),bounce,550,5.1.1,550 5.1.1 user unknown"
                : "\(address),\(1_790_000_000 + n),delivered,250,2.0.0,250 OK")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Starts the binary without waiting for it; `wait` gives its exit status (128 + signal).
    final class Worker {
        let pid: pid_t
        init(_ arguments: [String], environment: [String] = []) {
            let argv = (["/usr/bin/env", "-C", PostgresStoreTests.root] + environment + [PostgresStoreTests.binary] + arguments
                        + ["-q"]).map { strdup($0) } + [nil]
            defer { for a in argv { free(a) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            defer { posix_spawn_file_actions_destroy(&actions) }
            var pid: pid_t = 0
            posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, environ)
            self.pid = pid
        }

        func wait() -> Int32 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        }
    }

    @Test func fourIngestsAndTwoCleansAtOnceLoseNothingEvenWithOneKilled() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresStoreTests") else { return }
        let folder = try TemporaryFolder()
        let shared = 100, unique = 25_000  // three batches of 10,000 a file: the kill comes mid-file
        var files: [String] = []
        for i in 1...4 { files.append(try folder.write("events\(i).csv", Self.eventFile(i, shared: shared, unique: unique))) }
        var list = ["email,name"]
        for i in 1...4 { for n in stride(from: 0, to: unique, by: 97) { list.append("w\(i)-\(n)@example.\(["com", "net", "org"][n % 3]),n\(n)") } }
        let listPath = try folder.write("list.csv", list.joined(separator: "\n") + "\n")
        #expect(Self.listwash(["ingest", "--history", db.url, "-q", "Samples/events.csv"]).status == 65)  // creates the tables
        let before = try PostgresHistory(url: db.url, create: false).count()

        let workers = [
            Worker(["ingest", "--history", db.url, files[0]]),
            Worker(["ingest", "--history", db.url, files[1]]),
            Worker(["ingest", "--history", db.url, files[3]], environment: ["LISTWASH_TEST_KILL_AFTER_BATCHES=1"]),
            Worker(["clean", "--history", db.url, "--list", listPath, "--out", "\(folder.path)/c1", "--allow-mass-removal"]),
            Worker(["ingest", "--history", db.url, files[2]]),
            Worker(["clean", "--history", db.url, "--list", listPath, "--out", "\(folder.path)/c2", "--allow-mass-removal"]),
        ]
        let statuses = workers.map { $0.wait() }
        #expect(statuses[0] == 0 && statuses[1] == 0 && statuses[4] == 0)
        #expect(statuses[2] == 128 + SIGKILL, "the ingest killed mid-file")
        #expect(statuses[3] == 0 && statuses[5] == 0)

        // Each clean read one consistent snapshot: whole files, never part of one.
        let possible = Set((0..<8).map { subset -> Int in
            let n = (0..<3).filter { subset & (1 << $0) != 0 }.count
            return before + (n == 0 ? 0 : shared + n * unique)
        })
        for clean in ["c1", "c2"] {
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/\(clean)/manifest.json"))) as? [String: Any]
            let history = (manifest?["inputs"] as? [String: Any])?["history"] as? [String: Any]
            let seen = history?["events_as_of"] as? Int ?? -1
            #expect(possible.contains(seen), "\(clean) saw \(seen) events")
        }
        // The killed worker's file left nothing; the three others everything, once.
        let postgres = try PostgresHistory(url: db.url, create: false)
        #expect(try postgres.count() == before + shared + 3 * unique)
        #expect(Self.listwash(["ingest", "--history", db.url, "-q", files[3]]).status == 0)
        #expect(try postgres.count() == before + shared + 4 * unique)
        #expect(Self.listwash(["ingest", "--history", db.url, "-q"] + files).status == 0)
        #expect(try postgres.count() == before + shared + 4 * unique, "the same files again add nothing")
        // The ledger has every finished run, numbered without gaps.
        let runs = Self.listwash(["runs", "--history", db.url]).output.split(separator: "\n")
        #expect(runs.count == 1 + 3 + 2 + 2)
        #expect(runs.map { $0.split(separator: " ").first.map(String.init) } == (1...8).map { String($0) })

        // And the history is the one an SQLite store builds from the same files.
        let sqlite = "\(folder.path)/h.sqlite"
        #expect(Self.listwash(["ingest", "--history", sqlite, "-q", "Samples/events.csv"]).status == 65)
        #expect(Self.listwash(["ingest", "--history", sqlite, "-q"] + files).status == 0)
        for (history, out) in [(sqlite, "s"), (db.url, "p")] {
            #expect(Self.listwash(["clean", "--history", history, "-q", "--list", listPath, "--out", "\(folder.path)/\(out)",
                                   "--as-of", "2027-01-01T00:00:00Z", "--allow-mass-removal"]).status == 0)
        }
        // The data outputs: the reports (and so the manifest's hashes of them) differ by the
        // trend, since only the server's ledger has the two cleans that ran beside the ingests.
        let a = try Self.outputs("\(folder.path)/s"), b = try Self.outputs("\(folder.path)/p")
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv"] {
            #expect(a[name] != nil && a[name] == b[name], "\(name) differs between the stores")
        }
        #expect(a["suppressed.csv"]?.split(separator: "\n").count == 1 + 4 * 13, "a hard bounce for every 20th address, every 97th listed: 13 a file")
        // Both ledgers record the same removals for that clean (the SQLite store streams them
        // into its blob, the server takes them as one parameter).
        let local = try HistoryStore(path: sqlite, create: false).ledger(removals: true).last?.removals
        let server = try postgres.connection.query("SELECT encode(removals, 'hex') FROM ledger WHERE command = 'clean' ORDER BY entry DESC LIMIT 1")
        let hex = Array((server.first?.first.flatMap { $0 } ?? "").utf8)
        let packed = stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16) }
        let serverRemovals = LedgerEntry.Removals(packed: packed)
        #expect(local?.rules.count == 4 * 13)
        #expect(serverRemovals != nil && serverRemovals == local)
    }
}
