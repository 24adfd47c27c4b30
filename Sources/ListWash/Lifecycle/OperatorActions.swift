import Foundation

/// `listwash allow` and `listwash suppress`: an operator's word about one address, stored in
/// the history as an event of its own (``EventType/allow``, ``EventType/suppress``) so that
/// every later `clean` and `export-suppressions` applies it and the audit can show it.
extension HistoryStore {
    /// Errors of an operator's action; they never quote the address.
    public enum OperatorActionError: Error, Equatable, CustomStringConvertible {
        case blankAddress
        case blankReason
        case notAnAction

        public var description: String {
            switch self {
            case .blankAddress: return "the address is empty"
            case .blankReason: return "--reason is empty: say why (it is kept with the event)"
            case .notAnAction: return "only allow and suppress are an operator's actions"
            }
        }
    }

    /// Records `action` for `address` at `time` with the operator's `reason` (kept as the
    /// event's diagnostic; its source is `listwash allow` or `listwash suppress`). Returns
    /// false when the same action was already recorded for the address at that second with
    /// that reason (nothing changes).
    ///
    /// An `allow` re-admits the address: the policy counts no event before it, so it is kept
    /// until new evidence arrives. A `suppress` removes the address (rule `manual`) until a
    /// later `allow`.
    public static func record(_ action: EventType, address: String, reason: String, at time: Int64, path: String) throws -> Bool {
        guard action.isOperatorAction else { throw OperatorActionError.notAnAction }
        let trimmed = address.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw OperatorActionError.blankAddress }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw OperatorActionError.blankReason }
        let raw = RawEvent(address: trimmed, timestamp: time, type: action, diagnostic: why,
                           providerVerdict: "listwash:\(action.rawValue)", source: EventSource(file: "listwash \(action.rawValue)"))
        guard let record = EventRecord(raw, classifier: try Classifier()) else { throw OperatorActionError.blankAddress }
        return try HistoryStore.using(path, create: true, writes: true) { store in
            let new = try store.insert([record]).new == 1
            // An allow re-admits a forgotten person too (they came back and asked to be mailed).
            let unforgotten = action == .allow ? try store.unforget(trimmed) : false
            return new || unforgotten
        }
    }
}
