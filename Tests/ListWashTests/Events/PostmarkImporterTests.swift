import Testing
@testable import ListWash

@Suite struct PostmarkImporterTests {
    @Test func bounceWebhookKeepsTypeCodeAndDetails() throws {
        let run = try runImporter(PostmarkImporter(), EventFixtures.postmarkWebhook, file: "pm.json")
        #expect(run.rejections.isEmpty)
        #expect(run.events == [RawEvent(
            address: "typo@example.org", timestamp: Timestamp.parse("2024-06-01T10:00:05Z")!, type: .bounce,
            replyCode: 550, enhancedCode: "5.1.1", diagnostic: "smtp;550 5.1.1 unknown user",
            providerVerdict: "postmark:HardBounce(1)", source: EventSource(file: "pm.json", line: 1),
            messageIdentity: "postmark:00000000-0000-4000-8000-000000000001")])
    }

    @Test func apiDumpMapsComplaintsUnsubscribesAndOtherTypesAsBounces() throws {
        let run = try runImporter(PostmarkImporter(), EventFixtures.postmarkAPIDump)
        #expect(run.events.map(\.type) == [.bounce, .complaint, .unsubscribe, .bounce])
        #expect(run.events.map { $0.source.line ?? 0 } == [4, 7, 10, 13])
        #expect(run.events[0].timestamp == Timestamp.parse("2024-06-04T15:00:00Z"))
        #expect(run.events[0].replyCode == 421)
        #expect(run.events[0].providerVerdict == "postmark:Transient(2)")
        // No details: the description is the diagnostic.
        #expect(run.events[1].diagnostic == "The subscriber explicitly marked this message as spam.")
        #expect(run.events[3].providerVerdict == "postmark:DMARCPolicy(100009)")
        #expect(run.events[3].enhancedCode == "5.7.1")
        #expect(run.rejections.map(\.line) == [16])
        #expect(run.rejections[0].reason == "Postmark bounce without a readable BouncedAt")
    }

    @Test func deliveryAndSubscriptionChangeWebhooks() throws {
        let run = try runImporter(PostmarkImporter(), EventFixtures.postmarkOtherWebhooks)
        #expect(run.rejections.isEmpty)
        #expect(run.events.map(\.type) == [.delivered, .unsubscribe])
        #expect(run.events[0].timestamp == Timestamp.parse("2024-06-05T16:33:54Z"))
        #expect(run.events[1].providerVerdict == "postmark:SubscriptionChange/ManualSuppression")
        #expect(run.events[1].source.line == 2)
        #expect(run.summary.skipped == 2)
    }
}
