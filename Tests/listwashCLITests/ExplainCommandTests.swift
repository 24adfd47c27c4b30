import Foundation
import Testing

/// `listwash explain` on the samples' history: removed, kept, almost escalated and unknown
/// addresses, the JSON form, `--list --row`, and agreement with `clean` on every row.
@Suite(.serialized) struct ExplainCommandTests {
    typealias Samples = SamplesSnapshotTests
    static let asOf = "2026-11-01T00:00:00Z"

    static func explain(_ dir: String, _ arguments: [String]) throws -> Samples.Result {
        try Samples.run(["explain", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--as-of", asOf] + arguments)
    }

    @Test func explainsRemovedKeptAlmostEscalatedAndUnknownAddresses() throws {
        let dir = try OperatorViewTests.samplesHistory("explain")
        let run = try Self.explain(dir, ["bob.hard@example.org", "gina.dmarc@example.net", "erin.soft4@example.com", "nobody@example.com"])
        #expect(run.status == 0, "\(run.stderr)")
        let blocks = run.stdout.components(separatedBy: "\n\n")
        #expect(blocks.count == 4)
        #expect(blocks[0].contains("removed by hard_bounce (reason userunknown, kind hard), on event #1"))
        #expect(blocks[0].contains("550 5.1.1"))
        #expect(blocks[0].contains("from Samples/events.csv:3"))
        #expect(blocks[1].contains("kept: no rule's threshold is reached"))
        #expect(blocks[1].contains("not counted: sender-side problem"))
        #expect(blocks[2].contains("4 of 5 soft bounces; span 120 h of 72 h"))
        #expect(blocks[2].contains("1 more soft bounce"))
        #expect(blocks[2].contains("stale after 2027-03-30T08:00:00Z"))
        #expect(blocks[3].contains("kept: no events in the history"))
    }

    @Test func matchesByTheKeyCleanUsesAndPrintsJSON() throws {
        let dir = try OperatorViewTests.samplesHistory("explain-json")
        let run = try Self.explain(dir, ["--json", "  Carol.Full@EXAMPLE.net "])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try OperatorViewTests.json(run.stdout)
        #expect(object["key"] as? String == "carol.full@example.net")
        #expect(object["rule"] as? String == "mailbox_full")
        let events = object["events"] as? [[String: Any]] ?? []
        #expect(events.count == 3)
        #expect((object["evidence"] as? [String])?.count == 3)
        #expect(events.allSatisfy { $0["evidence"] as? Bool == true })
        #expect((object["progress"] as? [String: Any])?["mailbox_full"] as? Int == 3)
    }

    /// Every row of the sample list: explain removes exactly the addresses clean removes, by the same rule.
    @Test func agreesWithCleanOnEveryRowOfTheSamples() throws {
        let dir = try OperatorViewTests.samplesHistory("explain-rows")
        let clean = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--policy", "Samples/policy.json", "--quiet",
                                     "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", Self.asOf])
        #expect(clean.status == 65)
        let audit = try String(contentsOfFile: OperatorViewTests.absolute("\(dir)/out/audit.jsonl"), encoding: .utf8)
        var removedRules: [Int: String] = [:]
        for line in audit.split(separator: "\n") {
            let object = try OperatorViewTests.json(String(line))
            if object["action"] as? String == "suppress" { removedRules[object["line"] as! Int] = object["rule"] as? String }
        }
        #expect(removedRules.count == 8)
        var explained = 0
        for row in 1...30 {
            let run = try Self.explain(dir, ["--json", "--list", "Samples/subscribers.csv", "--row", String(row)])
            if run.status != 0 { continue }  // a malformed row, or past the end
            let object = try OperatorViewTests.json(run.stdout)
            explained += 1
            let line = try Self.lineOf(row: row)
            if let rule = removedRules[line] {
                #expect(object["rule"] as? String == rule, "row \(row)")
            } else {
                #expect(object["decision"] as? String == "keep", "row \(row)")
            }
        }
        #expect(explained >= 20)
        let past = try Self.explain(dir, ["--list", "Samples/subscribers.csv", "--row", "500"])
        #expect(past.status == 64)
        #expect(past.stderr == "listwash: error: Samples/subscribers.csv: has 23 rows, not 500\n")
    }

    /// The line a row starts on, as `inspect-csv --lines` reports it.
    static func lineOf(row: Int) throws -> Int {
        let run = try Samples.run(["inspect-csv", "--lines", "--quiet", "Samples/subscribers.csv"])
        let lines = run.stdout.split(separator: "\n").map { try? OperatorViewTests.json(String($0)) }
        return lines[row]?["line"] as? Int ?? -1
    }
}
