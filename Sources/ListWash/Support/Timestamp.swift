/// Timestamps as Unix seconds (UTC), parsed from the forms bounce sources use and printed as
/// ISO 8601 `YYYY-MM-DDTHH:MM:SSZ`.
public enum Timestamp {
    /// Parses ISO 8601 / RFC 3339 (`2024-06-01T10:00:05Z`, `…+02:00`, `….123Z`, a space instead
    /// of `T`, `+0200`), or Unix seconds (`1717236005`, `1717236005.12`, fraction dropped).
    /// A date and time without a zone is read as UTC only when `assumeUTC` is set.
    /// Returns nil when the text is none of these.
    public static func parse(_ text: String, assumeUTC: Bool = false) -> Int64? {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0D || last == 0x0A { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        if start > 0 { bytes.removeFirst(start) }
        return bytes.withUnsafeBufferPointer { parse(bytes: $0, assumeUTC: assumeUTC) }
    }

    /// Byte-level form of ``parse(_:assumeUTC:)``; `bytes` must already be trimmed.
    ///
    /// The canonical form `YYYY-MM-DDTHH:MM:SSZ` (what listwash writes, and most event logs)
    /// is read by ``parseCanonical(_:)``; anything else, and a canonical-looking text that is
    /// not a valid time, by the general reader.
    @inline(__always)
    public static func parse(bytes b: UnsafeBufferPointer<UInt8>, assumeUTC: Bool = false) -> Int64? {
        if let seconds = parseCanonical(b) { return seconds }
        return parseGeneral(bytes: b, assumeUTC: assumeUTC)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` exactly (20 bytes, capital `T` and `Z`, a valid date and time);
    /// nil for anything else, which ``parseGeneral(bytes:assumeUTC:)`` then reads. Gives what
    /// the general reader gives for every text it accepts.
    @inline(__always)
    static func parseCanonical(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count == 20, let p = b.baseAddress else { return nil }
        guard p[4] == 0x2D, p[7] == 0x2D, p[10] == 0x54, p[13] == 0x3A, p[16] == 0x3A, p[19] == 0x5A else { return nil }
        // Each digit's value, and whether every one of them is below 10 (a byte below '0'
        // wraps around to a large value).
        @inline(__always) func d(_ i: Int) -> UInt32 { UInt32(p[i]) &- 0x30 }
        let y0 = d(0), y1 = d(1), y2 = d(2), y3 = d(3), mo0 = d(5), mo1 = d(6), d0 = d(8), d1 = d(9)
        let h0 = d(11), h1 = d(12), mi0 = d(14), mi1 = d(15), s0 = d(17), s1 = d(18)
        let allDigits = (y0 < 10) && (y1 < 10) && (y2 < 10) && (y3 < 10) && (mo0 < 10) && (mo1 < 10) && (d0 < 10)
            && (d1 < 10) && (h0 < 10) && (h1 < 10) && (mi0 < 10) && (mi1 < 10) && (s0 < 10) && (s1 < 10)
        guard allDigits else { return nil }
        let year = Int(y0 * 1000 + y1 * 100 + y2 * 10 + y3)
        let month = Int(mo0 * 10 + mo1), day = Int(d0 * 10 + d1)
        let hour = Int(h0 * 10 + h1), minute = Int(mi0 * 10 + mi1), second = Int(s0 * 10 + s1)
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
    }

    /// ``parse(bytes:assumeUTC:)`` for every form it reads (the reference the canonical fast
    /// path is tested against).
    static func parseGeneral(bytes b: UnsafeBufferPointer<UInt8>, assumeUTC: Bool = false) -> Int64? {
        let n = b.count
        guard n > 0 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            guard i < n else { return nil }
            let c = b[i]
            return c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil
        }
        @inline(__always) func number(_ i: Int, _ len: Int) -> Int? {
            var v = 0
            for k in 0..<len {
                guard let d = digit(i + k) else { return nil }
                v = v * 10 + d
            }
            return v
        }
        // Unix seconds: all digits, optionally a fraction.
        if n <= 4 || b[4] != UInt8(ascii: "-") {
            var i = 0
            var v: Int64 = 0
            var negative = false
            if b[0] == UInt8(ascii: "-") { negative = true; i = 1 }
            let digitsStart = i
            while i < n, let d = digit(i) {
                v = v &* 10 &+ Int64(d)
                i += 1
                if i - digitsStart > 12 { return nil }
            }
            guard i > digitsStart else { return nil }
            if i < n {
                guard b[i] == UInt8(ascii: ".") else { return nil }
                i += 1
                while i < n, digit(i) != nil { i += 1 }
                guard i == n else { return nil }
            }
            return negative ? -v : v
        }
        guard let year = number(0, 4), b[4] == UInt8(ascii: "-"), let month = number(5, 2),
              n > 7, b[7] == UInt8(ascii: "-"), let day = number(8, 2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        var i = 10
        var hour = 0, minute = 0, second = 0
        var hasTime = false
        if i < n, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == 0x20 {
            guard let h = number(i + 1, 2), i + 3 < n, b[i + 3] == UInt8(ascii: ":"), let m = number(i + 4, 2) else { return nil }
            hour = h; minute = m
            i += 6
            if i < n, b[i] == UInt8(ascii: ":") {
                guard let s = number(i + 1, 2) else { return nil }
                second = s
                i += 3
            }
            if i < n, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                let fracStart = i
                while i < n, digit(i) != nil { i += 1 }
                guard i > fracStart else { return nil }
            }
            guard hour <= 23, minute <= 59, second <= 60 else { return nil }
            hasTime = true
        }
        var offset = 0
        if i < n, b[i] == 0x20 { i += 1 }
        if i == n {
            // A date alone is midnight UTC; a date and time without a zone needs assumeUTC.
            guard !hasTime || assumeUTC else { return nil }
        } else if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(i + 1, 2) else { return nil }
            var om = 0
            if i + 3 < n, b[i + 3] == UInt8(ascii: ":") {
                guard let m = number(i + 4, 2) else { return nil }
                om = m; i += 6
            } else if let m = number(i + 3, 2) {
                om = m; i += 5
            } else {
                i += 3
            }
            guard oh <= 23, om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else if n - i == 3, b[i] == UInt8(ascii: "U"), b[i + 1] == UInt8(ascii: "T"), b[i + 2] == UInt8(ascii: "C") {
            i += 3
        } else {
            return nil
        }
        guard i == n else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offset)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ seconds: Int64) -> String {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        guard (0...9999).contains(y) else { return "\(y)-\(m)-\(d)T\(rest / 3600):\(rest / 60 % 60):\(rest % 60)Z" }
        return String(unsafeUninitializedCapacity: 20) { buffer in
            writeDigits(y: y, m: m, d: d, rest: rest, into: UnsafeMutableRawBufferPointer(buffer))
            return 20
        }
    }

    /// Appends `format(seconds)`'s bytes to `out` without making a String.
    public static func append(_ seconds: Int64, to out: inout [UInt8]) { append(seconds, into: &out) }

    /// The same into any ``ByteOutput`` (the audit's lines are rendered into a ``ByteSink``).
    static func append<Output: ByteOutput & ~Copyable>(_ seconds: Int64, into out: inout Output) {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        guard (0...9999).contains(y) else { return out.append(utf8: format(seconds)) }
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { raw in
            writeDigits(y: y, m: m, d: d, rest: rest, into: raw)
            out.append(bytes: UnsafeRawBufferPointer(rebasing: raw[0..<20]))
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` into the first 20 bytes of `buffer`.
    private static func writeDigits(y: Int, m: Int, d: Int, rest: Int, into buffer: UnsafeMutableRawBufferPointer) {
        func put(_ value: Int, _ width: Int, at offset: Int) {
            var v = value
            for k in stride(from: width - 1, through: 0, by: -1) {
                buffer[offset + k] = UInt8(0x30 + v % 10)
                v /= 10
            }
        }
        put(y, 4, at: 0); buffer[4] = 0x2D
        put(m, 2, at: 5); buffer[7] = 0x2D
        put(d, 2, at: 8); buffer[10] = UInt8(ascii: "T")
        put(rest / 3600, 2, at: 11); buffer[13] = 0x3A
        put(rest / 60 % 60, 2, at: 14); buffer[16] = 0x3A
        put(rest % 60, 2, at: 17); buffer[19] = UInt8(ascii: "Z")
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
