import Foundation
import Testing
@testable import ListWash

/// The large-list way of `clean` (duplicates by pre-pass and external sort, clean-v1's
/// sorted file through the external sort) must write exactly what the in-memory way writes.
@Suite struct CleanLargeListTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    func history(in folder: TemporaryFolder, policy: Policy) throws -> String {
        let path = "\(folder.path)/h.sqlite"
        let classifier = try policy.makeClassifier()
        var raws: [RawEvent] = []
        for i in 0..<40 { raws.append(bounce("gone\(i)@example.org", asOf - 86_400 - Int64(i), 550, "5.1.1", "550 5.1.1 user unknown \(i)")) }
        for i in 0..<5 { raws.append(bounce("full@example.org", asOf - Int64(i + 1) * 86_400, 452, "4.2.2", "452 4.2.2 mailbox full")) }
        raws.append(bounce("bad@@example.org", asOf - 3_600, 550, "5.1.1", "gone"))
        _ = try HistoryStore(path: path, create: true).insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        return path
    }

    /// A list with duplicates in case and blanks (some of suppressed addresses, some of an
    /// invalid one), multi-line quoted rows, a rejected row and blank lines.
    func listText(rows: Int) -> String {
        var text = "email,name,notes\n"
        for i in 0..<rows {
            switch i % 7 {
            case 0: text += "user\(i % 50)@example.com,U\(i),\"multi\nline \(i)\"\n"
            case 1: text += " GONE\(i % 40)@Example.org ,G\(i),x\n"
            case 2: text += "full@example.org,F\(i),\"a, b\"\n"
            case 3: text += "not-an-address,N\(i),\n"
            case 4: text += "bad@@example.org,B\(i),\n"
            case 5: text += i % 14 == 5 ? "broken,row,with,extra\n" : "\n"
            default: text += "keep\(i)@example.net,K\(i),y\n"
            }
        }
        return text
    }

    func clean(_ folder: TemporaryFolder, list: String, history: String, out: String, policy: Policy,
               format: SuppressedFormat, largeListBytes: Int, budget: Int) throws -> CleanSummary {
        var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/\(out)", historyPath: history, asOf: asOf, policy: policy)
        request.suppressedFormat = format
        request.largeListBytes = largeListBytes
        request.sortMemoryBudget = budget
        return try CleanJob(request: request, logger: silentLogger).run()
    }

    @Test(arguments: [SuppressedFormat.listwash, .cleanV1])
    func bothWaysOfFindingDuplicatesWriteIdenticalOutputs(format: SuppressedFormat) throws {
        let folder = try TemporaryFolder()
        let policy = format == .cleanV1 ? try Policy.load(path: "\(Self.samples)/clean-v1.policy.json") : Policy()
        let history = try history(in: folder, policy: policy)
        let list = try folder.write("list.csv", listText(rows: 700))
        let small = try clean(folder, list: list, history: history, out: "small", policy: policy, format: format,
                              largeListBytes: Int.max, budget: 32 << 20)
        // Threshold 0 forces the pre-pass; a 200-byte budget forces many spilled runs in every sort.
        let large = try clean(folder, list: list, history: history, out: "large", policy: policy, format: format,
                              largeListBytes: 0, budget: 200)
        #expect(small == large)
        #expect(small.duplicates > 300)
        #expect(small.suppressedTotal > 40)
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/small/\(name)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/large/\(name)"))
            #expect(a == b, "\(name) differs")
        }
        #expect(try folder.read("large/audit.jsonl").contains(#""action":"drop_duplicate","duplicate_of_line":5}"#))
        // No temporary file is left behind: the set holds the seven outputs and nothing else.
        let set = "\(folder.path)/large/\(OutputDirectory.currentSet(in: "\(folder.path)/large") ?? "none")"
        #expect(try FileManager.default.contentsOfDirectory(atPath: set).sorted()
            == ["audit.jsonl", "cleaned.csv", "manifest.json", "rejects.csv", "report.html", "report.json", "suppressed.csv"])
        #expect(try !FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/large").contains { $0.hasPrefix(".listwash-staging-") })
    }

    @Test func xmlRecordsSharingALineAreToldApartByTheirOrderNotTheirLine() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, policy: Policy())
        // Three records on line 1 (the third repeats the first), a fourth on line 2 repeating the second.
        let list = try folder.write("list.xml", "<list><r email=\"A@example.com\"/><r email=\"b@example.com\"/><r email=\"a@example.com\"/>\n"
            + "<r email=\"B@example.com\"/></list>\n")
        let small = try clean(folder, list: list, history: history, out: "small", policy: Policy(), format: .listwash,
                              largeListBytes: Int.max, budget: 1 << 20)
        let large = try clean(folder, list: list, history: history, out: "large", policy: Policy(), format: .listwash,
                              largeListBytes: 0, budget: 64)
        #expect(small.duplicates == 2)
        #expect(small == large)
        for name in ["cleaned.xml", "audit.jsonl", "suppressed.csv"] {
            #expect(try folder.read("small/\(name)") == folder.read("large/\(name)"))
        }
    }

    @Test func anErrorOnTheAuditThreadFailsTheRunAndIsRethrown() throws {
        let folder = try TemporaryFolder()
        let out = try OutputDirectory(path: "\(folder.path)/out")
        // Its sort cannot spill (no such folder): the thread fails at the second row.
        let writer = AuditWriter(policy: Policy(), asOf: asOf, format: .cleanV1, audit: try out.create("audit.jsonl"),
                                 suppressed: try out.create("suppressed.csv"), evidence: nil,
                                 directory: "\(folder.path)/missing", sortMemoryBudget: 1)
        let queue = AuditQueue()
        let thread = BackgroundWork { writer.drain(queue) }
        defer {
            queue.cancel()
            _ = try? thread.wait()
        }
        #expect(throws: OutputError.self) {
            for i in 0..<5_000 {
                try queue.send(.suppress(line: i + 2, key: Array("gone\(i % 40)@example.org".utf8), rule: .invalidAddress, slot: nil))
            }
            try queue.finish()
        }
        out.discard()
    }

    /// Rows handed over before the evidence is read (they wait on disk) and after it (live):
    /// in one chunk, and in many rendered on threads of their own ahead of the one being
    /// written, the audit keeps the list's order and its chain.
    @Test(arguments: [(8_192, false), (256, false), (7, false), (7, true), (256, true)])
    func rowsKeepTheirOrderWhetherTheyWaitForTheEvidenceOrNot(renderChunk: Int, live: Bool) throws {
        let folder = try TemporaryFolder()
        let history = try HistoryStore(path: try history(in: folder, policy: Policy()), create: false)
        let out = try OutputDirectory(path: "\(folder.path)/out")
        let audit = try out.create("audit.jsonl")
        // The evidence stays unfinished until every row has been handed over.
        let release = DispatchSemaphore(value: 0)
        let builder = try EvidenceFile.Builder(directory: out.staging, memoryBudget: 1 << 16, highestEvent: try history.highestEventNumber())
        let evidence = BackgroundWork { () throws -> EvidenceFile in
            release.wait()
            return try history.reading { try builder.finish(history: history) }
        }
        let writer = AuditWriter(policy: Policy(), asOf: asOf, format: .listwash, audit: audit, suppressed: try out.create("suppressed.csv"),
                                 evidence: evidence, directory: out.staging, sortMemoryBudget: 1 << 16)
        writer.renderChunk = renderChunk
        writer.renderAhead = 2
        let queue = AuditQueue()
        let thread = BackgroundWork { writer.drain(queue) }
        defer {
            queue.cancel()
            _ = try? thread.wait()
        }
        if live {
            release.signal()
            _ = try evidence.wait()
        }
        for i in 0..<3_000 {
            if i % 3 == 0 {
                try queue.send(.duplicate(line: i + 2, key: Array("twice\(i)@example.org".utf8), firstLine: 1))
            } else {
                try queue.send(.suppress(line: i + 2, key: Array("bad\(i)@@example.org".utf8), rule: .invalidAddress, slot: nil))
            }
        }
        if !live { release.signal() }
        try queue.finish()
        try audit.close()
        try out.commit()
        let lines = try folder.read("out/audit.jsonl").split(separator: "\n")
        #expect(lines.count == 3_000)
        // In order, and linked in that order (the first to the genesis, 64 zeros).
        var previous = [UInt8](repeating: 0, count: 32)
        for (i, line) in lines.enumerated() {
            #expect(line.hasPrefix("{\"prev_sha256\":\"\(previous.hexString)\",\"line\":\(i + 2),"))
            previous = SHA256Hasher.digest(Array(line.utf8) + [0x0A])
            #expect(line.contains(i % 3 == 0 ? "\"action\":\"drop_duplicate\"" : "\"rule\":\"invalid_address\""))
        }
    }

    static let samples: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1, !FileManager.default.fileExists(atPath: url.appendingPathComponent("Samples").path) {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("Samples").path
    }()
}
