import Foundation

/// listwash's own event formats: CSV with the header
/// `email,timestamp,event,smtp_code,enhanced_code,diagnostic[,message_id]` (columns found by
/// name, `event` optional and `bounce` by default, `message_id` optional), and JSON Lines
/// objects with the same keys.
public enum CanonicalEvents {
    /// Header names accepted for each field, lower-cased.
    static let addressNames = ["email", "e-mail", "email address", "emailaddress", "email_address", "recipient", "address", "rcpt"]
    static let timestampNames = ["timestamp", "time", "date", "event_time", "ts"]
    static let typeNames = ["event", "event_type", "type"]
    static let replyNames = ["smtp_code", "reply_code", "code"]
    static let statusNames = ["enhanced_code", "status", "dsn"]
    static let diagnosticNames = ["diagnostic", "diagnostic_code", "reason", "message"]
    /// The optional message identity (``RawEvent/messageIdentity``).
    static let messageNames = ["message_id", "message-id", "messageid", "msg_id"]

    /// Reads canonical event CSV from `source`, calling `emit` for each event and `reject`
    /// for each row that cannot be read.
    public static func readCSV(source: ByteSource, file: String, emit: (RawEvent) throws -> Void, reject: (Rejection) throws -> Void) throws {
        try readCSV(source: source, file: file, fields: { f in
            try emit(RawEvent(
                address: String(decoding: f.address, as: UTF8.self), timestamp: f.timestamp, type: f.type, replyCode: f.replyCode,
                enhancedCode: f.enhancedCode.map { String(decoding: $0, as: UTF8.self) },
                diagnostic: String(decoding: f.diagnostic, as: UTF8.self), source: EventSource(file: file, line: f.line),
                messageIdentity: f.message.map { String(decoding: $0, as: UTF8.self) }))
        }, reject: reject)
    }

    /// One canonical CSV event's fields, checked and converted, the text ones in place in the
    /// reader's buffer (valid only during the callback).
    struct CSVFields {
        /// Blanks trimmed, not empty.
        var address: UnsafeBufferPointer<UInt8>
        var timestamp: Int64
        var type: EventType
        var replyCode: Int?
        /// Blanks trimmed; nil when empty or absent.
        var enhancedCode: UnsafeBufferPointer<UInt8>?
        /// As found.
        var diagnostic: UnsafeBufferPointer<UInt8>
        /// The message identity, blanks and angle brackets around it trimmed; nil when empty or absent.
        var message: UnsafeBufferPointer<UInt8>?
        var line: Int
    }

    /// The columns of a canonical CSV, found by name in its header.
    struct CSVColumns: Sendable {
        var address: Int
        var timestamp: Int
        var type: Int?
        var reply: Int?
        var status: Int?
        var diagnostic: Int?
        var message: Int?
        /// The header's field count, which every record must have.
        var fieldCount: Int
    }

    /// The columns named by a header record.
    static func columns(header record: CSVRecordView, file: String) throws -> CSVColumns {
        let names = (0..<record.fieldCount).map { record.string($0).trimmingCharacters(in: .whitespaces).lowercased() }
        func find(_ candidates: [String]) -> Int? {
            for candidate in candidates { if let i = names.firstIndex(of: candidate) { return i } }
            return nil
        }
        guard let address = find(addressNames) else { throw InputError.noAddressColumn(path: file, columns: names.count, firstLineHoldsAddress: names.contains { $0.contains("@") }) }
        guard let timestamp = find(timestampNames) else { throw InputError.unknownColumn(path: file, name: "timestamp") }
        return CSVColumns(address: address, timestamp: timestamp, type: find(typeNames), reply: find(replyNames), status: find(statusNames),
                          diagnostic: find(diagnosticNames), message: find(messageNames), fieldCount: record.fieldCount)
    }

    /// ``readCSV(source:file:emit:reject:)`` without the strings: `fields` gets each event's
    /// fields in place (what `ingest` packs straight into the history's form).
    static func readCSV(source: ByteSource, file: String, fields: (CSVFields) throws -> Void, reject: (Rejection) throws -> Void) throws {
        let reader = CSVReader(source: source)
        var columns: CSVColumns?
        try reader.forEachRecord { record in
            if record.isBlank { return }
            guard let c = columns else {
                columns = try Self.columns(header: record, file: file)
                return
            }
            try readRecord(record, columns: c, file: file, fields: fields, reject: reject)
        }
        if columns == nil { throw InputError.emptyFile(path: file) }
    }

