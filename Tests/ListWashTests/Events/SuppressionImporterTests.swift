import Foundation
import Testing
@testable import ListWash

/// Suppression-list exports, in the column layouts and keys the providers document (every
/// address fictional).
@Suite struct SuppressionImporterTests {
    static let mailchimpCleaned = """
    Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID,LEID,EUID,NOTES,TAGS
    ana.ruiz@example.com,Ana,Ruiz,2,2023-04-02 10:11:12,192.0.2.14,2023-04-02 10:12:40,192.0.2.14,,,,,,,,2024-01-15 08:00:03,"Spring sale",a1b2c3d4e5,118,9f8e7d6c5b,,\"\"\"Customer\"\"\"
    no.time@example.com,No,Time,2,2023-04-02 10:11:12,192.0.2.14,2023-04-02 10:12:40,192.0.2.14,,,,,,,,,"Spring sale",a1b2c3d4e5,119,9f8e7d6c5c,,
    short@example.com,Short

    """

    static let mailchimpUnsubscribed = """
    Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER,LEID,EUID,NOTES
    li.wei@example.net,Li,Wei,3,2022-01-01 00:00:00,,,,,,,,,,,2024-02-01 12:30:00,"Winter news",f00ba4,NORMAL,,7,abc,

    """

    @Test func mailchimpCleanedRowsAreBouncesWithoutReplyAndBadRowsAreRejected() throws {
        #expect(MailchimpImporter.sniff(prefix: Array(Self.mailchimpCleaned.utf8), fileName: "cleaned_members_export_1.csv"))
        let run = try runImporter(MailchimpImporter(), Self.mailchimpCleaned, file: "cleaned.csv")
        #expect(run.events == [RawEvent(
            address: "ana.ruiz@example.com", timestamp: Timestamp.parse("2024-01-15T08:00:03Z")!, type: .bounce,
            diagnostic: SuppressionExport.noReplyDiagnostic, providerVerdict: "mailchimp:cleaned",
            source: EventSource(file: "cleaned.csv", line: 2))])
        #expect(run.rejections.map(\.line) == [3, 4])
        #expect(run.rejections[0].reason == "Mailchimp row with neither CLEAN_TIME nor UNSUB_TIME")
        #expect(run.rejections[1].reason == "expected 22 fields, found 2")
        #expect(run.summary.notes == ["Mailchimp times carry no zone; read as UTC"])
    }

    @Test func mailchimpUnsubscribedRowsAreUnsubscribesWithTheirReason() throws {
        let run = try runImporter(MailchimpImporter(), Self.mailchimpUnsubscribed, file: "unsub.csv")
        #expect(run.rejections.isEmpty)
        #expect(run.events == [RawEvent(
            address: "li.wei@example.net", timestamp: Timestamp.parse("2024-02-01T12:30:00Z")!, type: .unsubscribe,
            diagnostic: "NORMAL", providerVerdict: "mailchimp:unsubscribed", source: EventSource(file: "unsub.csv", line: 2))])
    }

    @Test func sendGridListsFromFileNameOrColumns() throws {
        let bounces = """
        email,created,reason,status
        gone@example.org,1717236005,"550 5.1.1 The email account that you tried to reach does not exist.",5.1.1
        quiet@example.org,2024-06-01 10:00:05,,5.0.0

        """
        let run = try runImporter(SendGridSuppressionImporter(), bounces, file: "suppression_bounces.csv")
        #expect(run.rejections.isEmpty)
        #expect(run.events.count == 2)
        #expect(run.events[0] == RawEvent(
            address: "gone@example.org", timestamp: 1_717_236_005, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
            diagnostic: "550 5.1.1 The email account that you tried to reach does not exist.",
            providerVerdict: "sendgrid-suppressions:bounces", source: EventSource(file: "suppression_bounces.csv", line: 2)))
        #expect(run.events[1].diagnostic == SuppressionExport.noReplyDiagnostic)
        #expect(run.events[1].timestamp == Timestamp.parse("2024-06-01T10:00:05Z"))

        let blocks = try runImporter(SendGridSuppressionImporter(), "email,created,reason,status\nb@example.org,1717236005,554 5.7.1 blocked,5.7.1\n",
                                     file: "blocks.csv")
        #expect(blocks.events.map(\.providerVerdict) == ["sendgrid-suppressions:blocks"])

        let spam = try runImporter(SendGridSuppressionImporter(), "email,created,ip\nangry@example.org,1717236005,192.0.2.1\n", file: "x.csv")
        #expect(spam.events.map(\.type) == [.complaint])
        #expect(spam.events.map(\.providerVerdict) == ["sendgrid-suppressions:spam_reports"])

        let invalid = try runImporter(SendGridSuppressionImporter(), "email,created,reason\nbad@example,1717236005,Mail domain mentioned in email address is unknown\n",
                                      file: "x.csv")
        #expect(invalid.events.map(\.type) == [.bounce])
        #expect(invalid.events.map(\.providerVerdict) == ["sendgrid-suppressions:invalid_emails"])

        let global = try runImporter(SendGridSuppressionImporter(), "email,created\nbye@example.org,1717236005\n", file: "x.csv")
        #expect(global.events.map(\.type) == [.unsubscribe])
        #expect(global.events.map(\.providerVerdict) == ["sendgrid-suppressions:unsubscribes"])

        let group = try runImporter(SendGridSuppressionImporter(), "email,group_id,group_name,created\nbye@example.org,42,News,1717236005\n", file: "x.csv")
        #expect(group.events.map(\.providerVerdict) == ["sendgrid-suppressions:group_unsubscribes/42"])

        let noTime = try runImporter(SendGridSuppressionImporter(), "email,created\nbye@example.org,yesterday\n", file: "x.csv")
        #expect(noTime.events.isEmpty)
        #expect(noTime.rejections.map(\.reason) == ["SendGrid unsubscribes row without a readable created time"])
        #expect(!noTime.rejections[0].reason.contains("@"))
    }

    @Test func mailgunListsByColumns() throws {
        let bounces = """
        address,code,error,created_at
        gone@example.org,550,"5.1.1 mailbox does not exist","Fri, 21 Oct 2011 11:02:55 UTC"
        quiet@example.org,550,,"Fri, 21 Oct 2011 11:02:55 UTC"

        """
        let run = try runImporter(MailgunSuppressionImporter(), bounces, file: "bounces.csv")
        #expect(run.rejections.isEmpty)
        #expect(run.events[0] == RawEvent(
            address: "gone@example.org", timestamp: Timestamp.parse("2011-10-21T11:02:55Z")!, type: .bounce, replyCode: 550,
            enhancedCode: "5.1.1", diagnostic: "5.1.1 mailbox does not exist", providerVerdict: "mailgun-suppressions:bounces",
            source: EventSource(file: "bounces.csv", line: 2)))
        #expect(run.events[1].diagnostic == SuppressionExport.noReplyDiagnostic)
        #expect(run.events[1].replyCode == nil)

        let unsub = try runImporter(MailgunSuppressionImporter(), "address,tags,created_at\nbye@example.org,*,\"Fri, 21 Oct 2011 11:02:55 UTC\"\n", file: "x.csv")
        #expect(unsub.events.map(\.type) == [.unsubscribe])
        let complaints = try runImporter(MailgunSuppressionImporter(), "address,created_at\nangry@example.org,\"Fri, 21 Oct 2011 11:02:55 UTC\"\n", file: "x.csv")
        #expect(complaints.events.map(\.type) == [.complaint])
        let named = try runImporter(MailgunSuppressionImporter(), "address,created_at\nbye@example.org,\"Fri, 21 Oct 2011 11:02:55 UTC\"\n", file: "unsubscribes.csv")
        #expect(named.events.map(\.type) == [.unsubscribe])
    }

    @Test func sesSuppressionListPagesAndSingleDestination() throws {
        let pages = """
        {"SuppressedDestinationSummaries":[
          {"EmailAddress":"gone@example.org","Reason":"BOUNCE","LastUpdateTime":"2024-06-01T10:00:05.123000+00:00"},
          {"EmailAddress":"angry@example.org","Reason":"COMPLAINT","LastUpdateTime":1717236005.5},
          {"EmailAddress":"odd@example.org","Reason":"OTHER","LastUpdateTime":1717236005}],
         "NextToken":"abc"}
        {"SuppressedDestination":{"EmailAddress":"one@example.org","Reason":"BOUNCE","LastUpdateTime":1717236005,
          "Attributes":{"MessageId":"0100018fexample-aaaa","FeedbackId":"0100018fexample-bbbb"}}}
        """
        #expect(SESSuppressionImporter.sniff(prefix: Array(pages.utf8), fileName: "list.json"))
        #expect(!SESImporter.sniff(prefix: Array(pages.utf8), fileName: "list.json"))
        let run = try runImporter(SESSuppressionImporter(), pages, file: "list.json")
        #expect(run.events.map(\.address) == ["gone@example.org", "angry@example.org", "one@example.org"])
        #expect(run.events.map(\.type) == [.bounce, .complaint, .bounce])
        #expect(run.events[0].timestamp == Timestamp.parse("2024-06-01T10:00:05Z"))
        #expect(run.events[0].diagnostic == SuppressionExport.noReplyDiagnostic)
        #expect(run.events[0].providerVerdict == "ses-suppressions:BOUNCE")
        #expect(run.events[2].messageIdentity == "ses:0100018fexample-aaaa")
        #expect(run.rejections.map(\.reason) == ["SES suppressed destination with a Reason other than BOUNCE or COMPLAINT"])
    }

    @Test func postmarkDump() throws {
        let dump = """
        {"Suppressions":[
          {"EmailAddress":"gone@example.org","SuppressionReason":"HardBounce","Origin":"Recipient","CreatedAt":"2019-12-10T08:58:33-05:00"},
          {"EmailAddress":"angry@example.org","SuppressionReason":"SpamComplaint","Origin":"Recipient","CreatedAt":"2019-12-10T08:58:33-05:00"},
          {"EmailAddress":"bye@example.org","SuppressionReason":"ManualSuppression","Origin":"Customer","CreatedAt":"2019-12-10T08:58:33-05:00"},
          {"EmailAddress":"when@example.org","SuppressionReason":"HardBounce","Origin":"Recipient"}]}
        """
        #expect(PostmarkSuppressionImporter.sniff(prefix: Array(dump.utf8), fileName: "dump.json"))
        #expect(!PostmarkImporter.sniff(prefix: Array(dump.utf8), fileName: "dump.json"))
        let run = try runImporter(PostmarkSuppressionImporter(), dump, file: "dump.json")
        #expect(run.events.map(\.type) == [.bounce, .complaint, .unsubscribe])
        #expect(run.events[0].timestamp == Timestamp.parse("2019-12-10T13:58:33Z"))
        #expect(run.events.map(\.providerVerdict) == ["postmark-suppressions:HardBounce/Recipient", "postmark-suppressions:SpamComplaint/Recipient",
                                                      "postmark-suppressions:ManualSuppression/Customer"])
        #expect(run.rejections.map(\.reason) == ["Postmark suppression without a readable CreatedAt"])
    }

    @Test func detectionPicksEachExportByItsHeader() {
        func detect(_ text: String, _ name: String = "export.csv") -> IngestFormat? {
            IngestFormat.detect(path: name, prefix: Array(text.utf8))
        }
        #expect(detect(Self.mailchimpCleaned) == .provider(.mailchimp))
        #expect(detect(Self.mailchimpUnsubscribed) == .provider(.mailchimp))
        #expect(detect("email,created,reason,status\n") == .provider(.sendgridSuppressions))
        #expect(detect("address,code,error,created_at\n") == .provider(.mailgunSuppressions))
        #expect(detect(#"{"SuppressedDestinationSummaries":[]}"#, "s.json") == .provider(.sesSuppressions))
        #expect(detect(#"{"Suppressions":[]}"#, "s.json") == .provider(.postmarkSuppressions))
        // A subscribed-members export and listwash's own CSV are not suppression lists.
        #expect(detect("Email Address,First Name,LAST_CHANGED\n", "members.txt") == nil)
        #expect(detect("email,timestamp,event,smtp_code,enhanced_code,diagnostic\n") == .csv)
        #expect(IngestFormat(name: "sendgrid-suppressions") == .provider(.sendgridSuppressions))
    }

    /// A list entry without a reply repeats the provider's verdict: the classifier files it
    /// under `suppressed` (sender), as it files the providers' own suppression events.
    @Test func entriesWithoutReplyAndProviderSuppressionEventsAreOneClassification() throws {
        let classifier = try Classifier()
        let texts = [
            SuppressionExport.noReplyDiagnostic,
            // SendGrid dropped "Bounced Address", Mailgun suppress-bounce.
            "Bounced Address",
            "Not delivering to previously bounced address",
        ]
        for text in texts {
            let result = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: text)
            #expect(result.reason == .suppressed, "\(text)")
            #expect(result.kind == .sender, "\(text)")
        }
    }
}

