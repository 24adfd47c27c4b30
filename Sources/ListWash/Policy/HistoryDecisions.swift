/// The policy's decision for every address of the history as of a time: the one decision
/// path that `clean` (``HistoryVerdicts``) and `export-suppressions` share.
///
/// One merged pass over the runs (``HistoryStore/forEachAddress(asOf:caseSensitive:observe:worthDeciding:_:)``);
/// an address with too few bounces for any rule and no hard bounce, complaint or unsubscribe is
/// passed over before its events are built; an address with a domain-level failure waits until
/// the ``DomainJudge`` has seen every address, and is decided after the pass.
enum HistoryDecisions {
    /// What the pass saw.
    struct Scan {
        /// Events of the history as of the time.
        var events: Int
        /// SHA-256 of their event ids, for the manifest.
        var digest: [UInt8]
        /// The domains judged dead and the outages found.
        var domainFindings: DomainFindings
    }

    /// Calls `body` for every address the policy suppresses as of `asOf` (decision set), and
    /// for every other address `alsoWanted` asks for (decision nil), with its key, events and
    /// event numbers. Addresses come in key order, except those a domain judgment held back,
    /// which come after the others, in key order.
    /// - Complexity: O(*n*) in the history's events as of `asOf`.
    /// `directory` takes the temporary files of the domain judgment (at most `memoryBudget`
    /// bytes of failures in memory). With `allowed`, an address kept only because of the
    /// operator's allow goes there, with the decision the allow overturned
    /// (``PolicyEngine/overturnedByAllow(_:asOf:)``), instead of to `body`.
    static func scan(
        _ history: HistoryStore, policy: Policy, asOf: Int64, directory: String, memoryBudget: Int = 16 << 20,
        alsoWanted: (([UInt8]) -> Bool)? = nil,
        allowed: ((_ key: [UInt8], _ events: [PolicyEvent], _ rows: [EventReference], _ overturned: Decision) throws -> Void)? = nil,
        _ body: (_ key: [UInt8], _ events: [PolicyEvent], _ rows: [EventReference], _ decision: Decision?) throws -> Void
    ) throws -> Scan {
        let rules = policy.addressRules
        let engine = PolicyEngine(policy: policy)
        let worthDeciding = { (key: [UInt8], bounces: Int, strong: Bool) -> Bool in
            engine.mightSuppress(bounces: bounces, strong: strong) || alsoWanted?(key) == true
        }
        func decide(_ key: [UInt8], _ events: [PolicyEvent], _ rows: [EventReference]) throws {
            let decision = engine.decide(events, asOf: asOf)
            if decision == nil, let allowed, let overturned = engine.overturnedByAllow(events, asOf: asOf) {
                return try allowed(key, events, rows, overturned)
            }
            guard decision != nil || alsoWanted?(key) == true else { return }
            try body(key, events, rows, decision)
        }
        // Domain-level failures are judged per domain once every address is seen: the addresses
        // that have one wait for that (on disk).
        let judge = try makeJudge(history, policy: policy, asOf: asOf, directory: directory, memoryBudget: memoryBudget)
        let scan = try history.forEachAddress(asOf: asOf, caseSensitive: rules.localPartCaseSensitive,
                                              observe: judge.map { judge in { try judge.observe(key: $0, entries: $1) } },
                                              worthDeciding: worthDeciding) { key, events, rows in
            if let judge, judge.lastObservedWaits {
                try judge.wait(key: key, events: events, rows: rows)
            } else {
                try decide(key, events, rows)
            }
        }
        try judge?.finish()
        try judge?.forEachWaiting(decide)
        return Scan(events: scan.events, digest: scan.digest, domainFindings: judge?.findings.sorted ?? DomainFindings())
    }

    /// The domain judgment of the whole history as of `asOf` under `policy` (one scan of every
    /// address, deciding none), for questions about single addresses (`listwash explain`);
    /// nil when the policy does not judge domains.
    static func domainJudge(_ history: HistoryStore, policy: Policy, asOf: Int64, directory: String) throws -> DomainJudge? {
        guard let judge = try makeJudge(history, policy: policy, asOf: asOf, directory: directory, memoryBudget: 16 << 20) else { return nil }
        _ = try history.forEachAddress(asOf: asOf, caseSensitive: policy.address.localPartCaseSensitive,
                                       observe: { try judge.observe(key: $0, entries: $1) },
                                       worthDeciding: { _, _, _ in false }) { _, _, _ in }
        try judge.finish()
        return judge
    }

    /// The policy's domain judgment for `history` as of `asOf`; nil when the policy does not judge domains.
    private static func makeJudge(_ history: HistoryStore, policy: Policy, asOf: Int64, directory: String, memoryBudget: Int) throws -> DomainJudge? {
        guard policy.domains.judge else { return nil }
        return try DomainJudge(settings: policy.domains, staleAfterDays: policy.staleAfterDays, asOf: asOf,
                               reasonNames: history.reasons.names, directory: directory, memoryBudget: memoryBudget)
    }
}
