import CLibXML2

/// Errors reading an XML subscriber list. Messages name the file and a position, never the
/// list's contents.
public enum XMLListError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libxml2 found the file not well-formed (or not namespace-well-formed) at this position.
    case notWellFormed(path: String, line: Int, column: Int, message: String)
    /// No element holding an address was found (or none of the given names).
    case noRecordElement(path: String, record: String?, field: String?)
    /// The file is in an encoding whose markup is not ASCII bytes (UTF-16, UTF-32, EBCDIC, …).
    case unsupportedEncoding(path: String, encoding: String)
    /// libxml2 and the byte scanner disagree about where the records are: a listwash bug,
    /// reported instead of writing a cleaned file that might be wrong.
    case boundaryMismatch(path: String, line: Int)

    public var description: String {
        switch self {
        case .notWellFormed(let path, let line, let column, let message):
            return "\(path):\(line):\(column): not well-formed XML: \(message)"
        case .noRecordElement(let path, let record, let field):
            var wanted = "no repeating element holding an address"
            if let record, let field {
                wanted = "no <\(record)> element with an address in '\(field)'"
            } else if let record {
                wanted = "no <\(record)> element holding an address"
            } else if let field {
                wanted = "no element with an address in '\(field)'"
            }
            return "\(path): \(wanted) found; name them with --record and --email-field"
        case .unsupportedEncoding(let path, let encoding):
            return "\(path): XML in \(encoding) is not supported; convert it to UTF-8"
        case .boundaryMismatch(let path, let line):
            return "\(path):\(line): internal error: record boundaries disagree with libxml2 (please report this)"
        }
    }
}

extension XMLListError {
    /// The message for a libxml2 error code, in listwash's words. libxml2's own messages
    /// quote the document (names, attribute values, the bytes at the error, the text of an
    /// entity), which may be subscribers' data, so they are never shown; the code is.
    static func describe(code: Int32) -> String {
        guard code >= 0 else { return "parse error" }
        switch xmlParserErrors(rawValue: UInt32(code)) {
        case XML_ERR_DOCUMENT_EMPTY: return "Document is empty"
        case XML_ERR_DOCUMENT_END, XML_ERR_EXTRA_CONTENT: return "content after the end of the root element"
        case XML_ERR_TAG_NAME_MISMATCH: return "Opening and ending tag mismatch: an end tag does not match the element it closes"
        case XML_ERR_TAG_NOT_FINISHED, XML_ERR_NOT_WELL_BALANCED: return "an element is not closed before its parent ends"
        case XML_ERR_GT_REQUIRED, XML_ERR_LTSLASH_REQUIRED: return "a tag is not closed with '>'"
        case XML_ERR_NAME_REQUIRED: return "a name was expected after '<' (a literal '<' in text is written &lt;)"
        case XML_ERR_INVALID_CHAR: return "a byte or character that XML does not allow, or bytes that are not valid in the declared encoding"
        case XML_ERR_INVALID_HEX_CHARREF, XML_ERR_INVALID_DEC_CHARREF, XML_ERR_INVALID_CHARREF: return "a character reference (&#…;) to a character XML does not allow"
        case XML_ERR_UNDECLARED_ENTITY, XML_WAR_UNDECLARED_ENTITY: return "a reference to an entity that is not declared"
        case XML_ERR_ENTITYREF_NO_NAME, XML_ERR_ENTITYREF_SEMICOL_MISSING: return "an '&' that does not start an entity reference (a literal '&' is written &amp;)"
        case XML_ERR_ENTITY_LOOP: return "Detected an entity reference loop"
        case XML_ERR_LT_IN_ATTRIBUTE: return "a '<' inside an attribute value"
        case XML_ERR_ATTRIBUTE_NOT_STARTED, XML_ERR_ATTRIBUTE_NOT_FINISHED, XML_ERR_ATTRIBUTE_WITHOUT_VALUE: return "an attribute without a quoted value"
        case XML_ERR_ATTRIBUTE_REDEFINED, XML_NS_ERR_ATTRIBUTE_REDEFINED: return "an attribute given twice in one element"
        case XML_ERR_EQUAL_REQUIRED: return "an attribute name not followed by '='"
        case XML_ERR_SPACE_REQUIRED: return "no space between two attributes"
        case XML_ERR_STRING_NOT_STARTED, XML_ERR_STRING_NOT_CLOSED: return "a quoted value that is not opened or not closed"
        case XML_ERR_COMMENT_NOT_FINISHED: return "a comment that is not closed"
        case XML_ERR_HYPHEN_IN_COMMENT: return "'--' inside a comment"
        case XML_ERR_CDATA_NOT_FINISHED: return "a CDATA section that is not closed"
        case XML_ERR_MISPLACED_CDATA_END: return "']]>' outside a CDATA section"
        case XML_ERR_PI_NOT_STARTED, XML_ERR_PI_NOT_FINISHED: return "a processing instruction that is not closed"
        case XML_ERR_RESERVED_XML_NAME: return "an XML declaration that is not at the start of the file"
        case XML_ERR_XMLDECL_NOT_STARTED, XML_ERR_XMLDECL_NOT_FINISHED, XML_ERR_VERSION_MISSING, XML_ERR_UNKNOWN_VERSION:
            return "an XML declaration that is not complete"
        case XML_ERR_UNKNOWN_ENCODING, XML_ERR_UNSUPPORTED_ENCODING, XML_ERR_ENCODING_NAME, XML_ERR_INVALID_ENCODING:
            return "the declared encoding is unknown, or the bytes do not match it"
        case XML_ERR_DOCTYPE_NOT_FINISHED, XML_ERR_EXT_SUBSET_NOT_FINISHED: return "a DOCTYPE declaration that is not closed"
        case XML_ERR_NAME_TOO_LONG: return "a name longer than libxml2 allows"
        case XML_NS_ERR_UNDEFINED_NAMESPACE, XML_NS_ERR_QNAME, XML_NS_ERR_XML_NAMESPACE, XML_NS_ERR_EMPTY, XML_NS_ERR_COLON:
            return "a namespace prefix that is not declared or not valid"
        case XML_WAR_NS_URI, XML_WAR_NS_URI_RELATIVE: return "a namespace name (xmlns) that is not a valid URI"
        case XML_ERR_NO_MEMORY: return "out of memory"
        default: return "not well-formed (libxml2 error \(code))"
        }
    }
}
