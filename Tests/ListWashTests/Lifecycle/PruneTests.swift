import Foundation
import Testing
@testable import ListWash

@Suite struct PruneTests {
    /// 2026-11-01T00:00:00Z: the prune's time and the clean's.
    let asOf: Int64 = 1_793_491_200

    /// A history two years deep: old deferrals and soft bounces the policy no longer counts,
    /// beside old evidence that still decides (a hard bounce, a complaint, an unsubscribe, a
    /// hard bounce cleared by the domain's sign of life the same day, a message whose
    /// deferrals are the audit's evidence of its final hard bounce) and recent soft evidence.
    let events = """
        email,timestamp,event,smtp_code,enhanced_code,diagnostic,message_id
        deferred@example.com,2024-10-01T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,m1
        deferred@example.com,2024-10-02T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,m2
        deferred@example.com,2024-10-03T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,m3
        deferred@example.com,2024-10-04T10:00:00Z,bounce,421,4.7.0,421 4.7.0 Rate limited: too many messages,m4
        deferred@example.com,2024-10-05T10:00:00Z,delivered,250,2.0.0,250 OK,m5
        hard@example.com,2024-09-01T10:00:00Z,bounce,451,4.4.1,451 4.4.1 Connection timed out,m6
        hard@example.com,2024-09-02T10:00:00Z,bounce,550,5.1.1,550 5.1.1 User unknown,m6
        hard@example.com,2024-08-01T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,m7
        complainer@example.com,2024-07-01T10:00:00Z,complaint,,,abuse report,
        complainer@example.com,2024-06-01T10:00:00Z,delivered,250,2.0.0,250 OK,m8
        leaver@example.com,2024-07-01T10:00:00Z,unsubscribe,,,list-unsubscribe,
        x@outage.example,2024-05-01T10:00:00Z,bounce,550,5.1.2,550 5.1.2 Host or domain name not found,m9
        y@outage.example,2024-05-01T12:00:00Z,delivered,250,2.0.0,250 OK,m10
        z@outage.example,2023-06-01T12:00:00Z,delivered,250,2.0.0,250 OK,m11
        soft@example.com,2026-10-01T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,s1
        soft@example.com,2026-10-08T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,s2
        soft@example.com,2026-10-15T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,s3
        soft@example.com,2024-10-15T10:00:00Z,bounce,452,4.2.2,452 4.2.2 Mailbox full,s0
        fine@example.com,2024-03-01T10:00:00Z,delivered,250,2.0.0,250 OK,f1
        fine@example.com,2026-10-20T10:00:00Z,delivered,250,2.0.0,250 OK,f2

        """

    let list = ["deferred@example.com", "hard@example.com", "complainer@example.com", "leaver@example.com",
                "x@outage.example", "y@outage.example", "z@outage.example", "soft@example.com", "fine@example.com", "new@example.com"]

    func setUp() throws -> (folder: TemporaryFolder, history: String) {
        let folder = try TemporaryFolder()
        let file = try folder.write("events.csv", events)
        let history = "\(folder.path)/h.sqlite"
        let ingested = try IngestJob(historyPath: history, policy: Policy(), logger: silentLogger).run(files: [file])
        #expect(ingested.map(\.new) == [20])
        return (folder, history)
    }

    func clean(_ folder: TemporaryFolder, _ history: String, out: String) throws -> [String: String] {
        let listPath = try folder.write("list.csv", "email\n" + list.map { "\($0)\n" }.joined())
        _ = try CleanJob(request: CleanRequest(listPath: listPath, outputDirectory: "\(folder.path)/\(out)", historyPath: history,
                                               asOf: asOf, policy: Policy()), logger: silentLogger).run()
        var files: [String: String] = [:]
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl"] { files[name] = try folder.read("\(out)/\(name)") }
        return files
    }

    func events(_ history: String, _ address: String) throws -> [EventRecord] {
        let store = try HistoryStore(path: history, create: false)
        return try store.reading { try store.events(forKey: Array(address.utf8), asOf: .max, caseSensitive: false) }
    }

