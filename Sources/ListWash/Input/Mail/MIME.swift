/// One header field, unfolded, with RFC 2047 encoded words decoded.
public struct MailHeaderField: Sendable, Equatable {
    /// The field name as written (`Content-Type`).
    public var name: String
    /// The unfolded, decoded value, trimmed.
    public var value: String
}

/// A message's or part's header fields in their original order.
public struct MailHeaders: Sendable, Equatable {
    /// Every field, in order.
    public var fields: [MailHeaderField] = []

    /// Creates headers from fields.
    public init(fields: [MailHeaderField] = []) { self.fields = fields }

    /// The first value of the field `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.name.lowercased() == key }?.value
    }

    /// Every value of the field `name` (case-insensitive), in order.
    public func all(_ name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.name.lowercased() == key }.map(\.value)
    }

    /// Whether a field `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }
}

/// A parsed `Content-Type`: lowercased `type/subtype` and its parameters (keys lowercased).
public struct ContentType: Sendable, Equatable {
    /// `type/subtype`, lowercased (`text/plain` when absent).
    public var mimeType: String
    /// Parameters such as `charset` and `boundary`, keys lowercased, quotes removed.
    public var parameters: [String: String]

    /// Parses a header value such as `multipart/report; report-type=delivery-status; boundary="x"`.
    public init(_ value: String?) {
        parameters = [:]
        guard let value, !value.isEmpty else { mimeType = "text/plain"; return }
        let pieces = MIME.splitParameters(value)
        let type = (pieces.first ?? "").trimmingASCIIWhitespace().lowercased()
        mimeType = type.contains("/") ? type : (type.isEmpty ? "text/plain" : type)
        for piece in pieces.dropFirst() {
            guard let eq = piece.firstIndex(of: "=") else { continue }
            var key = String(piece[..<eq]).trimmingASCIIWhitespace().lowercased()
            if key.hasSuffix("*") { key.removeLast() }
            var val = String(piece[piece.index(after: eq)...]).trimmingASCIIWhitespace()
            if val.hasPrefix("\"") {
                val.removeFirst()
                if let close = val.lastIndex(of: "\"") { val = String(val[..<close]) }
            } else if let tick = val.range(of: "''") {
                val = String(val[tick.upperBound...])  // RFC 2231: charset'lang'value
            }
            if parameters[key] == nil { parameters[key] = val }
        }
    }

    /// True for `multipart/*`.
    public var isMultipart: Bool { mimeType.hasPrefix("multipart/") }
}

/// One MIME entity: its headers, its raw body and, for containers, its children.
public struct MIMEPart: Sendable {
    /// The entity's header fields.
    public var headers: MailHeaders
    /// The parsed `Content-Type`.
    public var contentType: ContentType
    /// The body as transmitted (line endings normalized to LF), before transfer decoding.
    public var rawBody: [UInt8]
    /// Sub-parts of a multipart, or the enclosed message of a `message/rfc822` part.
    public var children: [MIMEPart]

    /// The body after undoing `Content-Transfer-Encoding` (base64, quoted-printable).
    public var decodedBody: [UInt8] {
        let encoding = headers["Content-Transfer-Encoding"]?.lowercased().trimmingASCIIWhitespace() ?? ""
        switch encoding {
        case "base64": return MIME.decodeBase64(rawBody)
        case "quoted-printable": return MIME.decodeQuotedPrintable(rawBody)
        default: return rawBody
        }
    }

    /// The decoded body as text in its declared charset.
    public var text: String { Charset.decode(decodedBody, charset: contentType.parameters["charset"]) }

    /// This part and every part below it, depth first, in document order.
    public var allParts: [MIMEPart] {
        var result = [self]
        for child in children { result += child.allParts }
        return result
    }
}

/// The MIME reader: bytes in, a tree of ``MIMEPart`` out.
public enum MIME {
    /// Nesting deeper than this is refused as malformed.
    public static let maximumDepth = 40

