/// The blast-radius guard's verdict on one `clean`: whether it would remove more of the list,
/// or of one receiving domain, than the policy's ``Policy/Guard`` allows.
///
/// A run that trips it keeps the previous outputs and leaves its own for inspection in a
/// `.listwash-refused-XXXXXX` folder inside the output folder, unless it was forced
/// (`--allow-mass-removal`), which the manifest records.
public struct GuardVerdict: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// The list is smaller than `guard.min_list_rows`: not judged.
        case notApplied = "not_applied"
        /// Within every limit.
        case passed
        /// A limit was exceeded: the previous outputs stay.
        case tripped
        /// A limit was exceeded and the run was told to go on (`--allow-mass-removal`).
        case forced
    }

    /// One exceeded limit.
    public enum Trip: Sendable, Equatable {
        /// `removed` of the list's `rows` would go, above `limit`.
        case list(removed: Int, rows: Int, limit: Double)
        /// `removed` of `domain`'s `rows` would go, above `limit`.
        case domain(String, removed: Int, rows: Int, limit: Double)

        /// One line for people, without addresses (domains are not personal data on their own).
        public var description: String {
            switch self {
            case .list(let removed, let rows, let limit):
                return "\(removed) of \(rows) rows (\(GuardVerdict.percent(removed, rows))) would be removed, above guard.max_removed_share \(GuardVerdict.percent(limit))"
            case .domain(let domain, let removed, let rows, let limit):
                return "\(removed) of \(rows) rows at \(domain.isEmpty ? "(no domain)" : domain) (\(GuardVerdict.percent(removed, rows))) would be removed, above guard.max_domain_share \(GuardVerdict.percent(limit))"
            }
        }
    }

    public var outcome: Outcome
    /// The rows judged: the list's rows with an address.
    public var rows: Int
    /// The rows the run removes (suppressions; duplicates are not counted).
    public var removed: Int
    public var limits: Policy.Guard
    public var trips: [Trip]

    /// Whether the outputs may replace the previous ones.
    public var allowsCommit: Bool { outcome != .tripped }

    /// Judges a run's counts against the limits.
    /// - Complexity: O(*d*) in the distinct domains.
    public static func judge(rows: Int, removed: Int, domains: [DomainTally.Count], limits: Policy.Guard, force: Bool) -> GuardVerdict {
        var verdict = GuardVerdict(outcome: .passed, rows: rows, removed: removed, limits: limits, trips: [])
        guard rows >= limits.minListRows else {
            verdict.outcome = .notApplied
            return verdict
        }
        if Double(removed) > limits.maxRemovedShare * Double(rows) {
            verdict.trips.append(.list(removed: removed, rows: rows, limit: limits.maxRemovedShare))
        }
        // A domain is judged on what its history removes: an invalid address is removed for its
        // syntax, whatever its "domain" (`gmail`, `yahoo.com>`), and says nothing of the receiver.
        for d in domains {
            let removed = d.removed - (d.byRule[.invalidAddress] ?? 0)
            if d.rows >= limits.minDomainRows, Double(removed) > limits.maxDomainShare * Double(d.rows) {
                verdict.trips.append(.domain(d.domain, removed: removed, rows: d.rows, limit: limits.maxDomainShare))
            }
        }
        if !verdict.trips.isEmpty { verdict.outcome = force ? .forced : .tripped }
        return verdict
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        percent(whole == 0 ? 0 : Double(part) / Double(whole))
    }

    static func percent(_ share: Double) -> String {
        let tenths = (share * 1000).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))%" : "\(tenths / 10)%"
    }
}
