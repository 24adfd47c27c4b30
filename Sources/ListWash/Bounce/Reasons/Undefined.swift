extension BounceReason {
    /// Nothing in the reply said why.
    public static let undefined = BounceReason(rawValue: "undefined")
}

extension ReasonDefinition {
    /// There was no reply text and no failure code: counts as soft.
    static let undefined = ReasonDefinition(
        .undefined, kind: .soft,
        summary: "no reply text or failure code says why the message failed",
        phrases: [],
        examples: [
            "",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
            // A failure status code, or a text, that names no cause is onhold, not undefined.
            "5.0.0 Something went wrong",
            "550 Requested action not taken",
        ])
}
