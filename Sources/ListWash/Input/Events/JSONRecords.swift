import Foundation

/// One top-level record of a JSON event file: where it starts and its bytes, or why it could
/// not be cut out.
struct JSONPiece {
    /// 1-based line where the record starts.
    var line: Int
    var range: Range<Int>
    /// Set when the bytes do not form a complete JSON value.
    var brokenReason: String?
}

/// Cuts a JSON event file into records with their line numbers, without parsing them.
///
/// Accepts one document, a top-level array of documents, JSON Lines, or documents written one
/// after another; an object that holds one of `containerKeys` as an array (`{"items":[…]}`) is
/// replaced by the array's elements. Each record is parsed on its own later, so one malformed
/// record costs only itself.
struct JSONRecordScanner {
    let bytes: [UInt8]
    private let lineStarts: [Int]

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A { starts.append(i + 1) }
        lineStarts = starts
    }

    /// 1-based line of the byte at `offset`.
    func line(at offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// The records of the file, in order.
    func pieces(containerKeys: [String]) -> [JSONPiece] {
        var start = skipWhitespace(0)
        if start + 2 < bytes.count, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF {
            start = skipWhitespace(start + 3)
        }
        guard start < bytes.count else { return [] }
        var top: [JSONPiece] = []
        if bytes[start] == UInt8(ascii: "[") {
            top = elements(ofArrayAt: start, limit: bytes.count)
        } else if let end = valueEnd(from: start, limit: bytes.count), !bytes[start..<end].contains(0x0A),
                  skipWhitespace(end) < bytes.count, bytes[end..<skipWhitespace(end)].contains(0x0A) {
            // One value a line. Values written with nothing between them (Kinesis Data
            // Firehose's S3 objects) are read one after another below.
            top = jsonLines(from: start)
        } else {
            var i = start
            while i < bytes.count {
                guard let end = valueEnd(from: i, limit: bytes.count) else {
                    top.append(JSONPiece(line: line(at: i), range: i..<bytes.count, brokenReason: "unterminated JSON value"))
                    break
                }
                top.append(JSONPiece(line: line(at: i), range: i..<end))
                i = skipWhitespace(end)
            }
        }
        guard !containerKeys.isEmpty else { return top }
        var out: [JSONPiece] = []
        for piece in top {
            if piece.brokenReason == nil, bytes[piece.range.lowerBound] == UInt8(ascii: "{"),
               let inner = containerArray(in: piece.range, keys: containerKeys) {
                out += elements(ofArrayAt: inner.lowerBound, limit: inner.upperBound)
            } else {
                out.append(piece)
            }
        }
        return out
    }

    /// Each non-blank line as its own record.
    private func jsonLines(from start: Int) -> [JSONPiece] {
        var out: [JSONPiece] = []
        var lineIndex = line(at: start) - 1
        while lineIndex < lineStarts.count {
            let lo = lineStarts[lineIndex]
            var hi = lineIndex + 1 < lineStarts.count ? lineStarts[lineIndex + 1] : bytes.count
            while hi > lo, isWhitespace(bytes[hi - 1]) { hi -= 1 }
            var first = lo
            while first < hi, isWhitespace(bytes[first]) { first += 1 }
            if first < hi { out.append(JSONPiece(line: lineIndex + 1, range: first..<hi)) }
            lineIndex += 1
        }
        return out
    }

    /// The elements of the array that opens at `open`, stopping at `limit`.
    private func elements(ofArrayAt open: Int, limit: Int) -> [JSONPiece] {
        var out: [JSONPiece] = []
        var i = skipWhitespace(open + 1)
        while i < limit {
            if bytes[i] == UInt8(ascii: "]") { return out }
            guard let end = valueEnd(from: i, limit: limit) else {
                out.append(JSONPiece(line: line(at: i), range: i..<limit, brokenReason: "unterminated JSON value"))
                return out
            }
            out.append(JSONPiece(line: line(at: i), range: i..<end))
            i = skipWhitespace(end)
            guard i < limit else { break }
            if bytes[i] == UInt8(ascii: ",") {
                i = skipWhitespace(i + 1)
            } else if bytes[i] != UInt8(ascii: "]") {
                out.append(JSONPiece(line: line(at: i), range: i..<limit, brokenReason: "expected ',' or ']' between array elements"))
                return out
            }
        }
        out.append(JSONPiece(line: line(at: open), range: open..<limit, brokenReason: "unterminated JSON array"))
        return out
    }

    /// The range of the array value of the first of `keys` among the object's own members.
    private func containerArray(in range: Range<Int>, keys: [String]) -> Range<Int>? {
        let wanted = keys.map { Array($0.utf8) }
        var i = skipWhitespace(range.lowerBound + 1)
        while i < range.upperBound, bytes[i] == UInt8(ascii: "\"") {
            guard let keyEnd = valueEnd(from: i, limit: range.upperBound) else { return nil }
            let key = Array(bytes[(i + 1)..<(keyEnd - 1)])
            i = skipWhitespace(keyEnd)
            guard i < range.upperBound, bytes[i] == UInt8(ascii: ":") else { return nil }
            let valueStart = skipWhitespace(i + 1)
            guard valueStart < range.upperBound, let valueEnd = valueEnd(from: valueStart, limit: range.upperBound) else { return nil }
            if wanted.contains(key), bytes[valueStart] == UInt8(ascii: "[") { return valueStart..<valueEnd }
            i = skipWhitespace(valueEnd)
            guard i < range.upperBound, bytes[i] == UInt8(ascii: ",") else { return nil }
            i = skipWhitespace(i + 1)
        }
        return nil
    }

    /// The index just past the JSON value starting at `start`, or nil when it does not end
    /// before `limit`. Checks only the nesting and strings; the parser checks the rest.
    func valueEnd(from start: Int, limit: Int) -> Int? {
        var i = start
        var depth = 0
        var inString = false
        while i < limit {
            let b = bytes[i]
            if inString {
                if b == UInt8(ascii: "\\") {
                    i += 1
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return i + 1 }
                }
            } else {
                switch b {
                case UInt8(ascii: "\""):
                    inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return i > start ? i : nil }
                    depth -= 1
                    if depth == 0 { return i + 1 }
                case UInt8(ascii: ","), 0x20, 0x09, 0x0A, 0x0D:
                    if depth == 0 { return i > start ? i : nil }
                default:
                    break
                }
            }
            i += 1
        }
        return depth == 0 && !inString && i > start ? i : nil
    }

    private func skipWhitespace(_ from: Int) -> Int {
        var i = from
        while i < bytes.count, isWhitespace(bytes[i]) { i += 1 }
        return i
    }

    private func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
}

