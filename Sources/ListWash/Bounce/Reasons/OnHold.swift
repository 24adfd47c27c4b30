extension BounceReason {
    /// sisimai's "decision deferred" reason: a failure status code was given but neither it nor the text
    /// names a cause. listwash never derives it from text.
    public static let onhold = BounceReason(rawValue: "onhold")
}

extension ReasonDefinition {
    /// Not decided yet: counts as soft. No phrase leads here; a bare failure code (`5.0.0`) does.
    static let onHold = ReasonDefinition(
        .onhold, kind: .soft,
        summary: "the reason could not be decided yet (sisimai's onhold)",
        phrases: [],
        examples: [
            "5.0.0 Something went wrong",
            "550 5.0.0 <kijitora@example.org>: Recipient address rejected: On hold",
            "554 5.5.0 A problem occurred.",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
