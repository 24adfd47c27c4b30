/// Finding addresses and SMTP codes in free text.
public enum MailText {
    private static func isLocalChar(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+/=?^_`{|}~.-".unicodeScalars.contains(s)
        }
    }

    private static func isDomainChar(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "-": return true
        default: return false
        }
    }

    /// Every address (`local@domain.tld`) in `text`, in order, with its scalar range.
    static func addressMatches(in text: String) -> [(address: String, start: Int, end: Int)] {
        let s = Array(text.unicodeScalars)
        var result: [(String, Int, Int)] = []
        var i = 0
        while i < s.count {
            guard s[i] == "@" else { i += 1; continue }
            var start = i
            while start > 0 && isLocalChar(s[start - 1]) { start -= 1 }
            while start < i && (s[start] == "." || s[start] == "=" || s[start] == "'") { start += 1 }
            if start > 0, s[start - 1] == ":", i - start > 5,
               String(String.UnicodeScalarView(s[start..<(start + 5)])).lowercased() == "smtp=" {
                // An X.400 O/R address's domain-defined attribute for the SMTP address
                // (Exchange's `…;dda:SMTP=a@b.example;`): the address follows `SMTP=`.
                start += 5
            }
            var end = i + 1
            while end < s.count && isDomainChar(s[end]) { end += 1 }
            while end > i + 1 && (s[end - 1] == "." || s[end - 1] == "-") { end -= 1 }
            let domain = String(String.UnicodeScalarView(s[(i + 1)..<end]))
            if start < i, domain.contains("."), !domain.hasPrefix("."), domain.last?.isLetter == true {
                let local = String(String.UnicodeScalarView(s[start..<i]))
                result.append((local + "@" + domain, start, end))
                i = end
            } else {
                i += 1
            }
        }
        return result
    }

    /// Whether `text` holds a letter outside the addresses it names (`<a@b.example>:` holds none).
    /// - Complexity: O(n): one pass for the addresses, one for what lies between them.
    static func hasTextBesideAddresses(_ text: String) -> Bool {
        let s = Array(text.unicodeScalars)
        var from = 0
        for match in addressMatches(in: text) {
            if s[from..<match.start].contains(where: { $0.properties.isAlphabetic }) { return true }
            from = match.end
        }
        return s[from...].contains(where: { $0.properties.isAlphabetic })
    }

    /// Whether `line` starts with an SMTP reply: a 4xx or 5xx code, then a space or `-` and text
    /// (RFC 5321 §4.2: `550 5.1.1 …`, `552-…`).
    static func isReplyLine(_ line: Substring) -> Bool {
        let s = Array(line.utf8.prefix(5))
        guard s.count == 5, s[0] == UInt8(ascii: "4") || s[0] == UInt8(ascii: "5"),
              (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s[1]), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s[2]),
              s[3] == UInt8(ascii: " ") || s[3] == UInt8(ascii: "-") else { return false }
        return s[4] != UInt8(ascii: " ")
    }

    /// Every address in `text`, in order.
    public static func addresses(in text: String) -> [String] { addressMatches(in: text).map(\.address) }

    /// The address a header or DSN field names (`rfc822; <a@b.example>`, `Name <a@b.example>`).
    public static func firstAddress(in text: String) -> String? { addresses(in: text).first }

    /// An ASCII digit's value at `i`, or nil (also outside the text).
    private static func digit(_ s: [Unicode.Scalar], _ i: Int) -> Int? {
        guard i >= 0, i < s.count, s[i].isASCII, s[i].properties.numericType != nil else { return nil }
        return Int(String(s[i]))
    }

    /// Whether a code may start at `i`: the text's start (`floor`) or after neither a digit, a dot nor a letter.
    private static func boundaryBefore(_ s: [Unicode.Scalar], _ i: Int, floor: Int) -> Bool {
        i == floor || (digit(s, i - 1) == nil && s[i - 1] != "." && !s[i - 1].properties.isAlphabetic)
    }

    /// Whether a code may end at `i`: the end, or before neither a digit, a letter nor a dot and a digit.
    private static func boundaryAfter(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        i >= s.count || (digit(s, i) == nil && !s[i].properties.isAlphabetic && !(s[i] == "." && digit(s, i + 1) != nil))
    }

    /// The end of the RFC 3463 status (`5.1.1`) starting at `i`, or nil; `floor` is where the
    /// text starts. Looks at most ten scalars around `i`.
    private static func statusEnd(_ s: [Unicode.Scalar], at i: Int, floor: Int) -> Int? {
        guard let c = digit(s, i), [2, 4, 5].contains(c), boundaryBefore(s, i, floor: floor), i + 1 < s.count, s[i + 1] == "."
        else { return nil }
        var j = i + 2
        var subject = 0
        while digit(s, j) != nil && subject < 3 { j += 1; subject += 1 }
        guard subject > 0, j < s.count, s[j] == "." else { return nil }
        var k = j + 1
        var detail = 0
        while digit(s, k) != nil && detail < 3 { k += 1; detail += 1 }
        guard detail > 0, boundaryAfter(s, k) else { return nil }
        return k
    }

    /// The basic reply code (`550`) and the RFC 3463 status (`5.1.1`) first found in `text`.
    public static func codes(in text: String) -> (replyCode: Int?, status: String?) {
        let s = Array(text.unicodeScalars)
        var status: String?
        var statusStart = -1
        var i = 0
        while i < s.count && status == nil {
            if let end = statusEnd(s, at: i, floor: 0) {
                status = String(String.UnicodeScalarView(s[i..<end]))
                statusStart = i
            }
            i += 1
        }
        var reply: Int?
        func replyAt(_ i: Int) -> Int? {
            guard let a = digit(s, i), [2, 4, 5].contains(a), let b = digit(s, i + 1), b <= 5, let c = digit(s, i + 2),
                  boundaryBefore(s, i, floor: 0), i + 3 >= s.count || digit(s, i + 3) == nil,
                  i + 3 >= s.count || [" ", "-", ",", "\t", ")", "]"].contains(s[i + 3]) else { return nil }
            return a * 100 + b * 10 + c
        }
        if statusStart >= 4, let r = replyAt(statusStart - 4) { reply = r }
        if reply == nil {
            var i = 0
            while i + 2 < s.count {
                if let r = replyAt(i) { reply = r; break }
                i += 1
            }
        }
        return (reply, status)
    }

    /// Every RFC 3463 status code in `text`, in order: the first status, then the first status
    /// after the first occurrence of its text, and so on (the rest of the text after each
    /// occurrence is read as a text of its own, so a status may start right where it begins).
    /// - Complexity: O(n) for n scalars. Statuses are found with one forward cursor, and the
    ///   occurrence searches cover disjoint stretches, so no part of the text is read once per
    ///   status before it.
    public static func statuses(in text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        var result: [String] = []
        var rest = 0
        var cursor = MIME.ForwardSearch()
        while rest < s.count {
            // Past `rest` itself, whether a status starts does not depend on where the rest began.
            var start = rest
            var end = statusEnd(s, at: rest, floor: rest)
            if end == nil {
                start = cursor.first(from: rest + 1, count: s.count) { statusEnd(s, at: $0, floor: 0) != nil }
                guard start < s.count else { break }
                end = statusEnd(s, at: start, floor: 0)
            }
            guard let end else { break }
            let status = Array(s[start..<end])
            result.append(String(String.UnicodeScalarView(status)))
            // The rest continues after the status text's first occurrence, which may come before `start`.
            var at = rest
            while !s[at..<(at + status.count)].elementsEqual(status) { at += 1 }
            rest = at + status.count
        }
        return result
    }

    /// Collapses runs of whitespace into one space.
    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// The remote server's reply inside a relay's summary of it. Amazon SES writes
    /// `5.1.0 - Unknown address error 550-'5.7.1 <…>... Access denied' (delivery attempts: 0)`:
    /// the classifier needs `550 5.7.1 <…>... Access denied`, not SES's category words.
    /// Text of any other shape comes back unchanged.
    static func unwrapQuotedReply(_ diagnostic: String) -> String {
        guard let dash = diagnostic.range(of: " - "), let open = diagnostic.range(of: "-'"),
              dash.upperBound <= open.lowerBound,
              let close = diagnostic.range(of: "'", options: .backwards), open.upperBound < close.lowerBound,
              MailText.codes(in: String(diagnostic[..<dash.lowerBound])).status != nil
        else { return diagnostic }
        let code = diagnostic[..<open.lowerBound].suffix(3)
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isNumber }) else { return diagnostic }
        return code + " " + diagnostic[open.upperBound..<close.lowerBound]
    }
}
