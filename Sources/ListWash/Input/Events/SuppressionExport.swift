import Foundation

/// What the suppression-list importers share: the reading of a CSV export whose header names
/// its columns, and the one way a list entry without a server reply is recorded.
///
/// A provider's suppression list is the provider's verdict, not new evidence. An entry that
/// carries the receiving server's reply (a SendGrid bounce's `reason`, a Mailgun bounce's
/// `error`) is classified from that reply like any bounce. An entry without one (a Mailchimp
/// cleaned member, an SES `BOUNCE` entry, a Postmark `HardBounce` entry) repeats a decision the
/// provider made earlier: it becomes a bounce whose diagnostic is ``noReplyDiagnostic``, which
/// the classifier files under `suppressed` (kind `sender`), exactly like the provider-side
/// suppression events (SES `Permanent/Suppressed`, SendGrid `dropped` "Bounced Address", Mailgun
/// `suppress-bounce`). Complaints and unsubscribes on a list are complaints and unsubscribes.
enum SuppressionExport {
    /// The diagnostic of a list entry that carries no reply from the receiving server.
    static let noReplyDiagnostic = "address on the provider's suppression list (no reply recorded)"

    /// The first line's column names, trimmed, unquoted and lower-cased (a UTF-8 byte-order
    /// mark skipped); empty when the prefix has no line.
    static func headerNames(_ prefix: [UInt8]) -> [String] {
        var body = prefix[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let end = body.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) ?? body.endIndex
        guard end > body.startIndex, !JSONEventFile.looksLikeJSON(Array(body)) else { return [] }
        return String(decoding: body[..<end], as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased() }
    }

    /// The file's own name, lower-cased, without its folders and a `.gz` ending.
    static func baseName(_ fileName: String) -> String {
        var name = (fileName as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        return name
    }

    typealias Columns = HeaderColumns

    /// One data row's values by column name.
    struct Row {
        let values: [String]
        let columns: Columns

        /// The trimmed value of the first named column that has one, nil when none has.
        func text(_ names: String...) -> String? {
            for name in names {
                guard let i = columns(name), i < values.count else { continue }
                let value = values[i].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
            return nil
        }
    }

    /// Reads a CSV export: the first non-blank record is the header, every later one a row
    /// handed to `body` with its line and raw text. Malformed records and records whose field
    /// count differs from the header's are rejected.
    static func forEachRow(
        bytes: [UInt8], provider: String, sink: inout ImportSink,
        _ body: (Row, Int, String, inout ImportSink) -> Void
    ) throws {
        let reader = CSVReader(source: MemoryByteSource(bytes), dialect: CSVDialect(delimiter: UInt8(ascii: ",")))
        var columns: Columns?
        try reader.forEachRecord { record in
            if record.isBlank { return }
            guard let c = columns else {
                if let error = record.error {
                    sink.reject(line: record.line, reason: "\(provider) header line: \(error.message)", raw: "")
                    return
                }
                columns = Columns((0..<record.fieldCount).map { record.string($0) })
                return
            }
            if let error = record.error {
                sink.reject(line: record.line, reason: error.message, raw: record.text)
                return
            }
            guard record.fieldCount == c.count else {
                sink.reject(line: record.line, reason: CSVRecordError.fieldCount(expected: c.count, found: record.fieldCount).message,
                            raw: record.text)
                return
            }
            body(Row(values: (0..<record.fieldCount).map { record.string($0) }, columns: c), record.line, record.text, &sink)
        }
    }

    /// A list entry's event: a bounce (its reply when the entry has one, else
    /// ``noReplyDiagnostic``), a complaint or an unsubscribe.
    static func event(
        address: String, timestamp: Int64, type: EventType, reply: String?, status: String? = nil,
        replyCode: Int? = nil, verdict: String, file: String, line: Int
    ) -> RawEvent {
        let diagnostic = reply ?? (type == .bounce ? noReplyDiagnostic : "")
        let codes = SMTPReplyText.leadingCodes(Substring(diagnostic))
        return RawEvent(address: address, timestamp: timestamp, type: type,
                        replyCode: reply == nil ? nil : (SMTPReplyText.replyCode(replyCode) ?? codes.replyCode),
                        enhancedCode: reply == nil ? nil : (codes.enhancedCode ?? SMTPReplyText.enhancedCode(status)),
                        diagnostic: diagnostic, providerVerdict: verdict, source: EventSource(file: file, line: line))
    }
}