    /// One record after the header (not blank): its fields to `fields`, or the record to `reject`.
    @inline(__always)
    static func readRecord(_ record: CSVRecordView, columns c: CSVColumns, file: String, fields: (CSVFields) throws -> Void,
                           reject: (Rejection) throws -> Void) throws {
        let fieldCount = c.fieldCount
        func rejectRecord(_ reason: String) throws {
            try reject(Rejection(file: file, line: record.line, reason: reason, raw: record.text))
        }
        if let error = record.error { return try rejectRecord(error.message) }
        guard record.fieldCount == fieldCount else {
            return try rejectRecord(CSVRecordError.fieldCount(expected: fieldCount, found: record.fieldCount).message)
        }
        // Byte-level: this runs once per event of multi-million-line logs. Fields are read
        // in place from the reader's buffer.
        if withValue(record, c.address, { trimmed($0).isEmpty }) { return try rejectRecord("empty email") }
        guard let ts = withValue(record, c.timestamp, { Timestamp.parse(bytes: trimmed($0), assumeUTC: true) }) else {
            return try rejectRecord("timestamp is not ISO 8601 or Unix seconds")
        }
        var eventType = EventType.bounce
        if let column = c.type {
            // Read in place: (whether the name is empty, its type).
            let named = withValue(record, column) { value -> (Bool, EventType?) in
                let name = trimmed(value)
                return (name.isEmpty, name.isEmpty ? nil : Self.eventType(name))
            }
            if !named.0 {
                guard let parsed = named.1 else {
                    return try rejectRecord("unknown event type (expected bounce, delivered, complaint or unsubscribe)")
                }
                eventType = parsed
            }
        }
        let replyCode = c.reply.flatMap { column in withValue(record, column) { Self.integer(trimmed($0)) } }
        let line = record.line
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        // Text fields as valid UTF-8, as the String-based reading stored them.
        try withValue(record, c.address) { value in
            try withValidUTF8(trimmed(value)) { address in
                try withOptionalValue(record, c.status) { status in
                    try withValidUTF8(status.map(trimmed) ?? empty) { enhanced in
                        try withOptionalValue(record, c.diagnostic) { diagnostic in
                            try withValidUTF8(diagnostic ?? empty) { diagnostic in
                                try withOptionalValue(record, c.message) { message in
                                    try withValidUTF8(message.map(messageIdentity) ?? empty) { message in
                                        try fields(CSVFields(address: address, timestamp: ts, type: eventType, replyCode: replyCode,
                                                             enhancedCode: enhanced.isEmpty ? nil : enhanced,
                                                             diagnostic: diagnostic, message: message.isEmpty ? nil : message,
                                                             line: line))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// ``EventType/parse(_:)`` on bytes in place (no array or `String` per record): an input
    /// file's type name, A–Z compared case-insensitively, never an operator's type.
    static func eventType(_ name: UnsafeBufferPointer<UInt8>) -> EventType? {
        for type in EventType.allCases where !type.isOperatorAction {
            let text = type.rawValue.utf8
            guard text.count == name.count else { continue }
            if zip(text, name).allSatisfy({ $0 == ASCII.lower($1) }) { return type }
        }
        return nil
    }

    /// A message identity field's bytes as ``MessageIdentity/normalized(_:)`` makes them:
    /// blanks, then angle brackets around it trimmed.
    static func messageIdentity(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let value = trimmed(field)
        guard value.count > 2, value.first == UInt8(ascii: "<"), value.last == UInt8(ascii: ">") else { return value }
        return UnsafeBufferPointer(rebasing: value[(value.startIndex + 1)..<(value.endIndex - 1)])
    }

    /// Reads canonical JSON Lines: one object per line, blank lines skipped.
    public static func readJSONLines(source: ByteSource, file: String, emit: (RawEvent) throws -> Void, reject: (Rejection) throws -> Void) throws {
        try LineReader(source: source).forEachLine { line, number in
            let text = line.trimmingBlanks()
            if text.isEmpty { return }
            let raw = String(decoding: text, as: UTF8.self)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(text))) as? [String: Any] else {
                return try reject(Rejection(file: file, line: number, reason: "not a JSON object", raw: raw))
            }
            func value(_ names: [String]) -> String? {
                for name in names {
                    switch object[name] {
                    case let s as String: return s
                    case let n as NSNumber: return n.stringValue
                    default: continue
                    }
                }
                return nil
            }
            guard let address = value(addressNames) else {
                return try reject(Rejection(file: file, line: number, reason: "no email", raw: raw))
            }
            let fields = Fields(
                address: address, timestamp: value(timestampNames) ?? "", type: value(typeNames),
                reply: value(replyNames), status: value(statusNames), diagnostic: value(diagnosticNames) ?? "",
                message: value(messageNames))
            switch fields.event(source: EventSource(file: file, line: number)) {
            case .success(let event): try emit(event)
            case .failure(let problem): try reject(Rejection(file: file, line: number, reason: problem.reason, raw: raw))
            }
        }
    }

    /// Calls `body` with the value of field `index` of `record` (as ``CSVRecordView/field(_:)``
    /// gives it): in place when the field is unquoted, or quoted without doubled quotes; copied
    /// otherwise.
    @inline(__always)
    static func withValue<T>(_ record: CSVRecordView, _ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let r = record.rawField(index).assumingMemoryBound(to: UInt8.self)
        guard r.count >= 1, r[0] == record.quote else { return try body(r) }
        // The first quote after the opening one (`r.count` when none).
        var close = r.count
        if r.count > 1, let hit = memchr(r.baseAddress! + 1, Int32(record.quote), r.count - 1) {
            close = r.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
        var after = close + 1
        while after < r.count, r[after] == 0x20 || r[after] == 0x09 { after += 1 }
        if close < r.count, after == r.count {
            return try body(UnsafeBufferPointer(rebasing: r[1..<close]))
        }
        return try record.withField(index, body)
    }

    /// Calls `body` with `bytes` as valid UTF-8: the bytes themselves when they are ASCII, else
    /// as `String(decoding:as:)` reads them (each ill-formed sequence replaced by U+FFFD, and
    /// valid text unchanged), so that an event read in place is stored exactly as one read into
    /// `String`s: same id, same key, same text.
    @inline(__always)
    static func withValidUTF8<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        if isASCII(bytes) { return try body(bytes) }
        var text = String(decoding: bytes, as: UTF8.self)
        return try text.withUTF8(body)
    }

    /// Whether every byte is below 0x80 (32, then eight at a time).
    @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 32 <= bytes.count {
            let any = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self) | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
            if any & 0x8080_8080_8080_8080 != 0 { return false }
            i += 32
        }
        while i + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < bytes.count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// ``withValue(_:_:_:)`` for a column that may be absent (nil then).
    @inline(__always)
    static func withOptionalValue<T>(_ record: CSVRecordView, _ index: Int?, _ body: (UnsafeBufferPointer<UInt8>?) throws -> T) rethrows -> T {
        guard let index else { return try body(nil) }
        return try withValue(record, index) { try body($0) }
    }

    /// `bytes` without leading and trailing spaces, tabs, CR and LF.
    @inline(__always)
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = bytes.count
        while lo < hi, AddressRules.isBlank(bytes[lo]) { lo += 1 }
        while hi > lo, AddressRules.isBlank(bytes[hi - 1]) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }

    /// A decimal integer of up to 9 digits, or nil (a reply code that is not an integer is never guessed).
    static func integer(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { integer($0) }
    }

    /// ``integer(_:)-([UInt8])`` on bytes in place.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for b in bytes {
            guard b >= 0x30, b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    struct Problem: Error { var reason: String }

    /// The text fields of one canonical event, checked and converted.
    struct Fields {
        var address: String
        var timestamp: String
        var type: String?
        var reply: String?
        var status: String?
        var diagnostic: String
        var message: String? = nil

        func event(source: EventSource) -> Result<RawEvent, Problem> {
            let trimmedAddress = address.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmedAddress.isEmpty else { return .failure(Problem(reason: "empty email")) }
            guard let ts = Timestamp.parse(timestamp, assumeUTC: true) else {
                return .failure(Problem(reason: "timestamp is not ISO 8601 or Unix seconds"))
            }
            var eventType = EventType.bounce
            if let type {
                let name = type.trimmingCharacters(in: .whitespaces).lowercased()
                if !name.isEmpty {
                    guard let parsed = EventType(rawValue: name), !parsed.isOperatorAction else {
                        return .failure(Problem(reason: "unknown event type (expected bounce, delivered, complaint or unsubscribe)"))
                    }
                    eventType = parsed
                }
            }
            // A reply code that is not an integer is kept in the diagnostic only, never guessed.
            let replyCode = reply.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let enhanced = status.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            return .success(RawEvent(address: trimmedAddress, timestamp: ts, type: eventType, replyCode: replyCode,
                                     enhancedCode: enhanced, diagnostic: diagnostic, source: source, messageIdentity: message))
        }
    }
}

/// Splits a byte stream into lines (LF, CRLF or CR), with 1-based line numbers.
public final class LineReader {
    private let source: ByteSource
    private let chunkSize: Int

    public init(source: ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        self.chunkSize = chunkSize
    }

    /// Calls `body` with each line's bytes (without its terminator) and its number.
    public func forEachLine(_ body: ([UInt8], Int) throws -> Void) throws {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var number = 1
        var afterCR = false
        while true {
            let n = try chunk.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { break }
            for i in 0..<n {
                let c = chunk[i]
                if c == 0x0A {
                    if afterCR { afterCR = false; continue }
                    try body(pending, number)
                    number += 1
                    pending.removeAll(keepingCapacity: true)
                } else if c == 0x0D {
                    try body(pending, number)
                    number += 1
                    pending.removeAll(keepingCapacity: true)
                    afterCR = true
                } else {
                    afterCR = false
                    pending.append(c)
                }
            }
        }
        if !pending.isEmpty { try body(pending, number) }
    }
}

extension Array where Element == UInt8 {
    /// The bytes without leading and trailing spaces, tabs, CR and LF.
    func trimmingBlanks() -> [UInt8] {
        var lo = startIndex, hi = endIndex
        while lo < hi, AddressRules.isBlank(self[lo]) { lo += 1 }
        while hi > lo, AddressRules.isBlank(self[hi - 1]) { hi -= 1 }
        return Array(self[lo..<hi])
    }
}
