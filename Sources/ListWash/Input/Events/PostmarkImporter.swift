/// Postmark bounce webhooks and Bounce API dumps (`{"TotalCount":…, "Bounces":[…]}`, a plain
/// array, or JSON Lines), plus the Delivery and SubscriptionChange webhooks.
///
/// A bounce record's verdict is `postmark:<Type>(<TypeCode>)` and its diagnostic is `Details`
/// (the remote reply), or `Description` when there are no details. `SpamComplaint` becomes a
/// complaint, `Unsubscribe` an unsubscribe, every other type a bounce (the classifier judges
/// the text). Delivery webhooks become delivered; SubscriptionChange webhooks that suppress
/// sending become a bounce, complaint or unsubscribe after their `SuppressionReason`.
/// Open and Click webhooks are skipped.
public struct PostmarkImporter: EventImporter {
    /// ``EventFormat/postmark``.
    public static let format = EventFormat.postmark

    /// A Postmark importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// Postmark's capitalised keys.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        guard JSONEventFile.looksLikeJSON(prefix) else { return false }
        if JSONEventFile.contains(prefix, anyOf: ["\"RecordType\"", "\"TypeCode\"", "\"BouncedAt\""]) { return true }
        return JSONEventFile.contains(prefix, anyOf: ["\"TotalCount\""]) && JSONEventFile.contains(prefix, anyOf: ["\"Bounces\""])
    }

    /// Reads Postmark records; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            JSONEventFile.forEachObject(bytes: bytes, containerKeys: ["Bounces"], sink: &sink) { object, line, raw, sink in
                Self.handle(object, line: line, raw: raw, file: file, sink: &sink)
            }
        }
    }

    private static func handle(_ object: JSONObject, line: Int, raw: RawText, file: String, sink: inout ImportSink) {
        let source = EventSource(file: file, line: line)
        switch object.text("RecordType") {
        case nil, "Bounce", "SpamComplaint":
            break
        case "Delivery":
            guard let address = object.text("Recipient") else {
                sink.reject(line: line, reason: "Postmark Delivery without Recipient", raw: raw)
                return
            }
            guard let timestamp = object.timestamp("DeliveredAt") else {
                sink.reject(line: line, reason: "Postmark Delivery without a readable DeliveredAt", raw: raw)
                return
            }
            let details = object.text("Details") ?? ""
            let codes = SMTPReplyText.leadingCodes(Substring(details))
            sink.emit(RawEvent(address: address, timestamp: timestamp, type: .delivered, replyCode: codes.replyCode,
                               enhancedCode: codes.enhancedCode, diagnostic: details,
                               providerVerdict: "postmark:Delivery", source: source,
                           messageIdentity: MessageIdentity.tagged("postmark", object.text("MessageID"))))
            return
        case "SubscriptionChange":
            subscriptionChange(object, line: line, raw: raw, source: source, sink: &sink)
            return
        default:
            sink.skip(object.text("RecordType") ?? "other")
            return
        }
        guard let kind = object.text("Type") else {
            sink.reject(line: line, reason: "Postmark bounce without Type", raw: raw)
            return
        }
        guard let address = object.text("Email") else {
            sink.reject(line: line, reason: "Postmark bounce without Email", raw: raw)
            return
        }
        guard let timestamp = object.timestamp("BouncedAt") else {
            sink.reject(line: line, reason: "Postmark bounce without a readable BouncedAt", raw: raw)
            return
        }
        let type: EventType
        switch kind {
        case "SpamComplaint": type = .complaint
        case "Unsubscribe": type = .unsubscribe
        default: type = .bounce
        }
        let verdict = object.int("TypeCode").map { "postmark:\(kind)(\($0))" } ?? "postmark:\(kind)"
        let diagnostic = object.text("Details") ?? object.text("Description") ?? ""
        let codes = SMTPReplyText.leadingCodes(Substring(diagnostic))
        sink.emit(RawEvent(address: address, timestamp: timestamp, type: type, replyCode: codes.replyCode,
                           enhancedCode: codes.enhancedCode, diagnostic: diagnostic,
                           providerVerdict: verdict, source: source,
                           messageIdentity: MessageIdentity.tagged("postmark", object.text("MessageID"))))
    }

    /// A SubscriptionChange webhook: only suppressions are events; reactivations are skipped.
    private static func subscriptionChange(_ object: JSONObject, line: Int, raw: RawText, source: EventSource, sink: inout ImportSink) {
        guard object.bool("SuppressSending") == true else {
            sink.skip("SubscriptionChange (reactivation)")
            return
        }
        guard let address = object.text("Recipient") else {
            sink.reject(line: line, reason: "Postmark SubscriptionChange without Recipient", raw: raw)
            return
        }
        guard let timestamp = object.timestamp("ChangedAt") else {
            sink.reject(line: line, reason: "Postmark SubscriptionChange without a readable ChangedAt", raw: raw)
            return
        }
        let reason = object.text("SuppressionReason") ?? ""
        let type: EventType
        switch reason {
        case "HardBounce": type = .bounce
        case "SpamComplaint": type = .complaint
        default: type = .unsubscribe
        }
        sink.emit(RawEvent(address: address, timestamp: timestamp, type: type, diagnostic: "",
                           providerVerdict: "postmark:SubscriptionChange/\(reason)", source: source,
                           messageIdentity: MessageIdentity.tagged("postmark", object.text("MessageID"))))
    }
}
