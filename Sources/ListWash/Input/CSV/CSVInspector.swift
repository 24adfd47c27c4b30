/// What ``CSVInspector`` saw in a file, for the closing summary of `listwash inspect-csv`.
public struct CSVInspection: Sendable, Equatable {
    /// Records printed (the header line included: the inspector has no notion of a header).
    public var records = 0
    /// Empty lines (skipped unless ``CSVInspector/keepBlankLines``).
    public var blankLines = 0
    /// Records the reader could not split (see the rejections).
    public var malformed = 0
    /// The delimiter used, sniffed or given: `,` `;` `tab` `|`.
    public var delimiter = ","
    /// The encoding the file was read in.
    public var encoding = TextEncoding.utf8
    /// Whether the file started with a byte-order mark.
    public var byteOrderMark = false
    /// How many records had each field count, ascending by count (a ragged file shows several).
    public var fieldCounts: [(fields: Int, records: Int)] = []

    /// An empty inspection.
    public init() {}

    /// Equal when every count and property is.
    public static func == (a: CSVInspection, b: CSVInspection) -> Bool {
        a.records == b.records && a.blankLines == b.blankLines && a.malformed == b.malformed && a.delimiter == b.delimiter
            && a.encoding == b.encoding && a.byteOrderMark == b.byteOrderMark
            && a.fieldCounts.map(\.fields) == b.fieldCounts.map(\.fields) && a.fieldCounts.map(\.records) == b.fieldCounts.map(\.records)
    }
}

/// Shows how listwash splits a CSV file: every record as a JSON array of its fields (unquoted,
/// unescaped), one per line, exactly as `clean` sees them. It is the same reader, encoding
/// handling and delimiter sniffing as `clean`, without the header and field-count checks, so
/// it also serves the CSV conformance suites (`make conformance`).
public struct CSVInspector {
    /// Forces the delimiter; nil sniffs it as `clean` does.
    public var delimiter: UInt8?
    /// The declared encoding, as `clean --encoding`.
    public var encoding: TextEncoding?
    /// Print empty lines as `[""]` (one empty field) instead of skipping them as `clean` does.
    public var keepBlankLines = false
    /// Print `{"line":N,"fields":[…]}` objects, and malformed records as `{"line":N,"error":"…","fields":[…]}`.
    public var withLines = false

    /// An inspector with `clean`'s defaults.
    public init(delimiter: UInt8? = nil, encoding: TextEncoding? = nil, keepBlankLines: Bool = false, withLines: Bool = false) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.keepBlankLines = keepBlankLines
        self.withLines = withLines
    }

    /// Reads `path` ("-" for standard input) and calls `output` with each JSON line (newline
    /// included) and `reject` with each malformed record (its reason never holds the data).
    public func run(path: String, output: ([UInt8]) throws -> Void, reject: (Rejection) -> Void) throws -> CSVInspection {
        try run(source: try FileByteSource(path: path), file: path, output: output, reject: reject)
    }

    /// As ``run(path:output:reject:)``, over any byte source.
    /// - Complexity: O(n) in the size of the input; memory is bounded by the longest record.
    public func run(source: ByteSource, file: String, output: ([UInt8]) throws -> Void, reject: (Rejection) -> Void) throws -> CSVInspection {
        let text = TranscodingByteSource(source, declared: encoding)
        let reader = CSVReader(source: text, dialect: delimiter.map { CSVDialect(delimiter: $0) })
        var result = CSVInspection()
        var widths: [Int: Int] = [:]
        var offset = -1
        var line: [UInt8] = []
        try reader.forEachRecord { record in
            if offset < 0 { offset = reader.hadByteOrderMark ? 3 : 0 }
            offset += record.raw.count
            let invalid = text.takeInvalidSequences(before: offset)
            if record.isBlank, record.error == nil {
                result.blankLines += 1
                if !keepBlankLines { return }
            }
            let error = record.error?.message ?? (invalid ? text.invalidSequenceReason : nil)
            line.removeAll(keepingCapacity: true)
            if let error {
                result.malformed += 1
                reject(Rejection(file: file, line: record.line, reason: error, raw: record.text))
                guard withLines else { return }
                line += Array("{\"line\":\(record.line),\"error\":".utf8)
                JSONWriter.appendString(error, to: &line)
                line += Array(",\"fields\":".utf8)
            } else {
                result.records += 1
                widths[record.fieldCount, default: 0] += 1
                if withLines { line += Array("{\"line\":\(record.line),\"fields\":".utf8) }
            }
            line.append(UInt8(ascii: "["))
            for k in 0..<record.fieldCount {
                if k > 0 { line.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(record.string(k), to: &line)
            }
            line.append(UInt8(ascii: "]"))
            if withLines { line.append(UInt8(ascii: "}")) }
            line.append(0x0A)
            try output(line)
        }
        result.delimiter = reader.dialect?.delimiterName ?? ","
        result.encoding = text.encoding
        result.byteOrderMark = reader.hadByteOrderMark
        result.fieldCounts = widths.sorted { $0.key < $1.key }.map { (fields: $0.key, records: $0.value) }
        return result
    }
}
