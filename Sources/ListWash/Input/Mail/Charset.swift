import Glibc

/// Converts text in a named charset to a Swift string, through glibc's `iconv`.
///
/// The only file that touches `iconv`; every other reader calls ``Charset/decode(_:charset:)``.
public enum Charset {
    /// Decodes `bytes` declared as `charset`: the charset through `iconv`, then strict UTF-8,
    /// then Latin-1 (which accepts every byte); a declared UTF-8 falls back to lossy UTF-8.
    public static func decode(_ bytes: [UInt8], charset: String?) -> String {
        let name = canonicalName(charset)
        if bytes.allSatisfy({ $0 < 0x80 }) && !name.hasPrefix("ISO-2022") && !name.hasPrefix("UTF-16") {
            return String(decoding: bytes, as: UTF8.self)
        }
        if name == "UTF-8" {
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return String(decoding: bytes, as: UTF8.self)
        }
        if name != "US-ASCII", let text = convert(bytes, from: name) { return text }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return latin1(bytes)
    }

    /// Every byte as the Unicode scalar of the same value.
    static func latin1(_ bytes: [UInt8]) -> String {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(Unicode.Scalar(byte)) }
        return String(text)
    }

    /// The name `iconv` knows, widened to the superset real mailers mean by it.
    static func canonicalName(_ charset: String?) -> String {
        guard var name = charset?.trimmingASCIIWhitespace().uppercased(), !name.isEmpty else { return "US-ASCII" }
        if name.hasPrefix("\"") { name = String(name.dropFirst().prefix { $0 != "\"" }) }
        switch name {
        case "UTF8", "UTF-8", "UNICODE-1-1-UTF-8": return "UTF-8"
        case "ASCII", "US-ASCII", "ANSI_X3.4-1968", "DEFAULT", "X-UNKNOWN", "UNKNOWN-8BIT": return "US-ASCII"
        case "GB2312", "GBK", "CP936", "X-GBK", "EUC-CN", "GB18030": return "GB18030"
        case "SHIFT_JIS", "SHIFT-JIS", "SJIS", "X-SJIS", "MS_KANJI", "CP932", "WINDOWS-31J": return "CP932"
        case "ISO-2022-JP", "CSISO2022JP", "ISO-2022-JP-1": return "ISO-2022-JP-2"
        case "EUC-JP", "X-EUC-JP", "EUCJP": return "EUC-JP-MS"
        case "BIG5", "BIG-5", "CN-BIG5", "X-X-BIG5": return "BIG5-HKSCS"
        case "KS_C_5601-1987", "EUC-KR", "KS_C_5601": return "CP949"
        case "LATIN1", "ISO8859-1", "ISO_8859-1": return "ISO-8859-1"
        default: return name
        }
    }

    /// Runs `iconv` from `charset` to UTF-8; nil when the charset is unknown or the bytes invalid.
    static func convert(_ bytes: [UInt8], from charset: String) -> String? {
        let descriptor = iconv_open("UTF-8", charset)
        guard let descriptor, descriptor != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(descriptor) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 16)
        let outputCapacity = output.count
        var produced = 0
        let ok: Bool = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outputCapacity
                let result = iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                if result == -1 || inLeft != 0 { return false }
                // Flush any pending shift state (ISO-2022-*).
                _ = iconv(descriptor, nil, nil, &outPointer, &outLeft)
                produced = outputCapacity - outLeft
                return true
            }
        }
        guard ok else { return nil }
        return String(validating: output[0..<produced].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.isASCIIWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.isASCIIWhitespace })!
        return String(scalars[start...end])
    }
}

extension Unicode.Scalar {
    var isASCIIWhitespace: Bool { self == " " || self == "\t" || self == "\r" || self == "\n" }
}
