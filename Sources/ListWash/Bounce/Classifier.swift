// PLACEHOLDER CONTRACT — replaced by the classifier work (see the classifier task).
/// A bounce reason, in sisimai's vocabulary (`userunknown`, `mailboxfull`, …).
public struct BounceReason: RawRepresentable, Hashable, Sendable, Codable, Comparable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public static let undefined = BounceReason(rawValue: "undefined")
    public static let mailboxfull = BounceReason(rawValue: "mailboxfull")
}

/// The classifier's answer for one SMTP reply.
public struct Classification: Sendable, Equatable {
    public var reason: BounceReason
    public var kind: BounceKind
    /// The name of the rule that decided (for `listwash classify` and the audit).
    public var rule: String
    public var replyCode: Int?
    public var status: String?
}

/// A user-supplied classification rule (from the policy file), tried before the built-in table.
public struct ClassifierRule: Codable, Sendable, Equatable {
    public var name: String
    public var reason: BounceReason
    public var kind: BounceKind?
    public var replyCodes: [String]?
    public var statuses: [String]?
    public var phrases: [String]?
}

public final class Classifier: Sendable {
    public init(extraRules: [ClassifierRule] = []) throws {}
    public func classify(replyCode: Int?, enhancedCode: String?, diagnostic: String) -> Classification {
        let kind: BounceKind = (replyCode ?? 0) >= 500 ? .hard : .soft
        return Classification(reason: .undefined, kind: kind, rule: "placeholder", replyCode: replyCode, status: enhancedCode)
    }
}
