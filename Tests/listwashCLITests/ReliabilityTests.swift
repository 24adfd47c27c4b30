import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The guarantees of the README's "Reliability" section, checked on the real binary: a kill
/// at any step of switching output sets leaves one whole set, a second run into the same
/// folder is refused, a killed ingest does not stop the next clean, inputs are checked before
/// anything is created, and no output may replace an input.
@Suite(.serialized) struct ReliabilityTests {
    typealias Samples = SamplesSnapshotTests
    static let steps = ["files-synced", "set-named", "previous-adopted", "links-prepared", "switched", "previous-removed"]
    static let outputs = ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"]

    typealias Run = SamplesSnapshotTests.Result

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        try Samples.run(arguments, environment: environment)
    }

    static func absolute(_ relative: String) -> String { Samples.packageRoot.appendingPathComponent(relative).path }

    /// A history of the samples in a fresh scratch folder; returns the folder (relative).
    static func samplesHistory(_ name: String) throws -> String {
        let dir = try Samples.scratch(name)
        let ingest = try run(["ingest", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "Samples/events.csv", "Samples/events.jsonl"])
        #expect(ingest.status == 65)
        return dir
    }

    static func clean(_ dir: String, out: String = "out", asOf: String, environment: [String: String] = [:], list: String = "Samples/subscribers.csv") throws -> Run {
        try run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                 "--list", list, "--out", "\(dir)/\(out)", "--as-of", asOf], environment: environment)
    }

    static func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    /// The as-of of the set the folder's names show, after checking that every name resolves
    /// into the same set and that each file is the one the manifest lists (hash and bytes).
    static func visibleSet(_ out: String) throws -> String {
        let folder = absolute(out)
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let listed = try #require(manifest["outputs"] as? [[String: Any]])
        #expect(listed.count == 6)
        let manifestTarget = try FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/manifest.json")
        #expect(manifestTarget == ".listwash-current/manifest.json")
        for entry in listed {
            let name = try #require(entry["file"] as? String)
            let path = "\(folder)/\(name)"
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: path) == ".listwash-current/\(name)")
            #expect(try sha256(path) == entry["sha256"] as? String, "\(name) is not the file its manifest lists")
        }
        return try #require(manifest["as_of"] as? String)
    }

    @Test func aKillAtEveryStepOfTheSwitchLeavesOneWholeSet() throws {
        for step in Self.steps {
            let dir = try Self.samplesHistory("kill-\(step)")
            let first = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z")
            #expect(first.status == 65)
            #expect(try Self.visibleSet("\(dir)/out") == "2026-11-01T00:00:00Z")

            let killed = try Self.clean(dir, asOf: "2027-01-01T00:00:00Z", environment: ["LISTWASH_TEST_KILL_AFTER": step])
            if step == "previous-adopted" {
                // The folder already holds sets: there is nothing to adopt, the step never comes.
                #expect(!killed.killed)
                continue
            }
            #expect(killed.killed, "the run was to be killed after \(step)")
            let shown = try Self.visibleSet("\(dir)/out")
            let switched = Self.steps.firstIndex(of: step)! >= Self.steps.firstIndex(of: "switched")!
            #expect(shown == (switched ? "2027-01-01T00:00:00Z" : "2026-11-01T00:00:00Z"), "after a kill at \(step)")

            // The next run finishes the job and leaves nothing of the killed one behind.
            let next = try Self.clean(dir, asOf: "2027-02-01T00:00:00Z")
            #expect(next.status == 65)
            #expect(try Self.visibleSet("\(dir)/out") == "2027-02-01T00:00:00Z")
            let entries = try FileManager.default.contentsOfDirectory(atPath: Self.absolute("\(dir)/out"))
            #expect(!entries.contains { $0.hasPrefix(".listwash-staging-") || $0.hasPrefix(".listwash-link-") }, "\(entries)")
            #expect(entries.filter { $0.hasPrefix(".listwash-set-") }.count == 1, "\(entries)")
        }
    }

    @Test func anOutputFolderOfPlainFilesIsAdoptedWithoutAGap() throws {
        for kill in [nil, "previous-adopted", "links-prepared"] {
            let dir = try Self.samplesHistory("adopt-\(kill ?? "none")")
            let first = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z")
            #expect(first.status == 65)
            // Turn the set into plain files, as an earlier listwash left them.
            let out = Self.absolute("\(dir)/out")
            for name in Self.outputs {
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(out)/\(name)"))
                try FileManager.default.removeItem(atPath: "\(out)/\(name)")
                try data.write(to: URL(fileURLWithPath: "\(out)/\(name)"))
            }
            for entry in try FileManager.default.contentsOfDirectory(atPath: out) where entry.hasPrefix(".listwash-") {
                try FileManager.default.removeItem(atPath: "\(out)/\(entry)")
            }
            let second = try Self.clean(dir, asOf: "2027-01-01T00:00:00Z", environment: kill.map { ["LISTWASH_TEST_KILL_AFTER": $0] } ?? [:])
            #expect(second.killed == (kill != nil))
            #expect(try Self.visibleSet("\(dir)/out") == (kill == nil ? "2027-01-01T00:00:00Z" : "2026-11-01T00:00:00Z"))
        }
    }

    @Test func aSecondRunIntoTheSameFolderIsRefusedWithItsOwnStatus() throws {
        let dir = try Self.samplesHistory("lock")
        #expect(try Self.clean(dir, asOf: "2026-11-01T00:00:00Z").status == 65)
        let before = try Self.visibleSet("\(dir)/out")
        // Hold the folder's lock as a running clean does.
        let fd = open(Self.absolute("\(dir)/out/.listwash.lock"), O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let refused = try Self.clean(dir, asOf: "2027-01-01T00:00:00Z")
        #expect(refused.status == 75)
        #expect(refused.stderr.hasPrefix("listwash: error: \(dir)/out: another listwash run"))
        #expect(try Self.visibleSet("\(dir)/out") == before)
        flock(fd, LOCK_UN)
        #expect(try Self.clean(dir, asOf: "2027-01-01T00:00:00Z").status == 65)
        #expect(try Self.visibleSet("\(dir)/out") == "2027-01-01T00:00:00Z")
    }

    @Test func concurrentCleansNeverMixTheirFiles() throws {
        let dir = try Self.samplesHistory("concurrent")
        for round in 0..<6 {
            let arguments = { (asOf: String) in
                ["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                 "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", asOf]
            }
            let a = Process(), b = Process()
            for (process, asOf) in [(a, "2026-11-01T00:00:00Z"), (b, "2027-01-01T00:00:00Z")] {
                process.executableURL = Samples.binary
                process.arguments = arguments(asOf)
                process.currentDirectoryURL = Samples.packageRoot
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
            }
            try a.run()
            try b.run()
            a.waitUntilExit()
            b.waitUntilExit()
            let statuses = [a.terminationStatus, b.terminationStatus]
            #expect(statuses.allSatisfy { $0 == 65 || $0 == 75 }, "round \(round): \(statuses)")
            #expect(statuses.contains(65))
            _ = try Self.visibleSet("\(dir)/out")
        }
    }

    @Test func cleanRecoversTheHistoryAfterAKilledIngest() throws {
        let dir = try Self.samplesHistory("killed-ingest")
        // A large canonical CSV, so that the ingest is still writing when it is killed.
        var csv = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        for i in 0..<200_000 {
            csv += "user\(i)@example.org,2026-10-\(10 + i % 18)T10:00:00Z,bounce,550,5.1.1,550 5.1.1 user unknown\n"
        }
        let big = "\(dir)/big.csv"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: Self.absolute(big)))
        let journal = Self.absolute("\(dir)/h.sqlite-journal")

        let database = Self.absolute("\(dir)/h.sqlite")
        let size = { (path: String) in ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
        let sizeBefore = size(database)
        let ingest = Process()
        ingest.executableURL = Samples.binary
        ingest.arguments = ["ingest", "--history", "\(dir)/h.sqlite", "--quiet", big]
        ingest.currentDirectoryURL = Samples.packageRoot
        try ingest.run()
        // Kill it once its transaction has begun to change the database file: its journal,
        // synced before that, is then a hot journal that only a writer can roll back.
        while ingest.isRunning, !(FileManager.default.fileExists(atPath: journal) && size(database) > sizeBefore) {
            usleep(200)
        }
        kill(ingest.processIdentifier, SIGKILL)
        ingest.waitUntilExit()
        try #require(ingest.terminationReason == .uncaughtSignal, "the ingest ended before it could be killed")
        #expect(FileManager.default.fileExists(atPath: journal), "the killed ingest left its journal")

        // The history is read-only to clean's purpose, yet clean rolls the journal back and runs.
        let clean = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z")
        #expect(clean.status == 65, "\(clean.stderr)")
        #expect(!clean.stderr.contains("SQLite error"))
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(try Self.visibleSet("\(dir)/out") == "2026-11-01T00:00:00Z")
        // Nothing of the killed file is in the history: ingesting it again adds all of it.
        let again = try Self.run(["ingest", "--history", "\(dir)/h.sqlite", big])
        #expect(again.status == 0)
        #expect(again.stdout.contains("200,000 new"), "\(again.stdout)")
    }

    @Test func inputsAreCheckedBeforeAnythingIsCreated() throws {
        let dir = try Self.samplesHistory("preflight")
        let missingList = try Self.clean(dir, out: "never", asOf: "2026-11-01T00:00:00Z", list: "\(dir)/nope.csv")
        #expect(missingList.status == 66)
        #expect(!FileManager.default.fileExists(atPath: Self.absolute("\(dir)/never")))

        let missingEvents = try Self.run(["ingest", "--history", "\(dir)/new.sqlite", "Samples/events.csv", "\(dir)/nope.csv"])
        #expect(missingEvents.status == 66)
        #expect(!FileManager.default.fileExists(atPath: Self.absolute("\(dir)/new.sqlite")))

        // A folder where a file is expected: the history (66), the policy (an I/O error, 74).
        let folderHistory = try Self.run(["clean", "--history", dir, "--list", "Samples/subscribers.csv", "--out", "\(dir)/never"])
        #expect(folderHistory.status == 66)
        #expect(folderHistory.stderr == "listwash: error: \(dir): is a folder, not a history database file\n")
        let folderPolicy = try Self.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", dir, "--list", "Samples/subscribers.csv", "--out", "\(dir)/never"])
        #expect(folderPolicy.status == 74)
        #expect(try Self.run(["classify", "--eml", dir]).status == 74)
        #expect(try Self.run(["classify", "--eml", "\(dir)/nope.eml"]).status == 66)
        #expect(!FileManager.default.fileExists(atPath: Self.absolute("\(dir)/never")))
    }

    @Test func anOutputThatWouldReplaceAnInputIsRefused() throws {
        let dir = try Self.samplesHistory("overwrite")
        #expect(try Self.clean(dir, asOf: "2026-11-01T00:00:00Z").status == 65)
        let before = try Self.sha256(Self.absolute("\(dir)/out/cleaned.csv"))
        let refused = try Self.clean(dir, asOf: "2027-01-01T00:00:00Z", list: "\(dir)/out/cleaned.csv")
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("listwash: error: \(dir)/out/cleaned.csv: is also an output of this run"))
        #expect(try Self.sha256(Self.absolute("\(dir)/out/cleaned.csv")) == before)
        // The same file reached through the set's own folder is refused too.
        let set = try FileManager.default.destinationOfSymbolicLink(atPath: Self.absolute("\(dir)/out/.listwash-current"))
        #expect(try Self.clean(dir, asOf: "2027-01-01T00:00:00Z", list: "\(dir)/out/\(set)/cleaned.csv").status == 64)
        // A policy file named like an output is refused as well.
        let policy = try Self.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "\(dir)/out/manifest.json",
                                   "--list", "Samples/subscribers.csv", "--out", "\(dir)/out"])
        #expect(policy.status == 64 || policy.status == 79)
        #expect(try Self.sha256(Self.absolute("\(dir)/out/cleaned.csv")) == before)
    }

    @Test func usageErrorsAreOneErrorLineAndAPointerToHelp() throws {
        for arguments in [["clean", "--bogus"], ["clean", "--out", "x"], ["ingest"], ["frobnicate"]] {
            let run = try Self.run(arguments)
            #expect(run.status == 64, "\(arguments)")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.first?.hasPrefix("listwash: error: ") == true, "\(arguments): \(run.stderr)")
            #expect(lines.count <= 2, "\(arguments): \(run.stderr)")
        }
        #expect(try Self.run(["--help"]).status == 0)
        let version = try Self.run(["--version"])
        #expect(version.status == 0)
        // The version and the commit it was built from ("unknown" outside a git checkout).
        #expect(version.stdout.range(of: #"^\d+\.\d+\.\d+ \(commit ([0-9a-f]{7,}(-dirty)?|unknown)\)\n$"#, options: .regularExpression) != nil, "\(version.stdout)")
    }

    @Test func anAsOfWithoutAZoneIsRefused() throws {
        let run = try Self.run(["clean", "--list", "x", "--out", "y", "--as-of", "2026-11-01T00:00:00"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("has no time zone"))
        let dir = try Self.samplesHistory("as-of-date")
        let dateOnly = try Self.clean(dir, asOf: "2026-11-01")
        #expect(dateOnly.status == 65)
        #expect(try Self.visibleSet("\(dir)/out") == "2026-11-01T00:00:00Z")
    }

    @Test func errorLinesStayShortWhateverTheInput() throws {
        let dir = try Self.samplesHistory("long-errors")
        // A one-megabyte header of data (no address column) and a one-megabyte tag name.
        let header = "\(dir)/wide.csv"
        try Data((String(repeating: "ana.secret@example.com,", count: 45_000) + "x\n").utf8).write(to: URL(fileURLWithPath: Self.absolute(header)))
        let xml = "\(dir)/long.xml"
        let name = String(repeating: "n", count: 1 << 20)
        try Data("<s><e email=\"ana.secret@example.com\"><\(name)></e></s>".utf8).write(to: URL(fileURLWithPath: Self.absolute(xml)))
        for list in [header, xml] {
            let run = try Self.clean(dir, asOf: "2026-11-01T00:00:00Z", list: list)
            #expect(run.status == 79, "nothing written: the list cannot be used at all")
            #expect(run.stderr.utf8.count < 600, "\(list): \(run.stderr.utf8.count) bytes")
            #expect(!run.stderr.contains("secret"))
            #expect(!run.stderr.contains("nnnn"))
        }
    }
}
