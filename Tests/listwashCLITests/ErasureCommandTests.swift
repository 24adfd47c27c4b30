import Foundation
import Testing

/// `listwash forget` and `listwash prune` on the real binary: what they print, their exit
/// codes, and that `clean` and `explain` see a forgotten address.
@Suite(.serialized) struct ErasureCommandTests {
    typealias Samples = SamplesSnapshotTests

    @Test func forgetErasesAndCleanStillRemoves() throws {
        let dir = try OperatorViewTests.samplesHistory("forget")
        let history = "\(dir)/h.sqlite"
        let forget = try Samples.run(["forget", "--history", history, "BOB.HARD@example.org", "never.seen@example.com"])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.hasPrefix("\(history): 2 addresses forgotten (2 new): 1 events deleted, "))
        #expect(!forget.stdout.lowercased().contains("bob.hard"))
        let history2 = try Data(contentsOf: URL(fileURLWithPath: OperatorViewTests.absolute(history)))
        #expect(history2.range(of: Data("bob.hard@example.org".utf8)) == nil)

        let explain = try Samples.run(["explain", "--history", history, "--as-of", "2026-11-01T00:00:00Z", "--json", "bob.hard@example.org"])
        #expect(explain.status == 0, "\(explain.stderr)")
        let object = try OperatorViewTests.json(explain.stdout.trimmingCharacters(in: .newlines))
        #expect(object["rule"] as? String == "forgotten")
        #expect((object["events"] as? [Any])?.isEmpty == true)

        let clean = try Samples.run(["clean", "--history", history, "--policy", "Samples/policy.json", "--quiet",
                                     "--list", "Samples/subscribers.csv", "--out", "\(dir)/out", "--as-of", "2026-11-01T00:00:00Z"])
        #expect(clean.status == 65, "\(clean.stderr)")
        let suppressed = try String(contentsOfFile: OperatorViewTests.absolute("\(dir)/out/suppressed.csv"), encoding: .utf8)
        #expect(suppressed.contains("bob.hard@example.org,forgotten,forgotten,,0,,"))

        let again = try Samples.run(["forget", "--history", history, "bob.hard@example.org"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("1 addresses forgotten (0 new): 0 events deleted"))
    }

    @Test func forgetRefusesWhatIsNotAnAddressWithoutQuotingIt() throws {
        let dir = try OperatorViewTests.samplesHistory("forget-bad")
        let history = "\(dir)/h.sqlite"
        let argument = try Samples.run(["forget", "--history", history, "private-name"])
        #expect(argument.status == 64)
        #expect(!argument.stderr.contains("private-name"))
        let file = OperatorViewTests.absolute("\(dir)/requests.txt")
        try Data("a@example.com\nprivate-name\n".utf8).write(to: URL(fileURLWithPath: file))
        let fromFile = try Samples.run(["forget", "--history", history, "--from", "\(dir)/requests.txt"])
        #expect(fromFile.status == 79)
        #expect(fromFile.stderr.contains("requests.txt:2: not an address"))
        #expect(!fromFile.stderr.contains("private-name"))
        #expect(try Samples.run(["forget", "--history", "\(dir)/none.sqlite", "a@example.com"]).status == 66)
        #expect(try Samples.run(["forget", "--history", history]).status == 64)
    }

    @Test func pruneRefusesAWindowShorterThanThePolicysAndPrintsWhatItDropped() throws {
        let dir = try OperatorViewTests.samplesHistory("prune")
        let history = "\(dir)/h.sqlite"
        let short = try Samples.run(["prune", "--history", history, "--older-than", "30"])
        #expect(short.status == 64)
        #expect(short.stderr.contains("stale_after_days (180 days)"))
        let prune = try Samples.run(["prune", "--history", history, "--older-than", "180", "--as-of", "2027-09-01T00:00:00Z"])
        #expect(prune.status == 0, "\(prune.stderr)")
        #expect(prune.stdout.contains("events before 2027-03-05T00:00:00Z dropped (bounce/"))
        let again = try Samples.run(["prune", "--history", history, "--older-than", "180", "--as-of", "2027-09-01T00:00:00Z"])
        #expect(again.stdout.contains(": 0 events before 2027-03-05T00:00:00Z dropped;"))
    }
}
