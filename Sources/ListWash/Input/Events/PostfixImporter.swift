import Foundation

/// Postfix maillog delivery lines (`… postfix/smtp[pid]: QUEUEID: to=<…>, relay=…, dsn=5.1.1,
/// status=bounced (host … said: 550 5.1.1 … (in reply to RCPT TO command))`).
///
/// `status=sent` becomes delivered; `bounced`, `deferred` and `expired` become bounces with
/// verdict `postfix:<status>`, the whole parenthesised text as diagnostic, the reply code and
/// enhanced code from the `said:` reply (the `dsn=` field when the reply has none). A queue
/// manager line `QUEUEID: from=<…>, status=expired, returned to sender` carries no recipient:
/// it is joined by queue id to the recipients of that queue id's earlier `deferred` lines, each
/// of which becomes a `postfix:expired` bounce with the last deferral's text.
///
/// Timestamps: ISO 8601 / RFC 5424 timestamps are used as they are. Traditional syslog
/// timestamps (`Jun  1 10:00:05`) carry no year and no zone; they are read in the zone
/// ``EventImportOptions/syslogUTCOffset`` (UTC by default), and the year comes from:
/// 1. ``EventImportOptions/year`` when given: it is the year of the first line, and the year
///    advances each time the dates go backwards by more than a day (December → January);
/// 2. otherwise ``EventImportOptions/fileModified``, or when that is nil the modification date
///    of `file` on disk: each line gets the latest year that does not put it more than a day
///    after that date, so a log spanning New Year gets December in the earlier year.
/// When neither is known, ``EventImportError/yearUnknown(file:line:)`` stops the import. The
/// summary's notes say which source was used.
///
/// Lines that are not delivery lines (connections, `qmgr` `from=` lines, other daemons) are
/// skipped silently; a Postfix line with `status=` that cannot be read is a rejection.
public struct PostfixImporter: EventImporter {
    /// ``EventFormat/postfix``.
    public static let format = EventFormat.postfix

    /// The year and zone settings for syslog timestamps.
    public let options: EventImportOptions

    /// A Postfix importer using `options.year`, `options.fileModified` and `options.syslogUTCOffset`.
    public init(options: EventImportOptions = EventImportOptions()) {
        self.options = options
    }

    /// Log text whose first line has a log timestamp and which names a Postfix daemon.
    public static func sniff(prefix: [UInt8], fileName: String) -> Bool {
        var start = 0
        if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { start = 3 }
        while start < prefix.count, prefix[start] == 0x0A || prefix[start] == 0x0D { start += 1 }
        let end = prefix[start...].firstIndex(of: 0x0A) ?? prefix.count
        let firstLine = Substring(String(decoding: prefix[start..<end], as: UTF8.self))
        return PostfixLine.parseStamp(firstLine) != nil && JSONEventFile.contains(prefix, anyOf: [" postfix/", " postfix-"])
    }

    /// Reads a Postfix log; see the type's documentation for the mapping and the year rules.
    @discardableResult
    public func read(bytes: [UInt8], file: String, emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        var stream = PostfixLogStream(file: file, options: options)
        try stream.feed(bytes, emit: emit, reject: reject)
        return try stream.finish(emit: emit, reject: reject)
    }
}

/// Reads a Postfix log piece by piece, so memory stays flat on a log of any size; the events
/// do not depend on where the pieces are cut. ``PostfixImporter`` documents the mapping.
public struct PostfixLogStream {
    private var state: PostfixLogState
    private var partial: [UInt8] = []
    private var lineNumber = 0
    private var summary = EventImportSummary()

    /// A stream over the log `file` (used for rejections, event sources and its modification date).
    public init(file: String, options: EventImportOptions = EventImportOptions()) {
        state = PostfixLogState(options: options, file: file)
    }

    /// Reads every complete line in `chunk`; a trailing partial line waits for the next chunk.
    public mutating func feed(_ chunk: [UInt8], emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws {
        summary = try ImportSink.run(file: state.file, summary: summary, emit: emit, reject: reject) { sink in
            var start = 0
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                if partial.isEmpty {
                    try consumeLine(chunk[start..<newline], sink: &sink)
                } else {
                    partial += chunk[start..<newline]
                    let line = partial
                    partial.removeAll(keepingCapacity: true)
                    try consumeLine(line[...], sink: &sink)
                }
                start = newline + 1
            }
            partial += chunk[start...]
        }
    }

