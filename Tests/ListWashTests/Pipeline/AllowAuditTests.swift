import Foundation
import Testing
@testable import ListWash

/// A row the operator's allow keeps against the policy leaves a record in the audit: action
/// `allow`, the rule it overturned, and the evidence with the allow event last.
@Suite struct AllowAuditTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200
    let day: Int64 = 86_400

    @Test func aRowKeptByAllowAgainstAHardBounceIsAudited() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        let classifier = try Classifier()
        _ = try HistoryStore(path: path, create: true).insert([
            EventRecord(bounce("ana@example.com", asOf - 30 * day, 550, "5.1.1", "550 5.1.1 user unknown"), classifier: classifier)!,
            EventRecord(bounce("carl@example.com", asOf - 30 * day, 550, "5.1.1", "550 5.1.1 user unknown"), classifier: classifier)!,
        ])
        #expect(try HistoryStore.record(.allow, address: "ana@example.com", reason: "ticket 4711: mailbox restored", at: asOf - 20 * day, path: path))
        // An allow that overturns nothing (no evidence) leaves no record.
        #expect(try HistoryStore.record(.allow, address: "bob@example.com", reason: "vip", at: asOf - 20 * day, path: path))
        let list = try folder.write("list.csv", "email\nana@example.com\nbob@example.com\ncarl@example.com\n")
        let summary = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: path,
                                                         asOf: asOf, policy: Policy()), logger: silentLogger).run()
        #expect(summary.kept == 2)
        #expect(summary.keptByAllow == 1)
        #expect(summary.suppressed == [.hardBounce: 1])
        #expect(try folder.read("out/cleaned.csv") == "email\nana@example.com\nbob@example.com\n")
        #expect(try folder.read("out/suppressed.csv").split(separator: "\n").count == 2)
        let audit = try folder.read("out/audit.jsonl").split(separator: "\n")
        #expect(audit.count == 2)
        let allowed = String(audit[0])
        #expect(allowed.contains(#""line":2,"address":"ana@example.com","action":"allow","overturns":"hard_bounce","reason":"userunknown""#))
        // The evidence: the hard bounce, then the allow with its reason.
        let bounceAt = allowed.range(of: "550 5.1.1 user unknown")!.lowerBound
        let allowAt = allowed.range(of: "ticket 4711: mailbox restored")!.lowerBound
        #expect(bounceAt < allowAt)
        #expect(allowed.contains("listwash allow"))
        #expect(audit[1].contains(#""address":"carl@example.com","action":"suppress""#))
        #expect(try folder.read("out/manifest.json").contains(#""kept_by_allow":1"#))
    }

    @Test func newEvidenceAfterTheAllowRemovesAsUsual() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        let classifier = try Classifier()
        _ = try HistoryStore(path: path, create: true).insert([
            EventRecord(bounce("ana@example.com", asOf - 30 * day, 550, "5.1.1", "550 5.1.1 user unknown"), classifier: classifier)!,
            EventRecord(bounce("ana@example.com", asOf - 5 * day, 550, "5.1.1", "550 5.1.1 user unknown"), classifier: classifier)!,
        ])
        #expect(try HistoryStore.record(.allow, address: "ana@example.com", reason: "ticket", at: asOf - 20 * day, path: path))
        let list = try folder.write("list.csv", "email\nana@example.com\n")
        let summary = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: path,
                                                         asOf: asOf, policy: Policy()), logger: silentLogger).run()
        #expect(summary.keptByAllow == 0)
        #expect(summary.suppressed == [.hardBounce: 1])
        #expect(!(try folder.read("out/manifest.json").contains("kept_by_allow")))
    }

    @Test func explainSaysWhatTheAllowOverturned() throws {
        let classifier = try Classifier()
        let events = [
            EventRecord(bounce("ana@example.com", asOf - 30 * day, 550, "5.1.1", "550 5.1.1 user unknown"), classifier: classifier)!,
            EventRecord(RawEvent(address: "ana@example.com", timestamp: asOf - 20 * day, type: .allow, diagnostic: "ticket",
                                 source: EventSource(file: "listwash allow")), classifier: classifier)!,
        ]
        let explained = DecisionExplanation.explain(address: "ana@example.com", key: Array("ana@example.com".utf8), events: events,
                                                    policy: Policy(), asOf: asOf)
        #expect(explained.decision == nil)
        #expect(explained.notes == [.beforeAllow, .allow])
        #expect(explained.keptBecause == "re-admitted by the operator's allow (event #2); without it hard_bounce would remove it")
        #expect(explained.overturnedByAllow?.evidence == [0, 1])
    }
}
