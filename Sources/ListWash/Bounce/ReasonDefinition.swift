/// One bounce reason as data: its name, its kind, the phrases that reveal it, and example reply lines.
///
/// Each reason lives in its own file under `Bounce/Reasons/`; ``ReasonRegistry`` lists them in
/// precedence order. A phrase is lower-case text found anywhere in the diagnostic; `*` inside a
/// phrase means "anything in between" (`over*quota` matches "over quota" and "over the quota").
public struct ReasonDefinition: Sendable {
    /// The reason's name.
    public let reason: BounceReason
    /// What listwash's policy makes of it (before the 4xx adjustments the classifier applies).
    public let kind: BounceKind
    /// One-line description of the reason, for documentation and tests.
    public let summary: String
    /// Phrases that decide this reason whatever the codes say.
    public let phrases: [String]
    /// Phrases that decide this reason only in a transient (4xx) reply, and only when no ordinary phrase matched.
    public let transientPhrases: [String]
    /// RFC 5321's own reply texts (§4.2.2, §4.2.3), which stand for a range of causes: they
    /// decide this reason only when no ordinary phrase matched and the enhanced status code, if
    /// any, names no more specific subject (absent, X.0.x, X.1.x or X.5.0); otherwise the code decides.
    public let standardReplyPhrases: [String]
    /// Reply lines (code and text as a receiver sends them) that must classify as this reason.
    public let examples: [String]
    /// Reply lines that look close but must not classify as this reason.
    public let counterExamples: [String]

    /// A reason definition.
    public init(
        _ reason: BounceReason, kind: BounceKind, summary: String, phrases: [String],
        transientPhrases: [String] = [], standardReplyPhrases: [String] = [], examples: [String],
        counterExamples: [String]
    ) {
        self.reason = reason
        self.kind = kind
        self.summary = summary
        self.phrases = phrases
        self.transientPhrases = transientPhrases
        self.standardReplyPhrases = standardReplyPhrases
        self.examples = examples
        self.counterExamples = counterExamples
    }
}