    /// Reads a last line without a newline and returns the counts for the whole log.
    public mutating func finish(emit: (RawEvent) -> Void, reject: (Rejection) -> Void) throws -> EventImportSummary {
        summary = try ImportSink.run(file: state.file, summary: summary, emit: emit, reject: reject) { sink in
            if !partial.isEmpty {
                let line = partial
                partial.removeAll()
                try consumeLine(line[...], sink: &sink)
            }
            state.finish(sink: &sink)
        }
        return summary
    }

    private mutating func consumeLine(_ bytes: ArraySlice<UInt8>, sink: inout ImportSink) throws {
        lineNumber += 1
        var line = bytes
        if line.last == 0x0D { line = line.dropLast() }
        try state.consume(line, line: lineNumber, sink: &sink)
    }
}

/// What one deferral said, kept until the queue id's fate is known.
private struct PendingRecipient {
    var address: String
    var diagnostic: String
    var replyCode: Int?
    var enhancedCode: String?
}

/// The state carried from line to line: the year, and deferred recipients by queue id.
private struct PostfixLogState {
    let options: EventImportOptions
    let file: String
    var year: SyslogYear?
    var pending: [String: [PendingRecipient]] = [:]
    var unjoinedExpiries = 0

    init(options: EventImportOptions, file: String) {
        self.options = options
        self.file = file
    }

    private static let statusMarker = Array("status=".utf8)
    private static let removedMarker = Array(": removed".utf8)

