import Foundation

/// Amazon SES notifications: SNS feedback notifications (`notificationType`) and
/// configuration-set event publishing (`eventType`), raw or wrapped in an SNS envelope whose
/// `Message` is the notification as a JSON string, or as Amazon SQS hands them out
/// (`aws sqs receive-message` output: `{"Messages":[{"Body": …}]}`, each `Body` an SNS envelope or a
/// raw notification as a JSON string). A file holds one document, a JSON array of them, JSON
/// Lines, or documents one after another (Kinesis Data Firehose's S3 objects).
///
/// Bounce → one bounce per `bouncedRecipients` entry (verdict `ses:<bounceType>/<bounceSubType>`),
/// DeliveryDelay → one bounce per `delayedRecipients` entry (`ses:DeliveryDelay/<delayType>`),
/// Complaint → one complaint per `complainedRecipients` entry, Delivery → one delivered per
/// `recipients` entry. Send, Open, Click and the other event types are skipped.
public struct SESImporter: EventImporter {
    /// ``EventFormat/ses``.
    public static let format = EventFormat.ses

    /// An SES importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// SES's type keys, or an SNS envelope.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        guard JSONEventFile.looksLikeJSON(prefix) else { return false }
        if JSONEventFile.contains(prefix, anyOf: ["notificationType", "bouncedRecipients", "complainedRecipients"]) { return true }
        if JSONEventFile.contains(prefix, anyOf: ["\"TopicArn\""]), JSONEventFile.contains(prefix, anyOf: ["\"Notification\""]) { return true }
        if JSONEventFile.contains(prefix, anyOf: ["\"ReceiptHandle\"", "\"MD5OfBody\""]) {
            return JSONEventFile.contains(prefix, anyOf: ["eventType", "TopicArn"])
        }
        return JSONEventFile.contains(prefix, anyOf: ["\"eventType\""])
            && JSONEventFile.contains(prefix, anyOf: ["\"mail\"", "\"bounce\"", "\"complaint\"", "\"delivery\""])
    }

    /// Reads SES notifications; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            JSONEventFile.forEachObject(bytes: bytes, containerKeys: ["Messages"], sink: &sink) { object, line, raw, sink in
                Self.handle(object, line: line, raw: raw, file: file, sink: &sink)
            }
        }
    }

    private static func handle(_ received: JSONObject, line: Int, raw: RawText, file: String, sink: inout ImportSink) {
        var outer = received
        if received.fields["ReceiptHandle"] != nil || received.fields["MD5OfBody"] != nil {
            // An SQS message: its Body is the SNS envelope or the notification, as a JSON string.
            guard let body = received.string("Body"),
                  let inner = try? JSONSerialization.jsonObject(with: Data(body.utf8)),
                  let parsed = JSONObject(any: inner) else {
                sink.reject(line: line, reason: "SQS message Body is not a JSON object", raw: raw)
                return
            }
            outer = parsed
        }
        var object = outer
        if let envelopeType = outer.string("Type") {
            guard envelopeType == "Notification" else {
                // SubscriptionConfirmation and UnsubscribeConfirmation carry no events.
                sink.skip(envelopeType)
                return
            }
            guard let message = outer.string("Message"),
                  let inner = try? JSONSerialization.jsonObject(with: Data(message.utf8)),
                  let parsed = JSONObject(any: inner) else {
                sink.reject(line: line, reason: "SNS Message is not a JSON object", raw: raw)
                return
            }
            object = parsed
        }
        guard let type = object.text("notificationType") ?? object.text("eventType") else {
            sink.reject(line: line, reason: "SES record without notificationType or eventType", raw: raw)
            return
        }
        let source = EventSource(file: file, line: line)
        let mailTimestamp = object.object("mail")?.timestamp("timestamp")
        let message = MessageIdentity.tagged("ses", object.object("mail")?.text("messageId"))

        /// A bounce or delay for one recipient: the reply's codes, else the recipient's `status`.
        func bounceEvent(_ address: String, _ recipient: JSONObject?, _ timestamp: Int64, verdict: String) -> RawEvent {
            let diagnostic = recipient?.text("diagnosticCode") ?? ""
            let codes = SMTPReplyText.leadingCodes(Substring(diagnostic))
            return RawEvent(address: address, timestamp: timestamp, type: .bounce, replyCode: codes.replyCode,
                            enhancedCode: codes.enhancedCode ?? SMTPReplyText.enhancedCode(recipient?.string("status")),
                            diagnostic: diagnostic, providerVerdict: verdict, source: source, messageIdentity: message)
        }

        switch type {
        case "Bounce":
            guard let bounce = object.object("bounce") else {
                sink.reject(line: line, reason: "SES Bounce without a bounce object", raw: raw)
                return
            }
            let verdict = "ses:\(bounce.string("bounceType") ?? "")/\(bounce.string("bounceSubType") ?? "")"
            recipients(bounce, key: "bouncedRecipients", object: "bounce", timestamp: bounce.timestamp("timestamp") ?? mailTimestamp,
                       line: line, raw: raw, sink: &sink) { address, recipient, timestamp in
                bounceEvent(address, recipient, timestamp, verdict: verdict)
            }
        case "DeliveryDelay":
            guard let delay = object.object("deliveryDelay") else {
                sink.reject(line: line, reason: "SES DeliveryDelay without a deliveryDelay object", raw: raw)
                return
            }
            let verdict = "ses:DeliveryDelay/\(delay.string("delayType") ?? "")"
            recipients(delay, key: "delayedRecipients", object: "deliveryDelay", timestamp: delay.timestamp("timestamp") ?? mailTimestamp,
                       line: line, raw: raw, sink: &sink) { address, recipient, timestamp in
                bounceEvent(address, recipient, timestamp, verdict: verdict)
            }
        case "Complaint":
            guard let complaint = object.object("complaint") else {
                sink.reject(line: line, reason: "SES Complaint without a complaint object", raw: raw)
                return
            }
            let feedback = complaint.text("complaintFeedbackType")
            let verdict = feedback.map { "ses:Complaint/\($0)" } ?? "ses:Complaint"
            recipients(complaint, key: "complainedRecipients", object: "complaint", timestamp: complaint.timestamp("timestamp") ?? mailTimestamp,
                       line: line, raw: raw, sink: &sink) { address, _, timestamp in
                RawEvent(address: address, timestamp: timestamp, type: .complaint, diagnostic: feedback ?? "",
                         providerVerdict: verdict, source: source, messageIdentity: message)
            }
        case "Delivery":
            guard let delivery = object.object("delivery") else {
                sink.reject(line: line, reason: "SES Delivery without a delivery object", raw: raw)
                return
            }
            let response = delivery.text("smtpResponse") ?? ""
            let codes = SMTPReplyText.leadingCodes(Substring(response))
            recipients(delivery, key: "recipients", object: "delivery", timestamp: delivery.timestamp("timestamp") ?? mailTimestamp,
                       line: line, raw: raw, sink: &sink) { address, _, timestamp in
                RawEvent(address: address, timestamp: timestamp, type: .delivered, replyCode: codes.replyCode,
                         enhancedCode: codes.enhancedCode, diagnostic: response, providerVerdict: "ses:Delivery", source: source,
                         messageIdentity: message)
            }
        default:
            sink.skip(type)
        }
    }

    /// Emits one event per entry of `container[key]`; entries are `{"emailAddress":…}` objects
    /// or (for Delivery) plain strings.
    private static func recipients(
        _ container: JSONObject, key: String, object: String, timestamp: Int64?, line: Int, raw: RawText,
        sink: inout ImportSink, make: (String, JSONObject?, Int64) -> RawEvent
    ) {
        guard let list = container.array(key), !list.isEmpty else {
            sink.reject(line: line, reason: "SES \(object) without \(key)", raw: raw)
            return
        }
        guard let timestamp else {
            sink.reject(line: line, reason: "SES \(object) without a readable timestamp", raw: raw)
            return
        }
        for (index, entry) in list.enumerated() {
            let recipient = JSONObject(any: entry)
            let address = (entry as? String) ?? recipient?.text("emailAddress")
            guard let address = address?.trimmingCharacters(in: .whitespaces), !address.isEmpty else {
                sink.reject(line: line, reason: "SES \(object) \(key)[\(index)] has no emailAddress", raw: raw)
                continue
            }
            sink.emit(make(address, recipient, timestamp))
        }
    }
}
