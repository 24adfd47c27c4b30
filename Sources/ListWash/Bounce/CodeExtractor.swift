/// Finds a basic reply code (`550`) and an enhanced status code (`5.1.1`) inside diagnostic text,
/// for sources that give only the text (`smtp; 550-5.1.1 …`, `#5.1.1`, `said: 554 5.7.1 …`).
public enum CodeExtractor {
    /// The first basic reply code (4xx or 5xx) in `text`, if any.
    public static func replyCode(in text: String) -> Int? {
        var text = text
        return text.withUTF8 { replyCode(in: $0) }
    }

    /// The first enhanced status code in `text`, if any.
    public static func statusCode(in text: String) -> StatusCode? {
        var text = text
        return text.withUTF8 { statusCode(in: $0) }
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    private static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte == UInt8(ascii: "_")
    }

    /// The first three-digit token `[45][0-5][0-9]` standing alone (not part of a number, word or dotted quad).
    static func replyCode(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        var index = 0
        while index + 3 <= count {
            let first = bytes[index]
            guard first == 0x34 || first == 0x35 else { index += 1; continue }
            if index > 0 {
                let before = bytes[index - 1]
                if isWordByte(before) || before == UInt8(ascii: ".") { index += 1; continue }
            }
            let second = bytes[index + 1], third = bytes[index + 2]
            guard second >= 0x30, second <= 0x35, isDigit(third) else { index += 1; continue }
            if index + 3 < count {
                let after = bytes[index + 3]
                if isWordByte(after) || after == UInt8(ascii: ".") || after == UInt8(ascii: ":") { index += 1; continue }
            }
            return Int(first - 0x30) * 100 + Int(second - 0x30) * 10 + Int(third - 0x30)
        }
        return nil
    }

    /// The first `[245].d{1,3}.d{1,3}` token standing alone (not inside an IP address or a version number).
    static func statusCode(in bytes: UnsafeBufferPointer<UInt8>) -> StatusCode? {
        let count = bytes.count
        var index = 0
        while index + 5 <= count {
            let first = bytes[index]
            guard first == 0x32 || first == 0x34 || first == 0x35, bytes[index + 1] == UInt8(ascii: ".") else {
                index += 1
                continue
            }
            if index > 0 {
                let before = bytes[index - 1]
                if isWordByte(before) || before == UInt8(ascii: ".") { index += 1; continue }
            }
            var cursor = index + 2
            var subject = 0, subjectDigits = 0
            while cursor < count, isDigit(bytes[cursor]), subjectDigits < 4 {
                subject = subject * 10 + Int(bytes[cursor] - 0x30); subjectDigits += 1; cursor += 1
            }
            guard (1...3).contains(subjectDigits), cursor < count, bytes[cursor] == UInt8(ascii: ".") else {
                index += 1
                continue
            }
            cursor += 1
            var detail = 0, detailDigits = 0
            while cursor < count, isDigit(bytes[cursor]), detailDigits < 4 {
                detail = detail * 10 + Int(bytes[cursor] - 0x30); detailDigits += 1; cursor += 1
            }
            guard (1...3).contains(detailDigits) else { index += 1; continue }
            if cursor < count {
                let after = bytes[cursor]
                // "5.1.1." at a sentence end is fine; "5.1.1.1" (an address) is not.
                if isWordByte(after) { index += 1; continue }
                if after == UInt8(ascii: "."), cursor + 1 < count, isDigit(bytes[cursor + 1]) { index += 1; continue }
            }
            return StatusCode(statusClass: Int(first - 0x30), subject: subject, detail: detail)
        }
        return nil
    }
}
