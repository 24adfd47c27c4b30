extension BounceReason {
    /// sisimai's "decision deferred" reason; kept so its name round-trips. listwash never derives it from text.
    public static let onhold = BounceReason(rawValue: "onhold")
}

extension ReasonDefinition {
    /// Not decided yet: counts as soft. No phrase or code leads here; imported data may carry it.
    static let onHold = ReasonDefinition(
        .onhold, kind: .soft,
        summary: "the reason could not be decided yet (sisimai's onhold)",
        phrases: [],
        examples: [],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
