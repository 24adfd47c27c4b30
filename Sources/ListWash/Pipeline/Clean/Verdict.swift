/// What the list pass knows of a history address: its slot in the ``EvidenceFile`` and the
/// rule that removes it (nil when only its bounce counts are kept).
struct Verdict {
    var slot: UInt32
    var rule: SuppressionRule?

    /// From the table's 32 bits: slot << 4 | rule index (15: none).
    init(packed: UInt32) {
        slot = packed >> 4
        let index = Int(packed & 0x0F)
        rule = index < SuppressionRule.allCases.count ? SuppressionRule.allCases[index] : nil
    }
}
