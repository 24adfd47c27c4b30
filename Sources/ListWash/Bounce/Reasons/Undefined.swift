extension BounceReason {
    /// Nothing in the reply said why.
    public static let undefined = BounceReason(rawValue: "undefined")
}

extension ReasonDefinition {
    /// The reply said nothing recognizable: counts as soft.
    static let undefined = ReasonDefinition(
        .undefined, kind: .soft,
        summary: "nothing in the reply says why the message failed",
        phrases: [],
        examples: [
            "550 Requested action not taken",
            "554 Transaction failed",
            "Something went wrong",
            "",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
            // A failure status code with nothing more is onhold, not undefined.
            "5.0.0 Something went wrong",
        ])
}
