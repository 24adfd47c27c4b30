/// Mailgun suppression lists as CSV, in the columns Mailgun's import and export use: bounces
/// (`address, code, error, created_at`), unsubscribes (`address, tags, created_at`) and
/// complaints (`address, created_at`). `created_at` is an RFC 2822 date (ISO 8601 and Unix
/// seconds are read too).
///
/// A file with `code` or `error` is a bounce list: each row a bounce whose diagnostic is
/// `error` and reply code `code` (Mailgun keeps only permanent failures on it; an empty `error`
/// is a list entry without a reply, see ``SuppressionExport``). A file with `tags`, or whose
/// name says `unsub`, is an unsubscribe list; any other a complaint list. The verdict is
/// `mailgun-suppressions:bounces|unsubscribes|complaints`.
public struct MailgunSuppressionImporter: EventImporter {
    /// ``EventFormat/mailgunSuppressions``.
    public static let format = EventFormat.mailgunSuppressions

    static let knownColumns: Set<String> = ["address", "code", "error", "created_at", "tags"]

    /// A Mailgun suppression importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// A header of Mailgun's suppression columns only, with `address` and `created_at`.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        let names = SuppressionExport.headerNames(prefix)
        return names.contains("address") && names.contains("created_at") && names.allSatisfy { knownColumns.contains($0) }
    }

    /// Reads a suppression list; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            try SuppressionExport.forEachRow(bytes: bytes, provider: "Mailgun", sink: &sink) { row, line, raw, sink in
                let c = row.columns
                let type: EventType, list: String
                if c.has("code") || c.has("error") {
                    (type, list) = (.bounce, "bounces")
                } else if c.has("tags") || SuppressionExport.baseName(file).contains("unsub") {
                    (type, list) = (.unsubscribe, "unsubscribes")
                } else {
                    (type, list) = (.complaint, "complaints")
                }
                guard let address = row.text("address") else {
                    sink.reject(line: line, reason: "Mailgun \(list) row without address", raw: raw)
                    return
                }
                guard let created = row.text("created_at"), let timestamp = MailDate.parse(created) ?? Timestamp.parse(created, assumeUTC: true) else {
                    sink.reject(line: line, reason: "Mailgun \(list) row without a readable created_at", raw: raw)
                    return
                }
                sink.emit(SuppressionExport.event(
                    address: address, timestamp: timestamp, type: type, reply: type == .bounce ? row.text("error") : nil,
                    replyCode: row.text("code").flatMap { Int($0) }, verdict: "mailgun-suppressions:\(list)", file: file, line: line))
            }
        }
    }
}