    /// Parses a whole message. Throws ``MailError`` when the bytes are not a message.
    public static func parseMessage(_ bytes: [UInt8], file: String) throws -> MIMEPart {
        let normalized = normalizeLineEndings(bytes)
        if normalized.allSatisfy({ $0 == 0x0A || $0 == 0x20 || $0 == 0x09 }) { throw MailError.empty(file: file) }
        let part = try parseEntity(normalized[...], depth: 0, file: file, requireHeaders: true)
        return part
    }

    /// Parses header fields alone (the body of a `text/rfc822-headers` part, for instance).
    public static func parseHeaders(_ bytes: [UInt8]) -> MailHeaders {
        let normalized = normalizeLineEndings(bytes)
        return splitHeaders(normalized[...]).headers
    }

    /// CRLF and lone CR become LF, so every line-ending variant parses the same.
    public static func normalizeLineEndings(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x0D) else { return bytes }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D {
                out.append(0x0A)
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    static func parseEntity(_ bytes: ArraySlice<UInt8>, depth: Int, file: String, requireHeaders: Bool) throws -> MIMEPart {
        guard depth <= maximumDepth else {
            throw MailError.malformed(file: file, reason: "MIME nesting deeper than \(maximumDepth) levels")
        }
        let (headers, body) = splitHeaders(bytes)
        if requireHeaders && headers.fields.isEmpty {
            throw MailError.malformed(file: file, reason: "no header fields")
        }
        let type = ContentType(headers["Content-Type"])
        var part = MIMEPart(headers: headers, contentType: type, rawBody: Array(body), children: [])
        if type.isMultipart {
            let declared = Array((type.parameters["boundary"] ?? "").utf8)
            var slices = declared.isEmpty ? [] : splitMultipart(part.rawBody[...], boundary: declared)
            if slices.isEmpty, let guessed = guessBoundary(part.rawBody) {
                // The declared boundary never occurs: use the delimiter the body actually has.
                slices = splitMultipart(part.rawBody[...], boundary: guessed)
            }
            for slice in slices {
                part.children.append(try parseEntity(slice, depth: depth + 1, file: file, requireHeaders: false))
            }
        } else if type.mimeType == "message/rfc822" || type.mimeType == "message/global" {
            let inner = part.decodedBody
            if let child = try? parseEntity(inner[...], depth: depth + 1, file: file, requireHeaders: true) {
                part.children.append(child)
            }
        }
        return part
    }

    /// Splits at the first empty line. Leading `From ` mbox lines are skipped; a line that is
    /// neither a field nor a continuation ends the header block (lenient about the real world).
    static func splitHeaders(_ bytes: ArraySlice<UInt8>) -> (headers: MailHeaders, body: ArraySlice<UInt8>) {
        var fields: [(name: String, raw: [UInt8])] = []
        var i = bytes.startIndex
        let end = bytes.endIndex
        var first = true
        while i < end {
            let lineEnd = bytes[i...].firstIndex(of: 0x0A) ?? end
            let line = bytes[i..<lineEnd]
            let next = lineEnd < end ? lineEnd + 1 : end
            if line.isEmpty { return (makeHeaders(fields), bytes[next...]) }
            if first && line.starts(with: Array("From ".utf8)) { i = next; first = false; continue }
            first = false
            if (line.first == 0x20 || line.first == 0x09), !fields.isEmpty {
                fields[fields.count - 1].raw += [0x20] + trimLeading(line)
                i = next
                continue
            }
            if let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
               line[line.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                fields.append((name, Array(line[(colon + 1)...])))
                i = next
                continue
            }
            // Decided before the field is appended to: a copy of the field still alive during the
            // append would make it copy the whole value, once per line.
            let continuesParameters = fields.last.map { $0.raw.last(where: { $0 != 0x20 && $0 != 0x09 }) == 0x3B } ?? false
            if continuesParameters, line.contains(0x3D) {
                // An unindented parameter after a value ending in ";" (broken folding).
                fields[fields.count - 1].raw += [0x20] + line
                i = next
                continue
            }
            // Not a header line: the body starts here.
            return (makeHeaders(fields), bytes[i...])
        }
        return (makeHeaders(fields), bytes[end...])
    }

    private static func trimLeading(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.drop { $0 == 0x20 || $0 == 0x09 }
    }

    private static func makeHeaders(_ fields: [(name: String, raw: [UInt8])]) -> MailHeaders {
        MailHeaders(fields: fields.map { field in
            let text = String(validating: field.raw, as: UTF8.self) ?? Charset.latin1(field.raw)
            return MailHeaderField(name: field.name, value: decodeEncodedWords(text).trimmingASCIIWhitespace())
        })
    }

    /// The byte ranges between `--boundary` lines; an unterminated last part runs to the end.
    static func splitMultipart(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        let delimiter = [0x2D, 0x2D] + boundary
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int? = nil
        var i = body.startIndex
        let end = body.endIndex
        while i < end {
            let lineEnd = body[i...].firstIndex(of: 0x0A) ?? end
            let line = body[i..<lineEnd]
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                let closing = rest.starts(with: [0x2D, 0x2D])
                let tail = closing ? rest.dropFirst(2) : rest
                if tail.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    if let start = partStart {
                        // The LF before the delimiter belongs to the delimiter.
                        let stop = max(start, i > body.startIndex ? i - 1 : i)
                        parts.append(body[start..<stop])
                    }
                    if closing { return parts }
                    partStart = lineEnd < end ? lineEnd + 1 : end
                }
            }
            i = lineEnd < end ? lineEnd + 1 : end
        }
        if let start = partStart, start < end { parts.append(body[start..<end]) }
        return parts
    }

    /// The first `--token` line that occurs at least twice, as a boundary (without the dashes).
    static func guessBoundary(_ body: [UInt8]) -> [UInt8]? {
        var seen = Set<[UInt8]>()
        for line in body.split(separator: 0x0A, omittingEmptySubsequences: true) {
            guard line.count > 3, line.starts(with: [0x2D, 0x2D]), !line.contains(0x20) else { continue }
            var token = Array(line.dropFirst(2))
            if token.count > 2, token.suffix(2) == [0x2D, 0x2D] { token.removeLast(2) }
            if seen.contains(token) { return token }
            seen.insert(token)
        }
        return nil
    }

    /// Splits a header value at semicolons outside quotes.
    static func splitParameters(_ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for ch in value {
            if ch == "\"" { quoted.toggle() }
            if ch == ";" && !quoted { pieces.append(current); current = ""; continue }
            current.append(ch)
        }
        pieces.append(current)
        return pieces
    }

    /// Decodes base64, skipping anything outside the alphabet (line breaks, stray characters).
    public static func decodeBase64(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for b in bytes {
            let v: UInt32
            switch b {
            case 0x41...0x5A: v = UInt32(b - 0x41)
            case 0x61...0x7A: v = UInt32(b - 0x61 + 26)
            case 0x30...0x39: v = UInt32(b - 0x30 + 52)
            case 0x2B, 0x2D: v = 62
            case 0x2F, 0x5F: v = 63
            case 0x3D: bits = 0; buffer = 0; continue
            default: continue
            }
            buffer = (buffer << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }

    /// Decodes quoted-printable: `=XX` escapes and `=` soft line breaks; invalid escapes stay.
    public static func decodeQuotedPrintable(_ bytes: [UInt8], underscoreIsSpace: Bool = false) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x3D {
                // Soft line break: "=" then optional trailing blanks then LF.
                var j = i + 1
                while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
                if j < bytes.count && bytes[j] == 0x0A { i = j + 1; continue }
                if j == bytes.count { i = j; continue }
                if i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                    out.append(hi << 4 | lo)
                    i += 3
                    continue
                }
                out.append(b)
            } else if b == 0x5F && underscoreIsSpace {
                out.append(0x20)
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    /// Decodes RFC 2047 encoded words (`=?charset?B?…?=`, `=?charset?Q?…?=`); whitespace
    /// between two adjacent encoded words is dropped, as the RFC says.
    /// - Complexity: O(n) for n scalars, however many `=?` the text holds: the delimiters
    ///   that end a word (`?`, `?=`, a blank) are looked for with forward-only cursors, so a
    ///   stretch of text is examined once, not once per `=?` before it.
    public static func decodeEncodedWords(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        let scalars = Array(text.unicodeScalars)
        var cursors = EncodedWordCursors()
        // Built a scalar at a time: `UnicodeScalarView.append(contentsOf:)` copies the whole
        // view it appends to, which made this quadratic in the header's length.
        var out = String()
        out.reserveCapacity(text.utf8.count)
        var pendingSpace: [Unicode.Scalar] = []
        var lastWasEncoded = false
        var i = 0
        while i < scalars.count {
            if scalars[i] == "=", i + 1 < scalars.count, scalars[i + 1] == "?",
               let (decoded, next) = encodedWord(scalars, at: i, cursors: &cursors) {
                if !lastWasEncoded { for blank in pendingSpace { out.unicodeScalars.append(blank) } }
                pendingSpace.removeAll(keepingCapacity: true)
                out += decoded
                lastWasEncoded = true
                i = next
                continue
            }
            let s = scalars[i]
            if s == " " || s == "\t" {
                pendingSpace.append(s)
            } else {
                for blank in pendingSpace { out.unicodeScalars.append(blank) }
                pendingSpace.removeAll(keepingCapacity: true)
                out.unicodeScalars.append(s)
                lastWasEncoded = false
            }
            i += 1
        }
        for blank in pendingSpace { out.unicodeScalars.append(blank) }
        return out
    }

    /// The delimiters of an encoded word, found by cursors that only move forward.
    ///
    /// `decodeEncodedWords` asks for them from non-decreasing positions (each `=?` is tried in
    /// order, and the word's parts follow it), so a cursor's last answer stays valid until the
    /// position asked passes it; every scalar is then examined at most once per cursor.
    struct EncodedWordCursors {
        /// The first `?` or blank after `=?`: ends the charset (a blank means no word).
        var charsetEnd = ForwardSearch()
        /// The first `?=`: ends the encoded text.
        var wordEnd = ForwardSearch()
        /// The first blank or non-ASCII scalar: encoded text may hold neither.
        var invalid = ForwardSearch()
    }

    /// The first index at or after a position where a condition holds, for positions asked in
    /// non-decreasing order (any order gives the right answer; that order gives linear time).
    struct ForwardSearch {
        private var from = 0
        private var found = -1

        /// The first index `j >= position`, `j < count`, with `condition(j)`, else `count`.
        mutating func first(from position: Int, count: Int, where condition: (Int) -> Bool) -> Int {
            if found >= 0, from <= position, position <= found { return found }
            var j = position
            while j < count, !condition(j) { j += 1 }
            from = position
            found = j
            return j
        }
    }

    /// The encoded word starting at `start` (`=?charset?E?text?=`), decoded, and the index after it.
    private static func encodedWord(_ s: [Unicode.Scalar], at start: Int, cursors: inout EncodedWordCursors) -> (String, Int)? {
        let n = s.count
        let question = cursors.charsetEnd.first(from: start + 2, count: n) { s[$0] == "?" || s[$0] == " " }
        guard question < n, s[question] == "?", question + 2 < n, s[question + 2] == "?" else { return nil }
        let encoding = s[question + 1]
        let textStart = question + 3
        let close = cursors.wordEnd.first(from: textStart, count: n) { $0 + 1 < n && s[$0] == "?" && s[$0 + 1] == "=" }
        guard close < n else { return nil }
        let invalid = cursors.invalid.first(from: textStart, count: n) { !s[$0].isASCII || s[$0] == " " }
        guard invalid >= close else { return nil }
        var charset = String(String.UnicodeScalarView(s[(start + 2)..<question]))
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
        let payload = s[textStart..<close].map { UInt8($0.value) }
        let bytes: [UInt8]
        switch encoding {
        case "B", "b": bytes = decodeBase64(payload)
        case "Q", "q": bytes = decodeQuotedPrintable(payload, underscoreIsSpace: true)
        default: return nil
        }
        return (Charset.decode(bytes, charset: charset), close + 2)
    }
}
