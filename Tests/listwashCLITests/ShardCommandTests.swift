import Foundation
import Testing

/// `clean --shard I/N` and `listwash merge` through the binary, on `Samples/`: the merged set is
/// the unsharded one file for file, and the exit codes of the merge's refusals.
@Suite(.serialized) struct ShardCommandTests {
    typealias CLI = SamplesSnapshotTests
    static let root = CLI.packageRoot.path
    static let asOf = "2026-11-01T00:00:00Z"

    /// Ingests the samples; returns the scratch folder (relative).
    static func history(_ name: String) throws -> String {
        let dir = try CLI.scratch(name)
        _ = try CLI.run(["ingest", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                         "Samples/events.csv", "Samples/events.jsonl"])
        return dir
    }

    static func clean(_ dir: String, list: String, out: String, shard: String? = nil) throws -> CLI.Result {
        try CLI.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet", "--list", list,
                     "--out", "\(dir)/\(out)", "--as-of", asOf] + (shard.map { ["--shard", $0] } ?? []))
    }

    static func files(_ out: String) throws -> [String: Data] {
        let fm = FileManager.default
        let link = try fm.destinationOfSymbolicLink(atPath: "\(root)/\(out)/.listwash-current")
        let set = link.hasPrefix("/") ? link : "\(root)/\(out)/\(link)"
        var files: [String: Data] = [:]
        for name in try fm.contentsOfDirectory(atPath: set) { files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(set)/\(name)")) }
        return files
    }

    @Test func mergedSamplesAreTheUnshardedRun() throws {
        for list in ["Samples/subscribers.csv", "Samples/subscribers.xml"] {
            let dir = try Self.history("shard-\(list.hasSuffix("xml") ? "xml" : "csv")")
            try FileManager.default.copyItem(atPath: "\(Self.root)/\(dir)/h.sqlite", toPath: "\(Self.root)/\(dir)/whole.sqlite")
            for i in 1...3 { #expect(try Self.clean(dir, list: list, out: "part-\(i)", shard: "\(i)/3").status == (i == 1 ? 65 : 0)) }
            let merged = try CLI.run(["merge", "\(dir)/part-3", "\(dir)/part-1", "\(dir)/part-2", "--out", "\(dir)/merged", "--quiet"])
            #expect(merged.status == 65, "the list has rejected rows: \(merged.stderr)")
            // The unsharded run, on the history as it was before the shards (its ledger as theirs).
            try FileManager.default.removeItem(atPath: "\(Self.root)/\(dir)/h.sqlite")
            try FileManager.default.moveItem(atPath: "\(Self.root)/\(dir)/whole.sqlite", toPath: "\(Self.root)/\(dir)/h.sqlite")
            #expect(try Self.clean(dir, list: list, out: "whole").status == 65)
            #expect(try Self.files("\(dir)/merged") == Self.files("\(dir)/whole"), "\(list)")
            #expect(try CLI.run(["verify", "\(dir)/merged"]).status == 0)
        }
    }

    @Test func refusalsHaveTheirExitCodes() throws {
        let dir = try Self.history("shard-refusals")
        for i in 1...2 { _ = try Self.clean(dir, list: "Samples/subscribers.csv", out: "part-\(i)", shard: "\(i)/2") }
        let missing = try CLI.run(["merge", "\(dir)/part-2", "--out", "\(dir)/m"])
        #expect(missing.status == 82)
        #expect(missing.stderr.contains("shard 1/2 is missing"))
        let repeated = try CLI.run(["merge", "\(dir)/part-1", "\(dir)/part-1", "\(dir)/part-2", "--out", "\(dir)/m"])
        #expect(repeated.status == 82)
        _ = try Self.clean(dir, list: "Samples/subscribers.csv", out: "whole")
        #expect(try CLI.run(["merge", "\(dir)/part-1", "\(dir)/whole", "--out", "\(dir)/m"]).status == 79)
        #expect(try CLI.run(["merge", "\(dir)/part-1", "\(dir)/part-2", "--out", "\(dir)/part-2"]).status == 64)
        #expect(try CLI.run(["merge", "\(dir)/part-1", "\(dir)/nowhere", "--out", "\(dir)/m"]).status == 66)
        let usage = try Self.clean(dir, list: "Samples/subscribers.csv", out: "x", shard: "3/2")
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--shard '3/2' is not I/N"))
        #expect(!FileManager.default.fileExists(atPath: "\(Self.root)/\(dir)/m"))
    }
}
