/// What `clean` keeps about one suppressed history address: the decision, the bounce counts
/// and the audit's evidence, in binary until the audit renders it.
struct SuppressionRecord: Equatable {
    /// nil for an address kept by the policy whose bounce counts clean-v1's layout still needs
    /// (its address fails the syntax check in the list).
    var rule: SuppressionRule?
    var reason: String
    var kind: String
    var firstSeen: Int64?
    var lastSeen: Int64?
    var evidenceCount: Int
    var bounces: BounceStats
    /// The evidence events' records (``EvidenceEvent``), back to back; the audit renders them
    /// with ``EvidenceFile/appendEvidence(of:to:)``.
    var evidence: [UInt8]

    var decision: Decision? {
        rule.map { Decision(rule: $0, reason: reason, kind: kind, evidence: [], firstSeen: firstSeen, lastSeen: lastSeen, bounces: bounces) }
    }
}
