/// What the list pass knows of a history address: its slot in the ``EvidenceFile`` and the
/// rule that removes it (nil when only its bounce counts are kept, or when the operator's
/// allow keeps it).
struct Verdict {
    var slot: UInt32
    var rule: SuppressionRule?
    /// Kept only because the operator's allow overturned the policy's decision (the slot's
    /// record holds that decision, for the audit).
    var allowed: Bool

    /// The rule index of an address kept by the operator's allow.
    static let allowedIndex: UInt8 = 0x0E
    /// The rule index of an address only whose counts are kept.
    static let noneIndex: UInt8 = 0x0F

    /// From the table's 32 bits: slot << 4 | rule index (``allowedIndex``, ``noneIndex``).
    init(packed: UInt32) {
        slot = packed >> 4
        let index = Int(packed & 0x0F)
        rule = SuppressionRule(index: index)
        allowed = index == Int(Self.allowedIndex)
    }
}
