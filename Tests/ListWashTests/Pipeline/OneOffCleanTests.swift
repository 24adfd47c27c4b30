import Foundation
import Testing
@testable import ListWash

/// `clean --events` (a one-off run) against `ingest` into a fresh history then `clean`: every
/// output byte for byte, and the manifest but for the fields that name the history or the
/// event files.
@Suite struct OneOffCleanTests {
    /// 2026-11-01T00:00:00Z
    static let asOf: Int64 = 1_793_491_200
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples").path

    struct Case {
        var events: [String]
        var list: String
        var policy: Policy
        var format: SuppressedFormat = .listwash
        var largeListBytes = 64 << 20
        var sortMemory = 16 << 20
    }

    func request(_ c: Case, out: String, history: String) -> CleanRequest {
        var request = CleanRequest(listPath: c.list, outputDirectory: out, historyPath: history, asOf: Self.asOf, policy: c.policy)
        request.suppressedFormat = c.format
        request.largeListBytes = c.largeListBytes
        request.sortMemoryBudget = c.sortMemory
        request.allowMassRemoval = true
        return request
    }

    /// Runs both ways; returns the two output folders and the rejections the ingest reported.
    func bothWays(_ c: Case, in folder: TemporaryFolder) throws -> (twoStep: String, oneOff: String, rejected: [Rejection], summary: CleanSummary) {
        var rejected: [Rejection] = []
        let history = "\(folder.path)/h.sqlite"
        _ = try IngestJob(historyPath: history, policy: c.policy, logger: silentLogger, onReject: { rejected.append($0) }).run(files: c.events)
        _ = try CleanJob(request: request(c, out: "\(folder.path)/two-step", history: history), logger: silentLogger).run()

        var oneOff = request(c, out: "\(folder.path)/one-off", history: "\(folder.path)/not-there.sqlite")
        oneOff.eventFiles = c.events
        var job = CleanJob(request: oneOff, logger: silentLogger)
        var reported: [Rejection] = []
        job.onReject = { reported.append($0) }
        let summary = try job.run()
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/not-there.sqlite"), "a one-off run makes no history")
        #expect(reported.prefix(rejected.count).elementsEqual(rejected), "the event files' rejections are reported as ingest reports them")
        return ("\(folder.path)/two-step", "\(folder.path)/one-off", rejected, summary)
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try bytes(path)) as! [String: Any]
    }

    /// Asserts the outputs agree: all files byte for byte but `rejects.csv` (the one-off's
    /// holds the event files' rejections first) and the manifest (compared without the fields
    /// that name the history, the event files and the rejects' digest).
    func expectSameOutputs(_ c: Case, _ r: (twoStep: String, oneOff: String, rejected: [Rejection], summary: CleanSummary)) throws {
        let cleaned = c.list.hasSuffix(".xml") ? "cleaned.xml" : "cleaned.csv"
        for name in [cleaned, "suppressed.csv", "audit.jsonl", "report.json", "report.html"] {
            #expect(try bytes("\(r.oneOff)/\(name)") == bytes("\(r.twoStep)/\(name)"), "\(name) differs")
        }
        // rejects.csv: the header, the event files' rejections, then the list's, as clean writes them.
        let twoStepRejects = try String(contentsOfFile: "\(r.twoStep)/rejects.csv", encoding: .utf8)
        let header = "file,line,error,raw\n"
        let events = r.rejected.map { String(decoding: CSVText.line([$0.file, String($0.line), $0.reason, $0.raw]), as: UTF8.self) }.joined()
        #expect(try String(contentsOfFile: "\(r.oneOff)/rejects.csv", encoding: .utf8) == header + events + twoStepRejects.dropFirst(header.count))

        var one = try json("\(r.oneOff)/manifest.json"), two = try json("\(r.twoStep)/manifest.json")
        var oneInputs = one["inputs"] as! [String: Any], twoInputs = two["inputs"] as! [String: Any]
        let files = oneInputs.removeValue(forKey: "events") as! [[String: Any]]
        #expect(files.map { $0["path"] as? String } == c.events.map { Optional($0) })
        #expect(files.map { $0["rejected"] as? Int ?? -1 }.reduce(0, +) == r.rejected.count)
        #expect(r.summary.eventFiles?.map(\.file) == c.events)
        var oneHistory = oneInputs["history"] as! [String: Any], twoHistory = twoInputs["history"] as! [String: Any]
        #expect(oneHistory.removeValue(forKey: "path") is NSNull)
        #expect(oneHistory.removeValue(forKey: "one_off") as? Bool == true)
        #expect(twoHistory.removeValue(forKey: "path") as? String != nil)
        oneInputs["history"] = oneHistory
        twoInputs["history"] = twoHistory
        one["inputs"] = oneInputs
        two["inputs"] = twoInputs
        func withoutRejects(_ outputs: Any?) -> [[String: Any]] {
            (outputs as! [[String: Any]]).filter { $0["file"] as? String != "rejects.csv" }
        }
        one["outputs"] = withoutRejects(one["outputs"])
        two["outputs"] = withoutRejects(two["outputs"])
        let a = try JSONSerialization.data(withJSONObject: one, options: .sortedKeys)
        let b = try JSONSerialization.data(withJSONObject: two, options: .sortedKeys)
        #expect(a == b, "the manifests differ beyond the history's and the event files' fields")
        // The set holds the outputs only: the scratch history is gone.
        let set = try FileManager.default.destinationOfSymbolicLink(atPath: "\(r.oneOff)/.listwash-current")
        let names = try FileManager.default.contentsOfDirectory(atPath: "\(r.oneOff)/\(set)").sorted()
        #expect(names == [cleaned, "audit.jsonl", "manifest.json", "rejects.csv", "report.html", "report.json", "suppressed.csv"].sorted())
    }

    @Test func theSamplesGiveTheOutputsOfIngestThenClean() throws {
        let folder = try TemporaryFolder()
        let c = Case(events: ["\(Self.samples)/events.csv", "\(Self.samples)/events.jsonl"], list: "\(Self.samples)/subscribers.csv",
                     policy: try Policy.load(path: "\(Self.samples)/policy.json"))
        let r = try bothWays(c, in: folder)
        #expect(!r.rejected.isEmpty, "the samples hold rejected records on purpose")
        try expectSameOutputs(c, r)
    }

    @Test func theXMLSampleToo() throws {
        let folder = try TemporaryFolder()
        let c = Case(events: ["\(Self.samples)/events.csv"], list: "\(Self.samples)/subscribers.xml", policy: Policy())
        try expectSameOutputs(c, try bothWays(c, in: folder))
    }

    /// Events with retries of one message, an outage at one domain, a dead domain, complaints,
    /// unsubscribes, deliveries, repeated rows, addresses in other cases, events after the
    /// as-of time and a malformed row; a list with duplicates and an invalid address.
    static func generated(in folder: TemporaryFolder, seed: UInt64) throws -> (events: String, list: String) {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        func time(_ t: Int64) -> String { Timestamp.format(t) }
        var rows = ["email,timestamp,event,smtp_code,enhanced_code,diagnostic,message_id"]
        var addresses: [String] = []
        let day: Int64 = 86_400
        for i in 0..<300 {
            let domain = ["example.com", "example.org", "mail.example.net", "outage.example", "dead.example"][i % 5]
            let address = "user\(i)@\(domain)"
            addresses.append(address)
            let shown = i % 7 == 0 ? address.uppercased() : address
            let start = asOf - Int64(150 + next(40)) * day + Int64(next(86_400))
            switch (domain, i % 6) {
            case ("outage.example", _):
                // Every address of the domain fails within minutes (an outage), and most had deliveries.
                rows.append("\(shown),\(time(asOf - 20 * day + Int64(i % 50) * 10)),bounce,421,4.4.2,\"421 4.4.2 connection timed out\",")
                rows.append("\(shown),\(time(asOf - 20 * day + 3_600 + Int64(i % 50) * 10)),bounce,421,4.4.2,\"421 4.4.2 connection timed out\",")
                if i % 3 != 0 { rows.append("\(shown),\(time(asOf - 10 * day)),delivered,250,2.0.0,250 OK,") }
            case ("dead.example", _):
                rows.append("\(shown),\(time(start)),bounce,550,5.1.2,\"550 5.1.2 Host or domain name not found\",")
                rows.append("\(shown),\(time(start + 2 * day)),bounce,550,5.1.2,\"550 5.1.2 Host or domain name not found\",")
            case (_, 0):
                rows.append("\(shown),\(time(start)),bounce,550,5.1.1,\"550 5.1.1 <\(address)>: user unknown\",m\(i)")
            case (_, 1):
                // Retries of one message, then of others, over days: mailbox full.
                for k in 0..<(2 + next(5)) {
                    for attempt in 0..<3 {
                        rows.append("\(shown),\(time(start + Int64(k) * 2 * day + Int64(attempt) * 1_800)),bounce,452,4.2.2,452 4.2.2 Mailbox full,msg-\(i)-\(k)")
                    }
                }
            case (_, 2):
                for k in 0..<(3 + next(6)) {
                    rows.append("\(shown),\(time(start + Int64(k) * 30 * 3_600)),bounce,451,4.7.1,\"451 4.7.1 Try again later\",")
                }
            case (_, 3):
                rows.append("\(shown),\(time(start)),complaint,,,,")
                rows.append("\(shown),\(time(asOf + day)),unsubscribe,,,,")
            case (_, 4):
                rows.append("\(shown),\(time(start)),unsubscribe,,,,")
                rows.append("\(shown),\(time(start)),unsubscribe,,,,")  // the same event again
            default:
                rows.append("\(shown),\(time(start)),bounce,550,5.1.1,\"550 5.1.1 user unknown\",")
                rows.append("\(shown),\(time(start + day)),delivered,250,2.0.0,250 OK,")
            }
        }
        rows.append("broken@example.com,not-a-time,bounce,550,5.1.1,x,")
        // In no particular order, as exports come.
        var body = Array(rows.dropFirst())
        for i in stride(from: body.count - 1, to: 0, by: -1) { body.swapAt(i, next(i + 1)) }
        let events = try folder.write("events.csv", ([rows[0]] + body).joined(separator: "\n") + "\n")
        var list = ["email,name"]
        for (i, address) in addresses.enumerated() where i % 10 != 9 { list.append("\(i % 4 == 0 ? " " + address.capitalized : address),n\(i)") }
        list += ["user1@example.org,again", "not-an-address,x", "fresh@example.com,new", "USER3@EXAMPLE.ORG,dup"]
        return (events, try folder.write("list.csv", list.joined(separator: "\n") + "\n"))
    }

    @Test(arguments: [false, true]) func generatedEventsWithRetriesOutagesAndRepeats(cleanV1: Bool) throws {
        let folder = try TemporaryFolder()
        let (events, list) = try Self.generated(in: folder, seed: cleanV1 ? 11 : 7)
        var c = Case(events: [events], list: list,
                     policy: try Policy.load(path: "\(Self.samples)/\(cleanV1 ? "clean-v1.policy.json" : "policy.json")"))
        if cleanV1 { c.format = .cleanV1 }
        // The pre-pass and the external sorts' spills, as a large list takes them.
        c.largeListBytes = 1
        c.sortMemory = 1 << 12
        let r = try bothWays(c, in: folder)
        #expect(r.rejected.count == 1)
        #expect(r.summary.suppressedTotal > 50, "the data removes addresses by several rules")
        if !cleanV1 { #expect(!r.summary.domainFindings.outages.isEmpty || !r.summary.domainFindings.dead.isEmpty) }
        try expectSameOutputs(c, r)
    }

    @Test func aDryRunWritesNothing() throws {
        let folder = try TemporaryFolder()
        let (events, list) = try Self.generated(in: folder, seed: 3)
        var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: "\(folder.path)/h.sqlite",
                                   asOf: Self.asOf, policy: Policy())
        request.eventFiles = [events]
        request.dryRun = true
        let summary = try CleanJob(request: request, logger: silentLogger).run()
        #expect(summary.suppressedTotal > 0)
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/h.sqlite"))
    }

    @Test func aMissingEventFileCreatesNothing() throws {
        let folder = try TemporaryFolder()
        let list = try folder.write("list.csv", "email\na@example.com\n")
        var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: "\(folder.path)/h.sqlite",
                                   asOf: Self.asOf, policy: Policy())
        request.eventFiles = ["\(folder.path)/missing.csv"]
        #expect(throws: InputError.missingFile(path: "\(folder.path)/missing.csv")) { try CleanJob(request: request, logger: silentLogger).run() }
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out"))
    }

    @Test func anEventFileMayNotBeReplacedByAnOutput() throws {
        let folder = try TemporaryFolder()
        let list = try folder.write("list.csv", "email\na@example.com\n")
        try FileManager.default.createDirectory(atPath: "\(folder.path)/out", withIntermediateDirectories: true)
        let events = try folder.write("out/audit.jsonl", "email,timestamp\na@example.com,2026-10-01T00:00:00Z\n")
        var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: "\(folder.path)/h.sqlite",
                                   asOf: Self.asOf, policy: Policy())
        request.eventFiles = [events]
        #expect(throws: (any Error).self) { try CleanJob(request: request, logger: silentLogger).run() }
        #expect(try folder.read("out/audit.jsonl").hasPrefix("email,timestamp"))
    }
}
