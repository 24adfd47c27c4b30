import Foundation
import Testing

/// The run ledger on the real binary: `listwash runs` lists every ingest and clean, and
/// `listwash diff` explains what changed between two cleans.
@Suite(.serialized) struct LedgerCommandTests {
    typealias Samples = SamplesSnapshotTests

    @Test func runsListsEveryIngestAndCleanWithItsManifest() throws {
        let dir = try OperatorViewTests.samplesHistory("ledger-runs")
        let clean = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                                     "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(clean.status == 65)
        // A dry run is not a run: it writes nothing, the history included.
        _ = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--dry-run", "--quiet",
                             "--list", "Samples/subscribers.csv", "--out", "\(dir)/out"])
        let runs = try Samples.run(["runs", "--history", "\(dir)/h.sqlite"])
        #expect(runs.status == 0, "\(runs.stderr)")
        let lines = runs.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("1  ingest  "))
        #expect(lines[0].hasSuffix("added  2 files, 44 new events"))
        #expect(lines[1].hasPrefix("2  clean  "))
        #expect(lines[1].hasSuffix("as of 2026-11-01T00:00:00Z  written  Samples/subscribers.csv: 23 rows, 8 removed"))
        let json = try Samples.run(["runs", "--history", "\(dir)/h.sqlite", "--json"])
        let objects = try json.stdout.split(separator: "\n").map { try OperatorViewTests.json(String($0)) }
        let manifest = try OperatorViewTests.json(String(contentsOfFile: OperatorViewTests.absolute("\(dir)/out/manifest.json"), encoding: .utf8))
        #expect(NSDictionary(dictionary: objects[1]["manifest"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: manifest))
    }

    @Test func diffSaysWhatChangedAndWhyAcrossAPolicyChange() throws {
        let dir = try OperatorViewTests.samplesHistory("ledger-diff")
        func clean(_ policy: String, asOf: String) throws {
            let run = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", policy, "--quiet",
                                       "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", asOf])
            #expect(run.status == 65, "\(run.stderr)")
        }
        try clean("Samples/policy.json", asOf: "2026-11-01T00:00:00Z")
        // Four soft bounces now escalate, and mailbox-full needs four.
        try Data(#"{"soft_bounce": {"threshold": 4}, "mailbox_full": {"threshold": 4}, "rules": [{"name": "example-isp-quota-text", "reason": "mailboxfull", "phrases": ["mailbox has exceeded the storage allowance"]}]}"#.utf8)
            .write(to: URL(fileURLWithPath: OperatorViewTests.absolute("\(dir)/p.json")))
        try clean("\(dir)/p.json", asOf: "2026-11-01T00:00:00Z")
        // A later event, then the same policy a month on.
        try Data("email,timestamp,event,smtp_code,enhanced_code,diagnostic\nana.ruiz@example.com,2026-11-10T00:00:00Z,bounce,550,5.1.1,550 5.1.1 user unknown\n".utf8)
            .write(to: URL(fileURLWithPath: OperatorViewTests.absolute("\(dir)/later.csv")))
        #expect(try Samples.run(["ingest", "--history", "\(dir)/h.sqlite", "\(dir)/later.csv"]).status == 0)
        try clean("\(dir)/p.json", asOf: "2026-12-01T00:00:00Z")

        let policyDiff = try Samples.run(["diff", "--history", "\(dir)/h.sqlite", "2", "3"])
        #expect(policyDiff.status == 0, "\(policyDiff.stderr)")
        #expect(policyDiff.stdout.contains("policy: mailbox_full.threshold: 3 → 4; soft_bounce.threshold: 5 → 4"))
        #expect(policyDiff.stdout.contains("erin.soft4@example.com  kept → soft_bounce_escalation  because: policy change"))
        #expect(policyDiff.stdout.contains("carol.full@example.net  mailbox_full → kept  because: policy change"))
        #expect(policyDiff.stdout.contains("newly removed: 1"))
        #expect(policyDiff.stdout.contains("came back: 1"))

        let eventsDiff = try Samples.run(["diff", "--history", "\(dir)/h.sqlite", "3", "5", "--json"])
        let object = try OperatorViewTests.json(eventsDiff.stdout)
        #expect((object["policy_changes"] as? [Any])?.isEmpty == true)
        let removed = object["newly_removed"] as? [[String: Any]] ?? []
        let ana = removed.first { $0["address"] as? String == "ana.ruiz@example.com" }
        #expect(ana?["after"] as? String == "hard_bounce")
        #expect(ana?["causes"] as? [String] == ["new events"])

        let notClean = try Samples.run(["diff", "--history", "\(dir)/h.sqlite", "1", "2"])
        #expect(notClean.status == 64)
        #expect(notClean.stderr.contains("run 1 is an ingest"))
    }
}

extension LedgerCommandTests {
    @Test func compareLastDiffsARunWithThePreviousCleanOfItsList() throws {
        let dir = try OperatorViewTests.samplesHistory("ledger-compare-last")
        func clean(_ asOf: String) throws -> Samples.Result {
            try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--compare-last",
                             "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", asOf])
        }
        let first = try clean("2026-10-01T00:00:00Z")
        #expect(first.stdout.contains("no earlier clean of Samples/subscribers.csv in the ledger"))
        let second = try clean("2026-11-01T00:00:00Z")
        #expect(second.status == 65)
        #expect(second.stdout.contains("A: run 2: clean of Samples/subscribers.csv as of 2026-10-01T00:00:00Z"))
        #expect(second.stdout.contains("as-of: 2026-10-01T00:00:00Z → 2026-11-01T00:00:00Z"))
        #expect(second.stdout.contains("because: as-of moved"))
    }
}
