import Foundation
import Testing

/// `clean --events`: the binary's one-off run on `Samples/` gives the reviewed outputs of
/// `ingest` then `clean` (`Snapshots/samples/`), and refuses `--history` beside it.
@Suite struct OneOffCommandTests {
    typealias CLI = SamplesSnapshotTests

    func read(_ path: String) throws -> String {
        try String(contentsOfFile: CLI.packageRoot.appendingPathComponent(path).path, encoding: .utf8)
    }

    @Test func theSamplesGiveTheReviewedOutputsOfIngestThenClean() throws {
        let dir = try CLI.scratch("one-off")
        let run = try CLI.run(["clean", "--events", "Samples/events.csv", "Samples/events.jsonl", "--policy", "Samples/policy.json",
                               "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(run.status == 65, "the samples hold rejected records on purpose")
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "report.json", "report.html"] {
            try CLI.compare(try read("\(dir)/out/\(name)"), snapshot: name)
        }
        // rejects.csv: the event files' rejected records, then the list's as the two-step run writes them.
        let expected = try String(contentsOf: CLI.snapshots.appendingPathComponent("rejects.csv"), encoding: .utf8)
        let rejects = try read("\(dir)/out/rejects.csv")
        let lines = rejects.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1].hasPrefix("Samples/events.csv,43,"))
        #expect(lines[2].hasPrefix("Samples/events.jsonl,5,"))
        #expect(([lines[0]] + lines[3...]).joined(separator: "\n") == expected)
        // The event files' rejections are reported on standard error as ingest reports them.
        let ingestErrors = try String(contentsOf: CLI.snapshots.appendingPathComponent("ingest.stderr"), encoding: .utf8)
        #expect(run.stderr.hasPrefix(ingestErrors))
        #expect(run.stdout.contains("events Samples/events.jsonl (jsonl): 4 read, 3 new, 1 duplicate, 1 rejected"))
        // No history is left anywhere.
        #expect(!FileManager.default.fileExists(atPath: CLI.packageRoot.appendingPathComponent("listwash.sqlite").path))
        let set = try FileManager.default.destinationOfSymbolicLink(atPath: CLI.packageRoot.appendingPathComponent("\(dir)/out/.listwash-current").path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot.appendingPathComponent("\(dir)/out/\(set)").path)
            .filter { $0.contains("sqlite") }.isEmpty)
    }

    @Test func eventsAndHistoryDoNotGoTogether() throws {
        let dir = try CLI.scratch("one-off-usage")
        let both = try CLI.run(["clean", "--history", "\(dir)/h.sqlite", "--events", "Samples/events.csv",
                                "--list", "Samples/subscribers.csv", "--out", "\(dir)/out"])
        #expect(both.status == 64)
        #expect(both.stderr.hasPrefix("listwash: error: --events and --history do not go together"))
        #expect(!FileManager.default.fileExists(atPath: CLI.packageRoot.appendingPathComponent("\(dir)/out").path))
        #expect(!FileManager.default.fileExists(atPath: CLI.packageRoot.appendingPathComponent("\(dir)/h.sqlite").path))
        let formatAlone = try CLI.run(["clean", "--format", "csv", "--list", "Samples/subscribers.csv", "--out", "\(dir)/out"])
        #expect(formatAlone.status == 64)
        let missing = try CLI.run(["clean", "--events", "\(dir)/missing.csv", "--list", "Samples/subscribers.csv", "--out", "\(dir)/out"])
        #expect(missing.status == 66)
        #expect(!FileManager.default.fileExists(atPath: CLI.packageRoot.appendingPathComponent("\(dir)/out").path))
    }
}
