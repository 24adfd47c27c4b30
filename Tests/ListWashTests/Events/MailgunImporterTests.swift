import Testing
@testable import ListWash

@Suite struct MailgunImporterTests {
    @Test func webhookFailedKeepsSeverityReasonAndDeliveryStatus() throws {
        let run = try runImporter(MailgunImporter(), EventFixtures.mailgunWebhookFailed, file: "mg.json")
        #expect(run.rejections.isEmpty)
        #expect(run.events == [RawEvent(
            address: "gone@example.org", timestamp: 1_717_236_005, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
            diagnostic: "5.1.1 mailbox does not exist", providerVerdict: "mailgun:failed/permanent/bounce",
            source: EventSource(file: "mg.json", line: 1), messageIdentity: "mailgun:20240601100000.1@mg.example.com")])
    }

    @Test func eventsPageItemsMapWithTheirOwnLines() throws {
        let run = try runImporter(MailgunImporter(), EventFixtures.mailgunEventsPage)
        #expect(run.events.map(\.type) == [.delivered, .bounce, .bounce, .complaint, .unsubscribe])
        #expect(run.events.map { $0.source.line ?? 0 } == [3, 5, 7, 9, 10])
        #expect(run.events[0].timestamp == 1_717_236_100)
        #expect(run.events[0].replyCode == 250)
        #expect(run.events[0].diagnostic == "OK")
        #expect(run.events[1].providerVerdict == "mailgun:failed/temporary/generic")
        #expect(run.events[1].replyCode == 421)
        #expect(run.events[1].enhancedCode == "4.7.0")
        // Mailgun's 605 is not an SMTP reply code; the description is the diagnostic.
        #expect(run.events[2].replyCode == nil)
        #expect(run.events[2].diagnostic == "Not delivering to previously bounced address")
        #expect(run.events[2].providerVerdict == "mailgun:failed/permanent/suppress-bounce")
        #expect(run.events[3].providerVerdict == "mailgun:complained")
        #expect(run.summary.skipped == 1)
        #expect(run.rejections.map(\.line) == [12])
        #expect(run.rejections[0].reason == "Mailgun failed event without recipient")
    }

    @Test func jsonLinesWithACutLineRejectOnlyThatLine() throws {
        let run = try runImporter(MailgunImporter(), EventFixtures.mailgunEventLines)
        #expect(run.events.map(\.address) == ["one@example.com", "two@example.org"])
        #expect(run.events[1].replyCode == 550)
        #expect(run.events[1].enhancedCode == "5.1.1")
        #expect(run.rejections.map(\.line) == [3])
    }
}
