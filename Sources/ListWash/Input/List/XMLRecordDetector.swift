/// Where a record element keeps its address.
public enum XMLAddressField: Equatable, Sendable, CustomStringConvertible {
    /// An attribute of the record element, by local name (`<subscriber email="…">`).
    case attribute(String)
    /// The text of a direct child element, by local name (`<Subscriber><EmailAddress>…`).
    case child(String)
    /// The record element's own text (`<emails><email>…</email>`).
    case text

    /// `@email`, `EmailAddress` or `text()`, as the manifest names the address field.
    public var description: String {
        switch self {
        case .attribute(let name): return "@" + name
        case .child(let name): return name
        case .text: return "text()"
        }
    }

    /// Why a record without this field is rejected (names the field, never data).
    var missing: String {
        switch self {
        case .attribute(let name): return "the record has no \(name) attribute"
        case .child(let name): return "the record has no <\(name)> element"
        case .text: return "the record has no text"
        }
    }
}

/// Finds the record element of an XML list and its address field from the first elements of
/// the document, as a streaming reader reports them; the caller stops feeding it once it
/// decides.
///
/// Without names given, the record is the first element (never the root) that has an
/// attribute or a text-only child named like an address (`EmailAddress`, `Email`, `e-mail`,
/// `mail`, …); a text-only element named like that directly under the root is itself the
/// record. Failing names, a child or attribute whose value looks like an address decides when
/// its element ends. `--record` limits records to elements of that name, `--email-field` limits
/// the field to that name (and turns off the guessing by value).
struct XMLRecordDetector {
    /// The address the first record holds, as found while detecting.
    struct Found: Equatable {
        var field: XMLAddressField
        var address: [UInt8]?
        var error: String?
    }

    /// Whether the first record was still open when the detector decided.
    enum FirstRecord: Equatable {
        /// Inside the record: its address is known, the rest of it is still to come.
        case open(Found)
        /// The record has ended.
        case complete(Found)
    }

    /// What the detector decided.
    struct Decision: Equatable {
        /// The record element's local name, as the document spells it.
        var recordName: String
        /// Its depth (the root is 0).
        var recordDepth: Int
        var field: XMLAddressField
        /// The elements at the record depth before the first record, in order: nil for an
        /// element of another name (its bytes pass through), the address found for an
        /// earlier record (one that held no address, so did not decide).
        var before: [Found?]
        var first: FirstRecord
    }

    /// The local names that mean "the address" once lower-cased and stripped of `-`, `_`, `.`
    /// and spaces. (The CSV reader's generic `address` and `recipient` are left out: in XML
    /// they name postal addresses and message recipients too often.)
    static let addressNames: Set<String> = [
        "email", "emailaddress", "mail", "emailaddr", "subscriberemail", "contactemail", "primaryemail",
    ]

    /// Why a record whose address uses an entity reference is rejected.
    static let entityError = "the address uses an entity reference; listwash does not expand entities"

    let recordName: String?
    let fieldName: String?

    private typealias Value = (name: String, value: [UInt8], hasEntity: Bool)

    /// What an element that might be a record held, kept until the decision so that earlier
    /// records of the decided name are read with the decided field.
    private struct Summary {
        var name: String
        var attributes: [Value] = []
        var children: [Value] = []
        var text: [UInt8] = []
        var hasEntity = false
    }

    private struct Frame {
        var name: String
        var depth: Int
        var textOnly = true
        var text: [UInt8] = []
        var hasEntity = false
        var fallback: Found?
        var summary: Summary?
    }

    private var stack: [Frame] = []
    /// The names of the elements started so far, per depth, in order.
    private var namesAtDepth: [[String]] = []
    /// Summaries of the candidate elements that ended without a decision, per depth, in order.
    private var endedAtDepth: [Int: [Summary]] = [:]

    /// `recordName` and `fieldName` are local names (a prefix such as `ns:` and a leading `@` are ignored).
    init(recordName: String?, fieldName: String?) {
        self.recordName = recordName.map(Self.localName)
        self.fieldName = fieldName.map { Self.localName($0.hasPrefix("@") ? String($0.dropFirst()) : $0) }
    }

    /// An element starts; `attributes` are its attributes (namespace declarations left out),
    /// by local name, with whether their value used an entity reference.
    mutating func start(name: String, depth: Int, attributes: [(name: String, value: [UInt8], hasEntity: Bool)],
                        isEmpty: Bool) -> Decision? {
        while namesAtDepth.count <= depth { namesAtDepth.append([]) }
        namesAtDepth[depth].append(name)
        if !stack.isEmpty {
            stack[stack.count - 1].textOnly = false
            stack[stack.count - 1].text = []
        }
        var frame = Frame(name: name, depth: depth)
        if allowsRecord(name, depth: depth) {
            frame.summary = Summary(name: name, attributes: attributes)
            for attribute in attributes {
                let found = Found(field: .attribute(attribute.name), address: attribute.hasEntity ? nil : attribute.value,
                                  error: attribute.hasEntity ? Self.entityError : nil)
                if isAddressName(attribute.name) {
                    return decide(name, depth, found.field, isEmpty ? .complete(found) : .open(found))
                }
                if fieldName == nil, frame.fallback == nil, Self.looksLikeAddress(attribute.value) {
                    frame.fallback = found
                }
            }
        }
        stack.append(frame)
        return isEmpty ? end() : nil
    }