/// SES notifications as SQS and Kinesis Data Firehose deliver them.
@Suite struct SESDeliveryPathTests {
    /// A raw SES notification, as a JSON string value.
    static let bounceBody = #"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\",\"timestamp\":\"2024-06-01T10:00:05.000Z\",\"bouncedRecipients\":[{\"emailAddress\":\"nobody@example.org\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]},\"mail\":{\"messageId\":\"0100018fexample-aaaa\"}}"#

    @Test func sqsReceiveMessageOutputWithRawAndSNSWrappedBodies() throws {
        let snsEnvelope = #"{\"Type\":\"Notification\",\"TopicArn\":\"arn:aws:sns:us-east-1:123456789012:ses\",\"Message\":\"{\\\"notificationType\\\":\\\"Complaint\\\",\\\"complaint\\\":{\\\"complainedRecipients\\\":[{\\\"emailAddress\\\":\\\"angry@example.org\\\"}],\\\"timestamp\\\":\\\"2024-06-02T08:30:00.000Z\\\"},\\\"mail\\\":{\\\"messageId\\\":\\\"0100018fexample-cccc\\\"}}\"}"#
        let output = """
        {
            "Messages": [
                {"MessageId": "d6790f8d-d575-4f01-bc51-40122EXAMPLE", "ReceiptHandle": "AQEBzbVv...fqNzFw==",
                 "MD5OfBody": "1000f835...a35411fa", "Body": "\(Self.bounceBody)"},
                {"MessageId": "e6790f8d-d575-4f01-bc51-40122EXAMPLE", "ReceiptHandle": "AQEBzbVv...fqNzFx==",
                 "MD5OfBody": "2000f835...a35411fa", "Body": "\(snsEnvelope)"},
                {"MessageId": "f6790f8d-d575-4f01-bc51-40122EXAMPLE", "ReceiptHandle": "AQEBzbVv...fqNzFy==",
                 "MD5OfBody": "3000f835...a35411fa", "Body": "not json"}
            ]
        }
        """
        #expect(IngestFormat.detect(path: "receive.json", prefix: Array(output.utf8)) == .provider(.ses))
        let run = try runImporter(SESImporter(), output, file: "receive.json")
        #expect(run.events.map(\.address) == ["nobody@example.org", "angry@example.org"])
        #expect(run.events.map(\.type) == [.bounce, .complaint])
        #expect(run.events[0].enhancedCode == "5.1.1")
        #expect(run.events[0].messageIdentity == "ses:0100018fexample-aaaa")
        #expect(run.rejections.map(\.reason) == ["SQS message Body is not a JSON object"])
    }

    @Test func firehoseObjectsOneAfterAnotherAndOneALine() throws {
        let event = #"{"eventType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","timestamp":"2024-06-01T10:00:05.000Z","bouncedRecipients":[{"emailAddress":"a@example.org","diagnosticCode":"smtp; 550 5.1.1 user unknown"}]},"mail":{"messageId":"m-1","timestamp":"2024-06-01T10:00:00.000Z"}}"#
        let other = event.replacingOccurrences(of: "a@example.org", with: "b@example.org").replacingOccurrences(of: "m-1", with: "m-2")
        for text in [event + other, event + "\n" + other + "\n"] {
            #expect(IngestFormat.detect(path: "firehose-1", prefix: Array(text.utf8)) == .provider(.ses))
            let run = try runImporter(SESImporter(), text, file: "firehose-1")
            #expect(run.rejections.isEmpty)
            #expect(run.events.map(\.address) == ["a@example.org", "b@example.org"])
            #expect(run.events.map(\.replyCode) == [550, 550])
        }
    }
}
