import Foundation

/// A user-supplied classification rule (from the policy file), tried before the built-in table.
///
/// The rule matches when every condition it gives matches: the reply code fits one of
/// `replyCodes` (`421`, `4xx`), the status fits one of `statuses` (`4.7.*`), and the text contains
/// one of `phrases` (case-insensitive, `*` for "anything in between").
public struct ClassifierRule: Codable, Sendable, Equatable {
    /// The rule's name, reported as `user:<name>`.
    public var name: String
    /// The reason to give.
    public var reason: BounceReason
    /// The kind to give; defaults to the built-in kind of `reason`.
    public var kind: BounceKind?
    /// Reply code patterns, any of which must match.
    public var replyCodes: [String]?
    /// Enhanced status code patterns, any of which must match.
    public var statuses: [String]?
    /// Phrases, any of which must occur in the diagnostic.
    public var phrases: [String]?

    /// A user rule.
    public init(
        name: String, reason: BounceReason, kind: BounceKind? = nil,
        replyCodes: [String]? = nil, statuses: [String]? = nil, phrases: [String]? = nil
    ) {
        self.name = name
        self.reason = reason
        self.kind = kind
        self.replyCodes = replyCodes
        self.statuses = statuses
        self.phrases = phrases
    }
}

/// Why a set of user rules cannot be used.
public enum ClassifierError: LocalizedError, Equatable, Sendable, CustomStringConvertible {
    /// A rule has an empty name.
    case unnamedRule(index: Int)
    /// A rule gives no condition at all, so it would match every reply.
    case ruleWithoutConditions(rule: String)
    /// A reply code pattern is not like `421` or `4xx`.
    case invalidReplyCodePattern(rule: String, pattern: String)
    /// A status pattern is not like `5.1.1` or `4.7.*`.
    case invalidStatusPattern(rule: String, pattern: String)
    /// A phrase is empty after normalization.
    case emptyPhrase(rule: String)
    /// The rule names a reason listwash does not know and gives no kind for it.
    case missingKind(rule: String, reason: String)

    /// A message naming the rule and the problem (rules are configuration, never personal data).
    public var description: String {
        switch self {
        case .unnamedRule(let index): "classifier rule #\(index + 1) has no name"
        case .ruleWithoutConditions(let rule): "classifier rule '\(rule)' has no reply_codes, statuses or phrases"
        case .invalidReplyCodePattern(let rule, let pattern):
            "classifier rule '\(rule)': reply code pattern '\(pattern)' is not like 421 or 4xx"
        case .invalidStatusPattern(let rule, let pattern):
            "classifier rule '\(rule)': status pattern '\(pattern)' is not like 5.1.1 or 4.7.*"
        case .emptyPhrase(let rule): "classifier rule '\(rule)' has an empty phrase"
        case .missingKind(let rule, let reason):
            "classifier rule '\(rule)': reason '\(reason)' is not built in, so the rule needs a kind"
        }
    }

    /// The same message, for `localizedDescription`.
    public var errorDescription: String? { description }
}