    mutating func consume(_ bytes: ArraySlice<UInt8>, line: Int, sink: inout ImportSink) throws {
        guard ByteSearch.contains(bytes, Self.statusMarker) else {
            if ByteSearch.contains(bytes, Self.removedMarker), !pending.isEmpty,
               let header = PostfixLine(String(decoding: bytes, as: UTF8.self)) {
                pending[String(header.queueID)] = nil
            }
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let header = PostfixLine(text) else { return }
        guard !header.queueID.isEmpty else {
            sink.reject(line: line, reason: "Postfix status line without a queue id", raw: text)
            return
        }
        guard let stamp = header.stamp else {
            sink.reject(line: line, reason: "unreadable log timestamp", raw: text)
            return
        }
        let timestamp: Int64
        switch stamp {
        case let .absolute(seconds):
            timestamp = seconds
        case let .local(seconds):
            timestamp = seconds - Int64(options.syslogUTCOffset)
        case let .syslog(month, day, seconds):
            if year == nil { year = try makeYear(line: line, sink: &sink) }
            guard let resolved = year?.resolve(month: month, day: day, secondsOfDay: seconds) else {
                sink.reject(line: line, reason: "unreadable log timestamp", raw: text)
                return
            }
            timestamp = resolved
        }
        let message = header.message
        if message.hasPrefix("to=<") {
            delivery(message, queueID: String(header.queueID), timestamp: timestamp, line: line, raw: text, sink: &sink)
        } else if message.contains("status=expired") {
            expiry(queueID: String(header.queueID), timestamp: timestamp, line: line, sink: &sink)
        } else {
            sink.reject(line: line, reason: "Postfix status line without a recipient (to=<…>)", raw: text)
        }
    }

    mutating func finish(sink: inout ImportSink) {
        if unjoinedExpiries > 0 {
            sink.note("\(unjoinedExpiries) status=expired line(s) had no earlier deferral of the same queue id in this file and were skipped")
        }
    }

    private mutating func delivery(_ message: Substring, queueID: String, timestamp: Int64, line: Int, raw: String, sink: inout ImportSink) {
        let afterOpen = message.dropFirst(4)
        guard let close = afterOpen.firstIndex(of: ">") else {
            sink.reject(line: line, reason: "Postfix delivery line with an unterminated to=<…>", raw: raw)
            return
        }
        let address = String(afterOpen[..<close])
        guard !address.isEmpty else {
            sink.reject(line: line, reason: "Postfix delivery line with an empty recipient", raw: raw)
            return
        }
        let fields = afterOpen[afterOpen.index(after: close)...]
        guard let statusRange = fields.range(of: "status=") else {
            sink.reject(line: line, reason: "Postfix delivery line without status=", raw: raw)
            return
        }
        let afterStatus = fields[statusRange.upperBound...]
        let status = afterStatus.prefix { $0.isLetter }
        guard !status.isEmpty else {
            sink.reject(line: line, reason: "Postfix delivery line with an empty status", raw: raw)
            return
        }
        var diagnostic = afterStatus.dropFirst(status.count).trimmingCharacters(in: .whitespaces)
        if diagnostic.hasPrefix("("), diagnostic.hasSuffix(")") { diagnostic = String(diagnostic.dropFirst().dropLast()) }
        var dsn: String?
        if let dsnRange = fields[..<statusRange.lowerBound].range(of: "dsn=") {
            dsn = SMTPReplyText.enhancedCode(String(fields[dsnRange.upperBound...].prefix { $0 != "," && $0 != " " }))
        }
        let codes = SMTPReplyText.codesAfterSaid(Substring(diagnostic))
        let recipient = PendingRecipient(address: address, diagnostic: diagnostic, replyCode: codes.replyCode,
                                         enhancedCode: codes.enhancedCode ?? dsn)
        let type: EventType
        switch status {
        case "sent":
            type = .delivered
        case "bounced", "expired":
            type = .bounce
        case "deferred":
            type = .bounce
            var list = pending[queueID] ?? []
            if let index = list.firstIndex(where: { $0.address == address }) {
                list[index] = recipient
            } else {
                list.append(recipient)
            }
            pending[queueID] = list
        default:
            // Address-verification probes (`deliverable`, `undeliverable`) and the like.
            sink.skip("status=\(status)")
            return
        }
        if type != .bounce || status != "deferred" {
            pending[queueID]?.removeAll { $0.address == address }
            if pending[queueID]?.isEmpty == true { pending[queueID] = nil }
        }
        sink.emit(RawEvent(address: address, timestamp: timestamp, type: type, replyCode: recipient.replyCode,
                           enhancedCode: recipient.enhancedCode, diagnostic: diagnostic,
                           providerVerdict: "postfix:\(status)", source: EventSource(file: file, line: line),
                           messageIdentity: "postfix:\(queueID)"))
    }

    private mutating func expiry(queueID: String, timestamp: Int64, line: Int, sink: inout ImportSink) {
        guard let recipients = pending.removeValue(forKey: queueID), !recipients.isEmpty else {
            unjoinedExpiries += 1
            sink.skip("status=expired without an earlier line of its queue id")
            return
        }
        for recipient in recipients {
            sink.emit(RawEvent(address: recipient.address, timestamp: timestamp, type: .bounce, replyCode: recipient.replyCode,
                               enhancedCode: recipient.enhancedCode, diagnostic: recipient.diagnostic,
                               providerVerdict: "postfix:expired", source: EventSource(file: file, line: line),
                               messageIdentity: "postfix:\(queueID)"))
        }
    }

    private func makeYear(line: Int, sink: inout ImportSink) throws -> SyslogYear {
        let offset = options.syslogUTCOffset
        if let given = options.year {
            sink.note("syslog timestamps have no year: the first line is taken to be in \(given) (--year), later lines advance at each year rollover")
            return SyslogYear(basis: .given(given), utcOffset: offset)
        }
        if let modified = options.fileModified {
            sink.note("syslog timestamps have no year: years taken from the file's modification date (\(Timestamp.format(modified)))")
            return SyslogYear(basis: .before(modified), utcOffset: offset)
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: file),
           let date = attributes[.modificationDate] as? Date {
            let modified = Int64(date.timeIntervalSince1970.rounded(.down))
            sink.note("syslog timestamps have no year: years taken from the file's modification date (\(Timestamp.format(modified)))")
            return SyslogYear(basis: .before(modified), utcOffset: offset)
        }
        throw EventImportError.yearUnknown(file: file, line: line)
    }
}

/// Assigns years to syslog timestamps that have none (see ``PostfixImporter`` for the rules).
struct SyslogYear {
    enum Basis {
        /// The first line's year; advances at each rollover.
        case given(Int)
        /// The latest year that keeps the line no more than a day after this instant.
        case before(Int64)
    }

    let basis: Basis
    let utcOffset: Int
    private var running: Int?
    private var previous: Int64?

    init(basis: Basis, utcOffset: Int) {
        self.basis = basis
        self.utcOffset = utcOffset
    }

    /// Unix seconds for a month (1–12), day and seconds since local midnight, or nil for a
    /// date that exists in none of the candidate years.
    mutating func resolve(month: Int, day: Int, secondsOfDay: Int) -> Int64? {
        switch basis {
        case let .before(limit):
            let (limitYear, _, _) = Timestamp.civilFromDays(Int((limit + Int64(utcOffset)).floorDiv(86_400)))
            for year in [limitYear + 1, limitYear, limitYear - 1, limitYear - 2, limitYear - 3, limitYear - 4] {
                if let t = stamp(year, month, day, secondsOfDay), t <= limit + 86_400 { return t }
            }
            return nil
        case let .given(first):
            var year = running ?? first
            let current = stamp(year, month, day, secondsOfDay)
            let t: Int64
            if let previous {
                if let current, current >= previous - 86_400 {
                    if current > previous + 330 * 86_400, let earlier = stamp(year - 1, month, day, secondsOfDay) {
                        // A late line from the old year after the rollover: keep the running year.
                        return earlier
                    }
                    t = current
                } else {
                    // The dates went backwards (or Feb 29 is missing this year): a new year began.
                    guard let next = stamp(year + 1, month, day, secondsOfDay) else { return nil }
                    year += 1
                    t = next
                }
            } else {
                guard let current else { return nil }
                t = current
            }
            running = year
            previous = t
            return t
        }
    }

