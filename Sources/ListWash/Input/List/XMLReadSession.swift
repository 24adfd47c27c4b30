import CLibXML2

/// The state of one pass over an XML list: the bytes read and not yet handed out, the
/// detector until the record is known, then the scanner and the record being read.
final class XMLReadSession {
    unowned let reader: XMLListReader
    var detector: XMLRecordDetector?
    var ioError: Error?
    private var parseError: (line: Int, column: Int, message: String)?

    /// Bytes from file offset `windowBase` up to everything read so far.
    private var window: [UInt8] = []
    private var windowBase = 0
    /// File offset up to which segments have been handed out.
    private var emitted = 0
    private var scanner = XMLBoundaryScanner(recordDepth: 0)
    private var recordName: [UInt8] = []
    private var recordDepth = 0
    private var field = XMLAddressField.text
    private var current: OpenRecord?
    private var checkedEncoding = false
    /// Whether element names are UTF-8 in the file as in libxml2 (so names can be cross-checked).
    private var namesAreUTF8 = true

    private struct OpenRecord {
        var address: [UInt8]?
        var error: String?
        var captured = false
        var capturing = false
        var buffer: [UInt8] = []
        var hasEntity = false
    }

    init(reader: XMLListReader, detector: XMLRecordDetector) {
        self.reader = reader
        self.detector = detector
    }

