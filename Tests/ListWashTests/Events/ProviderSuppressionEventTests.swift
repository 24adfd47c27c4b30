import Testing
@testable import ListWash

/// A sending provider's notice that it did not send because the address is on its suppression
/// list (SES `Permanent/Suppressed` and `Permanent/OnAccountSuppressionList`, SendGrid `dropped`
/// "Bounced Address", Mailgun `failed` with reason `suppress-bounce`) repeats the provider's
/// earlier verdict: it is kept as a bounce of reason `suppressed`, kind `sender`, with the
/// provider's verdict, and removes nobody on its own.
@Suite struct ProviderSuppressionEventTests {
    let classifier = sharedClassifier

    func classified(_ event: RawEvent) -> EventRecord { EventRecord(event, classifier: classifier)! }

    @Test func sesSuppressedNotificationsAreTheProvidersVerdict() throws {
        let text = #"""
        {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"Suppressed","timestamp":"2024-06-01T10:00:05.000Z","bouncedRecipients":[{"emailAddress":"gone@example.org","action":"failed","status":"5.1.1","diagnosticCode":"Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address. For more information about how to remove an address from the suppression list, see the Amazon SES Developer Guide: http://docs.aws.amazon.com/ses/latest/DeveloperGuide/remove-from-suppressionlist.html "}]},"mail":{"timestamp":"2024-06-01T10:00:00.000Z","messageId":"0100018fexample-s1"}}
        {"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"OnAccountSuppressionList","timestamp":"2024-06-01T10:00:06.000Z","bouncedRecipients":[{"emailAddress":"listed@example.org","action":"failed","status":"5.1.1","diagnosticCode":"Amazon SES did not send the message to this address because it is on the suppression list for your account. For more information about removing addresses from the suppression list, see the Amazon SES Developer Guide at https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html"}]},"mail":{"timestamp":"2024-06-01T10:00:00.000Z","messageId":"0100018fexample-s2"}}
        """#
        let run = try runImporter(SESImporter(), text, file: "ses.jsonl")
        #expect(run.rejections.isEmpty)
        let records = run.events.map(classified)
        #expect(records.map(\.providerVerdict) == ["ses:Permanent/Suppressed", "ses:Permanent/OnAccountSuppressionList"])
        #expect(records.map(\.reason) == ["suppressed", "suppressed"])
        #expect(records.map(\.kind) == [.sender, .sender])
        // The provider's text is kept as it came.
        #expect(records[0].diagnostic.contains("recent history of bouncing as an invalid address"))
        // Alone it removes nobody.
        #expect(PolicyEngine(policy: Policy()).decide([records[0].policyEvent], asOf: records[0].timestamp + 60) == nil)
    }

    @Test func sendGridDroppedAndMailgunSuppressBounceAreTheSame() throws {
        let sendGrid = try runImporter(SendGridImporter(), #"""
        [{"email":"gone@example.org","timestamp":1717236005,"event":"dropped","reason":"Bounced Address","sg_message_id":"abc.1"}]
        """#, file: "sendgrid.json")
        let mailgun = try runImporter(MailgunImporter(), #"""
        {"event":"failed","severity":"permanent","reason":"suppress-bounce","recipient":"gone@example.org","timestamp":1717236005.5,"delivery-status":{"code":605,"message":"","description":"Not delivering to previously bounced address"},"message":{"headers":{"message-id":"m1@example.com"}}}
        """#, file: "mailgun.json")
        let records = (sendGrid.events + mailgun.events).map(classified)
        #expect(records.count == 2)
        #expect(records.map(\.providerVerdict) == ["sendgrid:dropped/Bounced Address", "mailgun:failed/permanent/suppress-bounce"])
        #expect(records.map(\.reason) == ["suppressed", "suppressed"])
        #expect(records.map(\.kind) == [.sender, .sender])
    }

    @Test func aReceiversInvalidAddressReplyIsStillUserUnknown() {
        let c = classifier.classify(replyCode: 550, enhancedCode: "5.1.1", diagnostic: "550 5.1.1 invalid address")
        #expect(c.reason == .userunknown && c.kind == .hard)
    }
}
