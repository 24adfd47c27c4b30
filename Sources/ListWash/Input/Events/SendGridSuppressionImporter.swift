/// SendGrid suppression lists as CSV (the app's downloads and the v3 API's fields): bounces and
/// blocks (`email, created, reason, status`), invalid emails (`email, created, reason`), spam
/// reports (`email, created, ip`), global unsubscribes (`email, created`) and group
/// unsubscribes (`email, created` and `group_id` / `group_name` when present). Columns are found
/// by name; `created` is Unix seconds or a date and time (UTC when it has no zone).
///
/// Which list a file is comes from its name (`bounces`, `blocks`, `invalid`, `spam`,
/// `group`/`asm`, `unsubscribe`), else from its columns (`status` → bounces, `reason` → invalid
/// emails, `ip` → spam reports, `group_id` → group unsubscribes, else global unsubscribes).
/// Bounces, blocks and invalid emails become bounces whose diagnostic is `reason` (classified
/// like any reply; an empty one is a list entry without a reply, see ``SuppressionExport``);
/// spam reports become complaints and unsubscribes unsubscribes. The verdict is
/// `sendgrid-suppressions:<list>` (`…:group_unsubscribes/<group_id>` for a group).
public struct SendGridSuppressionImporter: EventImporter {
    /// ``EventFormat/sendgridSuppressions``.
    public static let format = EventFormat.sendgridSuppressions

    /// The columns SendGrid's suppression lists have.
    static let knownColumns: Set<String> = ["email", "created", "reason", "status", "ip", "group_id", "group_name"]

    /// A SendGrid suppression importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// A header of SendGrid's suppression columns only, with `email` and `created`.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        let names = SuppressionExport.headerNames(prefix)
        return names.contains("email") && names.contains("created") && names.allSatisfy { knownColumns.contains($0) }
    }

    /// The list a file holds, from its name, else from its columns.
    static func list(fileName: String, columns: SuppressionExport.Columns) -> String {
        let name = SuppressionExport.baseName(fileName)
        for (needle, list) in [("bounce", "bounces"), ("block", "blocks"), ("invalid", "invalid_emails"), ("spam", "spam_reports"),
                               ("group", "group_unsubscribes"), ("asm", "group_unsubscribes"), ("unsub", "unsubscribes")]
        where name.contains(needle) {
            return list
        }
        if columns.has("status") { return "bounces" }
        if columns.has("reason") { return "invalid_emails" }
        if columns.has("ip") { return "spam_reports" }
        if columns.has("group_id") { return "group_unsubscribes" }
        return "unsubscribes"
    }

    /// Reads a suppression list; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            var list: String?
            try SuppressionExport.forEachRow(bytes: bytes, provider: "SendGrid", sink: &sink) { row, line, raw, sink in
                let kind = list ?? Self.list(fileName: file, columns: row.columns)
                list = kind
                guard let address = row.text("email") else {
                    sink.reject(line: line, reason: "SendGrid \(kind) row without email", raw: raw)
                    return
                }
                guard let created = row.text("created"), let timestamp = Timestamp.parse(created, assumeUTC: true) else {
                    sink.reject(line: line, reason: "SendGrid \(kind) row without a readable created time", raw: raw)
                    return
                }
                let type: EventType
                var verdict = "sendgrid-suppressions:\(kind)"
                switch kind {
                case "spam_reports": type = .complaint
                case "unsubscribes": type = .unsubscribe
                case "group_unsubscribes":
                    type = .unsubscribe
                    if let group = row.text("group_id") { verdict += "/\(group)" }
                default: type = .bounce
                }
                sink.emit(SuppressionExport.event(
                    address: address, timestamp: timestamp, type: type, reply: type == .bounce ? row.text("reason") : nil,
                    status: row.text("status"), verdict: verdict, file: file, line: line))
            }
        }
    }
}
