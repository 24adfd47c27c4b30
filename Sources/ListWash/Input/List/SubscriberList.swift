/// A piece of a subscriber list as its reader hands it out, in file order.
public enum ListSegment {
    /// Bytes that belong to the file, not to any row (a header, a prolog, wrapper elements):
    /// copied into the cleaned file as they are.
    case passthrough(UnsafeRawBufferPointer)
    /// One subscriber row or record.
    case record(ListRecord)
}

/// One subscriber row or record, valid only during the call that receives it.
public struct ListRecord {
    /// 1-based line where the record starts.
    public var line: Int
    /// The record's bytes exactly as in the input (copied into the cleaned file when kept).
    public var raw: UnsafeRawBufferPointer
    /// The address field's value (unquoted, unescaped), nil when the record is malformed.
    public var address: [UInt8]?
    /// Why the record is malformed, nil when it is not; never contains the record's data.
    public var error: String?
    /// The record's text for the rejects file.
    public var text: String

    /// The reason a record whose address field is empty or blank is rejected.
    public static let noAddress = "no address"

    public init(line: Int, raw: UnsafeRawBufferPointer, address: [UInt8]?, error: String?, text: String) {
        self.line = line
        self.raw = raw
        self.address = address
        self.error = error
        self.text = text
    }
}

/// A streaming reader of one subscriber list format (CSV, XML): finds the address field and
/// hands out the file as passthrough bytes and records, so that the cleaned file can be the
/// input minus the removed records.
public protocol SubscriberListReader: AnyObject {
    /// `cleaned.csv`, `cleaned.xml`, …
    var cleanedFileName: String { get }
    /// A short description of what was read, for the manifest (`csv ,`, `xml <Subscriber>`).
    var dialectDescription: String { get }
    /// The name of the address column, element or attribute (known once reading has begun).
    var addressField: String { get }
    /// Bytes read from the file so far.
    var bytesRead: Int { get }
    /// SHA-256 of every byte read (complete after ``read(_:)`` returns).
    func digest() -> [UInt8]
    /// Calls `body` with each segment in file order.
    func read(_ body: (ListSegment) throws -> Void) throws
    /// Whether a record whose address field is empty or blank is malformed (``ListRecord/noAddress``)
    /// rather than a record with an empty address; set before reading.
    var rejectsBlankAddress: Bool { get set }
}

/// A CSV subscriber list: the header (and a byte-order mark) pass through, every other
/// non-blank line is a record; blank lines are dropped.
public final class CSVListReader: SubscriberListReader {
    public let path: String
    /// The file read, which counts and hashes its bytes; nil when reading from memory.
    private let file: FileByteSource?
    private let text: TranscodingByteSource
    private let reader: CSVReader
    private let emailColumn: String?
    public private(set) var addressField = ""
    public var cleanedFileName: String { "cleaned.csv" }
    public var dialectDescription: String {
        "csv \(reader.dialect?.delimiterName ?? ",")" + (text.isTranscoding ? " \(text.encoding.rawValue)" : "")
    }
    /// The list's encoding (settled once reading has begun); the cleaned file is written in it.
    public var encoding: TextEncoding { text.encoding }
    public var bytesRead: Int { file?.bytesRead ?? 0 }
    /// Blank lines seen (not copied).
    public private(set) var blankLines = 0
    /// Where the segment being handed out starts in the file (valid during the call that
    /// receives it, for a list that is not transcoded: see ``isPlainFile``). Blank lines lie
    /// between segments.
    public private(set) var segmentStart = 0
    /// Whether the list is read from a file whose bytes are handed out as they are (not
    /// transcoded): its segments are then the file's own byte ranges at ``segmentStart``.
    public var isPlainFile: Bool { file != nil && !text.isTranscoding }
    public var rejectsBlankAddress = true

    /// Opens the list; `encoding` is the declared `--encoding` (nil: UTF-8, or UTF-16 by its byte-order mark).
    public convenience init(path: String, delimiter: UInt8?, emailColumn: String?, encoding: TextEncoding? = nil) throws {
        let file = try FileByteSource(path: path, hashing: true)
        self.init(path: path, file: file, source: file, delimiter: delimiter, emailColumn: emailColumn, encoding: encoding)
    }

    /// Reads from any byte source (tests and fuzzing feed memory in chunks of chosen sizes);
    /// nothing is counted or hashed then.
    convenience init(path: String, source: ByteSource, delimiter: UInt8?, emailColumn: String?, encoding: TextEncoding? = nil) {
        self.init(path: path, file: nil, source: source, delimiter: delimiter, emailColumn: emailColumn, encoding: encoding)
    }

    private init(path: String, file: FileByteSource?, source: ByteSource, delimiter: UInt8?, emailColumn: String?, encoding: TextEncoding?) {
        self.path = path
        self.file = file
        text = TranscodingByteSource(source, declared: encoding)
        reader = CSVReader(source: text, dialect: delimiter.map { CSVDialect(delimiter: $0) })
        self.emailColumn = emailColumn
    }

    public func digest() -> [UInt8] { file?.hasher?.finalize() ?? [] }

