import Foundation
import Testing

/// `listwash verify` on a real `clean` of `Samples/`: an untouched set verifies (0); one changed
/// byte in any output, or an audit record altered, removed or moved, exits 81 and names the
/// file and the audit's line.
@Suite(.serialized) struct VerifyCommandTests {
    typealias CLI = SamplesSnapshotTests
    static let root = CLI.packageRoot.path

    /// Ingests and cleans the samples into a fresh scratch folder; returns its `--out` (relative).
    static func cleanSamples(_ name: String) throws -> String {
        let dir = try CLI.scratch(name)
        _ = try CLI.run(["ingest", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                         "Samples/events.csv", "Samples/events.jsonl"])
        let clean = try CLI.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                                 "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(clean.status == 65)
        return "\(dir)/out"
    }

    /// A plain copy of the current set of `out` (files, no links), to alter.
    static func copySet(_ out: String, to name: String) throws -> String {
        let fm = FileManager.default
        let target = try CLI.scratch(name)
        let current = "\(root)/\(out)/.listwash-current"
        let set = try fm.destinationOfSymbolicLink(atPath: current)
        let source = set.hasPrefix("/") ? set : "\(root)/\(out)/\(set)"
        for file in try fm.contentsOfDirectory(atPath: source) {
            try fm.copyItem(atPath: "\(source)/\(file)", toPath: "\(root)/\(target)/\(file)")
        }
        return target
    }

