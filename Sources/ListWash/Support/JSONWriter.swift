/// Writes compact JSON into a byte buffer with members in the order they are added, so that
/// outputs are byte-identical from run to run (no dictionary ordering, no locale).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    public init() {}

    /// Room for `count` bytes, so a large document grows without copies.
    public mutating func reserveCapacity(_ count: Int) { bytes.reserveCapacity(count) }

    private var afterKey = false

    private mutating func separator() {
        if let last = needsComma.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
    }

    private mutating func key(_ name: String) {
        separator()
        Self.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    private mutating func beginValue() {
        if afterKey { afterKey = false } else { separator() }
    }

    /// `{`
    public mutating func beginObject(_ name: String? = nil) {
        if let name { key(name) }
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    /// `}`
    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// `[`
    public mutating func beginArray(_ name: String? = nil) {
        if let name { key(name) }
        beginValue()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// `]`
    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A string member (or array element when `name` is nil); nil writes `null`.
    public mutating func string(_ name: String?, _ value: String?) {
        if let name { key(name) }
        beginValue()
        if let value { Self.appendString(value, to: &bytes) } else { bytes += Array("null".utf8) }
    }

    /// An integer member; nil writes `null`.
    public mutating func int<T: BinaryInteger>(_ name: String?, _ value: T?) {
        if let name { key(name) }
        beginValue()
        guard let value else { return bytes += Array("null".utf8) }
        if let small = Int64(exactly: value) { Self.appendInt(small, to: &bytes) } else { bytes += Array(String(value).utf8) }
    }

    /// A number member written as given (for decimals kept exact, e.g. `72`).
    public mutating func number(_ name: String?, _ value: Double) {
        if let name { key(name) }
        beginValue()
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        bytes += Array(text.utf8)
    }

    /// The bytes written so far, as they are (an object or array may still be open), leaving
    /// the writer empty (no copy).
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes = []; needsComma = []; afterKey = false }
        return bytes
    }

    /// The bytes written, with a line feed after them, leaving the writer empty (no copy).
    public mutating func takeLine() -> [UInt8] {
        bytes.append(0x0A)
        defer { bytes = [] }
        return bytes
    }

    /// A boolean member.
    public mutating func bool(_ name: String?, _ value: Bool) {
        if let name { key(name) }
        beginValue()
        bytes += Array((value ? "true" : "false").utf8)
    }

    /// Appends `value` as a JSON string literal (RFC 8259 escaping).
    public static func appendString(_ value: String, to out: inout [UInt8]) { appendString(value, into: &out) }

    /// Appends UTF-8 bytes as a JSON string literal: runs that need no escaping are copied whole.
    public static func appendString(bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) { appendString(bytes: bytes, into: &out) }

    /// Appends UTF-8 bytes escaped as inside a JSON string literal (RFC 8259), without the
    /// quotes: runs that need no escaping are copied whole.
    public static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) { appendEscaped(bytes, into: &out) }

    /// Appends a decimal integer without making a String.
    public static func appendInt(_ value: Int64, to out: inout [UInt8]) { appendInt(value, into: &out) }

    // The same four into any ``ByteOutput`` (a byte array, or the ``ByteSink`` the audit's
    // lines are rendered into): one implementation each.

    static func appendString<Output: ByteOutput & ~Copyable>(_ value: String, into out: inout Output) {
        var value = value
        value.withUTF8 { appendString(bytes: $0, into: &out) }
    }

    static func appendString<Output: ByteOutput & ~Copyable>(bytes: UnsafeBufferPointer<UInt8>, into out: inout Output) {
        out.append(UInt8(ascii: "\""))
        appendEscaped(bytes, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    static func appendEscaped<Output: ByteOutput & ~Copyable>(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout Output) {
        var runStart = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F else { continue }
            if i > runStart { out.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            runStart = i + 1
            out.append(0x5C)
            switch b {
            case 0x22, 0x5C: out.append(b)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            default:
                out.append(UInt8(ascii: "u"))
                out.append(0x30)
                out.append(0x30)
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 0xF))
            }
        }
        if bytes.count > runStart { out.append(bytes: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
    }

    /// The lower-case hex digit of 0...15.
    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }

    static func appendInt<Output: ByteOutput & ~Copyable>(_ value: Int64, into out: inout Output) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64's 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var start = raw.count
            repeat {
                start -= 1
                raw[start] = 0x30 + UInt8(v % 10)
                v /= 10
            } while v > 0
            out.append(bytes: UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
    }
}
