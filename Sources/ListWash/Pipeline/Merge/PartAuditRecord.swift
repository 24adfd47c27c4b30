/// One record of a shard's `audit.jsonl`, as `listwash merge` needs it: the record without
/// its link (to be linked again in the merged chain), and the fields that say which list row
/// it belongs to and what happened to it (``AuditLine`` writes them first, in this order).
struct PartAuditRecord {
    enum Action: Equatable {
        case duplicate(firstLine: Int)
        case suppress(rule: SuppressionRule, reason: String)
        case allow
    }

    /// The record as ``AuditChain/write(_:to:)`` takes it: `{` then the fields, line feed last.
    var body: [UInt8]
    var line: Int
    /// The `address` value as written (JSON-escaped, without its quotes).
    var address: ArraySlice<UInt8>
    var action: Action

    /// Reads a linked record; nil when it is not one ``AuditLine`` writes.
    init?(linked bytes: [UInt8]) {
        let p = AuditChain.prefixLength
        guard bytes.count > p + 1, bytes.starts(with: AuditChain.opening), bytes[p - 1] == UInt8(ascii: ",") else { return nil }
        body = [UInt8(ascii: "{")] + bytes[p...]
        var s = Scanner(bytes: body, at: 1)
        guard s.expect(#""line":"#), let line = s.integer(),
              s.expect(#","address":""#), let address = s.stringContent(),
              s.expect(#","action":""#), let action = s.stringContent() else { return nil }
        self.line = line
        self.address = address
        switch String(decoding: action, as: UTF8.self) {
        case "drop_duplicate":
            guard s.expect(#","duplicate_of_line":"#), let first = s.integer() else { return nil }
            self.action = .duplicate(firstLine: first)
        case "suppress":
            guard s.expect(#","rule":""#), let rule = s.stringContent(),
                  let parsed = SuppressionRule(rawValue: String(decoding: rule, as: UTF8.self)),
                  s.expect(#","reason":""#), let reason = s.stringContent() else { return nil }
            self.action = .suppress(rule: parsed, reason: String(decoding: reason, as: UTF8.self))
        case "allow":
            self.action = .allow
        default:
            return nil
        }
    }

    /// The record's `address` as ``AuditLine`` writes `key`.
    static func escaped(_ key: [UInt8]) -> [UInt8] {
        var json = JSONWriter()
        json.string(nil, String(decoding: key, as: UTF8.self))
        return Array(json.bytes.dropFirst().dropLast())
    }

    /// A cursor over a record's bytes.
    private struct Scanner {
        let bytes: [UInt8]
        var at: Int

        mutating func expect(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            let matches = text.withUTF8Buffer { t in bytes[at..<at + count].elementsEqual(t) }
            if matches { at += count }
            return matches
        }

        mutating func integer() -> Int? {
            var value = 0, digits = 0
            while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39, digits < 18 {
                value = value * 10 + Int(bytes[at] - 0x30)
                at += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }

        /// A JSON string's content after its opening quote, through the closing quote (escapes left as written).
        mutating func stringContent() -> ArraySlice<UInt8>? {
            let begin = at
            while at < bytes.count {
                switch bytes[at] {
                case UInt8(ascii: "\\"): at += 2
                case UInt8(ascii: "\""):
                    defer { at += 1 }
                    return bytes[begin..<at]
                default: at += 1
                }
            }
            return nil
        }
    }
}
