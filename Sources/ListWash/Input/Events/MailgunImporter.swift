/// Mailgun events: an Events API page (`{"items":[…], "paging":{…}}`), a webhook body
/// (`{"signature":{…}, "event-data":{…}}`), or JSON Lines / an array of either.
///
/// `failed` becomes a bounce with verdict `mailgun:failed/<severity>/<reason>` and the
/// `delivery-status` code, enhanced code and message; `delivered` becomes delivered,
/// `complained` a complaint, `unsubscribed` an unsubscribe. `accepted`, `rejected`, `opened`,
/// `clicked`, `stored` and unknown events are skipped. Timestamps are float Unix seconds.
public struct MailgunImporter: EventImporter {
    /// ``EventFormat/mailgun``.
    public static let format = EventFormat.mailgun

    /// A Mailgun importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// Mailgun's webhook wrapper or its event keys.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        guard JSONEventFile.looksLikeJSON(prefix) else { return false }
        if JSONEventFile.contains(prefix, anyOf: ["\"event-data\"", "\"delivery-status\"", "\"recipient-domain\"", "\"log-level\""]) {
            return true
        }
        return JSONEventFile.contains(prefix, anyOf: ["\"event\""]) && JSONEventFile.contains(prefix, anyOf: ["\"recipient\""])
    }

    /// Reads Mailgun events; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            JSONEventFile.forEachObject(bytes: bytes, containerKeys: ["items"], sink: &sink) { object, line, raw, sink in
                Self.handle(object.object("event-data") ?? object, line: line, raw: raw, file: file, sink: &sink)
            }
        }
    }

    private static func handle(_ object: JSONObject, line: Int, raw: RawText, file: String, sink: inout ImportSink) {
        guard let event = object.text("event") else {
            sink.reject(line: line, reason: "Mailgun record without event", raw: raw)
            return
        }
        let type: EventType
        var verdict = "mailgun:\(event)"
        switch event {
        case "failed":
            type = .bounce
            verdict += "/\(object.text("severity") ?? "")/\(object.text("reason") ?? "")"
        case "delivered":
            type = .delivered
        case "complained":
            type = .complaint
        case "unsubscribed":
            type = .unsubscribe
        default:
            sink.skip(event)
            return
        }
        guard let address = object.text("recipient") else {
            sink.reject(line: line, reason: "Mailgun \(event) event without recipient", raw: raw)
            return
        }
        guard let timestamp = object.timestamp("timestamp") else {
            sink.reject(line: line, reason: "Mailgun \(event) event without a readable timestamp", raw: raw)
            return
        }
        let status = object.object("delivery-status")
        var parts: [String] = []
        for key in ["message", "description"] {
            if let text = status?.text(key), !parts.contains(text) { parts.append(text) }
        }
        let diagnostic = parts.joined(separator: "; ")
        let codes = SMTPReplyText.leadingCodes(Substring(diagnostic))
        sink.emit(RawEvent(
            address: address, timestamp: timestamp, type: type,
            replyCode: SMTPReplyText.replyCode(status?.int("code")) ?? codes.replyCode,
            enhancedCode: SMTPReplyText.enhancedCode(status?.string("enhanced-code")) ?? codes.enhancedCode,
            diagnostic: diagnostic, providerVerdict: verdict, source: EventSource(file: file, line: line),
            messageIdentity: MessageIdentity.tagged("mailgun", object.object("message")?.object("headers")?.text("message-id"))))
    }
}
