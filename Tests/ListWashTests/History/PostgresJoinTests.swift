import Foundation
import Testing
@testable import ListWash

/// `clean`'s join on a PostgreSQL history (``PostgresMirror/ListJoin``): the mirror holds the
/// list's addresses and only what the history-wide parts of the run read of the others, and
/// the outputs are still those of the whole history, on a history where the other addresses
/// decide the list's fate (an outage, a dead domain, a sign of life, sender-side faults,
/// events classified with other rules).
@Suite(.serialized) struct PostgresJoinTests {
    static let asOf = "2026-12-01T00:00:00Z"
    static let listed = ["l1@outage.example", "l2@dead.example", "l3@alive.example", "l4@plain.example", "l5@plain.example"]

    /// Events ingested with the default policy: classified with other rules than the run's.
    static let older = """
        email,timestamp,event,smtp_code,enhanced_code,diagnostic
        x1@other.example,2026-06-01T10:00:00Z,delivered,250,2.0.0,250 OK
        x2@other.example,2026-06-02T10:00:00Z,bounce,550,5.1.1,550 5.1.1 user unknown

        """

    /// The rest, with the run's policy.
    static var events: String {
        let hostUnknown = "550,5.1.2,550 5.1.2 Host or domain name not found"
        var lines = ["email,timestamp,event,smtp_code,enhanced_code,diagnostic"]
        // outage.example: six addresses fail within minutes, one of them listed: an outage.
        lines.append("l1@outage.example,2026-11-20T10:00:00Z,bounce,\(hostUnknown)")
        for n in 1...5 { lines.append("o\(n)@outage.example,2026-11-20T10:0\(n):00Z,bounce,\(hostUnknown)") }
        // dead.example: two addresses, days apart, and no sign of life: dead.
        lines.append("l2@dead.example,2026-11-10T10:00:00Z,bounce,\(hostUnknown)")
        lines.append("d1@dead.example,2026-11-12T10:00:00Z,bounce,\(hostUnknown)")
        // alive.example: another address took mail the same day.
        lines.append("l3@alive.example,2026-11-15T10:00:00Z,bounce,\(hostUnknown)")
        lines.append("a1@alive.example,2026-11-15T18:00:00Z,delivered,250,2.0.0,250 OK")
        for n in 1...4 { lines.append("a\(n + 1)@alive.example,2026-11-1\(n)T18:00:00Z,delivered,250,2.0.0,250 OK") }
        // blocked.example: our sending IP blocked, for addresses not on the list.
        for n in 1...3 {
            lines.append("s\(n)@blocked.example,2026-11-2\(n)T10:00:00Z,bounce,554,5.7.1,554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org")
        }
        lines.append("l4@plain.example,2026-11-05T10:00:00Z,bounce,550,5.1.1,550 5.1.1 user unknown")
        lines.append("l5@plain.example,2026-11-05T11:00:00Z,delivered,250,2.0.0,250 OK")
        for n in 1...40 { lines.append("p\(n)@plain.example,2026-11-0\(n % 9 + 1)T12:00:00Z,delivered,250,2.0.0,250 OK") }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aListsJoinGivesTheWholeHistorysOutputs() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresJoinTests") else { return }
        let folder = try TemporaryFolder()
        let older = try folder.write("older.csv", Self.older)
        let events = try folder.write("events.csv", Self.events)
        let list = try folder.write("list.csv", "email,name\n" + Self.listed.map { "\($0),n" }.joined(separator: "\n") + "\n")
        var sets: [[String: String]] = []
        for history in ["\(folder.path)/h.sqlite", db.url] {
            let out = "\(folder.path)/\(history.hasPrefix("postgres") ? "pg" : "sqlite")"
            #expect(PostgresStoreTests.listwash(["ingest", "-q", "--history", history, older]).status == 0)
            #expect(PostgresStoreTests.listwash(["ingest", "-q", "--history", history, "--policy", "Samples/policy.json", events]).status == 0)
            let clean = PostgresStoreTests.listwash(["clean", "-q", "--history", history, "--policy", "Samples/policy.json",
                                                     "--list", list, "--out", out, "--as-of", Self.asOf, "--allow-mass-removal"])
            #expect(clean.status == 0, "\(clean.errors.prefix(300))")
            sets.append(try PostgresStoreTests.outputs(out))
        }
        for name in sets[0].keys.sorted() {
            #expect(sets[0][name] == sets[1][name], "\(name) differs between the stores")
        }
        #expect(sets[0].count == 7)
        // What the other addresses decided, on both stores.
        let suppressed = sets[1]["suppressed.csv"] ?? ""
        #expect(suppressed.contains("l2@dead.example") && suppressed.contains("l4@plain.example"))
        for kept in ["l1@outage.example", "l3@alive.example", "l5@plain.example"] {
            #expect(sets[1]["cleaned.csv"]?.contains(kept) == true, "\(kept) is kept")
        }
        let report = sets[1]["report.json"] ?? ""
        for finding in ["dead.example", "outage.example", "blocked.example"] {
            #expect(report.contains(finding), "the report names \(finding)")
        }
        #expect(sets[1]["manifest.json"]?.contains("\"classified_otherwise\":true") == true, "the older events' rules are noticed")
        #expect(sets[1]["manifest.json"]?.contains("\"events_as_of\":\(2 + Self.events.split(separator: "\n").count - 1)") == true)
    }

