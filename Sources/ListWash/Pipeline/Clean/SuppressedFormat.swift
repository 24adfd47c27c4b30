/// The layout of `suppressed.csv`.
public enum SuppressedFormat: String, Sendable, CaseIterable {
    /// `email,rule,reason,kind,events,first_seen,last_seen`, in input order; `events` and the
    /// times are those of the events the deciding rule counted.
    case listwash
    /// The clean-v1 reference job's `email,reason,bounce_count,first_seen,last_seen`, sorted by
    /// address bytes; `reason` is `invalid`, `hard`, `mailbox_full` or `soft`, and the count and
    /// times cover every bounce of the address. Sorted by an external sort (bounded memory)
    /// and written at the end.
    case cleanV1 = "clean-v1"

    var header: [String] {
        switch self {
        case .listwash: return ["email", "rule", "reason", "kind", "events", "first_seen", "last_seen"]
        case .cleanV1: return ["email", "reason", "bounce_count", "first_seen", "last_seen"]
        }
    }

    /// clean-v1's name for a rule.
    static func cleanV1Reason(_ rule: SuppressionRule) -> String {
        switch rule {
        case .invalidAddress: return "invalid"
        case .hardBounce: return "hard"
        case .mailboxFull: return "mailbox_full"
        case .softBounceEscalation: return "soft"
        case .complaint: return "complaint"
        case .unsubscribe: return "unsubscribe"
        case .hashedList: return "hashed_list"
        case .manual: return "manual"
        case .forgotten: return "forgotten"
        }
    }
}