/// A parsed JSON object, with typed accessors that accept the loose typing providers use
/// (numbers sent as strings and the other way round).
struct JSONObject {
    let fields: [String: Any]

    init(_ fields: [String: Any]) { self.fields = fields }

    /// The object that `value` is, if it is one.
    init?(any value: Any?) {
        guard let fields = value as? [String: Any] else { return nil }
        self.fields = fields
    }

    func string(_ key: String) -> String? {
        switch fields[key] {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }

    /// The string, or nil when missing or blank.
    func text(_ key: String) -> String? {
        guard let s = string(key)?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
        return s
    }

    func int(_ key: String) -> Int? {
        switch fields[key] {
        case let n as NSNumber: return n.intValue
        case let s as String: return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    func bool(_ key: String) -> Bool? {
        switch fields[key] {
        case let b as Bool: return b
        case let n as NSNumber: return n.boolValue
        case let s as String: return s == "true" ? true : s == "false" ? false : nil
        default: return nil
        }
    }

    func object(_ key: String) -> JSONObject? { JSONObject(any: fields[key]) }

    func array(_ key: String) -> [Any]? { fields[key] as? [Any] }

    /// Unix seconds from a number (fraction dropped), a numeric string, or an ISO 8601 string.
    func timestamp(_ key: String) -> Int64? {
        switch fields[key] {
        case let n as NSNumber:
            let d = n.doubleValue
            guard d.isFinite, abs(d) < 1e12 else { return nil }
            return Int64(d.rounded(.down))
        case let s as String:
            return Timestamp.parse(s)
        default:
            return nil
        }
    }
}

/// A record's bytes, turned into text only when the record is rejected.
struct RawText {
    let bytes: ArraySlice<UInt8>

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Shared reading of JSON event files: cut into records, parse each, hand objects on.
enum JSONEventFile {
    /// Calls `handle` with each record that parses as a JSON object; rejects the others.
    static func forEachObject(
        bytes: [UInt8], containerKeys: [String], sink: inout ImportSink,
        _ handle: (JSONObject, Int, RawText, inout ImportSink) -> Void
    ) {
        let scanner = JSONRecordScanner(bytes: bytes)
        for piece in scanner.pieces(containerKeys: containerKeys) {
            let raw = RawText(bytes: bytes[piece.range])
            if let reason = piece.brokenReason {
                sink.reject(line: piece.line, reason: reason, raw: raw)
                continue
            }
            guard let value = try? JSONSerialization.jsonObject(with: Data(bytes[piece.range]), options: [.fragmentsAllowed]) else {
                sink.reject(line: piece.line, reason: "malformed JSON", raw: raw)
                continue
            }
            guard let object = JSONObject(any: value) else {
                sink.reject(line: piece.line, reason: "record is not a JSON object", raw: raw)
                continue
            }
            handle(object, piece.line, raw, &sink)
        }
    }

    /// Whether `prefix` contains any of `needles` (byte search, for sniffing).
    static func contains(_ prefix: [UInt8], anyOf needles: [String]) -> Bool {
        needles.contains { needle in ByteSearch.contains(prefix, Array(needle.utf8)) }
    }

    /// Whether the first non-blank byte (after a BOM) opens a JSON object or array.
    static func looksLikeJSON(_ prefix: [UInt8]) -> Bool {
        var i = 0
        if prefix.count >= 3, prefix[0] == 0xEF, prefix[1] == 0xBB, prefix[2] == 0xBF { i = 3 }
        while i < prefix.count, prefix[i] == 0x20 || prefix[i] == 0x09 || prefix[i] == 0x0A || prefix[i] == 0x0D { i += 1 }
        return i < prefix.count && (prefix[i] == UInt8(ascii: "{") || prefix[i] == UInt8(ascii: "["))
    }
}

/// Substring search on bytes.
enum ByteSearch {
    /// The first index of `needle` in `haystack[from...]`, or nil.
    static func firstIndex<C: RandomAccessCollection>(of needle: [UInt8], in haystack: C, from: C.Index? = nil) -> C.Index?
    where C.Element == UInt8 {
        guard let first = needle.first else { return from ?? haystack.startIndex }
        var i = from ?? haystack.startIndex
        let n = needle.count
        while i < haystack.endIndex {
            guard haystack.distance(from: i, to: haystack.endIndex) >= n else { return nil }
            if haystack[i] == first {
                var j = 1
                var k = haystack.index(after: i)
                while j < n, haystack[k] == needle[j] { j += 1; k = haystack.index(after: k) }
                if j == n { return i }
            }
            i = haystack.index(after: i)
        }
        return nil
    }

    static func contains<C: RandomAccessCollection>(_ haystack: C, _ needle: [UInt8]) -> Bool where C.Element == UInt8 {
        firstIndex(of: needle, in: haystack) != nil
    }
}

/// Reads the SMTP reply code and RFC 3463 enhanced status code at the start of a provider's
/// diagnostic text (`smtp; 550 5.1.1 …`, `550-5.1.1 …`, `5.1.1 …`).
enum SMTPReplyText {
    /// The codes at the start of `text`, after an optional `smtp;` diagnostic type.
    static func leadingCodes(_ text: Substring) -> (replyCode: Int?, enhancedCode: String?) {
        let b = Array(text.utf8)
        var i = 0
        func skipSpaces() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 } }
        skipSpaces()
        if b.count - i >= 5, (b[i] | 0x20) == UInt8(ascii: "s"), (b[i + 1] | 0x20) == UInt8(ascii: "m"),
           (b[i + 2] | 0x20) == UInt8(ascii: "t"), (b[i + 3] | 0x20) == UInt8(ascii: "p"), b[i + 4] == UInt8(ascii: ";") {
            i += 5
            skipSpaces()
        }
        var code: Int?
        if b.count - i >= 3, (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(b[i]), isDigit(b, i + 1), isDigit(b, i + 2),
           i + 3 == b.count || b[i + 3] == 0x20 || b[i + 3] == UInt8(ascii: "-") {
            code = Int(b[i] - 0x30) * 100 + Int(b[i + 1] - 0x30) * 10 + Int(b[i + 2] - 0x30)
            i += 3
            while i < b.count, b[i] == 0x20 || b[i] == UInt8(ascii: "-") { i += 1 }
        }
        return (code, enhancedCode(at: b, i))
    }

    /// The codes after the first `said: ` (Postfix) or at the start when there is none.
    static func codesAfterSaid(_ text: Substring) -> (replyCode: Int?, enhancedCode: String?) {
        for marker in [" said: ", "refused to talk to me: "] {
            if let r = text.range(of: marker) { return leadingCodes(text[r.upperBound...]) }
        }
        return leadingCodes(text)
    }

    /// `text` when it is a well-formed enhanced status code (`5.1.1`), else nil.
    static func enhancedCode(_ text: String?) -> String? {
        guard let text else { return nil }
        let b = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        guard let code = enhancedCode(at: b, 0), code.utf8.count == b.count else { return nil }
        return code
    }

    /// `code` when it is an SMTP reply code (200–599), else nil (Mailgun's 605 is not one).
    static func replyCode(_ code: Int?) -> Int? {
        guard let code, (200...599).contains(code) else { return nil }
        return code
    }

    private static func enhancedCode(at b: [UInt8], _ start: Int) -> String? {
        var i = start
        guard i < b.count, b[i] == UInt8(ascii: "2") || b[i] == UInt8(ascii: "4") || b[i] == UInt8(ascii: "5") else { return nil }
        i += 1
        for _ in 0..<2 {
            guard i < b.count, b[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            let digitsStart = i
            while i < b.count, isDigit(b, i), i - digitsStart < 3 { i += 1 }
            guard i > digitsStart else { return nil }
        }
        if i < b.count, isDigit(b, i) || b[i] == UInt8(ascii: ".") { return nil }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    private static func isDigit(_ b: [UInt8], _ i: Int) -> Bool {
        i < b.count && b[i] >= 0x30 && b[i] <= 0x39
    }
}
