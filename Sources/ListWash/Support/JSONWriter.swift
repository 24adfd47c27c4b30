/// Writes compact JSON into a byte buffer with members in the order they are added, so that
/// outputs are byte-identical from run to run (no dictionary ordering, no locale).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    public init() {}

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
        bytes += Array((value.map { String($0) } ?? "null").utf8)
    }

    /// A number member written as given (for decimals kept exact, e.g. `72`).
    public mutating func number(_ name: String?, _ value: Double) {
        if let name { key(name) }
        beginValue()
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        bytes += Array(text.utf8)
    }

    /// A boolean member.
    public mutating func bool(_ name: String?, _ value: Bool) {
        if let name { key(name) }
        beginValue()
        bytes += Array((value ? "true" : "false").utf8)
    }

    /// Appends `value` as a JSON string literal (RFC 8259 escaping).
    public static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [0x5C, 0x22]
            case UInt8(ascii: "\\"): out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
