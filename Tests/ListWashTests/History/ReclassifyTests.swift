import Foundation
import Testing
@testable import ListWash

/// Old events follow new rules: the history records what classified its events, `clean`
/// notices a difference, and `reclassify` re-derives reason and kind from the stored fields.
@Suite struct ReclassifyTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    /// A hosting provider's quota text no built-in table knows, five times over five days, and
    /// two ordinary bounces.
    static let events = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        + (1...5).map { "quota@example.org,2026-10-0\($0)T08:00:00Z,bounce,452,,452 Account frozen by hosting panel" }
            .joined(separator: "\n")
        + "\ngone@example.org,2026-10-01T08:00:00Z,bounce,550,5.1.1,550 5.1.1 User unknown\n"
        + "ok@example.org,2026-10-01T08:00:00Z,delivered,250,2.0.0,250 OK\n"

    static var quotaPolicy: Policy {
        var policy = Policy()
        policy.rules = [ClassifierRule(name: "isp-quota", reason: .mailboxfull, kind: .soft, replyCodes: nil, statuses: nil,
                                       phrases: ["frozen by hosting panel"])]
        return policy
    }

    func ingest(_ folder: TemporaryFolder, _ name: String, policy: Policy) throws -> String {
        let file = try folder.write("events.csv", Self.events)
        let path = "\(folder.path)/\(name).sqlite"
        _ = try IngestJob(historyPath: path, policy: policy, logger: silentLogger).run(files: [file])
        return path
    }

    func clean(_ folder: TemporaryFolder, history: String, out: String, policy: Policy) throws -> (CleanSummary, [String: String]) {
        let list = try folder.write("list.csv", "email\nquota@example.org\ngone@example.org\nok@example.org\n")
        let summary = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/\(out)", historyPath: history,
                                                         asOf: asOf, policy: policy), logger: silentLogger).run()
        var files: [String: String] = [:]
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl"] { files[name] = try folder.read("\(out)/\(name)") }
        // The manifest names the history's path; the rest of it must agree too.
        files["manifest.json"] = try folder.read("\(out)/manifest.json").replacingOccurrences(of: history, with: "H")
        return (summary, files)
    }

    @Test func aNewRuleReachesTheEventsAlreadyStored() throws {
        let folder = try TemporaryFolder()
        let old = try ingest(folder, "old", policy: Policy())
        let store = try HistoryStore(path: old, create: false)
        #expect(try store.classificationRecords().map(\.identity) == [ClassificationIdentity(policy: Policy())])
        #expect(try store.classificationMismatch(current: ClassificationIdentity(policy: Policy())) == nil)

        // Cleaned with the new rule but old classifications: said so, and the quota bounces do not count as mailbox full.
        let before = try clean(folder, history: old, out: "before", policy: Self.quotaPolicy)
        #expect(before.0.classificationNotice?.contains("other policy rules") == true)
        #expect(before.0.suppressed[.mailboxFull] == nil)
        #expect(before.1["manifest.json"]?.contains(#""classified_otherwise":true"#) == true)

        let summary = try HistoryStore.reclassify(path: old, policy: Self.quotaPolicy)
        #expect(summary.events == 7)
        #expect(summary.bounces == 6)
        #expect(summary.reasonChanged == 5)
        #expect(summary.blocksRewritten == 1)
        #expect(summary.runRowsRewritten == 1)
        let after = try clean(folder, history: old, out: "after", policy: Self.quotaPolicy)
        #expect(after.0.classificationNotice == nil)
        #expect(after.0.suppressed[.mailboxFull] == 1)
        let stored = try HistoryStore(path: old, create: false).events(forKey: Array("quota@example.org".utf8), asOf: asOf, caseSensitive: false)
        #expect(stored.map(\.rule) == Array(repeating: "user:isp-quota", count: 5))

        // The same outputs, byte for byte, as a history ingested with the rule from the start.
        let fresh = try ingest(folder, "fresh", policy: Self.quotaPolicy)
        let direct = try clean(folder, history: fresh, out: "direct", policy: Self.quotaPolicy)
        #expect(after.1 == direct.1)

        // Twice changes nothing.
        let again = try HistoryStore.reclassify(path: old, policy: Self.quotaPolicy)
        #expect(again.reasonChanged == 0 && again.kindChanged == 0 && again.ruleChanged == 0 && again.blocksRewritten == 0)
        #expect(try clean(folder, history: old, out: "again", policy: Self.quotaPolicy).1 == after.1)
    }

    @Test func aHistoryWithoutARecordIsNamedAsSuch() throws {
        let folder = try TemporaryFolder()
        let path = try ingest(folder, "h", policy: Policy())
        let store = try HistoryStore(path: path, create: false)
        try store.db.execute("DELETE FROM classifications")
        #expect(try store.classificationMismatch(current: ClassificationIdentity(policy: Policy()))?.contains("earlier listwash") == true)
        #expect(ClassificationIdentity(policy: Policy()).rules == "rules none")
        #expect(ClassificationIdentity(policy: Self.quotaPolicy).rules != "rules none")
        #expect(ClassificationIdentity.builtIn.hasPrefix("listwash \(ListWashVersion.current) tables "))
    }

    @Test func reclassifyNeedsAnExistingHistory() throws {
        let folder = try TemporaryFolder()
        #expect(throws: HistoryError.self) { _ = try HistoryStore.reclassify(path: "\(folder.path)/none.sqlite", policy: Policy()) }
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/none.sqlite"))
    }
}
