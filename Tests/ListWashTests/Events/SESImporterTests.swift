import Testing
@testable import ListWash

@Suite struct SESImporterTests {
    @Test func bounceBecomesOneEventPerRecipientWithVerdictAndRawReply() throws {
        let run = try runImporter(SESImporter(), EventFixtures.sesBounceTwoRecipients, file: "ses.json")
        #expect(run.rejections.isEmpty)
        #expect(run.events.count == 2)
        let stamp = Timestamp.parse("2024-06-01T10:00:05Z")!
        #expect(run.events[0] == RawEvent(
            address: "nobody@example.org", timestamp: stamp, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
            diagnostic: "smtp; 550 5.1.1 user unknown", providerVerdict: "ses:Permanent/General",
            source: EventSource(file: "ses.json", line: 1), messageIdentity: "ses:0100018fexample-aaaa"))
        // The provider says Permanent; the raw DMARC text is kept for the classifier to overrule it.
        #expect(run.events[1].address == "blocked@example.net")
        #expect(run.events[1].replyCode == 550)
        #expect(run.events[1].enhancedCode == "5.7.1")
        #expect(run.events[1].diagnostic.contains("DMARC"))
        #expect(run.events[1].providerVerdict == "ses:Permanent/General")
        #expect(run.summary.events == 2)
    }

    @Test func snsEnvelopeIsUnwrappedToComplaint() throws {
        let run = try runImporter(SESImporter(), EventFixtures.sesSNSComplaint)
        #expect(run.rejections.isEmpty)
        #expect(run.events == [RawEvent(
            address: "angry@example.org", timestamp: Timestamp.parse("2024-06-02T08:30:00Z")!, type: .complaint,
            diagnostic: "abuse", providerVerdict: "ses:Complaint/abuse", source: EventSource(file: "events.json", line: 1),
            messageIdentity: "ses:0100018fexample-cccc")])
    }

    @Test func eventPublishingLinesMapDeliveryAndBounceAndRejectBrokenLines() throws {
        let run = try runImporter(SESImporter(), EventFixtures.sesEventLines)
        #expect(run.events.count == 2)
        #expect(run.events[0].type == .delivered)
        #expect(run.events[0].address == "fine@example.com")
        #expect(run.events[0].replyCode == 250)
        #expect(run.events[0].enhancedCode == "2.6.0")
        #expect(run.events[0].timestamp == Timestamp.parse("2024-06-03T09:00:02Z"))
        #expect(run.events[1].type == .bounce)
        #expect(run.events[1].providerVerdict == "ses:Transient/MailboxFull")
        #expect(run.events[1].source.line == 2)
        #expect(run.summary.skipped == 1)
        #expect(run.rejections.map(\.line) == [5, 6])
        #expect(run.rejections[0].reason == "malformed JSON")
        #expect(run.rejections[1].reason == "SES record without notificationType or eventType")
    }

    @Test func arrayOfNotificationsAndStatusFallback() throws {
        let text = """
        [
          {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"Suppressed","timestamp":"2024-06-01T00:00:00Z",
            "bouncedRecipients":[{"emailAddress":"listed@example.org","status":"5.1.1","action":"failed",
              "diagnosticCode":"Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address."}]}},
          {"notificationType":"Bounce","bounce":{"bounceType":"Undetermined","bounceSubType":"Undetermined","timestamp":"2024-06-01T00:00:01Z",
            "bouncedRecipients":[{"action":"failed"}]}},
          {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"x@example.org"}]}}
        ]
        """
        let run = try runImporter(SESImporter(), text)
        #expect(run.events.count == 1)
        #expect(run.events[0].replyCode == nil)
        #expect(run.events[0].enhancedCode == "5.1.1")
        #expect(run.events[0].providerVerdict == "ses:Permanent/Suppressed")
        #expect(run.rejections.map(\.line) == [5, 7])
        #expect(run.rejections[0].reason == "SES bounce bouncedRecipients[0] has no emailAddress")
        #expect(run.rejections[1].reason == "SES bounce without a readable timestamp")
    }

    @Test func snsSubscriptionConfirmationIsSkippedAndBadMessageRejected() throws {
        let text = """
        {"Type":"SubscriptionConfirmation","TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":"You have chosen to subscribe"}
        {"Type":"Notification","TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":"not json at all"}
        """
        let run = try runImporter(SESImporter(), text)
        #expect(run.events.isEmpty)
        #expect(run.summary.skipped == 1)
        #expect(run.rejections.map(\.line) == [2])
    }
}