    static func lines(_ path: String) throws -> [Data] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(path)"))
        var out: [Data] = []
        var start = data.startIndex
        while let end = data[start...].firstIndex(of: 0x0A) {
            out.append(data[start...end])
            start = end + 1
        }
        if start < data.endIndex { out.append(data[start...]) }
        return out
    }

    static func write(_ lines: [Data], to path: String) throws {
        try lines.reduce(Data(), +).write(to: URL(fileURLWithPath: "\(root)/\(path)"))
    }

    static func flipByte(_ path: String, at offset: Int) throws {
        let url = URL(fileURLWithPath: "\(root)/\(path)")
        var data = try Data(contentsOf: url)
        data[offset] ^= 0x01
        try data.write(to: url)
    }

    @Test func anUntouchedSetVerifies() throws {
        let out = try Self.cleanSamples("verify-intact")
        let result = try CLI.run(["verify", out])
        #expect(result.status == 0, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("intact: 6 files and the audit's chain of 9 records match manifest.json"))
        // A plain copy of the set verifies too (the names need not be links).
        let copy = try Self.copySet(out, to: "verify-intact-copy")
        #expect(try CLI.run(["verify", copy]).status == 0)
    }

    @Test func oneChangedByteInAnyOutputIsFoundAndNamed() throws {
        let out = try Self.cleanSamples("verify-outputs")
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html"] {
            let copy = try Self.copySet(out, to: "verify-\(name)")
            let size = try Data(contentsOf: URL(fileURLWithPath: "\(Self.root)/\(copy)/\(name)")).count
            try Self.flipByte("\(copy)/\(name)", at: size / 2)
            let result = try CLI.run(["verify", copy])
            #expect(result.status == 81, "\(name): \(result.stdout)")
            #expect(result.stdout.contains("\(copy)/\(name): altered: its SHA-256 is not the manifest's"), "\(name): \(result.stdout)")
            // Only the changed file is named.
            let named = Set(result.stdout.split(separator: "\n").map { $0.split(separator: ":").first.map(String.init) ?? "" })
            #expect(named == ["\(copy)/\(name)"], "\(name): \(result.stdout)")
        }
        // A removed output.
        let copy = try Self.copySet(out, to: "verify-removed")
        try FileManager.default.removeItem(atPath: "\(Self.root)/\(copy)/rejects.csv")
        let removed = try CLI.run(["verify", copy])
        #expect(removed.status == 81)
        #expect(removed.stdout.contains("\(copy)/rejects.csv: missing"))
    }

    @Test func theAuditsMiddleRecordAlteredIsNamedByLine() throws {
        let out = try Self.cleanSamples("verify-audit-middle")
        let copy = try Self.copySet(out, to: "verify-audit-middle-copy")
        let records = try Self.lines("\(copy)/audit.jsonl")
        #expect(records.count == 9)
        let middle = records.count / 2  // 0-based: line middle + 1
        // A byte of the record's content (past its link)...
        var content = records
        var changed = content[middle]
        changed[changed.startIndex + 120] ^= 0x01
        content[middle] = changed
        try Self.write(content, to: "\(copy)/audit.jsonl")
        var result = try CLI.run(["verify", copy])
        #expect(result.status == 81)
        #expect(result.stdout.contains("\(copy)/audit.jsonl:\(middle + 1): altered"), "\(result.stdout)")
        #expect(!result.stdout.contains("audit.jsonl:\(middle):"), "\(result.stdout)")
        // ...and a byte of its own link.
        var link = records
        changed = link[middle]
        changed[changed.startIndex + 20] ^= 0x01
        link[middle] = changed
        try Self.write(link, to: "\(copy)/audit.jsonl")
        result = try CLI.run(["verify", copy])
        #expect(result.status == 81)
        #expect(result.stdout.contains("\(copy)/audit.jsonl:\(middle + 1): altered"), "\(result.stdout)")
        // The last record: only the manifest's last_sha256 vouches for it.
        var last = records
        changed = last[records.count - 1]
        changed[changed.startIndex + 100] ^= 0x01
        last[records.count - 1] = changed
        try Self.write(last, to: "\(copy)/audit.jsonl")
        result = try CLI.run(["verify", copy])
        #expect(result.stdout.contains("\(copy)/audit.jsonl:\(records.count): altered: the last record's SHA-256 is not the manifest's last_sha256"),
                "\(result.stdout)")
    }

    @Test func aRemovedOrMovedAuditRecordIsFoundWhereItHappened() throws {
        let out = try Self.cleanSamples("verify-audit-moves")
        let copy = try Self.copySet(out, to: "verify-audit-moves-copy")
        let records = try Self.lines("\(copy)/audit.jsonl")
        // Record 5 removed: the chain breaks at the line that follows it now.
        var removed = records
        removed.remove(at: 4)
        try Self.write(removed, to: "\(copy)/audit.jsonl")
        var result = try CLI.run(["verify", copy])
        #expect(result.status == 81)
        #expect(result.stdout.contains("\(copy)/audit.jsonl: altered: 8 records, the manifest says 9"))
        #expect(result.stdout.contains("\(copy)/audit.jsonl:5: a record is missing before this line"), "\(result.stdout)")
        // The last record removed.
        try Self.write(Array(records.dropLast()), to: "\(copy)/audit.jsonl")
        result = try CLI.run(["verify", copy])
        #expect(result.stdout.contains("\(copy)/audit.jsonl:8: records are missing after this line"), "\(result.stdout)")
        // Records 4 and 5 swapped.
        var swapped = records
        swapped.swapAt(3, 4)
        try Self.write(swapped, to: "\(copy)/audit.jsonl")
        result = try CLI.run(["verify", copy])
        #expect(result.status == 81)
        #expect(result.stdout.contains("\(copy)/audit.jsonl:4: out of place: this record was written after the one now at line 5"),
                "\(result.stdout)")
        #expect(result.stdout.contains("\(copy)/audit.jsonl:5: out of place: this record was written after the one now at line 3"),
                "\(result.stdout)")
        // The file's size and digest alone would not say where: the chain does, and the file
        // check says the file differs.
        #expect(result.stdout.contains("\(copy)/audit.jsonl: altered: its SHA-256 is not the manifest's"))
    }

    @Test func aFolderWithoutAManifestExits66() throws {
        let dir = try CLI.scratch("verify-empty")
        let result = try CLI.run(["verify", dir])
        #expect(result.status == 66)
        #expect(result.stderr.hasPrefix("listwash: error: "))
    }

    @Test func findingsNeverQuoteTheFiles() throws {
        let out = try Self.cleanSamples("verify-no-data")
        let copy = try Self.copySet(out, to: "verify-no-data-copy")
        let records = try Self.lines("\(copy)/audit.jsonl")
        var altered = records
        altered.remove(at: 2)
        altered.swapAt(4, 5)
        try Self.write(altered, to: "\(copy)/audit.jsonl")
        try Self.flipByte("\(copy)/cleaned.csv", at: 40)
        let result = try CLI.run(["verify", copy])
        #expect(result.status == 81)
        #expect(!(result.stdout + result.stderr).contains("@"))
    }
}
