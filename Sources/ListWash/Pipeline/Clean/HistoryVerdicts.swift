/// `clean`'s first stage: the history's verdicts as of the run's time.
///
/// Input: the history (its connection, held by the caller's read transaction), the request
/// (time, policy, layout of `suppressed.csv`) and a staging folder for temporary files.
/// Output: one slot per suppressed address, its record (decision, counts, evidence) in
/// temporary files, 16 bytes of it in memory; then ``table(listKeys:)`` for the list pass
/// and ``evidence(history:)`` for the audit.
///
/// ``scan(_:request:directory:)`` and ``table(listKeys:)`` run on the driver's thread;
/// ``evidence(history:)`` runs on another, which owns the history's connection until it ends.
final class HistoryVerdicts {
    /// Events of the history as of the run's time.
    let events: Int
    /// SHA-256 of their event ids, for the manifest.
    let digest: [UInt8]
    /// The domains judged dead and the outages found (``DomainJudge``).
    let domainFindings: DomainFindings
    private let builder: EvidenceFile.Builder

    private init(events: Int, digest: [UInt8], domainFindings: DomainFindings, builder: EvidenceFile.Builder) {
        self.events = events
        self.digest = digest
        self.domainFindings = domainFindings
        self.builder = builder
    }

    /// Addresses the policy suppresses (or whose counts clean-v1 keeps), one slot each.
    var suppressedAddresses: Int { builder.slots }

    /// Scans the history address by address and decides each one.
    /// - Complexity: O(*n*) in the history's events as of the run's time.
    static func scan(_ history: HistoryStore, request: CleanRequest, directory: String) throws -> HistoryVerdicts {
        let rules = request.policy.addressRules
        let cleanV1 = request.suppressedFormat == .cleanV1
        let builder = try EvidenceFile.Builder(directory: directory, memoryBudget: request.sortMemoryBudget,
                                               highestEvent: try history.highestEventNumber())
        // clean-v1 counts the bounces of an invalid address too: its counts are kept if it has any.
        let keepsCounts = cleanV1 ? { (key: [UInt8]) in !rules.isValid(key) } : nil
        // An address the operator's allow keeps against the policy gets a slot too: the audit
        // shows the decision the allow overturned.
        let scan = try HistoryDecisions.scan(history, policy: request.policy, asOf: request.asOf, directory: directory,
                                             memoryBudget: request.sortMemoryBudget, alsoWanted: keepsCounts,
                                             allowed: { key, events, rows, overturned in
            try builder.add(fingerprint: Fingerprint(key), decision: overturned, bounces: cleanV1 ? BounceStats(events) : BounceStats([]),
                            rows: rows, allowed: true)
        }) {
            key, events, rows, decision in
            try builder.add(fingerprint: Fingerprint(key), decision: decision, bounces: cleanV1 ? BounceStats(events) : BounceStats([]), rows: rows)
        }
        return HistoryVerdicts(events: scan.events, digest: scan.digest, domainFindings: scan.domainFindings, builder: builder)
    }

    /// The list pass's table: fingerprint → ``Verdict`` (packed). With `listKeys` (the
    /// pre-pass's filter of the list's keys), slots the list cannot ask for get no evidence.
    func table(listKeys: FingerprintFilter?) throws -> CompactFingerprintTable {
        try builder.verdicts(keys: listKeys)
    }

    /// Reads the suppressed addresses' evidence events from the history; call after
    /// ``table(listKeys:)``, on the thread that owns the history's connection meanwhile.
    func evidence(history: HistoryStore) throws -> EvidenceFile {
        try builder.finish(history: history)
    }
}
