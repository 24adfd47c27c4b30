import Testing
@testable import ListWash

@Suite struct EventFormatDetectionTests {
    static let fixtures: [(name: String, text: String, format: EventFormat)] = [
        ("ses-bounce.json", EventFixtures.sesBounceTwoRecipients, .ses),
        ("ses-sns.json", EventFixtures.sesSNSComplaint, .ses),
        ("ses-events.jsonl", EventFixtures.sesEventLines, .ses),
        ("sendgrid.json", EventFixtures.sendGridBatch, .sendgrid),
        ("mailgun-webhook.json", EventFixtures.mailgunWebhookFailed, .mailgun),
        ("mailgun-page.json", EventFixtures.mailgunEventsPage, .mailgun),
        ("mailgun.jsonl", EventFixtures.mailgunEventLines, .mailgun),
        ("postmark-webhook.json", EventFixtures.postmarkWebhook, .postmark),
        ("postmark-dump.json", EventFixtures.postmarkAPIDump, .postmark),
        ("postmark-other.json", EventFixtures.postmarkOtherWebhooks, .postmark),
        ("maillog", EventFixtures.postfixLog, .postfix),
    ]

    @Test(arguments: fixtures.indices)
    func detectsTheFormatOfEachFixture(index: Int) {
        let fixture = Self.fixtures[index]
        let prefix = Array(Array(fixture.text.utf8).prefix(EventFormat.sniffLength))
        #expect(EventFormat.detect(prefix: prefix, fileName: fixture.name) == fixture.format, "\(fixture.name)")
    }

    @Test(arguments: EventFixtures.notEventFiles.indices)
    func detectsNothingInGarbage(index: Int) {
        let sample = EventFixtures.notEventFiles[index]
        #expect(EventFormat.detect(prefix: Array(sample.text.utf8), fileName: sample.name) == nil, "\(sample.name)")
    }

    @Test func mailgunEventsWithAnEmailUserVariableAreNotTakenForSendGrid() {
        let text = #"{"event":"delivered","timestamp":1717236100,"recipient":"a@example.com","user-variables":{"email":"a@example.com"}}"#
        #expect(EventFormat.detect(prefix: Array(text.utf8), fileName: "events.jsonl") == .mailgun)
    }

    @Test func registryCoversEveryFormatOnceAndImportersAgree() {
        #expect(Set(EventFormat.detectionOrder) == Set(EventFormat.allCases))
        #expect(EventFormat.detectionOrder.count == EventFormat.allCases.count)
        for format in EventFormat.allCases {
            #expect(format.importerType.format == format)
            #expect(type(of: format.makeImporter()).format == format)
        }
    }

    @Test func everyFixtureReadsWithoutErrorsInRejectionReasonsContainingAddresses() throws {
        for fixture in Self.fixtures {
            let run = try runImporter(fixture.format.makeImporter(options: EventImportOptions(year: 2024)), fixture.text)
            #expect(!run.events.isEmpty, "\(fixture.name)")
            #expect(run.rejections.allSatisfy { !$0.reason.contains("@") }, "\(fixture.name)")
        }
    }
}
