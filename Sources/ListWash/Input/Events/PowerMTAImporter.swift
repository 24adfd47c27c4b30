import Foundation

/// PowerMTA accounting files: RFC 4180 CSV whose header names the fields, `type` first.
///
/// Fields are found by name, so any `record-fields` set and the union-of-columns header of a
/// file that mixes record types both read. A header line in the middle (accounting files
/// concatenated with `cat`) starts a new column set.
///
/// Record types: `d` delivered; `b` bounce; `t`/`tq` transient (a deferral: a bounce that
/// the classifier judges from its 4.x.x reply); `f` feedback loop (complaint); `rb` remote
/// bounce; `rs` remote status (delivered, or a bounce when its `dsnAction` is `failed` or
/// `delayed`). `r` (received) records are skipped; other types are rejected.
///
/// The verdict is `powermta:<type>/<bounceCat>` (`powermta:b/bad-mailbox`; a feedback
/// record's `feedbackType` stands in for the category), or `powermta:<type>` without one; the diagnostic is `dsnDiag` (`smtp;550 5.1.1 …`),
/// whose codes are read, with `dsnStatus` (`5.1.1 (bad destination mailbox address)`) giving
/// the enhanced code first. `timeLogged` is Unix seconds or ISO 8601 (UTC when it has no zone).
public struct PowerMTAImporter: EventImporter {
    /// ``EventFormat/powermta``.
    public static let format = EventFormat.powermta

    /// A PowerMTA importer; it needs no options.
    public init(options: EventImportOptions = EventImportOptions()) {}

    /// A first line that starts with `type,` and names `rcpt` and one of `dsnStatus`,
    /// `timeLogged` or `bounceCat`.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        var body = prefix[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let end = body.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? body.endIndex
        let names = String(decoding: body[..<end], as: UTF8.self).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased() }
        guard names.first == "type", names.contains("rcpt") else { return false }
        return names.contains("dsnstatus") || names.contains("timelogged") || names.contains("bouncecat")
    }

    /// Reads a whole accounting file held in memory; see ``read(source:file:emit:reject:)``.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try read(source: MemoryByteSource(bytes), file: file, emit: emit, reject: reject)
    }

    /// Streams an accounting file: one event per record; malformed records, records without
    /// `rcpt` or a readable `timeLogged`, and unknown types are rejected with their line.
    /// - Complexity: O(n) in the size of the file; memory is bounded by the longest record.
    @discardableResult
    public func read(source: ByteSource, file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        try ImportSink.run(file: file, emit: emit, reject: reject) { sink in
            let reader = CSVReader(source: source, dialect: CSVDialect(delimiter: UInt8(ascii: ",")))
            var columns: Columns?
            try reader.forEachRecord { record in
                if record.isBlank { return }
                if record.error == nil, record.fieldCount > 0, record.string(0).trimmingCharacters(in: .whitespaces).lowercased() == "type" {
                    columns = Columns((0..<record.fieldCount).map { record.string($0) })
                    return
                }
                guard let c = columns else {
                    sink.reject(line: record.line, reason: "PowerMTA record before the header line (type,…)", raw: record.text)
                    return
                }
                if let error = record.error {
                    sink.reject(line: record.line, reason: error.message, raw: record.text)
                    return
                }
                guard record.fieldCount == c.count else {
                    sink.reject(line: record.line, reason: CSVRecordError.fieldCount(expected: c.count, found: record.fieldCount).message, raw: record.text)
                    return
                }
                Self.handle(Row(record: record, columns: c), line: record.line, raw: record.text, file: file, sink: &sink)
            }
        }
    }

    typealias Columns = HeaderColumns

    /// One record's fields by name.
    struct Row {
        let record: CSVRecordView
        let columns: Columns

        /// The trimmed value, nil when the column is missing or the value empty.
        func text(_ name: String) -> String? {
            guard let i = columns(name) else { return nil }
            let value = record.string(i).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
    }

    private static func handle(_ row: Row, line: Int, raw: String, file: String, sink: inout ImportSink) {
        let kind = (row.text("type") ?? "").lowercased()
        let type: EventType
        switch kind {
        case "d": type = .delivered
        case "b", "t", "tq", "rb": type = .bounce
        case "f": type = .complaint
        case "rs":
            switch (row.text("dsnAction") ?? "").lowercased() {
            case "failed", "delayed": type = .bounce
            default: type = .delivered
            }
        case "r":
            sink.skip("r (receipt)")
            return
        default:
            sink.reject(line: line, reason: "unknown PowerMTA record type (expected d, b, t, tq, f, rb, rs or r)", raw: raw)
            return
        }
        guard let address = row.text("rcpt") else {
            sink.reject(line: line, reason: "PowerMTA record without rcpt", raw: raw)
            return
        }
        guard let logged = row.text("timeLogged"), let timestamp = Timestamp.parse(logged, assumeUTC: true) else {
            sink.reject(line: line, reason: "PowerMTA record without a readable timeLogged (Unix seconds or ISO 8601)", raw: raw)
            return
        }
        let diagnostic = row.text("dsnDiag") ?? ""
        let codes = SMTPReplyText.leadingCodes(Substring(diagnostic))
        // dsnStatus is "5.1.1 (bad destination mailbox address)": the code is its first word.
        let status = row.text("dsnStatus").flatMap { SMTPReplyText.enhancedCode(String($0.prefix { $0 != " " && $0 != "(" })) }
        var verdict = "powermta:\(kind)"
        if let category = row.text("bounceCat") ?? row.text("feedbackType") { verdict += "/\(category)" }
        sink.emit(RawEvent(address: address, timestamp: timestamp, type: type, replyCode: codes.replyCode,
                           enhancedCode: status ?? codes.enhancedCode, diagnostic: diagnostic,
                           providerVerdict: verdict, source: EventSource(file: file, line: line),
                           messageIdentity: messageIdentity(row)))
    }

    /// `pmta:JOBID/ENVID` (either part may be empty), the message's header Message-ID
    /// (`mid:…`) when the record has neither; nil when it has none of them.
    private static func messageIdentity(_ row: Row) -> String? {
        let job = row.text("jobId"), envelope = row.text("envId")
        if job != nil || envelope != nil { return "pmta:\(job ?? "")/\(envelope ?? "")" }
        return MessageIdentity.tagged("mid", row.text("header_Message-Id") ?? row.text("header_message-id"))
    }
}
