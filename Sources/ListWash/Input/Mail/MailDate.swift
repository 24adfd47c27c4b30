/// RFC 5322 dates (`Mon, 1 Jun 2024 10:00:05 +0200`), with the obsolete forms real mail uses.
public enum MailDate {
    /// Unix seconds for an RFC 5322 date, or nil. Accepts a missing weekday, two-digit years,
    /// missing seconds, obsolete zones (`GMT`, `EST`, military letters) and trailing comments;
    /// falls back to ISO 8601 via ``Timestamp``.
    public static func parse(_ text: String) -> Int64? {
        var cleaned = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1; continue }
            if ch == ")" { depth = max(0, depth - 1); continue }
            if depth == 0 { cleaned.append(ch == "," ? " " : ch) }
        }
        var tokens = cleaned.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        if let first = tokens.first, first.first?.isLetter == true, month(first) == nil { tokens.removeFirst() }
        guard tokens.count >= 3 else { return Timestamp.parse(text) }
        var day: Int?
        var mon: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        var offset = 0
        var rest = tokens[...]
        // day month year, or month day year (seen in asctime-like forms)
        if let d = Int(rest[rest.startIndex]), let m = month(rest[rest.startIndex + 1]) {
            day = d; mon = m; rest = rest.dropFirst(2)
        } else if let m = month(rest[rest.startIndex]), let d = Int(rest[rest.startIndex + 1]) {
            day = d; mon = m; rest = rest.dropFirst(2)
        } else {
            return Timestamp.parse(text)
        }
        for token in rest {
            if token.contains(":"), time == nil {
                let parts = token.split(separator: ":").map { Int($0) }
                guard parts.count >= 2, let h = parts[0], let mi = parts[1] else { return nil }
                time = (h, mi, parts.count > 2 ? (parts[2] ?? 0) : 0)
            } else if year == nil, let y = Int(token), token.count <= 4, token.first != "+", token.first != "-" {
                year = token.count <= 2 ? (y < 50 ? 2000 + y : 1900 + y) : (token.count == 3 ? 1900 + y : y)
            } else if let zone = zoneOffset(token) {
                offset = zone
            }
        }
        guard let day, let mon, let year, let (h, mi, s) = time,
              (1...12).contains(mon), (1...31).contains(day), h < 24, mi < 60, s <= 60 else { return nil }
        let days = Int64(Timestamp.daysFromCivil(year: year, month: mon, day: day))
        return days * 86_400 + Int64(h * 3600 + mi * 60 + s) - Int64(offset)
    }

    private static func month(_ token: String) -> Int? {
        let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let key = token.prefix(3).lowercased()
        guard token.count >= 3, let index = names.firstIndex(of: key) else { return nil }
        return index + 1
    }

    /// Seconds east of UTC for `+hhmm`, `-hhmm` or an obsolete zone name.
    private static func zoneOffset(_ token: String) -> Int? {
        if let sign = token.first, sign == "+" || sign == "-" {
            let digits = token.dropFirst().filter { $0 != ":" }
            guard digits.count == 4, let value = Int(digits) else { return nil }
            let seconds = (value / 100) * 3600 + (value % 100) * 60
            return sign == "-" ? -seconds : seconds
        }
        let zones: [String: Int] = [
            "UT": 0, "UTC": 0, "GMT": 0, "Z": 0,
            "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
            "JST": 9, "KST": 9, "CET": 1, "CEST": 2, "BST": 1,
        ]
        if let hours = zones[token.uppercased()] { return hours * 3600 }
        if token.count == 1, token.first?.isLetter == true { return 0 }  // military zones: RFC 5322 says treat as -0000
        return nil
    }
}
