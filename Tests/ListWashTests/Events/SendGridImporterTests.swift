import Testing
@testable import ListWash

@Suite struct SendGridImporterTests {
    @Test func batchMapsEveryEvidenceEventAndSkipsTheRest() throws {
        let run = try runImporter(SendGridImporter(), EventFixtures.sendGridBatch, file: "sg.json")
        let byAddress = Dictionary(run.events.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(run.events.count == 8)
        #expect(byAddress["old.box@example.org"] == RawEvent(
            address: "old.box@example.org", timestamp: 1_717_236_005, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
            diagnostic: "550 5.1.1 The email account does not exist", providerVerdict: "sendgrid:bounce/Invalid Address",
            source: EventSource(file: "sg.json", line: 2), messageIdentity: "sendgrid:exampleMsg.filter0001.1.0"))
        #expect(byAddress["busy@example.org"]?.type == .bounce)
        #expect(byAddress["busy@example.org"]?.replyCode == 451)
        #expect(byAddress["busy@example.org"]?.providerVerdict == "sendgrid:deferred")
        #expect(byAddress["rep@example.net"]?.providerVerdict == "sendgrid:blocked/Reputation")
        #expect(byAddress["rep@example.net"]?.timestamp == 1_717_236_020)
        #expect(byAddress["gone@example.org"]?.providerVerdict == "sendgrid:dropped/Bounced Address")
        #expect(byAddress["gone@example.org"]?.diagnostic == "Bounced Address")
        #expect(byAddress["fine@example.com"]?.type == .delivered)
        #expect(byAddress["fine@example.com"]?.enhancedCode == "2.0.0")
        #expect(byAddress["spam@example.org"]?.type == .complaint)
        #expect(byAddress["bye@example.org"]?.type == .unsubscribe)
        #expect(byAddress["group@example.org"]?.type == .unsubscribe)
        #expect(byAddress["group@example.org"]?.providerVerdict == "sendgrid:group_unsubscribe/42")
        #expect(run.summary.skipped == 2)
        #expect(run.summary.skippedKinds == ["processed": 1, "open": 1])
        #expect(run.rejections.map(\.line) == [12, 13])
        #expect(run.rejections[0].reason == "SendGrid bounce event without email")
        #expect(run.rejections[1].reason == "SendGrid delivered event without a readable timestamp")
    }

    @Test func jsonLinesWithAMissingEventAreRejectedByLine() throws {
        let text = """
        {"email":"a@example.com","timestamp":1717236005,"event":"delivered"}
        {"email":"b@example.com","timestamp":1717236006}
        [1, 2]
        """
        let run = try runImporter(SendGridImporter(), text)
        #expect(run.events.map(\.address) == ["a@example.com"])
        #expect(run.rejections.map(\.line) == [2, 3])
        #expect(run.rejections[1].reason == "record is not a JSON object")
    }
}