    @Test func theMirrorHoldsTheListsEventsAndWhatTheJudgmentReads() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresJoinTests") else { return }
        let folder = try TemporaryFolder()
        let events = try folder.write("events.csv", Self.events)
        let sqlite = "\(folder.path)/h.sqlite"
        for history in [sqlite, db.url] {
            #expect(PostgresStoreTests.listwash(["ingest", "-q", "--history", history, "--policy", "Samples/policy.json", events]).status == 0)
        }
        let asOf = Int64(1_796_083_200)  // 2026-12-01
        let whole = try HistoryStore(path: sqlite, create: false).forEachAddress(asOf: asOf, caseSensitive: false) { _, _ in }
        let postgres = try PostgresHistory(url: db.url, create: false)
        for judged in [true, false] {
            let join = PostgresMirror.ListJoin(asOf: asOf, judgedSince: judged ? asOf - 180 * 86_400 : nil) { send in
                for address in Self.listed { try send(Array(address.utf8)) }
            }
            let keys = try postgres.mirrored(writes: false, scope: .list(join)) { mirror -> [String: Int] in
                #expect(mirror.wholeHistory?.events == whole.events)
                #expect(mirror.wholeHistory?.digest == whole.digest, "the fingerprint is the whole history's")
                var keys: [String: Int] = [:]
                _ = try mirror.store.reading {
                    try mirror.store.forEachAddress(asOf: asOf, caseSensitive: false) { key, events in
                        keys[String(decoding: key, as: UTF8.self)] = events.count
                    }
                }
                return keys
            }
            for address in Self.listed { #expect(keys[address] == 1, "\(address): every event of a listed address") }
            // The first event (of the one classifier), and, with the judgment: the six outage
            // failures, the dead domain's other failure, the sender faults and one sign of life
            // per domain and day, never a second one for the same day.
            let others = Set(keys.keys).subtracting(Self.listed)
            if judged {
                #expect(others.isSuperset(of: (1...5).map { "o\($0)@outage.example" } + ["d1@dead.example", "a1@alive.example"]
                                          + (1...3).map { "s\($0)@blocked.example" }))
                let plain = others.filter { $0.hasSuffix("@plain.example") }
                #expect(plain.count <= 9, "one delivery a day of plain.example at most, not its 40 addresses")
            } else {
                let first = try PostgresConnection(url: db.url).query("SELECT address_key FROM events ORDER BY event_no LIMIT 1")
                #expect(others == Set(first.compactMap { $0.first ?? nil }).subtracting(Self.listed), "the first event only")
            }
        }
    }
}
