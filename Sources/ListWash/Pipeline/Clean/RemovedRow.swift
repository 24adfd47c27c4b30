/// A row the list pass removes, as it hands it to the audit (``AuditQueue``), or keeps with an
/// audit record of its own.
enum RemovedRow {
    case duplicate(line: Int, key: [UInt8], firstLine: Int)
    /// `slot` is the address's record in the evidence file, when the history has one.
    case suppress(line: Int, key: [UInt8], rule: SuppressionRule, slot: UInt32?)
    /// A row kept because the operator's allow overturned the policy's decision (held in `slot`).
    case allowed(line: Int, key: [UInt8], slot: UInt32)

    /// Appends the row's bytes (as a row waiting on disk for the evidence keeps them).
    func encode(into out: inout [UInt8]) {
        func int64(_ v: Int) { out.append(littleEndian: Int64(v)) }
        switch self {
        case .duplicate(let line, let key, let firstLine):
            out.append(0)
            int64(line)
            int64(firstLine)
            out += key
        case .suppress(let line, let key, let rule, let slot):
            out.append(1)
            int64(line)
            int64(slot.map(Int.init) ?? -1)
            out.append(UInt8(rule.index))
            out += key
        case .allowed(let line, let key, let slot):
            out.append(2)
            int64(line)
            int64(Int(slot))
            out += key
        }
    }

    /// The row ``encode(into:)`` wrote; nil for bytes it cannot have written.
    static func decode(_ raw: UnsafeRawBufferPointer) -> RemovedRow? {
        guard raw.count >= 17, raw[0] <= 2 else { return nil }
        let line = Int(raw.littleEndian(at: 1, as: Int64.self))
        let second = Int(raw.littleEndian(at: 9, as: Int64.self))
        if raw[0] == 0 {
            return .duplicate(line: line, key: Array(raw[17...]), firstLine: second)
        }
        if raw[0] == 2 {
            guard second >= 0, second < 1 << 32 else { return nil }
            return .allowed(line: line, key: Array(raw[17...]), slot: UInt32(second))
        }
        guard raw.count >= 18, let rule = SuppressionRule(index: Int(raw[17])), second < 1 << 32 else { return nil }
        return .suppress(line: line, key: Array(raw[18...]), rule: rule,
                         slot: second < 0 ? nil : UInt32(second))
    }
}
