/// Postmark suppression dumps: the Suppressions API's answer for a message stream
/// (`{"Suppressions":[{"EmailAddress", "SuppressionReason", "Origin", "CreatedAt"}]}`), pages in
/// an array or one after another, or the entries as JSON Lines.
///
/// `SuppressionReason` `HardBounce` becomes a bounce without a reply (see ``SuppressionExport``),
/// `SpamComplaint` a complaint, `ManualSuppression` an unsubscribe (the recipient unsubscribed,
/// or the sender suppressed the address); the verdict is
/// `postmark-suppressions:<SuppressionReason>/<Origin>`. Other reasons are rejected.
public struct PostmarkSuppressionImporter: EventImporter {
    /// ``EventFormat/postmarkSuppressions``.
    public static let format = EventFormat.postmarkSuppressions

    /// A Postmark suppression importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// `SuppressionReason` without Postmark's webhook `RecordType`.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        guard JSONEventFile.looksLikeJSON(prefix) else { return false }
        if JSONEventFile.contains(prefix, anyOf: ["\"Suppressions\""]) { return true }
        return JSONEventFile.contains(prefix, anyOf: ["\"SuppressionReason\""])
            && JSONEventFile.contains(prefix, anyOf: ["\"CreatedAt\""])
            && !JSONEventFile.contains(prefix, anyOf: ["\"RecordType\""])
    }

    /// Reads a dump; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            JSONEventFile.forEachObject(bytes: bytes, containerKeys: ["Suppressions"], sink: &sink) { object, line, raw, sink in
                guard let address = object.text("EmailAddress") else {
                    sink.reject(line: line, reason: "Postmark suppression without EmailAddress", raw: raw)
                    return
                }
                let reason = object.text("SuppressionReason") ?? ""
                let type: EventType
                switch reason {
                case "HardBounce": type = .bounce
                case "SpamComplaint": type = .complaint
                case "ManualSuppression": type = .unsubscribe
                default:
                    sink.reject(line: line, reason: "Postmark suppression with a SuppressionReason other than HardBounce, SpamComplaint or ManualSuppression", raw: raw)
                    return
                }
                guard let timestamp = object.timestamp("CreatedAt") else {
                    sink.reject(line: line, reason: "Postmark suppression without a readable CreatedAt", raw: raw)
                    return
                }
                let origin = object.text("Origin").map { "/\($0)" } ?? ""
                sink.emit(SuppressionExport.event(address: address, timestamp: timestamp, type: type, reply: nil,
                                                  verdict: "postmark-suppressions:\(reason)\(origin)", file: file, line: line))
            }
        }
    }
}
