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

    /// Every address in `text`, in order.
    public static func addresses(in text: String) -> [String] { addressMatches(in: text).map(\.address) }

    /// The address a header or DSN field names (`rfc822; <a@b.example>`, `Name <a@b.example>`).
    public static func firstAddress(in text: String) -> String? { addresses(in: text).first }

    /// The basic reply code (`550`) and the RFC 3463 status (`5.1.1`) first found in `text`.
    public static func codes(in text: String) -> (replyCode: Int?, status: String?) {
        let s = Array(text.unicodeScalars)
        func digit(_ i: Int) -> Int? {
            guard i >= 0, i < s.count, let v = s[i].properties.numericType != nil ? Int(String(s[i])) : nil,
                  s[i].isASCII else { return nil }
            return v
        }
        func boundaryBefore(_ i: Int) -> Bool { i == 0 || (digit(i - 1) == nil && s[i - 1] != "." && !s[i - 1].properties.isAlphabetic) }
        func boundaryAfter(_ i: Int) -> Bool {
            i >= s.count || (digit(i) == nil && !s[i].properties.isAlphabetic && !(s[i] == "." && digit(i + 1) != nil))
        }
        var status: String?
        var statusStart = -1
        var i = 0
        while i < s.count && status == nil {
            if let c = digit(i), [2, 4, 5].contains(c), boundaryBefore(i), i + 1 < s.count, s[i + 1] == "." {
                var j = i + 2
                var subject = 0
                while digit(j) != nil && subject < 3 { j += 1; subject += 1 }
                if subject > 0, j < s.count, s[j] == "." {
                    var k = j + 1
                    var detail = 0
                    while digit(k) != nil && detail < 3 { k += 1; detail += 1 }
                    if detail > 0, boundaryAfter(k) {
                        status = String(String.UnicodeScalarView(s[i..<k]))
                        statusStart = i
                    }
                }
            }
            i += 1
        }
        var reply: Int?
        func replyAt(_ i: Int) -> Int? {
            guard let a = digit(i), [2, 4, 5].contains(a), let b = digit(i + 1), b <= 5, let c = digit(i + 2),
                  boundaryBefore(i), i + 3 >= s.count || digit(i + 3) == nil,
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

    /// Every RFC 3463 status code in `text`, in order.
    public static func statuses(in text: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while let status = codes(in: String(rest)).status, let range = rest.range(of: status) {
            result.append(status)
            rest = rest[range.upperBound...]
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