    /// libxml2's read callback: reads from the source, counts, hashes and keeps the bytes.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int32 {
        do {
            let n = try reader.readSource(into: buffer)
            if n > 0 {
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
                reader.counted(bytes)
                window.append(contentsOf: bytes)
            }
            return Int32(n)
        } catch {
            ioError = error
            return -1
        }
    }

    /// libxml2's error callback: keeps the first error (warnings are ignored).
    func noteError(_ error: xmlError) {
        guard parseError == nil, error.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        // Errors inside an entity's replacement text carry a position in that text (no file):
        // the reader's own position in the document is the useful one then.
        let inDocument = error.file != nil
        parseError = (inDocument ? Int(error.line) : 0, inDocument ? Int(error.int2) : 0, XMLListError.describe(code: error.code))
    }

    func run(_ r: OpaquePointer, _ body: (ListSegment) throws -> Void) throws {
        while true {
            let status = xmlTextReaderRead(r)
            if let ioError { throw ioError }
            if parseError != nil || status < 0, windowBase == 0, window.allSatisfy(AddressRules.isBlank) {
                // The push parser calls an empty file "extra content"; say what it is.
                throw XMLListError.notWellFormed(path: reader.path, line: 1, column: 1, message: "Document is empty")
            }
            if let parseError {
                let inDocument = parseError.line > 0
                throw XMLListError.notWellFormed(path: reader.path,
                                                 line: inDocument ? parseError.line : Int(xmlTextReaderGetParserLineNumber(r)),
                                                 column: inDocument ? parseError.column : Int(xmlTextReaderGetParserColumnNumber(r)),
                                                 message: parseError.message)
            }
            if status == 0 { break }
            if status < 0 {
                throw XMLListError.notWellFormed(path: reader.path, line: Int(xmlTextReaderGetParserLineNumber(r)),
                                                 column: Int(xmlTextReaderGetParserColumnNumber(r)), message: "parse error")
            }
            if !checkedEncoding { try checkEncoding(r) }
            if detector != nil {
                try detect(r, body)
                if detector != nil, window.count > XMLListReader.detectionLimit { throw noRecord() }
            } else {
                try handle(r, body)
            }
        }
        try finish(body)
    }

    // MARK: Detection

    private func detect(_ r: OpaquePointer, _ body: (ListSegment) throws -> Void) throws {
        let depth = Int(xmlTextReaderDepth(r))
        var decision: XMLRecordDetector.Decision?
        switch xmlTextReaderNodeType(r) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue):
            decision = detector?.start(name: Self.localName(r), depth: depth, attributes: Self.attributes(r),
                                       isEmpty: xmlTextReaderIsEmptyElement(r) == 1)
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
            decision = detector?.end()
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
             Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
            Self.withValue(r) { detector?.text($0) }
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
            detector?.entityReference()
        default:
            break
        }
        guard let decision else { return }
        detector = nil
        recordName = Array(decision.recordName.utf8)
        recordDepth = decision.recordDepth
        field = decision.field
        reader.decided(record: decision.recordName, field: decision.field)
        scanner = XMLBoundaryScanner(recordDepth: recordDepth)
        scanAll()
        for earlier in decision.before {
            if let found = earlier {
                try complete(address: found.address, error: found.error, body)
            } else {
                try passOther(body)
            }
        }
        switch decision.first {
        case .open(let found):
            current = OpenRecord(address: found.address, error: found.error, captured: true)
        case .complete(let found):
            try complete(address: found.address, error: found.error, body)
        }
    }

    // MARK: Records

    private func handle(_ r: OpaquePointer, _ body: (ListSegment) throws -> Void) throws {
        let depth = Int(xmlTextReaderDepth(r))
        switch xmlTextReaderNodeType(r) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue):
            let isEmpty = xmlTextReaderIsEmptyElement(r) == 1
            if depth == recordDepth {
                guard Self.localName(r, equals: recordName) else {
                    if isEmpty { try passOther(body) }
                    return
                }
                var record = OpenRecord()
                if case .attribute(let name) = field, let value = Self.attribute(r, named: name) {
                    record.captured = true
                    record.address = value.hasEntity ? nil : value.bytes
                    record.error = value.hasEntity ? XMLRecordDetector.entityError : nil
                }
                if isEmpty { try complete(record, body) } else { current = record }
            } else if depth == recordDepth + 1, var record = current, case .child(let name) = field,
                      !record.captured, !record.capturing, Self.localName(r, equals: Array(name.utf8)) {
                if isEmpty {
                    record.captured = true
                    record.address = []
                } else {
                    record.capturing = true
                }
                current = record
            }
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
            if depth == recordDepth {
                if let record = current {
                    current = nil
                    try complete(record, body)
                } else {
                    try passOther(body)
                }
            } else if depth == recordDepth + 1, var record = current, record.capturing {
                record.capturing = false
                record.captured = true
                record.address = record.hasEntity ? nil : record.buffer
                record.error = record.hasEntity ? XMLRecordDetector.entityError : nil
                record.buffer = []
                current = record
            }
        case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
             Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
            guard current.map(isCollecting) == true else { return }
            Self.withValue(r) { current?.buffer.append(contentsOf: $0) }
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
            if current.map(isCollecting) == true { current?.hasEntity = true }
        default:
            break
        }
    }

    private func isCollecting(_ record: OpenRecord) -> Bool {
        record.capturing || (field == .text && !record.captured)
    }

    private func complete(_ record: OpenRecord, _ body: (ListSegment) throws -> Void) throws {
        if field == .text {
            try complete(address: record.hasEntity ? nil : record.buffer,
                         error: record.hasEntity ? XMLRecordDetector.entityError : nil, body)
        } else if record.captured {
            try complete(address: record.address, error: record.error, body)
        } else {
            try complete(address: nil, error: field.missing, body)
        }
    }

    /// Pairs the record libxml2 just finished with the scanner's next element and hands out
    /// the bytes before it and the record itself.
    private func complete(address: [UInt8]?, error: String?, _ body: (ListSegment) throws -> Void) throws {
        // An address field that is there but empty or blank is no address either.
        let error = error ?? (reader.rejectsBlankAddress && AddressRules.isBlankField(address ?? []) ? ListRecord.noAddress : nil)
        scanAll()
        guard let element = scanner.takeCompleted(), let end = element.end else { throw mismatch() }
        if namesAreUTF8, element.localName != recordName { throw mismatch(line: element.line) }
        let start = lineStart(before: element.start)
        try passThrough(upTo: start, body)
        try window.withUnsafeBytes { all in
            let raw = UnsafeRawBufferPointer(rebasing: all[(start - windowBase)..<(end - windowBase)])
            let text = String(decoding: all[(element.start - windowBase)..<(end - windowBase)], as: UTF8.self)
            try body(.record(ListRecord(line: element.line, raw: raw, address: error == nil ? (address ?? []) : nil,
                                        error: error, text: error == nil ? "" : text)))
        }
        emitted = end
        compact()
    }

    /// An element at the record depth that is not a record: its bytes pass through.
    private func passOther(_ body: (ListSegment) throws -> Void) throws {
        scanAll()
        guard let element = scanner.takeCompleted(), let end = element.end else { throw mismatch() }
        if namesAreUTF8, element.localName == recordName { throw mismatch(line: element.line) }
        try passThrough(upTo: end, body)
        compact()
    }

    private func finish(_ body: (ListSegment) throws -> Void) throws {
        // libxml2 has read to the end of the document; hash and pass through whatever it left.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try reader.readSource(into: $0) }
            if n == 0 { break }
            chunk.withUnsafeBytes {
                let bytes = UnsafeRawBufferPointer(rebasing: $0[0..<n])
                reader.counted(bytes)
                window.append(contentsOf: bytes)
            }
        }
        if detector != nil { throw noRecord() }
        scanAll()
        if current != nil || scanner.pendingCount > 0 { throw mismatch(line: scanner.first?.line ?? scanner.line) }
        try passThrough(upTo: windowBase + window.count, body)
    }

    // MARK: Bytes

    private func scanAll() {
        let from = scanner.offset - windowBase
        guard from < window.count else { return }
        window.withUnsafeBytes { scanner.scan(UnsafeRawBufferPointer(rebasing: $0[from...])) }
    }

    private func passThrough(upTo end: Int, _ body: (ListSegment) throws -> Void) throws {
        guard end > emitted else { return }
        try window.withUnsafeBytes { try body(.passthrough(UnsafeRawBufferPointer(rebasing: $0[(emitted - windowBase)..<(end - windowBase)]))) }
        emitted = end
    }

    /// Where a record's span begins: at the line break before it when only spaces and tabs
    /// stand between that break and the record (and nothing of it was handed out yet), else at
    /// the record's `<`.
    private func lineStart(before start: Int) -> Int {
        var i = start
        func byte(_ at: Int) -> UInt8 { window[at - windowBase] }
        while i > emitted, byte(i - 1) == 0x20 || byte(i - 1) == 0x09 { i -= 1 }
        guard i > emitted else { return start }
        if byte(i - 1) == 0x0A {
            i -= 1
            if i > emitted, byte(i - 1) == 0x0D { i -= 1 }
            return i
        }
        return byte(i - 1) == 0x0D ? i - 1 : start
    }

    /// Drops the bytes already handed out once they are a good part of the window.
    private func compact() {
        let done = emitted - windowBase
        guard done >= 1 << 20, done * 2 >= window.count else { return }
        window.removeFirst(done)
        windowBase = emitted
    }

    private func checkEncoding(_ r: OpaquePointer) throws {
        checkedEncoding = true
        let prefix = Array(window.prefix(4))
        if prefix.starts(with: [0xFF, 0xFE]) || prefix.starts(with: [0xFE, 0xFF]) || prefix.starts(with: [0x00, 0x00])
            || prefix.starts(with: [0x3C, 0x00]) || prefix.starts(with: [0x00, 0x3C]) || prefix.starts(with: [0x4C, 0x6F]) {
            let name = xmlTextReaderConstEncoding(r).map { String(cString: $0) } ?? "UTF-16"
            throw XMLListError.unsupportedEncoding(path: reader.path, encoding: name)
        }
        guard let declared = xmlTextReaderConstEncoding(r).map({ String(cString: $0).uppercased() }) else { return }
        if declared == "UTF-8" || declared == "UTF8" || declared == "US-ASCII" || declared == "ASCII" { return }
        let singleByte = ["ISO-8859-", "ISO8859-", "LATIN", "WINDOWS-125", "CP125", "ISO_8859-"]
        guard singleByte.contains(where: declared.hasPrefix) else {
            throw XMLListError.unsupportedEncoding(path: reader.path, encoding: declared)
        }
        namesAreUTF8 = false
    }

    private func mismatch(line: Int? = nil) -> XMLListError {
        .boundaryMismatch(path: reader.path, line: line ?? scanner.line)
    }

    private func noRecord() -> XMLListError {
        .noRecordElement(path: reader.path, record: reader.requested.record, field: reader.requested.field)
    }

    // MARK: libxml2 accessors (pointers stay inside these calls)

    private static func localName(_ r: OpaquePointer) -> String {
        xmlTextReaderConstLocalName(r).map { String(cString: $0) } ?? ""
    }

    private static func localName(_ r: OpaquePointer, equals name: [UInt8]) -> Bool {
        guard let p = xmlTextReaderConstLocalName(r) else { return false }
        for (i, b) in name.enumerated() where p[i] != b { return false }
        return p[name.count] == 0
    }

    private static func withValue(_ r: OpaquePointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard let p = xmlTextReaderConstValue(r) else { return }
        body(UnsafeRawBufferPointer(start: p, count: Int(xmlStrlen(p))))
    }

    /// The value of the attribute positioned on, through its text and entity-reference
    /// children, so that an entity reference is seen rather than expanded.
    private static func attributeValue(_ r: OpaquePointer) -> (bytes: [UInt8], hasEntity: Bool) {
        var bytes: [UInt8] = []
        var hasEntity = false
        while xmlTextReaderReadAttributeValue(r) == 1 {
            if xmlTextReaderNodeType(r) == Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue) {
                hasEntity = true
            } else {
                withValue(r) { bytes.append(contentsOf: $0) }
            }
        }
        return (bytes, hasEntity)
    }

    /// Every attribute of the current element but namespace declarations, by local name.
    private static func attributes(_ r: OpaquePointer) -> [(name: String, value: [UInt8], hasEntity: Bool)] {
        let count = xmlTextReaderAttributeCount(r)
        guard count > 0 else { return [] }
        defer { xmlTextReaderMoveToElement(r) }
        var out: [(name: String, value: [UInt8], hasEntity: Bool)] = []
        for i in 0..<count where xmlTextReaderMoveToAttributeNo(r, i) == 1 && xmlTextReaderIsNamespaceDecl(r) != 1 {
            let name = localName(r)
            let value = attributeValue(r)
            out.append((name, value.bytes, value.hasEntity))
        }
        return out
    }

    /// The attribute of the current element with this local name, if it has one.
    private static func attribute(_ r: OpaquePointer, named name: String) -> (bytes: [UInt8], hasEntity: Bool)? {
        let count = xmlTextReaderAttributeCount(r)
        guard count > 0 else { return nil }
        defer { xmlTextReaderMoveToElement(r) }
        let wanted = Array(name.utf8)
        for i in 0..<count where xmlTextReaderMoveToAttributeNo(r, i) == 1 && xmlTextReaderIsNamespaceDecl(r) != 1 {
            if localName(r, equals: wanted) { return attributeValue(r) }
        }
        return nil
    }
}
