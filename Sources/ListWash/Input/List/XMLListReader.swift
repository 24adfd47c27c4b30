import CLibXML2

/// An XML subscriber list, read with libxml2's streaming reader (`xmlTextReader`, never a
/// DOM), so memory stays flat however long the file is.
///
/// The record element and its address field are detected (see ``XMLRecordDetector``) or
/// given. The cleaned file is the input's own bytes: everything outside the records passes
/// through, each record is the exact bytes of its element, from the `<` of its start tag to
/// the `>` of its end tag, together with the line break and indentation before it when the
/// record starts its own line, so that a removed record leaves no blank line behind.
///
/// Two readers look at every byte: libxml2 decides well-formedness and decodes the address
/// (character references, predefined entities, CDATA, namespaces), and a small byte scanner
/// (``XMLBoundaryScanner``) finds where each element at the record depth starts and ends.
/// libxml2 can only report the end of an element after it has been handed the bytes of its end
/// tag, and the scanner has always scanned every byte handed over; each element libxml2
/// finishes at the record depth is paired with the next one the scanner finished, and any
/// disagreement in count or name stops the run.
///
/// Entities are never expanded: no `XML_PARSE_NOENT`, no DTD loading, no network
/// (`XML_PARSE_NONET`), no huge-document mode, and an external entity loader that refuses
/// everything. A record whose address uses an entity reference is rejected.
public final class XMLListReader: SubscriberListReader {
    /// The list's path (for messages and the manifest).
    public let path: String
    private let source: ByteSource
    private let hasher = SHA256Hasher()
    private let recordName: String?
    private let fieldName: String?
    public private(set) var bytesRead = 0
    public private(set) var addressField = ""
    public var rejectsBlankAddress = true
    /// The record element's local name (known once reading has begun).
    public private(set) var recordElement = ""
    public var cleanedFileName: String { "cleaned.xml" }
    public var dialectDescription: String { recordElement.isEmpty ? "xml" : "xml <\(recordElement)>" }

    /// How far into the file the record element must have been found.
    static let detectionLimit = 64 << 20

    /// Opens `path`; `recordName` and `emailField` name the record element and its address
    /// field (local names), nil detects them.
    public convenience init(path: String, recordName: String?, emailField: String?) throws {
        try self.init(path: path, source: FileByteSource(path: path), recordName: recordName, emailField: emailField)
    }

    /// Reads from any byte source (tests feed memory in chunks of chosen sizes).
    init(path: String, source: ByteSource, recordName: String?, emailField: String?) {
        self.path = path
        self.source = source
        self.recordName = recordName
        self.fieldName = emailField
    }

    public func digest() -> [UInt8] { hasher.finalize() }

    public func read(_ body: (ListSegment) throws -> Void) throws {
        _ = LibXML2.setUp
        let session = XMLReadSession(reader: self, detector: XMLRecordDetector(recordName: recordName, fieldName: fieldName))
        try withExtendedLifetime(session) {
            let context = Unmanaged.passUnretained(session).toOpaque()
            let options = Int32(XML_PARSE_NONET.rawValue)
            let created = path.withCString { url in
                xmlReaderForIO({ context, buffer, length in
                    guard let context, let buffer else { return -1 }
                    let session = Unmanaged<XMLReadSession>.fromOpaque(context).takeUnretainedValue()
                    return session.fill(UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
                }, { _ in 0 }, context, url, nil, options)
            }
            if let error = session.ioError { throw error }
            guard let reader = created else {
                throw InputError.unreadable(path: path, reason: "libxml2 could not create a reader")
            }
            defer { xmlFreeTextReader(reader) }
            xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
                guard let context, let error else { return }
                let session = Unmanaged<XMLReadSession>.fromOpaque(context).takeUnretainedValue()
                session.noteError(error.pointee)
            }, context)
            try session.run(reader, body)
        }
    }

    func counted(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bytes)
        bytesRead += bytes.count
    }

    func decided(record: String, field: XMLAddressField) {
        recordElement = record
        addressField = field.description
    }

    func readSource(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try source.read(into: buffer)
    }

    var requested: (record: String?, field: String?) { (recordName, fieldName) }
}

/// libxml2's process-wide set-up, done once: initialise the parser, and refuse every external
/// entity (DTDs, external parsed entities) whatever options a reader is given.
enum LibXML2 {
    static let setUp: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()
}
