/// Amazon SES's account-level suppression list: `aws sesv2 list-suppressed-destinations`
/// output (`{"SuppressedDestinationSummaries":[{"EmailAddress", "Reason", "LastUpdateTime"}],
/// "NextToken"}`, pages one after another or in a JSON array), `get-suppressed-destination`
/// output (`{"SuppressedDestination":{…}}`), or the summaries as JSON Lines.
///
/// `Reason` `BOUNCE` (SES adds an address after a hard bounce) becomes a bounce without a reply,
/// `COMPLAINT` a complaint (see ``SuppressionExport``), at `LastUpdateTime` (Unix seconds or ISO
/// 8601); the verdict is `ses-suppressions:BOUNCE|COMPLAINT`. Other reasons are rejected.
public struct SESSuppressionImporter: EventImporter {
    /// ``EventFormat/sesSuppressions``.
    public static let format = EventFormat.sesSuppressions

    /// An SES suppression-list importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// The list's own keys.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        guard JSONEventFile.looksLikeJSON(prefix) else { return false }
        if JSONEventFile.contains(prefix, anyOf: ["\"SuppressedDestinationSummaries\"", "\"SuppressedDestination\""]) { return true }
        return ["\"EmailAddress\"", "\"LastUpdateTime\"", "\"Reason\""].allSatisfy { JSONEventFile.contains(prefix, anyOf: [$0]) }
    }

    /// Reads the list; see the type's documentation for the mapping.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            JSONEventFile.forEachObject(bytes: bytes, containerKeys: ["SuppressedDestinationSummaries"], sink: &sink) { object, line, raw, sink in
                let entry = object.object("SuppressedDestination") ?? object
                guard let address = entry.text("EmailAddress") else {
                    // A page with no summaries left (only a NextToken) carries nothing.
                    if entry.fields.keys.allSatisfy({ $0 == "NextToken" || $0 == "SuppressedDestinationSummaries" }) {
                        sink.skip("page without summaries")
                    } else {
                        sink.reject(line: line, reason: "SES suppressed destination without EmailAddress", raw: raw)
                    }
                    return
                }
                let reason = entry.text("Reason") ?? ""
                let type: EventType
                switch reason {
                case "BOUNCE": type = .bounce
                case "COMPLAINT": type = .complaint
                default:
                    sink.reject(line: line, reason: "SES suppressed destination with a Reason other than BOUNCE or COMPLAINT", raw: raw)
                    return
                }
                guard let timestamp = entry.timestamp("LastUpdateTime") else {
                    sink.reject(line: line, reason: "SES suppressed destination without a readable LastUpdateTime", raw: raw)
                    return
                }
                var event = SuppressionExport.event(address: address, timestamp: timestamp, type: type, reply: nil,
                                                    verdict: "ses-suppressions:\(reason)", file: file, line: line)
                event.messageIdentity = MessageIdentity.normalized(MessageIdentity.tagged("ses", entry.object("Attributes")?.text("MessageId")))
                sink.emit(event)
            }
        }
    }
}