    /// Text (or CDATA, or whitespace) inside the innermost open element.
    mutating func text(_ bytes: UnsafeRawBufferPointer) {
        guard let last = stack.indices.last, stack[last].textOnly else { return }
        stack[last].text.append(contentsOf: bytes)
    }

    /// An entity reference (not expanded) inside the innermost open element.
    mutating func entityReference() {
        guard let last = stack.indices.last else { return }
        stack[last].hasEntity = true
    }

    /// The innermost open element ends.
    mutating func end() -> Decision? {
        guard let frame = stack.popLast() else { return nil }
        let parent = stack.last
        if frame.textOnly, let last = stack.indices.last, stack[last].summary != nil,
           !(stack[last].summary?.children.contains { $0.name == frame.name } ?? true) {
            stack[last].summary?.children.append((frame.name, frame.text, frame.hasEntity))
        }
        if frame.textOnly {
            let named = isAddressName(frame.name)
            let address = frame.hasEntity ? nil : frame.text
            let error = frame.hasEntity ? Self.entityError : nil
            if let parent, allowsRecord(parent.name, depth: parent.depth) {
                let found = Found(field: .child(frame.name), address: address, error: error)
                if named {
                    return decide(parent.name, parent.depth, found.field, .open(found))
                }
                if fieldName == nil, parent.fallback == nil, !frame.hasEntity, Self.looksLikeAddress(frame.text) {
                    stack[stack.count - 1].fallback = found
                }
            } else if allowsRecord(frame.name, depth: frame.depth),
                      named || (fieldName == nil && !frame.hasEntity && Self.looksLikeAddress(frame.text)) {
                let found = Found(field: .text, address: address, error: error)
                return decide(frame.name, frame.depth, .text, .complete(found))
            }
        }
        if let fallback = frame.fallback, allowsRecord(frame.name, depth: frame.depth) {
            return decide(frame.name, frame.depth, fallback.field, .complete(fallback))
        }
        if var summary = frame.summary {
            if frame.textOnly {
                summary.text = frame.text
                summary.hasEntity = frame.hasEntity
            }
            endedAtDepth[frame.depth, default: []].append(summary)
        }
        return nil
    }

    private func decide(_ name: String, _ depth: Int, _ field: XMLAddressField, _ first: FirstRecord) -> Decision {
        var earlier = (endedAtDepth[depth] ?? []).filter { $0.name == name }.makeIterator()
        let before: [Found?] = namesAtDepth[depth].dropLast().map { other in
            guard other == name, let summary = earlier.next() else { return nil }
            return Self.found(field, in: summary)
        }
        return Decision(recordName: name, recordDepth: depth, field: field, before: before, first: first)
    }

    /// The address an earlier record holds in the decided field.
    private static func found(_ field: XMLAddressField, in summary: Summary) -> Found {
        let value: Value?
        switch field {
        case .attribute(let name): value = summary.attributes.first { $0.name == name }
        case .child(let name): value = summary.children.first { $0.name == name }
        case .text: value = (summary.name, summary.text, summary.hasEntity)
        }
        guard let value else { return Found(field: field, address: nil, error: field.missing) }
        return Found(field: field, address: value.hasEntity ? nil : value.value, error: value.hasEntity ? entityError : nil)
    }

    /// Whether an element of this name and depth may be the record: any element but the root,
    /// or only those named by `--record` (the root too).
    private func allowsRecord(_ name: String, depth: Int) -> Bool {
        if let recordName { return name.lowercased() == recordName.lowercased() }
        return depth >= 1
    }

    private func isAddressName(_ name: String) -> Bool {
        if let fieldName { return name.lowercased() == fieldName.lowercased() }
        let normalized = name.lowercased().filter { $0 != "-" && $0 != "_" && $0 != "." && $0 != " " }
        return Self.addressNames.contains(normalized)
    }

    /// A value of the form `local@domain.tld` with no spaces, surrounding blanks ignored.
    static func looksLikeAddress(_ value: [UInt8]) -> Bool {
        var lo = 0
        var hi = value.count
        while lo < hi, AddressRules.isBlank(value[lo]) { lo += 1 }
        while hi > lo, AddressRules.isBlank(value[hi - 1]) { hi -= 1 }
        guard hi - lo >= 5, hi - lo <= 320 else { return false }
        var at = -1
        for i in lo..<hi {
            let c = value[i]
            if AddressRules.isBlank(c) || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") { return false }
            if c == UInt8(ascii: "@") {
                if at >= 0 { return false }
                at = i
            }
        }
        guard at > lo, at < hi - 1 else { return false }
        return value[(at + 1)..<hi].contains(UInt8(ascii: "."))
    }

    private static func localName(_ name: String) -> String {
        name.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? name
    }
}
