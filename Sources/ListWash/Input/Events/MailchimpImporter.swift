/// Mailchimp audience exports of cleaned and unsubscribed members: CSV whose header names
/// `Email Address`, the fixed system columns, and `CLEAN_TIME, CLEAN_CAMPAIGN_TITLE,
/// CLEAN_CAMPAIGN_ID` (cleaned) or `UNSUB_TIME, UNSUB_CAMPAIGN_TITLE, UNSUB_CAMPAIGN_ID,
/// UNSUB_REASON, UNSUB_REASON_OTHER` (unsubscribed). Columns are found by name; of duplicate
/// names the first counts.
///
/// A row with a `CLEAN_TIME` becomes a bounce at that time, verdict `mailchimp:cleaned`: Mailchimp
/// cleans a member after a hard bounce or repeated soft bounces and keeps no reply, so it is
/// recorded as a list entry without one (see ``SuppressionExport``). A row with an `UNSUB_TIME`
/// becomes an unsubscribe, verdict `mailchimp:unsubscribed`, its diagnostic the `UNSUB_REASON`.
/// Mailchimp writes times as `YYYY-MM-DD HH:MM:SS` without a zone; they are read as UTC.
/// A subscribed-members export (neither column) is not this format.
public struct MailchimpImporter: EventImporter {
    /// ``EventFormat/mailchimp``.
    public static let format = EventFormat.mailchimp

    /// A Mailchimp importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// A header with `Email Address` and `CLEAN_TIME` or `UNSUB_TIME`.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        let names = SuppressionExport.headerNames(prefix)
        return names.contains("email address") && (names.contains("clean_time") || names.contains("unsub_time"))
    }

    /// Reads an export; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            sink.note("Mailchimp times carry no zone; read as UTC")
            try SuppressionExport.forEachRow(bytes: bytes, provider: "Mailchimp", sink: &sink) { row, line, raw, sink in
                guard let address = row.text("email address") else {
                    sink.reject(line: line, reason: "Mailchimp row without Email Address", raw: raw)
                    return
                }
                let type: EventType, verdict: String, time: String?
                if let clean = row.text("clean_time") {
                    (type, verdict, time) = (.bounce, "mailchimp:cleaned", clean)
                } else if let unsub = row.text("unsub_time") {
                    (type, verdict, time) = (.unsubscribe, "mailchimp:unsubscribed", unsub)
                } else {
                    sink.reject(line: line, reason: "Mailchimp row with neither CLEAN_TIME nor UNSUB_TIME", raw: raw)
                    return
                }
                guard let time, let timestamp = Timestamp.parse(time, assumeUTC: true) else {
                    sink.reject(line: line, reason: "Mailchimp row without a readable \(type == .bounce ? "CLEAN_TIME" : "UNSUB_TIME")", raw: raw)
                    return
                }
                let reply = type == .unsubscribe ? row.text("unsub_reason") : nil
                var event = SuppressionExport.event(address: address, timestamp: timestamp, type: type, reply: nil,
                                                    verdict: verdict, file: file, line: line)
                if let reply { event.diagnostic = reply }
                sink.emit(event)
            }
        }
    }
}
