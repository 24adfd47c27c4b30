extension BounceReason {
    /// sisimai's "decision deferred" reason: a failure status code or a reply text was given, but
    /// neither names a cause (sisimai: `onhold` when no cause was found and the diagnostic is not
    /// empty). No phrase leads here.
    public static let onhold = BounceReason(rawValue: "onhold")
}

extension ReasonDefinition {
    /// Not decided yet: counts as soft. No phrase leads here; a bare failure code (`5.0.0`) or a
    /// text that names no cause does.
    static let onHold = ReasonDefinition(
        .onhold, kind: .soft,
        summary: "the reason could not be decided yet (sisimai's onhold)",
        phrases: [],
        examples: [
            "5.0.0 Something went wrong",
            "550 5.0.0 <kijitora@example.org>: Recipient address rejected: On hold",
            "554 5.5.0 A problem occurred.",
            "550 Requested action not taken",
            "554 Transaction failed",
            "Something went wrong",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
