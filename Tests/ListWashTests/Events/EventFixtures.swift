@testable import ListWash

/// What one importer run produced.
struct ImportRun {
    var events: [RawEvent] = []
    var rejections: [Rejection] = []
    var summary = EventImportSummary()
}

/// Runs `importer` on `text` as the file `file`.
func runImporter(_ importer: some EventImporter, _ text: String, file: String = "events.json") throws -> ImportRun {
    var run = ImportRun()
    run.summary = try importer.read(bytes: Array(text.utf8), file: file,
                                    emit: { run.events.append($0) }, reject: { run.rejections.append($0) })
    return run
}

/// Fixtures written from the documented layouts in FORMATS.md; every address is fictional.
enum EventFixtures {
    /// SES SNS feedback notification: a Permanent bounce for two recipients.
    static let sesBounceTwoRecipients = #"""
    {"notificationType":"Bounce",
     "bounce":{"bounceType":"Permanent","bounceSubType":"General","timestamp":"2024-06-01T10:00:05.000Z",
       "feedbackId":"0100018fexample-000000","reportingMTA":"dns; a1-23.smtp-out.example.com",
       "bouncedRecipients":[
         {"emailAddress":"nobody@example.org","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 user unknown"},
         {"emailAddress":"blocked@example.net","action":"failed","status":"5.7.1","diagnosticCode":"smtp; 550 5.7.1 Message rejected due to DMARC policy"}]},
     "mail":{"timestamp":"2024-06-01T10:00:00.000Z","messageId":"0100018fexample-aaaa","source":"news@example.com",
       "destination":["nobody@example.org","blocked@example.net"]}}
    """#

    /// SES complaint inside an SNS envelope (the notification is a JSON string in `Message`).
    static let sesSNSComplaint = #"""
    {
      "Type" : "Notification",
      "MessageId" : "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
      "TopicArn" : "arn:aws:sns:us-east-1:123456789012:ses-feedback",
      "Message" : "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":[{\"emailAddress\":\"angry@example.org\"}],\"timestamp\":\"2024-06-02T08:30:00.000Z\",\"feedbackId\":\"0100018fexample-bbbb\",\"complaintFeedbackType\":\"abuse\"},\"mail\":{\"timestamp\":\"2024-06-02T08:00:00.000Z\",\"messageId\":\"0100018fexample-cccc\",\"source\":\"news@example.com\",\"destination\":[\"angry@example.org\"]}}",
      "Timestamp" : "2024-06-02T08:30:01.000Z",
      "SignatureVersion" : "1"
    }
    """#

    /// SES event publishing as JSON Lines: a Delivery, a Transient bounce, a Send (skipped),
    /// a broken line and a record without a type.
    static let sesEventLines = #"""
    {"eventType":"Delivery","mail":{"timestamp":"2024-06-03T09:00:00.000Z","messageId":"m1"},"delivery":{"timestamp":"2024-06-03T09:00:02.000Z","recipients":["fine@example.com"],"smtpResponse":"250 2.6.0 Message received","reportingMTA":"a8-70.smtp-out.example.com"}}
    {"eventType":"Bounce","mail":{"timestamp":"2024-06-03T09:10:00.000Z","messageId":"m2"},"bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull","timestamp":"2024-06-03T09:10:04.000Z","bouncedRecipients":[{"emailAddress":"full@example.net","status":"4.2.2","diagnosticCode":"smtp; 452 4.2.2 Mailbox full"}]}}
    {"eventType":"Send","mail":{"timestamp":"2024-06-03T09:20:00.000Z","messageId":"m3"},"send":{}}

    {"eventType":"Bounce","mail":{"timestamp":"2024-06-03T09:30:00.000Z"
    {"mail":{"timestamp":"2024-06-03T09:40:00.000Z","messageId":"m5"}}
    """#

    /// A SendGrid webhook batch, pretty-printed one event per line.
    static let sendGridBatch = #"""
    [
    {"email":"old.box@example.org","timestamp":1717236005,"smtp-id":"<abc123@mail.example.com>","event":"bounce","category":["newsletter"],"sg_event_id":"ZXhhbXBsZS1ldmVudA","sg_message_id":"exampleMsg.filter0001.1.0","reason":"550 5.1.1 The email account does not exist","status":"5.1.1","type":"bounce","bounce_classification":"Invalid Address"},
    {"email":"busy@example.org","timestamp":1717236010,"event":"deferred","response":"451 4.7.1 try again later","attempt":"3","sg_event_id":"ZXhhbXBsZS1ldmVudDI","sg_message_id":"exampleMsg2.filter0001.1.0"},
    {"email":"rep@example.net","timestamp":"1717236020","event":"bounce","reason":"554 5.7.1 Service unavailable; client host blocked using a DNSBL","status":"5.7.1","type":"blocked","bounce_classification":"Reputation","sg_event_id":"e3"},
    {"email":"gone@example.org","timestamp":1717236030,"event":"dropped","reason":"Bounced Address","sg_event_id":"e4"},
    {"email":"fine@example.com","timestamp":1717236040,"event":"delivered","response":"250 2.0.0 OK","sg_event_id":"e5"},
    {"email":"fine@example.com","timestamp":1717236041,"event":"processed","sg_event_id":"e6"},
    {"email":"fine@example.com","timestamp":1717236042,"event":"open","sg_event_id":"e7"},
    {"email":"spam@example.org","timestamp":1717236050,"event":"spamreport","sg_event_id":"e8"},
    {"email":"bye@example.org","timestamp":1717236060,"event":"unsubscribe","sg_event_id":"e9"},
    {"email":"group@example.org","timestamp":1717236070,"event":"group_unsubscribe","asm_group_id":42,"sg_event_id":"e10"},
    {"timestamp":1717236080,"event":"bounce","reason":"550 no such user","sg_event_id":"e11"},
    {"email":"late@example.org","timestamp":"yesterday","event":"delivered","sg_event_id":"e12"}
    ]
    """#

    /// A Mailgun webhook body for a permanent failure (the documented sample).
    static let mailgunWebhookFailed = #"""
    {"signature":{"timestamp":"1717236005","token":"0123456789abcdef","signature":"deadbeef"},
     "event-data":{"event":"failed","id":"ExAmPlEiD","timestamp":1717236005.12,"log-level":"error",
       "severity":"permanent","reason":"bounce","recipient":"gone@example.org","recipient-domain":"example.org",
       "delivery-status":{"code":550,"enhanced-code":"5.1.1","message":"5.1.1 mailbox does not exist",
         "attempt-no":1,"mx-host":"mx1.example.org","tls":true,"bounce-type":"hard"},
       "envelope":{"sender":"bounces@mg.example.com","targets":"gone@example.org","transport":"smtp","sending-ip":"203.0.113.9"},
       "message":{"headers":{"message-id":"20240601100000.1@mg.example.com","from":"news@example.com","to":"gone@example.org","subject":"June news"}},
       "user-variables":{}}}
    """#

    /// A Mailgun Events API page: delivered, temporary failure, suppression, complaint,
    /// unsubscribe, an open (skipped) and a failure without a recipient.
    static let mailgunEventsPage = #"""
    {
      "items": [
        {"event":"delivered","id":"a1","timestamp":1717236100.5,"recipient":"fine@example.com",
         "delivery-status":{"code":250,"message":"OK","description":""}},
        {"event":"failed","id":"a2","timestamp":1717236200.25,"log-level":"warn","severity":"temporary","reason":"generic",
         "recipient":"slow@example.net","delivery-status":{"code":421,"enhanced-code":"4.7.0","message":"421 4.7.0 Try again later, closing connection.","retry-seconds":600}},
        {"event":"failed","id":"a3","timestamp":1717236300,"severity":"permanent","reason":"suppress-bounce",
         "recipient":"gone@example.org","delivery-status":{"code":605,"message":"","description":"Not delivering to previously bounced address"}},
        {"event":"complained","id":"a4","timestamp":1717236400,"recipient":"angry@example.org"},
        {"event":"unsubscribed","id":"a5","timestamp":1717236500,"recipient":"bye@example.org"},
        {"event":"opened","id":"a6","timestamp":1717236600,"recipient":"fine@example.com"},
        {"event":"failed","id":"a7","timestamp":1717236700,"severity":"permanent","reason":"bounce"}
      ],
      "paging": {"next":"https://api.mailgun.net/v3/mg.example.com/events/W3siY","previous":"https://api.mailgun.net/v3/mg.example.com/events/Lkawm"}
    }
    """#

    /// Mailgun JSON Lines of event objects, one of them cut short.
    static let mailgunEventLines = #"""
    {"event":"delivered","timestamp":1717236100,"recipient":"one@example.com","log-level":"info"}
    {"event":"failed","timestamp":1717236200,"severity":"permanent","reason":"bounce","recipient":"two@example.org","delivery-status":{"code":"550","message":"550 5.1.1 no such mailbox"}}
    {"event":"failed","timestamp":
    """#

    /// A Postmark bounce webhook (the documented sample).
    static let postmarkWebhook = #"""
    {"RecordType":"Bounce","MessageStream":"outbound","ID":4242,"Type":"HardBounce","TypeCode":1,"Name":"Hard bounce",
     "Tag":"welcome","MessageID":"00000000-0000-4000-8000-000000000001","Metadata":{"plan":"trial"},"ServerID":7,
     "Description":"The server was unable to deliver your message.","Details":"smtp;550 5.1.1 unknown user",
     "Email":"typo@example.org","From":"hello@example.com","BouncedAt":"2024-06-01T10:00:05Z",
     "DumpAvailable":true,"Inactive":true,"CanActivate":true,"Subject":"Welcome","Content":""}
    """#

    /// A Postmark Bounce API dump with four bounces of different types and one without BouncedAt.
    static let postmarkAPIDump = #"""
    {
      "TotalCount": 5,
      "Bounces": [
        {"ID": 1, "Type": "Transient", "TypeCode": 2, "Name": "Message delayed",
         "Description": "The server could not temporarily deliver your message.", "Details": "smtp;421 4.4.2 connection timed out",
         "Email": "slow@example.net", "BouncedAt": "2024-06-04T11:00:00-04:00", "Inactive": false},
        {"ID": 2, "Type": "SpamComplaint", "TypeCode": 100001, "Name": "Spam complaint",
         "Description": "The subscriber explicitly marked this message as spam.", "Details": "",
         "Email": "angry@example.org", "BouncedAt": "2024-06-04T12:00:00Z", "Inactive": true},
        {"ID": 3, "Type": "Unsubscribe", "TypeCode": 16, "Name": "Unsubscribe request",
         "Description": "Unsubscribe or remove request.", "Details": "",
         "Email": "bye@example.org", "BouncedAt": "2024-06-04T13:00:00Z", "Inactive": true},
        {"ID": 4, "Type": "DMARCPolicy", "TypeCode": 100009, "Name": "DMARC policy",
         "Description": "Rejected because of the sender's DMARC policy.", "Details": "smtp;550 5.7.1 Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
         "Email": "strict@example.net", "BouncedAt": "2024-06-04T14:00:00Z", "Inactive": true},
        {"ID": 5, "Type": "HardBounce", "TypeCode": 1, "Email": "when@example.org", "Details": "smtp;550 5.1.1 unknown"}
      ]
    }
    """#

    /// Postmark Delivery and SubscriptionChange webhooks and an Open (skipped), as an array.
    static let postmarkOtherWebhooks = #"""
    [{"RecordType":"Delivery","ServerID":23,"MessageStream":"outbound","MessageID":"883953f4","Recipient":"fine@example.com","Tag":"welcome","DeliveredAt":"2024-06-05T16:33:54.9070259Z","Details":"Test delivery webhook details","Metadata":{}},
     {"RecordType":"SubscriptionChange","MessageID":"883953f5","ServerID":23,"MessageStream":"broadcast","ChangedAt":"2024-06-05T17:00:00Z","Recipient":"bye@example.org","Origin":"Recipient","SuppressSending":true,"SuppressionReason":"ManualSuppression","Tag":"news","Metadata":{}},
     {"RecordType":"SubscriptionChange","MessageID":"883953f6","ServerID":23,"MessageStream":"broadcast","ChangedAt":"2024-06-05T18:00:00Z","Recipient":"back@example.org","Origin":"Customer","SuppressSending":false,"SuppressionReason":null,"Tag":"news","Metadata":{}},
     {"RecordType":"Open","MessageStream":"outbound","Recipient":"fine@example.com","ReceivedAt":"2024-06-05T19:00:00Z"}]
    """#

    /// A Postfix maillog in June: bounce, deferral, delivery, and lines that are not deliveries.
    static let postfixLog = """
    Jun  1 09:59:58 mx1 postfix/qmgr[20400]: 4B1C2A0F3E: from=<news@example.com>, size=4242, nrcpt=1 (queue active)
    Jun  1 10:00:05 mx1 postfix/smtp[20411]: 4B1C2A0F3E: to=<nobody@example.org>, relay=mx.example.org[198.51.100.25]:25, delay=1.2, delays=0.05/0.01/0.6/0.54, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.25] said: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command))
    Jun  1 10:00:06 mx1 postfix/bounce[20415]: 4B1C2A0F3E: sender non-delivery notification: 6D2E3B1A44
    Jun  1 10:05:00 mx1 postfix/smtp[20420]: 7A9F0C2D11: to=<slow@example.net>, relay=none, delay=300, delays=0.02/0/300/0, dsn=4.4.1, status=deferred (connect to mx.example.net[203.0.113.50]:25: Connection timed out)
    Jun  1 10:06:00 mx1 postfix/smtp[20421]: 8C0D1E2F33: to=<fine@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=0.4, delays=0.01/0/0.2/0.19, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 1A2B3C4D5E)
    Jun  1 10:06:01 mx1 dovecot: imap-login: Login: user=<someone>, method=PLAIN, status=ok
    Jun  1 10:07:00 mx1 postfix/smtpd[20430]: connect from unknown[192.0.2.99]
    Jun  1 10:08:00 mx1 postfix/smtp[20431]: 9D1E2F3A44: to=<greylist@example.net>, relay=mx.example.net[203.0.113.51]:25, delay=2, delays=0.1/0/1/0.9, dsn=4.7.1, status=deferred (host mx.example.net[203.0.113.51] said: 450 4.7.1 <greylist@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html (in reply to RCPT TO command))
    """

    /// Garbage and near misses that no importer should claim.
    static let notEventFiles: [(name: String, text: String)] = [
        ("notes.txt", "hello world\nthis is not a bounce log\n"),
        ("empty.json", ""),
        ("other.json", #"{"foo": 1, "bar": [true, false]}"#),
        ("list.csv", "email,first_name\nsomeone@example.com,Some\n"),
        ("mbox", "From MAILER-DAEMON Sat Jun  1 10:00:06 2024\nSubject: Undelivered Mail Returned to Sender\nReceived: by mx1.example.com (Postfix)\n\nJun  1 10:00:05 mx1 postfix/smtp[1]: quoted log line\n"),
        ("sendgrid-like.txt", "event email timestamp in plain text, postfix/smtp mentioned\n"),
    ]
}
