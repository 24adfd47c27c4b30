/// One element at the record depth, as the boundary scanner found it in the raw bytes.
struct ScannedElement: Equatable {
    /// File offset of the `<` of its start tag.
    var start: Int
    /// File offset just past the `>` that ends it (its end tag, or its start tag when
    /// self-closing); nil while the element is still open.
    var end: Int?
    /// 1-based line of the `<` of its start tag.
    var line: Int
    /// Its local name (the part after a namespace prefix), as raw bytes.
    var localName: [UInt8]
}

/// Finds the exact byte boundaries of the elements at one depth of an XML document, fed in
/// chunks of any size (the result does not depend on how the bytes are split).
///
/// It knows just enough of XML's grammar to tell markup from text: start, end and
/// self-closing tags (attribute values may hold `>` and `/`), comments, CDATA sections,
/// processing instructions and the DOCTYPE with its internal subset (whose quoted entity
/// values may hold markup). It does not judge well-formedness: libxml2 reads the same bytes
/// and does, and the reader cross-checks both views element by element.
struct XMLBoundaryScanner {
    /// The depth whose elements are reported (0 is the root element).
    let recordDepth: Int
    /// Elements open around the scan position.
    private(set) var depth = 0
    /// 1-based line of the scan position (LF, CRLF and lone CR each end a line, as in XML).
    private(set) var line = 1
    /// File offset of the next byte to scan.
    private(set) var offset = 0

    private var state = State.text
    private var lastWasCR = false
    private var tagStart = 0
    private var tagLine = 1
    private var name: [UInt8] = []
    private var collectingName = false
    private var counter = 0
    private var quote: UInt8 = 0
    private var slash = false
    private var openIndex: Int?
    private var elements: [ScannedElement] = []
    private var head = 0

    private enum State {
        case text, tagOpen, startName, inTag, attributeValue, endName, endRest
        case bang, bangDash, cdataOpen, cdata, comment, pi
        case doctype, doctypeQuote, subset, subsetOpen, subsetBang, subsetBangDash, subsetComment
        case subsetDecl, subsetDeclQuote, subsetPI, afterSubset
    }

    init(recordDepth: Int) {
        self.recordDepth = recordDepth
    }

    /// Elements found and not yet taken, the first possibly still open.
    var pendingCount: Int { elements.count - head }

    /// The first element not yet taken, if any.
    var first: ScannedElement? { head < elements.count ? elements[head] : nil }

    /// Removes and returns the first element, if it is complete.
    mutating func takeCompleted() -> ScannedElement? {
        guard head < elements.count, elements[head].end != nil else { return nil }
        let element = elements[head]
        head += 1
        if head >= 1024, head * 2 >= elements.count {
            elements.removeFirst(head)
            if let o = openIndex { openIndex = o - head }
            head = 0
        }
        return element
    }

    /// Scans the next bytes of the file (which start at ``offset``).
    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        let at = recordDepth
        for i in 0..<bytes.count {
            let b = bytes[i]
            let position = offset + i
            switch state {
            case .text:
                if b == 0x3C {
                    state = .tagOpen
                    tagStart = position
                    tagLine = line
                }
            case .tagOpen:
                switch b {
                case 0x2F: state = .endName
                case 0x21: state = .bang
                case 0x3F: state = .pi; counter = 0
                default:
                    state = .startName
                    collectingName = depth == at
                    name.removeAll(keepingCapacity: true)
                    if collectingName { name.append(b) }
                }
            case .startName:
                if b == 0x3E {
                    finishStartTag(end: position + 1, selfClosing: false)
                } else if b == 0x2F {
                    state = .inTag
                    slash = true
                } else if Self.isSpace(b) {
                    state = .inTag
                    slash = false
                } else if collectingName {
                    if b == 0x3A { name.removeAll(keepingCapacity: true) } else { name.append(b) }
                }
            case .inTag:
                if b == 0x3E {
                    finishStartTag(end: position + 1, selfClosing: slash)
                } else if b == 0x22 || b == 0x27 {
                    state = .attributeValue
                    quote = b
                    slash = false
                } else {
                    slash = b == 0x2F
                }
            case .attributeValue:
                if b == quote { state = .inTag }
            case .endName:
                if b == 0x3E {
                    finishEndTag(end: position + 1)
                } else if Self.isSpace(b) {
                    state = .endRest
                }
            case .endRest:
                if b == 0x3E { finishEndTag(end: position + 1) }
            case .bang:
                switch b {
                case 0x2D: state = .bangDash
                case 0x5B: state = .cdataOpen
                default: state = .doctype
                }
            case .bangDash:
                state = .comment
                counter = 0
            case .comment:
                if b == 0x2D {
                    counter += 1
                } else {
                    if b == 0x3E, counter >= 2 { state = .text }
                    counter = 0
                }
            case .cdataOpen:
                if b == 0x5B { state = .cdata; counter = 0 }
            case .cdata:
                if b == 0x5D {
                    counter += 1
                } else {
                    if b == 0x3E, counter >= 2 { state = .text }
                    counter = 0
                }
            case .pi:
                if b == 0x3E, counter == 1 { state = .text }
                counter = b == 0x3F ? 1 : 0
            case .doctype:
                switch b {
                case 0x22, 0x27: state = .doctypeQuote; quote = b
                case 0x5B: state = .subset
                case 0x3E: state = .text
                default: break
                }
            case .doctypeQuote:
                if b == quote { state = .doctype }
            case .subset:
                if b == 0x5D { state = .afterSubset } else if b == 0x3C { state = .subsetOpen }
            case .subsetOpen:
                switch b {
                case 0x21: state = .subsetBang
                case 0x3F: state = .subsetPI; counter = 0
                default: state = .subset
                }
            case .subsetBang:
                state = b == 0x2D ? .subsetBangDash : .subsetDecl
            case .subsetBangDash:
                if b == 0x2D {
                    state = .subsetComment
                    counter = 0
                } else {
                    state = .subsetDecl
                }
            case .subsetComment:
                if b == 0x2D {
                    counter += 1
                } else {
                    if b == 0x3E, counter >= 2 { state = .subset }
                    counter = 0
                }
            case .subsetDecl:
                switch b {
                case 0x22, 0x27: state = .subsetDeclQuote; quote = b
                case 0x3E: state = .subset
                default: break
                }
            case .subsetDeclQuote:
                if b == quote { state = .subsetDecl }
            case .subsetPI:
                if b == 0x3E, counter == 1 { state = .subset }
                counter = b == 0x3F ? 1 : 0
            case .afterSubset:
                if b == 0x3E { state = .text }
            }
            if b == 0x0A {
                if !lastWasCR { line += 1 }
                lastWasCR = false
            } else if b == 0x0D {
                line += 1
                lastWasCR = true
            } else {
                lastWasCR = false
            }
        }
        offset += bytes.count
    }

    private mutating func finishStartTag(end: Int, selfClosing: Bool) {
        state = .text
        if depth == recordDepth {
            elements.append(ScannedElement(start: tagStart, end: selfClosing ? end : nil, line: tagLine, localName: name))
            if !selfClosing { openIndex = elements.count - 1 }
        }
        if !selfClosing { depth += 1 }
    }

    private mutating func finishEndTag(end: Int) {
        state = .text
        depth = max(0, depth - 1)
        if depth == recordDepth, let i = openIndex {
            elements[i].end = end
            openIndex = nil
        }
    }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }
}
