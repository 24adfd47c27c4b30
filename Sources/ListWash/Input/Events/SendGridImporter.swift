/// SendGrid Event Webhook batches: a JSON array of event objects (several batches may follow
/// one another), or JSON Lines.
///
/// `bounce` (verdict `sendgrid:<type>/<bounce_classification>`, diagnostic `reason`), `dropped`
/// (`sendgrid:dropped/<reason>`) and `deferred` (`sendgrid:deferred`, diagnostic `response`)
/// become bounces; `delivered` becomes delivered, `spamreport` a complaint, `unsubscribe` and
/// `group_unsubscribe` unsubscribes. `processed`, `open`, `click`, `group_resubscribe` and
/// unknown events are skipped.
public struct SendGridImporter: EventImporter {
    /// ``EventFormat/sendgrid``.
    public static let format = EventFormat.sendgrid

    /// A SendGrid importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// SendGrid's own id keys, or the `event`/`email`/`timestamp` trio without Mailgun's keys.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        guard JSONEventFile.looksLikeJSON(prefix) else { return false }
        if JSONEventFile.contains(prefix, anyOf: ["\"sg_event_id\"", "\"sg_message_id\"", "\"smtp-id\""]) { return true }
        return ["\"event\"", "\"email\"", "\"timestamp\""].allSatisfy { JSONEventFile.contains(prefix, anyOf: [$0]) }
            && !JSONEventFile.contains(prefix, anyOf: ["\"recipient\"", "\"event-data\"", "\"delivery-status\""])
            // listwash's own JSON Lines share event/email/timestamp; their code fields tell them apart.
            && !JSONEventFile.contains(prefix, anyOf: ["\"smtp_code\"", "\"enhanced_code\"", "\"diagnostic\""])
    }

    /// Reads SendGrid events; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            JSONEventFile.forEachObject(bytes: bytes, containerKeys: [], sink: &sink) { object, line, raw, sink in
                Self.handle(object, line: line, raw: raw, file: file, sink: &sink)
            }
        }
    }

    private static func handle(_ object: JSONObject, line: Int, raw: RawText, file: String, sink: inout ImportSink) {
        guard let event = object.text("event") else {
            sink.reject(line: line, reason: "SendGrid record without event", raw: raw)
            return
        }
        let type: EventType
        let diagnostic: String
        let verdict: String
        var enhanced: String?
        switch event {
        case "bounce":
            type = .bounce
            diagnostic = object.text("reason") ?? ""
            enhanced = SMTPReplyText.enhancedCode(object.string("status"))
            let kind = object.text("type") ?? "bounce"
            verdict = object.text("bounce_classification").map { "sendgrid:\(kind)/\($0)" } ?? "sendgrid:\(kind)"
        case "dropped":
            type = .bounce
            diagnostic = object.text("reason") ?? ""
            verdict = diagnostic.isEmpty ? "sendgrid:dropped" : "sendgrid:dropped/\(diagnostic)"
        case "deferred":
            type = .bounce
            diagnostic = object.text("response") ?? object.text("reason") ?? ""
            verdict = "sendgrid:deferred"
        case "delivered":
            type = .delivered
            diagnostic = object.text("response") ?? ""
            verdict = "sendgrid:delivered"
        case "spamreport":
            type = .complaint
            diagnostic = ""
            verdict = "sendgrid:spamreport"
        case "unsubscribe", "group_unsubscribe":
            type = .unsubscribe
            diagnostic = ""
            verdict = object.text("asm_group_id").map { "sendgrid:\(event)/\($0)" } ?? "sendgrid:\(event)"
        default:
            sink.skip(event)
            return
        }
        guard let address = object.text("email") else {
            sink.reject(line: line, reason: "SendGrid \(event) event without email", raw: raw)
            return
        }
        guard let timestamp = object.timestamp("timestamp") else {
            sink.reject(line: line, reason: "SendGrid \(event) event without a readable timestamp", raw: raw)
            return
        }
        let codes = SMTPReplyText.leadingCodes(Substring(diagnostic))
        sink.emit(RawEvent(address: address, timestamp: timestamp, type: type, replyCode: codes.replyCode,
                           enhancedCode: codes.enhancedCode ?? enhanced, diagnostic: diagnostic,
                           providerVerdict: verdict, source: EventSource(file: file, line: line),
                           messageIdentity: MessageIdentity.tagged("sendgrid", object.text("sg_message_id"))))
    }
}