    public func read(_ body: (ListSegment) throws -> Void) throws {
        var column = -1
        var fieldCount = 0
        // Offset of the next record in the decoded text, to find the records that hold invalid sequences.
        var offset = -1
        var scratch: [UInt8] = []
        // Hands `bytes` (decoded text) to `deliver` in the file's own encoding.
        func original(_ bytes: UnsafeRawBufferPointer, _ deliver: (UnsafeRawBufferPointer) throws -> Void) throws {
            guard text.isTranscoding else { return try deliver(bytes) }
            scratch.removeAll(keepingCapacity: true)
            guard text.encoding.encode(utf8: bytes, into: &scratch) else {
                throw InputError.unreadable(path: path, reason: "text cannot be encoded back into \(text.encoding.rawValue)")
            }
            try scratch.withUnsafeBytes { try deliver($0) }
        }
        try reader.forEachRecord { record in
            if offset < 0 { offset = reader.hadByteOrderMark ? 3 : 0 }
            offset += record.raw.count
            segmentStart = offset - record.raw.count
            let invalidText = text.takeInvalidSequences(before: offset)
            if invalidText, text.isUndeclaredUTF8, let first = text.firstInvalidOffset {
                // Not a damaged row: the file is in an encoding nobody named. Reading on would
                // take its bytes for UTF-8; the user names the encoding instead.
                let (line, column) = Self.position(of: first - (offset - record.raw.count), in: record.raw, firstLine: record.line)
                throw CleanError.undeclaredEncoding(path: path, line: line, column: column)
            }
            if record.isBlank {
                blankLines += 1
                return
            }
            if column < 0 {
                if let error = record.error { throw CleanError.badHeader(path: path, reason: error.message) }
                if invalidText { throw CleanError.badHeader(path: path, reason: text.invalidSequenceReason) }
                let headers = (0..<record.fieldCount).map { record.string($0) }
                guard let found = CleanJob.addressColumn(in: headers, named: emailColumn) else {
                    if let emailColumn { throw InputError.unknownColumn(path: path, name: emailColumn) }
                    throw InputError.noAddressColumn(path: path, columns: headers.count, firstLineHoldsAddress: headers.contains { $0.contains("@") })
                }
                column = found
                fieldCount = record.fieldCount
                addressField = headers[found]
                if reader.hadByteOrderMark {
                    let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                    segmentStart = 0
                    try bom.withUnsafeBytes { try original($0) { try body(.passthrough($0)) } }
                    segmentStart = offset - record.raw.count
                }
                try original(record.raw) { try body(.passthrough($0)) }
                return
            }
            let error: String?
            if let e = record.error {
                error = e.message
            } else if invalidText {
                error = text.invalidSequenceReason
            } else if record.fieldCount != fieldCount {
                error = CSVRecordError.fieldCount(expected: fieldCount, found: record.fieldCount).message
            } else if rejectsBlankAddress, AddressRules.isBlankField(record.field(column)) {
                error = ListRecord.noAddress
            } else {
                error = nil
            }
            if error != nil {
                // Rejected rows are never copied, so their bytes need no encoding back.
                return try body(.record(ListRecord(line: record.line, raw: record.raw, address: nil, error: error, text: record.text)))
            }
            try original(record.raw) { raw in
                try body(.record(ListRecord(line: record.line, raw: raw, address: record.field(column), error: nil, text: "")))
            }
        }
        if column < 0 { throw InputError.emptyFile(path: path) }
    }

    /// The line and 1-based byte column of byte `index` of a record that starts on `firstLine`
    /// (a quoted field may span lines; CRLF, LF and CR end a line).
    static func position(of index: Int, in raw: UnsafeRawBufferPointer, firstLine: Int) -> (line: Int, column: Int) {
        var line = firstLine
        var lineStart = 0
        var i = 0
        let end = min(max(index, 0), raw.count)
        while i < end {
            let b = raw[i]
            if b == 0x0A || (b == 0x0D && (i + 1 >= raw.count || raw[i + 1] != 0x0A)) {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, end - lineStart + 1)
    }
}

/// Picks the reader for a list file.
public enum SubscriberListFormat {
    /// Opens `path` with the reader its content calls for: XML when the file is named `*.xml`
    /// or starts (after a byte-order mark and blanks) with `<`, CSV otherwise.
    /// `emailColumn` names the CSV address column; `recordName` and `emailField` name the XML
    /// record element and its address field (`emailColumn` stands in for `emailField`).
    /// `encoding` is the declared `--encoding` of a CSV list (nil: UTF-8, or UTF-16 by its byte-order
    /// mark); an XML list declares its own.
    public static func open(path: String, delimiter: UInt8?, emailColumn: String?, encoding: TextEncoding? = nil,
                            recordName: String? = nil, emailField: String? = nil) throws -> SubscriberListReader {
        if try isXML(path: path) {
            return try XMLListReader(path: path, recordName: recordName, emailField: emailField ?? emailColumn)
        }
        return try CSVListReader(path: path, delimiter: delimiter, emailColumn: emailColumn ?? emailField, encoding: encoding)
    }

    /// Whether `path` holds XML: named `*.xml`, or its first non-blank byte (after a UTF-8
    /// byte-order mark) is `<`. Standard input ("-") is read as CSV.
    static func isXML(path: String) throws -> Bool {
        if path.lowercased().hasSuffix(".xml") { return true }
        if path == "-" { return false }
        let source = try FileByteSource(path: path)
        var head = [UInt8](repeating: 0, count: 512)
        let n = try head.withUnsafeMutableBytes { try source.read(into: $0) }
        return startsLikeXML(head[0..<n])
    }

    /// Whether bytes begin, after a UTF-8 byte-order mark and blanks, with `<`.
    static func startsLikeXML(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        guard let first = rest.first(where: { !AddressRules.isBlank($0) }) else { return false }
        return first == UInt8(ascii: "<")
    }
}
