import Foundation
import Testing

/// Runs the real `listwash` binary on `Samples/` and compares every output with the reviewed
/// snapshots in `Snapshots/samples/`. Set `LISTWASH_UPDATE_SNAPSHOTS=1` to rewrite them (then
/// review the diff before committing).
@Suite(.serialized) struct SamplesSnapshotTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let snapshots = packageRoot.appendingPathComponent("Tests/listwashCLITests/Snapshots/samples")

    /// The built binary, next to the test bundle.
    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("listwash"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("listwash"),
            packageRoot.appendingPathComponent(".build/debug/listwash"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[2]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Whether a signal ended the process (`status` is then the signal's number).
        var killed = false
    }

    /// Runs the binary from the package root (so sample paths are relative and stable), with
    /// `environment` added to this process's own.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self), killed: process.terminationReason == .uncaughtSignal)
    }

    /// A scratch folder inside `.build` (relative to the package root, so manifests are stable).
    static func scratch(_ name: String) throws -> String {
        let relative = ".build/cli-tests/\(name)"
        let url = packageRoot.appendingPathComponent(relative)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return relative
    }

    static func compare(_ actual: String, snapshot name: String) throws {
        let file = snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["LISTWASH_UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(actual == expected, "\(name) differs from its snapshot")
    }

    @Test func ingestThenCleanSamplesMatchesTheReviewedOutputs() throws {
        let dir = try Self.scratch("samples")
        let ingest = try Self.run(["ingest", "--history", "\(dir)/history.sqlite", "--policy", "Samples/policy.json", "Samples/events.csv", "Samples/events.jsonl"])
        #expect(ingest.status == 65, "the samples hold rejected records on purpose")
        try Self.compare(ingest.stdout.replacingOccurrences(of: #"in \d+\.\d+ s"#, with: "in N s", options: .regularExpression), snapshot: "ingest.stdout")
        try Self.compare(ingest.stderr, snapshot: "ingest.stderr")

        let clean = try Self.run(["clean", "--history", "\(dir)/history.sqlite", "--policy", "Samples/policy.json",
                                  "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(clean.status == 65)
        try Self.compare(clean.stdout.replacingOccurrences(of: #"\d+\.\d+ s"#, with: "N s", options: .regularExpression), snapshot: "clean.stdout")
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"] {
            let text = try String(contentsOfFile: Self.packageRoot.appendingPathComponent("\(dir)/out/\(name)").path, encoding: .utf8)
            try Self.compare(text, snapshot: name)
        }

        // Ingesting the same files again adds nothing.
        let again = try Self.run(["ingest", "--history", "\(dir)/history.sqlite", "--policy", "Samples/policy.json", "Samples/events.csv", "Samples/events.jsonl"])
        #expect(again.stdout.contains("total: 0 new"))
    }

    @Test func cleaningTheXMLSampleMatchesTheReviewedOutputs() throws {
        let dir = try Self.scratch("samples-xml")
        _ = try Self.run(["ingest", "--history", "\(dir)/history.sqlite", "--policy", "Samples/policy.json", "Samples/events.csv", "Samples/events.jsonl"])
        let clean = try Self.run(["clean", "--history", "\(dir)/history.sqlite", "--policy", "Samples/policy.json",
                                  "--list", "Samples/subscribers.xml", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(clean.status == 65, "the XML sample holds a record without an address on purpose")
        try Self.compare(clean.stdout.replacingOccurrences(of: #"\d+\.\d+ s"#, with: "N s", options: .regularExpression), snapshot: "xml/clean.stdout")
        for name in ["cleaned.xml", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"] {
            let text = try String(contentsOfFile: Self.packageRoot.appendingPathComponent("\(dir)/out/\(name)").path, encoding: .utf8)
            try Self.compare(text, snapshot: "xml/\(name)")
        }
        // Named explicitly, the same records and fields are read.
        let named = try Self.run(["clean", "--history", "\(dir)/history.sqlite", "--policy", "Samples/policy.json", "--quiet",
                                  "--list", "Samples/subscribers.xml", "--out", "\(dir)/named", "--as-of", "2026-11-01T00:00:00Z",
                                  "--record", "Subscriber", "--email-field", "EmailAddress"])
        #expect(named.status == 65)
        let first = try String(contentsOfFile: Self.packageRoot.appendingPathComponent("\(dir)/out/cleaned.xml").path, encoding: .utf8)
        let second = try String(contentsOfFile: Self.packageRoot.appendingPathComponent("\(dir)/named/cleaned.xml").path, encoding: .utf8)
        #expect(first == second)
    }

    @Test func xmlThatIsNotWellFormedExits79WithItsPosition() throws {
        let dir = try Self.scratch("xml-errors")
        _ = try Self.run(["ingest", "--history", "\(dir)/h.sqlite", "Samples/events.jsonl"])
        let bad = "\(dir)/bad.xml"
        try Data("<subscribers>\n  <subscriber email=\"private@example.com\">\n</subscribers>\n".utf8)
            .write(to: Self.packageRoot.appendingPathComponent(bad))
        let run = try Self.run(["clean", "--history", "\(dir)/h.sqlite", "--list", bad, "--out", "\(dir)/out"])
        #expect(run.status == 79)
        #expect(run.stderr.hasPrefix("listwash: error: \(bad):3:15: not well-formed XML: Opening and ending tag mismatch"))
        #expect(!run.stderr.contains("@example"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: Self.packageRoot.appendingPathComponent("\(dir)/out").path) == [".listwash.lock"])
    }

    @Test func exitCodesFollowTheTable() throws {
        let dir = try Self.scratch("exit-codes")
        #expect(try Self.run(["clean", "--history", "\(dir)/none.sqlite", "--list", "Samples/subscribers.csv", "--out", "\(dir)/out"]).status == 66)
        #expect(try Self.run(["ingest", "--history", "\(dir)/h.sqlite", "\(dir)/missing.csv"]).status == 66)
        #expect(try Self.run(["clean", "--bogus"]).status == 64)
        #expect(try Self.run(["clean", "--list", "x", "--out", "y", "--as-of", "yesterday"]).status == 64)
        #expect(try Self.run(["policy", "--policy", "Samples/subscribers.csv"]).status == 79)
        let ok = try Self.run(["ingest", "--history", "\(dir)/h.sqlite", "Samples/events.jsonl"])
        #expect(ok.status == 65)
        let blocked = "\(dir)/blocked"
        _ = FileManager.default.createFile(atPath: Self.packageRoot.appendingPathComponent(blocked).path, contents: Data())
        let cannotCreate = try Self.run(["clean", "--history", "\(dir)/h.sqlite", "--list", "Samples/subscribers.csv", "--out", "\(blocked)/out"])
        #expect(cannotCreate.status == 73)
        #expect(cannotCreate.stderr.hasPrefix("listwash: error: "))
    }

    @Test func errorsAndLogsCarryNoAddresses() throws {
        let dir = try Self.scratch("privacy")
        let run = try Self.run(["ingest", "--history", "\(dir)/h.sqlite", "--verbose", "Samples/events.csv", "Samples/events.jsonl"])
        #expect(!run.stderr.contains("@example"))
        let clean = try Self.run(["clean", "--history", "\(dir)/h.sqlite", "--verbose", "--list", "Samples/subscribers.csv", "--out", "\(dir)/out"])
        #expect(!clean.stderr.contains("@example"))
    }

    @Test func policyPrintsTheEffectivePolicy() throws {
        let run = try Self.run(["policy", "--policy", "Samples/policy.json"])
        #expect(run.status == 0)
        try Self.compare(run.stdout, snapshot: "policy.stdout")
    }
}
