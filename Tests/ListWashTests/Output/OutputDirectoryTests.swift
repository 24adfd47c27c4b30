import Foundation
import Testing
@testable import ListWash

#if canImport(Glibc)
import Glibc
#endif

/// The output set: written aside, switched into place as one, locked against a second run,
/// and cleaned of what killed runs leave behind.
@Suite struct OutputDirectoryTests {
    /// Writes one set of `files` (name → text) into `path`, calling `observe` after every step.
    func writeSet(_ path: String, _ files: [String: String], observe: ((OutputDirectory.CommitStep) -> Void)? = nil) throws {
        let out = try OutputDirectory(path: path)
        out.afterStep = observe
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            try out.create(name).write(text)
        }
        try out.commit()
    }

    /// What the folder's names show: name → text, for the names that resolve to a file.
    func visible(_ path: String) -> [String: String] {
        var shown: [String: String] = [:]
        for name in OutputDirectory.outputNames {
            if let text = try? String(contentsOfFile: "\(path)/\(name)", encoding: .utf8) { shown[name] = text }
        }
        return shown
    }

    func entries(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    @Test func theNamesAreLinksIntoOneSetThatTheNextRunReplacesWhole() throws {
        let folder = try TemporaryFolder()
        let out = "\(folder.path)/out"
        let first = ["cleaned.csv": "a\n", "manifest.json": "{1}\n"]
        try writeSet(out, first)
        #expect(visible(out) == first)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(out)/cleaned.csv") == ".listwash-current/cleaned.csv")
        let second = ["cleaned.csv": "b\n", "manifest.json": "{2}\n"]
        try writeSet(out, second)
        #expect(visible(out) == second)
        let names = try entries(out)
        #expect(names.filter { $0.hasPrefix(".listwash-set-") }.count == 1, "the previous set is removed: \(names)")
        #expect(!names.contains { $0.hasPrefix(".listwash-staging-") })
    }

    @Test func atEveryStepEveryNameShowsTheOldSetOrTheNewOneNeverAMixture() throws {
        let folder = try TemporaryFolder()
        let out = "\(folder.path)/out"
        let old = ["cleaned.csv": "old rows\n", "suppressed.csv": "old removed\n", "manifest.json": "{old}\n"]
        let new = ["cleaned.xml": "<new/>\n", "suppressed.csv": "new removed\n", "manifest.json": "{new}\n"]
        try writeSet(out, old)
        var seen: [OutputDirectory.CommitStep] = []
        try writeSet(out, new) { step in
            seen.append(step)
            let shown = visible(out)
            #expect(shown == old || shown == new, "after \(step): \(shown)")
            #expect(shown == (seen.contains(.switched) ? new : old), "after \(step)")
        }
        #expect(seen == [.filesSynced, .setNamed, .linksPrepared, .switched, .previousRemoved])
        // The old set's cleaned.csv has no counterpart in the new set: its name is gone.
        #expect(!FileManager.default.fileExists(atPath: "\(out)/cleaned.csv"))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: "\(out)/cleaned.csv")) == nil)
    }

    @Test func plainFilesOfAnEarlierListwashAreAdoptedAndNeverDisappear() throws {
        let folder = try TemporaryFolder()
        let out = "\(folder.path)/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let old = ["cleaned.csv": "old\n", "manifest.json": "{old}\n"]
        for (name, text) in old { try Data(text.utf8).write(to: URL(fileURLWithPath: "\(out)/\(name)")) }
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: "\(out)/history.sqlite"))
        let new = ["cleaned.csv": "new\n", "manifest.json": "{new}\n"]
        var seen: [OutputDirectory.CommitStep] = []
        try writeSet(out, new) { step in
            seen.append(step)
            #expect(visible(out) == (seen.contains(.switched) ? new : old), "after \(step)")
        }
        #expect(seen.contains(.previousAdopted))
        #expect(visible(out) == new)
        #expect(try String(contentsOfFile: "\(out)/history.sqlite", encoding: .utf8) == "keep me\n")
    }

    @Test func aSecondWriterIsRefusedWhileTheFirstHoldsTheFolder() throws {
        let folder = try TemporaryFolder()
        let out = "\(folder.path)/out"
        var first: OutputDirectory? = try OutputDirectory(path: out)
        #expect(throws: OutputError.busy(path: out, pid: getpid())) { _ = try OutputDirectory(path: out) }
        try first?.create("cleaned.csv").write("a\n")
        try first?.commit()
        first = nil
        try writeSet(out, ["cleaned.csv": "b\n"])
        #expect(visible(out) == ["cleaned.csv": "b\n"])
    }

    @Test func whatKilledRunsLeftBehindIsRemovedAndTheCurrentSetKept() throws {
        let folder = try TemporaryFolder()
        let out = "\(folder.path)/out"
        try writeSet(out, ["cleaned.csv": "current\n"])
        let fm = FileManager.default
        for dir in [".listwash-staging-abc123", ".listwash-set-zzz999"] {
            try fm.createDirectory(atPath: "\(out)/\(dir)", withIntermediateDirectories: false)
            try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: "\(out)/\(dir)/audit.jsonl"))
        }
        try fm.createSymbolicLink(atPath: "\(out)/.listwash-link-cleaned.csv", withDestinationPath: ".listwash-current/cleaned.csv")
        let run = try OutputDirectory(path: out)
        let names = try entries(out)
        #expect(!names.contains(".listwash-staging-abc123"))
        #expect(!names.contains(".listwash-set-zzz999"))
        #expect(!names.contains(".listwash-link-cleaned.csv"))
        #expect(visible(out) == ["cleaned.csv": "current\n"], "the current set stays readable")
        run.discard()
        #expect(visible(out) == ["cleaned.csv": "current\n"])
        #expect(try !entries(out).contains { $0.hasPrefix(".listwash-staging-") })
    }

    @Test func aFailedRunLeavesTheFolderAsItWas() throws {
        let folder = try TemporaryFolder()
        let out = "\(folder.path)/out"
        try writeSet(out, ["cleaned.csv": "kept\n"])
        let before = try entries(out)
        do {
            let run = try OutputDirectory(path: out)
            try run.create("cleaned.csv").write("half\n")
        }
        #expect(try entries(out) == before)
        #expect(visible(out) == ["cleaned.csv": "kept\n"])
    }

    @Test func anOutputThatIsAnInputIsRefusedBeforeAnythingIsWritten() throws {
        let folder = try TemporaryFolder()
        let out = "\(folder.path)/out"
        try writeSet(out, ["cleaned.csv": "rows\n"])
        let list = "\(out)/cleaned.csv"
        #expect(throws: CleanError.outputReplacesInput(input: list, output: list)) {
            try OutputGuard.refuseOverwrites(inputs: [list], outputDirectory: out)
        }
        let viaSet = "\(out)/\(OutputDirectory.currentSet(in: out)!)/cleaned.csv"
        #expect(throws: CleanError.self) { try OutputGuard.refuseOverwrites(inputs: [viaSet], outputDirectory: out) }
        let elsewhere = try folder.write("list.csv", "email\n")
        try OutputGuard.refuseOverwrites(inputs: [elsewhere, "\(folder.path)/missing.csv"], outputDirectory: out)
        try OutputGuard.refuseOverwrites(inputs: [elsewhere], outputDirectory: "\(folder.path)/not-yet")
    }
}
