import Foundation
import Testing
@testable import ListWash

/// The PostgreSQL history gives the policy what the SQLite history gives it for the same
/// events: the same addresses in the same order, the same events, the same fingerprint.
@Suite struct PostgresHistoryTests {
    let classifier = try! Classifier()

    func records(_ raws: [RawEvent]) -> [EventRecord] { raws.compactMap { EventRecord($0, classifier: classifier) } }

    /// Events of every type, addresses whose keys sort differently as text and as bytes,
    /// texts with the bytes `COPY` escapes, message identities, and one event twice.
    func sampleEvents() -> [EventRecord] {
        var raws: [RawEvent] = [
            bounce("a@example.com", 100, 550, "5.1.1", "550 5.1.1 user unknown"),
            bounce("A@example.com", 90, 452, "4.2.2", "452 4.2.2 mailbox full\tover quota\\n \"quoted\"\r\nsecond line"),
            bounce("b@example.com", 200, 421, "4.4.2", "421 4.4.2 timeout"),
            bounce("Zed@example.org", 300, 550, "5.7.1", "550 5.7.1 blocked by policy"),
            bounce("_x@example.org", 300, 550, "5.1.1", "550 5.1.1 no such user"),
            bounce("ümlaut@bücher.example", 400, 550, "5.1.1", "550 5.1.1 unknown ü"),
        ]
        for n in 0..<5 {
            var r = bounce("retry@example.net", 1_000 + Int64(n) * 3_600, 450, "4.2.1", "450 4.2.1 try later")
            r.messageIdentity = "postfix:ABC\(n / 3)"
            raws.append(r)
        }
        raws.append(RawEvent(address: "c@example.com", timestamp: 500, type: .complaint, source: EventSource(file: "fbl.csv", line: 3)))
        raws.append(RawEvent(address: "d@example.com", timestamp: 600, type: .unsubscribe, source: EventSource(file: "u.csv", line: 1)))
        raws.append(RawEvent(address: "b@example.com", timestamp: 700, type: .delivered, source: EventSource(file: "log", line: 9)))
        raws.append(bounce("a@example.com", 100, 550, "5.1.1", "550 5.1.1 user unknown", line: 40))
        return records(raws)
    }

    @Test func bothStoresGiveThePolicyTheSameEvents() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresHistoryTests") else { return }
        let events = sampleEvents()
        let folder = try TemporaryFolder()
        let sqlite = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        let postgres = try PostgresHistory(url: db.url, create: true)
        #expect(try sqlite.insert(events) == (new: events.count - 1, duplicate: 1))
        #expect(try postgres.insert(events) == (new: events.count - 1, duplicate: 1))
        #expect(try postgres.count() == events.count - 1)

