import Foundation
import Testing

/// `listwash history export` on the samples' history.
@Suite(.serialized) struct HistoryExportCommandTests {
    typealias Samples = SamplesSnapshotTests

    @Test func exportsEveryEventWithItsClassificationAsCSVAndJSONLines() throws {
        let dir = try OperatorViewTests.samplesHistory("history-export")
        let csv = try Samples.run(["history", "export", "--history", "\(dir)/h.sqlite"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n")
        #expect(rows.first == "id,address,timestamp,type,reply_code,enhanced_code,diagnostic,reason,kind,classifier_rule,provider_verdict,source")
        // The samples' ingest adds 44 events (41 + 3 new).
        #expect(rows.count == 45)
        let jsonl = try Samples.run(["history", "export", "--history", "\(dir)/h.sqlite", "--format", "jsonl"])
        let objects = try jsonl.stdout.split(separator: "\n").map { try OperatorViewTests.json(String($0)) }
        #expect(objects.count == 44)
        #expect(Set(objects.compactMap { $0["id"] as? String }).count == 44, "ids are unique")
        let hard = objects.first { $0["address"] as? String == "bob.hard@example.org" } ?? [:]
        #expect(hard["kind"] as? String == "hard")
        #expect(hard["reason"] as? String == "userunknown")
        #expect(hard["reply_code"] as? Int == 550)
        #expect(hard["source"] as? String == "Samples/events.csv:3")
        #expect(objects.filter { $0["kind"] as? String == "sender" }.count == 3)
        // Same events in both forms, in the same order.
        #expect(rows.dropFirst().map { String($0.prefix(32)) } == objects.map { $0["id"] as? String ?? "" })

        let one = try Samples.run(["history", "export", "--history", "\(dir)/h.sqlite", "--format", "jsonl", "--address", " Carol.Full@EXAMPLE.net"])
        let carol = one.stdout.split(separator: "\n")
        #expect(carol.count == 3)
        #expect(carol.allSatisfy { $0.contains("\"address\":\"carol.full@example.net\"") })

        let toFile = try Samples.run(["history", "export", "--history", "\(dir)/h.sqlite", "--out", "\(dir)/events.csv"])
        #expect(toFile.status == 0)
        #expect(toFile.stdout.isEmpty)
        #expect(try String(contentsOfFile: OperatorViewTests.absolute("\(dir)/events.csv"), encoding: .utf8) == csv.stdout)
        #expect(try Samples.run(["history", "export", "--history", "\(dir)/none.sqlite"]).status == 66)
    }
}