    @Test func cleanDecidesTheSameAfterAPrune() throws {
        let (folder, history) = try setUp()
        let before = try clean(folder, history, out: "before")
        // The history decides what this test is about.
        #expect(before["suppressed.csv"]!.contains("hard@example.com,hard_bounce"))
        #expect(before["suppressed.csv"]!.contains("complainer@example.com,complaint"))
        #expect(before["suppressed.csv"]!.contains("leaver@example.com,unsubscribe"))
        #expect(before["suppressed.csv"]!.contains("soft@example.com,mailbox_full"))
        #expect(before["cleaned.csv"]!.contains("x@outage.example"), "a host-unknown failure the day of a delivery to its domain is an outage")
        #expect(before["cleaned.csv"]!.contains("deferred@example.com"))

        let summary = try HistoryStore.prune(path: history, olderThanDays: 365, asOf: asOf, policy: Policy(), force: false, at: asOf)
        // The deferrals and old deliveries nobody needs are gone; the rest stays.
        #expect(summary.dropped == ["bounce/soft": 5, "bounce/sender": 1, "delivered": 4])
        #expect(summary.remaining == 10)
        #expect(try events(history, "deferred@example.com").isEmpty)
        #expect(try events(history, "soft@example.com").map(\.timestamp).allSatisfy { $0 > asOf - 365 * 86_400 })
        // The hard bounce's earlier attempt stays: the audit lists it as evidence.
        #expect(try events(history, "hard@example.com").map(\.type) == [.bounce, .bounce])
        // The delivery that shows the domain alive the day of the failure stays; an older one does not.
        #expect(try events(history, "y@outage.example").count == 1)
        #expect(try events(history, "z@outage.example").isEmpty)
        #expect(try events(history, "fine@example.com").count == 1)

        let after = try clean(folder, history, out: "after")
        #expect(after == before)

        let log = try HistoryStore(path: history, create: false).lifecycleLog()
        #expect(log.map(\.action) == ["prune"])
        #expect(log[0].detail.hasPrefix("older than 365 days before 2026-11-01T00:00:00Z: 10 events dropped (bounce/sender 1, bounce/soft 5, delivered 4)"))

        // Once more: nothing left to drop, nothing changes, nothing is recorded.
        let again = try HistoryStore.prune(path: history, olderThanDays: 365, asOf: asOf, policy: Policy(), force: false, at: asOf)
        #expect(again.droppedTotal == 0)
        #expect(again.remaining == 10)
        #expect(try HistoryStore(path: history, create: false).lifecycleLog().count == 1)
        #expect(try clean(folder, history, out: "again") == before)
    }

    @Test func aShorterWindowThanThePolicysIsRefusedUnlessForced() throws {
        let (folder, history) = try setUp()
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: HistoryStore.PruneError.shorterThanPolicy(days: 30, longest: 180, window: "stale_after_days")) {
            try HistoryStore.prune(path: history, olderThanDays: 30, asOf: asOf, policy: Policy(), force: false)
        }
        var policy = Policy()
        policy.domains.aliveWithinDays = 400
        #expect(policy.longestLookback.days == 400 && policy.longestLookback.name == "domains.alive_within_days")
        #expect(throws: HistoryStore.PruneError.self) {
            try HistoryStore.prune(path: history, olderThanDays: 365, asOf: asOf, policy: policy, force: false)
        }
        #expect(try HistoryStore(path: history, create: false).count() == 20)
        // Forced, the recent soft bounces go too; the hard bounce, complaint and unsubscribe stay.
        let forced = try HistoryStore.prune(path: history, olderThanDays: 0, asOf: asOf + 86_400 * 30, policy: Policy(), force: true)
        #expect(forced.droppedTotal > 0)
        #expect(try events(history, "soft@example.com").isEmpty)
        #expect(try events(history, "complainer@example.com").map(\.type) == [.complaint])
        #expect(try events(history, "leaver@example.com").map(\.type) == [.unsubscribe])
        #expect(try events(history, "hard@example.com").count == 2)
    }

    @Test func withoutTheDomainJudgmentSignsOfLifeAreNotKept() throws {
        let (folder, history) = try setUp()
        defer { withExtendedLifetime(folder) {} }
        var policy = Policy()
        policy.domains.judge = false
        _ = try HistoryStore.prune(path: history, olderThanDays: 365, asOf: asOf, policy: policy, force: false)
        #expect(try events(history, "y@outage.example").isEmpty)
        #expect(try events(history, "x@outage.example").count == 1)
    }
}