        for asOf in [Int64.max, 250, 50] {
            var fromSQLite: [([UInt8], [PolicyEvent])] = []
            var fromPostgres: [([UInt8], [PolicyEvent])] = []
            let a = try sqlite.forEachAddress(asOf: asOf, caseSensitive: false) { fromSQLite.append(($0, $1)) }
            let b = try postgres.forEachAddress(asOf: asOf) { key, group, numbers in
                #expect(numbers.count == group.count)
                fromPostgres.append((key, group))
            }
            #expect(a.events == b.events)
            #expect(a.digest == b.digest)
            let figures = try postgres.figures(asOf: asOf)
            #expect(figures.events == a.events && figures.digest == a.digest, "a clean's figures, from the ids alone")
            #expect(fromSQLite.map(\.0) == fromPostgres.map(\.0))
            #expect(fromSQLite.map(\.1) == fromPostgres.map(\.1))
        }
        for key in ["a@example.com", "retry@example.net", "ümlaut@xn--bcher-kva.example", "nobody@example.com"] {
            let fromSQLite = try sqlite.events(forKey: Array(key.utf8), asOf: .max, caseSensitive: false)
            let fromPostgres = try postgres.events(forKey: key, asOf: .max)
            #expect(fromSQLite == fromPostgres, "\(key)")
        }
        #expect(try !postgres.events(forKey: "a@example.com", asOf: .max).isEmpty)
    }

    /// A history made before keys compared as bytes (migrations 0001 and 0002 only) is
    /// migrated by the next writer, its events kept, and reads in the same order.
    @Test func anOlderHistoryIsMigratedToKeysInByteOrder() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresHistoryTests") else { return }
        let connection = try PostgresConnection(url: db.url)
        try connection.execute("CREATE TABLE listwash_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        for migration in PostgresSchema.migrations.prefix(2) {
            try connection.execute(migration.sql)
            _ = try connection.query("INSERT INTO listwash_migrations(name) VALUES ($1)", [migration.name])
        }
        let collation = "SELECT coalesce(collation_name, 'default') FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'address_key'"
        #expect(try connection.query(collation).first?.first == "default")
        let events = sampleEvents()
        let folder = try TemporaryFolder()
        let sqlite = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        _ = try sqlite.insert(events)
        try connection.execute("BEGIN")
        try connection.execute(PostgresSchema.stagingTable)
        try connection.copyIn("COPY staging_events (\(PostgresSchema.copyColumns)) FROM STDIN") { writer in
            for event in events { try PostgresSchema.writeRow(event, to: &writer) }
        }
        try connection.execute("""
            INSERT INTO events (\(PostgresSchema.copyColumns))
            SELECT address_key, event_id, to_timestamp(occurred_at), address, type, reason, kind, rule, reply_code,
                   enhanced_code, diagnostic, provider_verdict, source, message_id, message_hash
            FROM staging_events ON CONFLICT DO NOTHING;
            COMMIT
            """)
        // A reader refuses the older tables; the next writer migrates them.
        #expect(throws: PostgresError.self) { try PostgresHistory(url: db.url, create: false) }
        let postgres = try PostgresHistory(url: db.url, create: true)
        #expect(try connection.query(collation).first?.first == "C")
        #expect(try postgres.count() == events.count - 1)
        let a = try sqlite.forEachAddress(asOf: .max, caseSensitive: false) { _, _ in }
        let figures = try postgres.figures(asOf: .max)
        #expect(figures.events == a.events && figures.digest == a.digest)
    }

    @Test func theSameEventsTwiceChangeNothing() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresHistoryTests") else { return }
        let events = sampleEvents()
        let postgres = try PostgresHistory(url: db.url, create: true)
        _ = try postgres.insert(events)
        #expect(try postgres.insert(events) == (new: 0, duplicate: events.count))
        #expect(try postgres.count() == events.count - 1)
        // Reopened (migrations already applied) and read-only opening both work.
        #expect(try PostgresHistory(url: db.url, create: true).count() == events.count - 1)
        #expect(try PostgresHistory(url: db.url, create: false).count() == events.count - 1)
    }

    @Test func workersSendingOverlappingFilesAtOnceStoreEachEventOnce() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresHistoryTests") else { return }
        _ = try PostgresHistory(url: db.url, create: true)
        let all = records((0..<4_000).map { bounce("u\($0 % 700)@example.com", 1_000 + Int64($0), 550, "5.1.1", "550 5.1.1 unknown \($0)") })
        // Four workers, each with half the events, overlapping two by two.
        let parts = (0..<4).map { w in Array(all[(w * 1_000)..<min(all.count, w * 1_000 + 2_000)]) }
        let added = LockedCounter()
        let url = db.url
        DispatchQueue.concurrentPerform(iterations: 4) { w in
            do {
                let store = try PostgresHistory(url: url, create: true)
                for chunk in stride(from: 0, to: parts[w].count, by: 250) {
                    added.add(try store.insert(Array(parts[w][chunk..<min(chunk + 250, parts[w].count)])).new)
                }
            } catch {
                Issue.record("worker \(w): \(error)")
            }
        }
        #expect(added.value == all.count)
        #expect(try PostgresHistory(url: db.url, create: false).count() == all.count)
    }

    @Test func aHistoryThatIsNotOneIsAClearError() throws {
        guard let db = try PostgresTestServer.database(for: "PostgresHistoryTests") else { return }
        #expect {
            _ = try PostgresHistory(url: db.url, create: false)
        } throws: { error in
            "\(error)".contains("not a listwash history")
        }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ n: Int) { lock.lock(); total += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return total }
}
