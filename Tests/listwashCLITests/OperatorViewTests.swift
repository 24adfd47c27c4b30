import Foundation
import Testing

/// The operator's view of `clean` on the real binary: `--dry-run` writes nothing,
/// `--summary-json` prints the manifest's summary, and the blast-radius guard refuses a run
/// that removes too much of the list or of one receiving domain unless forced.
@Suite(.serialized) struct OperatorViewTests {
    typealias Samples = SamplesSnapshotTests

    static func absolute(_ relative: String) -> String { Samples.packageRoot.appendingPathComponent(relative).path }

    /// Every entry under `folder` (hidden ones too): links by target, files by their bytes,
    /// folders by name, so two calls differ when anything in it changed.
    static func tree(_ folder: String) throws -> [String: String] {
        var found: [String: String] = [:]
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return [:] }
        for name in names {
            let path = "\(folder)/\(name)"
            if let target = try? fm.destinationOfSymbolicLink(atPath: path) {
                found[name] = "link -> \(target)"
                continue
            }
            var isFolder: ObjCBool = false
            _ = fm.fileExists(atPath: path, isDirectory: &isFolder)
            if isFolder.boolValue {
                found[name] = "folder"
                for (inner, value) in try tree(path) { found["\(name)/\(inner)"] = value }
            } else {
                found[name] = try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
            }
        }
        return found
    }

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    static func samplesHistory(_ name: String) throws -> String {
        let dir = try Samples.scratch(name)
        let ingest = try Samples.run(["ingest", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "Samples/events.csv", "Samples/events.jsonl"])
        #expect(ingest.status == 65)
        return dir
    }

    @Test func dryRunLeavesTheOutputFolderByteForByteUnchanged() throws {
        let dir = try Self.samplesHistory("dry-run")
        let first = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                                     "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-10-01T00:00:00Z"])
        #expect(first.status == 65)
        let before = try Self.tree(Self.absolute("\(dir)/out"))
        #expect(before["suppressed.csv"] != nil)

        let scratch = try Samples.scratch("dry-run-tmp")
        let dry = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--dry-run",
                                   "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"],
                                  environment: ["TMPDIR": Self.absolute(scratch)])
        #expect(dry.status == 65, "the samples hold rejected rows: \(dry.stderr)")
        #expect(dry.stdout.contains("--dry-run"))
        #expect(dry.stdout.contains("nothing written"))
        #expect(dry.stdout.contains("would be removed, by receiving domain"))
        #expect(dry.stdout.contains("example.org"))
        #expect(try Self.tree(Self.absolute("\(dir)/out")) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: Self.absolute(scratch)).isEmpty, "the scratch folder is removed")

        // The counts it prints are the real run's.
        let json = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--dry-run", "--summary-json",
                                    "--list", "Samples/subscribers.csv", "--out", "\(dir)/never", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(!FileManager.default.fileExists(atPath: Self.absolute("\(dir)/never")), "a dry run does not create the output folder")
        let real = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--summary-json",
                                    "--list", "Samples/subscribers.csv", "--out", "\(dir)/real", "--as-of", "2026-11-01T00:00:00Z"])
        var dryObject = try Self.json(json.stdout), realObject = try Self.json(real.stdout)
        #expect(dryObject["dry_run"] as? Bool == true)
        #expect(realObject["dry_run"] as? Bool == false)
        #expect((realObject["removed"] as? Int ?? 0) > 0)
        for key in ["dry_run", "outputs_written"] { dryObject[key] = nil; realObject[key] = nil }
        #expect(NSDictionary(dictionary: dryObject) == NSDictionary(dictionary: realObject))
    }

    @Test func summaryJSONIsOneObjectAndTheManifestKeepsIt() throws {
        let dir = try Self.samplesHistory("summary-json")
        let run = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--summary-json",
                                   "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(run.status == 65)
        #expect(run.stdout.split(separator: "\n").count == 1)
        let summary = try Self.json(run.stdout)
        #expect(summary["outputs_written"] as? Bool == true)
        let manifestText = try String(contentsOfFile: Self.absolute("\(dir)/out/manifest.json"), encoding: .utf8)
        let manifest = try Self.json(manifestText)
        #expect(NSDictionary(dictionary: manifest["summary"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: summary))
        let counts = manifest["counts"] as? [String: Any] ?? [:]
        #expect(summary["rows_read"] as? Int == counts["rows_read"] as? Int)
        #expect(summary["rejected"] as? Int == counts["rejected"] as? Int)
        let suppressedRows = try String(contentsOfFile: Self.absolute("\(dir)/out/suppressed.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1
        #expect(summary["removed"] as? Int == suppressedRows)
        let guardObject = summary["guard"] as? [String: Any] ?? [:]
        #expect(guardObject["outcome"] as? String == "not_applied", "the samples are below guard.min_list_rows")
    }

    // MARK: The guard

    /// A list of `rows` addresses: `big` of them at big.example, the rest spread over 50
    /// domains; and a history hard-bouncing `bigBounced` of big.example's and `otherBounced`
    /// of the others' on 2026-10-01.
    static func guardCase(_ name: String, rows: Int, big: Int, bigBounced: Int, otherBounced: Int) throws -> String {
        let dir = try Samples.scratch(name)
        var list = "email,name\n"
        var events = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        var bigSeen = 0, otherSeen = 0
        for i in 0..<rows {
            let address = i < big ? "user\(i)@big.example" : "user\(i)@d\(i % 50).example"
            list += "\(address),n\(i)\n"
            if i < big {
                bigSeen += 1
                if bigSeen > bigBounced { continue }
            } else {
                otherSeen += 1
                if otherSeen > otherBounced { continue }
            }
            events += "\(address),2026-10-01T10:00:00Z,bounce,550,5.1.1,550 5.1.1 user unknown\n"
        }
        try Data(list.utf8).write(to: URL(fileURLWithPath: absolute("\(dir)/list.csv")))
        try Data(events.utf8).write(to: URL(fileURLWithPath: absolute("\(dir)/events.csv")))
        let ingest = try Samples.run(["ingest", "--history", "\(dir)/h.sqlite", "\(dir)/events.csv"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return dir
    }

    static func clean(_ dir: String, asOf: String, _ extra: [String] = []) throws -> Samples.Result {
        try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--list", "\(dir)/list.csv", "--out", "\(dir)/out", "--as-of", asOf] + extra)
    }

    @Test func guardTripsOnTheListShareAndKeepsThePreviousOutputs() throws {
        // 15 of 120 rows (12.5%) bounced: above the default 10%.
        let dir = try Self.guardCase("guard-list", rows: 120, big: 0, bigBounced: 0, otherBounced: 15)
        let before = try Self.clean(dir, asOf: "2026-09-01T00:00:00Z")
        #expect(before.status == 0, "\(before.stderr)")
        let previous = try Self.tree(Self.absolute("\(dir)/out"))

        let tripped = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z")
        #expect(tripped.status == 80, "\(tripped.stderr)")
        #expect(tripped.stderr.contains("15 of 120 rows (12.5%) would be removed, above guard.max_removed_share 10%"))
        #expect(!tripped.stderr.contains("@"), "no addresses in messages")
        let after = try Self.tree(Self.absolute("\(dir)/out"))
        let refused = after.keys.filter { $0.hasPrefix(".listwash-refused-") && !$0.contains("/") }
        #expect(refused.count == 1)
        #expect(tripped.stderr.contains(refused.first ?? "?"))
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "manifest.json", ".listwash-current"] {
            #expect(after[name] == previous[name], "\(name) is the previous run's")
        }
        let current = try FileManager.default.destinationOfSymbolicLink(atPath: Self.absolute("\(dir)/out/.listwash-current"))
        #expect(after["\(current)/suppressed.csv"] == previous["\(current)/suppressed.csv"])
        // The would-be removals are there to inspect.
        let wouldBe = try String(contentsOfFile: Self.absolute("\(dir)/out/\(refused.first!)/suppressed.csv"), encoding: .utf8)
        #expect(wouldBe.split(separator: "\n").count == 16)
        let manifest = try Self.json(String(contentsOfFile: Self.absolute("\(dir)/out/\(refused.first!)/manifest.json"), encoding: .utf8))
        let guardObject = (manifest["summary"] as? [String: Any])?["guard"] as? [String: Any] ?? [:]
        #expect(guardObject["outcome"] as? String == "tripped")

        // Forced, it applies, the manifest says so, and the refused folder goes.
        let forced = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z", ["--allow-mass-removal", "--quiet"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("guard overridden (--allow-mass-removal)"))
        let applied = try Self.json(String(contentsOfFile: Self.absolute("\(dir)/out/manifest.json"), encoding: .utf8))
        #expect(((applied["summary"] as? [String: Any])?["guard"] as? [String: Any])?["outcome"] as? String == "forced")
        #expect(try String(contentsOfFile: Self.absolute("\(dir)/out/suppressed.csv"), encoding: .utf8).split(separator: "\n").count == 16)
        #expect(try Self.tree(Self.absolute("\(dir)/out")).keys.allSatisfy { !$0.hasPrefix(".listwash-refused-") })
    }

    @Test func guardTripsOnOneDomainsShare() throws {
        // 21 of big.example's 40 rows (52.5%), but 21 of 300 rows (7%) of the list.
        let dir = try Self.guardCase("guard-domain", rows: 300, big: 40, bigBounced: 21, otherBounced: 0)
        let tripped = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z", ["--summary-json"])
        #expect(tripped.status == 80, "\(tripped.stderr)")
        #expect(tripped.stderr.contains("21 of 40 rows at big.example (52.5%) would be removed, above guard.max_domain_share 50%"))
        #expect(!tripped.stderr.contains("max_removed_share"))
        let summary = try Self.json(tripped.stdout)
        #expect(summary["outputs_written"] as? Bool == false)
        #expect((summary["refused_folder"] as? String)?.contains(".listwash-refused-") == true)
        #expect(!FileManager.default.fileExists(atPath: Self.absolute("\(dir)/out/cleaned.csv")), "no previous set, none made")

        // A dry run says the same, and the guard's limits come from the policy.
        let dry = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z", ["--dry-run"])
        #expect(dry.status == 80)
        #expect(dry.stdout.contains("would refuse"))
        try Data(#"{"guard": {"max_domain_share": 0.6}}"#.utf8).write(to: URL(fileURLWithPath: Self.absolute("\(dir)/policy.json")))
        let relaxed = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z", ["--policy", "\(dir)/policy.json", "--quiet"])
        #expect(relaxed.status == 0, "\(relaxed.stderr)")
        #expect(try String(contentsOfFile: Self.absolute("\(dir)/out/suppressed.csv"), encoding: .utf8).split(separator: "\n").count == 22)
    }

    @Test func policyPrintsAndChecksTheGuardSection() throws {
        let printed = try Samples.run(["policy"])
        let policy = try Self.json(printed.stdout)
        let section = policy["guard"] as? [String: Any] ?? [:]
        #expect(section["max_removed_share"] as? Double == 0.1)
        #expect(section["max_domain_share"] as? Double == 0.5)
        #expect(section["min_list_rows"] as? Int == 100)
        #expect(section["min_domain_rows"] as? Int == 20)
        let dir = try Samples.scratch("guard-policy")
        for (text, why) in [(#"{"guard": {"max_share": 0.2}}"#, "unknown key 'guard.max_share'"),
                            (#"{"guard": {"max_removed_share": 1.5}}"#, "guard.max_removed_share must be between 0 and 1")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: Self.absolute("\(dir)/p.json")))
            let run = try Samples.run(["policy", "--policy", "\(dir)/p.json"])
            #expect(run.status == 79)
            #expect(run.stderr.contains(why), "\(run.stderr)")
        }
    }
}