    private func stamp(_ year: Int, _ month: Int, _ day: Int, _ secondsOfDay: Int) -> Int64? {
        guard (1...12).contains(month), day >= 1, day <= Timestamp.daysInMonth(year: year, month: month) else { return nil }
        return Int64(Timestamp.daysFromCivil(year: year, month: month, day: day)) * 86_400 + Int64(secondsOfDay) - Int64(utcOffset)
    }
}

private extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 { self >= 0 ? self / d : (self - d + 1) / d }
}

/// The parts of a Postfix log line: timestamp, program, queue id and message.
struct PostfixLine {
    /// A timestamp as written: complete, or syslog's month/day/time without a year.
    enum Stamp: Equatable {
        case absolute(Int64)
        /// An ISO 8601 date and time without a zone, read as UTC (the log's zone still applies).
        case local(Int64)
        case syslog(month: Int, day: Int, secondsOfDay: Int)
    }

    /// Nil when the text before the program name is not a readable timestamp.
    var stamp: Stamp?
    /// `postfix/smtp`, `postfix-out/smtp`, … without the pid.
    var program: Substring
    /// The queue id before the first `: ` of the message (empty when there is none).
    var queueID: Substring
    /// The message after the queue id.
    var message: Substring

    /// Nil when the line does not come from a Postfix program.
    init?(_ line: String) {
        let text = Substring(line)
        var searchFrom = text.startIndex
        var found: Range<Substring.Index>?
        while let r = text.range(of: " postfix", range: searchFrom..<text.endIndex) {
            if r.upperBound < text.endIndex, text[r.upperBound] == "/" || text[r.upperBound] == "-" { found = r; break }
            searchFrom = r.upperBound
        }
        guard let found else { return nil }
        let programStart = text.index(after: found.lowerBound)
        let programToken = text[programStart...].prefix { $0 != " " }
        var rest = text[programToken.endIndex...].drop { $0 == " " }
        if programToken.hasSuffix(":") {
            program = programToken.dropLast().prefix { $0 != "[" }
        } else {
            // RFC 5424: APP-NAME PROCID MSGID STRUCTURED-DATA MSG.
            program = programToken
            for _ in 0..<2 { rest = rest.drop { $0 != " " }.drop { $0 == " " } }
            if rest.hasPrefix("[") {
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...] }
                rest = rest.drop { $0 == " " }
            } else {
                rest = rest.drop { $0 != " " }.drop { $0 == " " }
            }
        }
        if let colon = rest.range(of: ": "), rest[..<colon.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber }) {
            queueID = rest[..<colon.lowerBound]
            message = rest[colon.upperBound...]
        } else {
            queueID = ""
            message = rest
        }
        // Timestamp and host precede the program; the host is the last word before it.
        var head = text[..<found.lowerBound]
        if let lastSpace = head.lastIndex(of: " ") { head = head[..<lastSpace] } else { head = "" }
        stamp = Self.parseStamp(head)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Jun  1 10:00:05`, `2024-06-01T10:00:05.123456+00:00`, or `<22>1 2024-…`.
    static func parseStamp(_ raw: Substring) -> Stamp? {
        var text = raw.drop { $0 == " " }
        if text.hasPrefix("<"), let close = text.firstIndex(of: ">") {
            text = text[text.index(after: close)...]
            if text.hasPrefix("1 ") { text = text.dropFirst(2) }
        }
        text = text.drop { $0 == " " }
        if let first = text.first, first.isNumber {
            let token = String(text.prefix { $0 != " " })
            if let t = Timestamp.parse(token) { return .absolute(t) }
            return Timestamp.parse(token, assumeUTC: true).map(Stamp.local)
        }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 3, let month = months.firstIndex(of: String(parts[0])).map({ $0 + 1 }),
              let day = Int(parts[1]) else { return nil }
        let clock = parts[2].split(separator: ":")
        guard clock.count == 3, let h = Int(clock[0]), let m = Int(clock[1]),
              let s = Int(clock[2].prefix { $0.isNumber }), h < 24, m < 60, s < 61 else { return nil }
        return .syslog(month: month, day: day, secondsOfDay: h * 3600 + m * 60 + min(s, 59))
    }
}
