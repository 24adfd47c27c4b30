/// Why `clean` removes or keeps one address as of a time: its timeline from the history, the
/// decision of ``PolicyEngine/decide(_:asOf:)`` on those events, what each event counted
/// towards, and how far the address is from each threshold (what `listwash explain` prints).
///
/// The decision is the engine's own. The per-event notes and the progress are derived from
/// the same events by the rules the policy documents (a delivery resets the soft and
/// mailbox-full counts; soft evidence older than the stale window does not count; `sender`
/// and `ignore` kinds never count); `counts(_:)` states them in one place, and the tests check
/// that progress at its thresholds agrees with the engine's decision.
public struct DecisionExplanation: Sendable {
    /// The address as asked about, and the key it was matched by (as `clean` matches).
    public var address: String
    public var key: String
    public var asOf: Int64
    /// Whether the key passes the policy's syntax check (`clean` removes it as `invalid_address` if not).
    public var validSyntax: Bool
    /// The address's events at or before `asOf`, in the history's order.
    public var events: [EventRecord]
    /// What each event counted towards (parallel to `events`).
    public var notes: [Note]
    /// The engine's decision, or `Decision.invalid` for an address that fails the syntax
    /// check; nil when the address is kept.
    public var decision: Decision?
    /// How far the address is from each rule's threshold.
    public var progress: Progress
    /// The suppressions from soft evidence that expired (``PolicyEngine/Expiry``), oldest first.
    public var expiries: [PolicyEngine.Expiry] = []
    /// When the address is kept only because of the operator's last allow: the decision it
    /// overturned (its evidence ends with the allow event).
    public var overturnedByAllow: Decision?

    /// What one event counted towards, or why it did not count.
    public enum Note: String, Sendable {
        case hard = "counts: hard bounce"
        case hardCleared = "cleared by a later delivery"
        case soft = "counts: soft bounce"
        case mailboxFull = "counts: mailbox full"
        case mailboxFullAndSoft = "counts: mailbox full and soft bounce"
        case complaint = "counts: complaint"
        case unsubscribe = "counts: unsubscribe"
        case delivery = "delivery: resets the soft and mailbox-full counts"
        case deliveryClearingHard = "delivery: resets the soft, mailbox-full and hard counts"
        case resetByDelivery = "not counted: a later delivery reset the count"
        case stale = "not counted: older than the stale window"
        case senderSide = "not counted: sender-side problem"
        case ignored = "not counted: kind ignore"
        case ruleOff = "not counted: the policy turns this rule off"
        case superseded = "not counted: a later attempt of the same message counts for it"
        case outage = "not counted: a domain-level failure judged an outage (see clean's domain findings)"
        case beforeAllow = "not counted: before the operator's allow"
        case allow = "the operator's allow: nothing before it counts"
        case manual = "counts: the operator's suppression"
        case expired = "not counted: its suppression expired (expire_after_days)"
    }

    /// The counts toward each threshold as of `asOf`.
    public struct Progress: Sendable, Equatable {
        public var hardBounces = 0
        public var complaints = 0
        public var unsubscribes = 0
        /// Mailbox-full bounces since the last delivery, not stale; and the threshold.
        public var mailboxFull = 0
        public var mailboxFullThreshold = 0
        /// Soft bounces since the last delivery, not stale; and the threshold.
        public var softBounces = 0
        public var softThreshold = 0
        /// Hours between the first and last counted soft bounce; and the minimum span.
        public var softSpanHours: Double = 0
        public var minSpanHours: Double = 0
        /// When the oldest counted soft or mailbox-full bounce stops counting (nil: none counted).
        public var staleAfter: Int64?

        /// One line per threshold, for people.
        public var lines: [String] {
            var out = ["\(hardBounces) hard bounce\(hardBounces == 1 ? "" : "s") (1 removes)",
                       "\(softBounces) of \(softThreshold) soft bounces; span \(Self.hours(softSpanHours)) h of \(Self.hours(minSpanHours)) h",
                       "\(mailboxFull) of \(mailboxFullThreshold) mailbox-full bounces",
                       "\(complaints) complaint\(complaints == 1 ? "" : "s"), \(unsubscribes) unsubscribe\(unsubscribes == 1 ? "" : "s") (1 removes)"]
            if let staleAfter { out.append("stale after \(Timestamp.format(staleAfter)) (the oldest counted bounce stops counting)") }
            return out
        }

        static func hours(_ h: Double) -> String {
            h == h.rounded() ? String(Int(h)) : String((h * 10).rounded() / 10)
        }
    }

    /// Explains one address as `clean` would decide it as of `asOf`.
    public static func explain(address: String, history: HistoryStore, policy: Policy, asOf: Int64) throws -> DecisionExplanation {
        try explain(addresses: [address], history: history, policy: policy, asOf: asOf)[0]
    }

    /// Explains addresses as `clean` would decide them as of `asOf`. Domain-level failures
    /// are judged as `clean` judges them, from the whole history (one scan of every address,
    /// its temporary files beside the history), once for all the addresses.
    public static func explain(addresses: [String], history: HistoryStore, policy: Policy, asOf: Int64) throws -> [DecisionExplanation] {
        let rules = policy.addressRules
        let folder = history.path.lastIndex(of: "/").map { String(history.path[..<$0]) } ?? "."
        let judge = try HistoryDecisions.domainJudge(history, policy: policy, asOf: asOf, directory: folder.isEmpty ? "/" : folder)
        return try addresses.map { address in
            let key = rules.key(address)
            let events = try history.events(forKey: key, asOf: asOf, caseSensitive: policy.address.localPartCaseSensitive)
            let judged = judge?.judged(events.map(\.policyEvent), key: key)
            return explain(address: address, key: key, events: events, policy: policy, asOf: asOf, judged: judged)
        }
    }

    /// Explains one address from its events (in time order). `judged` are the events as the
    /// domain judgment leaves them (``DomainJudge/judged(_:key:)``), when it ran.
    public static func explain(address: String, key: [UInt8], events: [EventRecord], policy: Policy, asOf: Int64) -> DecisionExplanation {
        explain(address: address, key: key, events: events, policy: policy, asOf: asOf, judged: nil)
    }

    static func explain(address: String, key: [UInt8], events: [EventRecord], policy: Policy, asOf: Int64,
                        judged: [PolicyEvent]?) -> DecisionExplanation {
        let valid = policy.addressRules.isValid(key)
        let policyEvents = judged ?? events.map(\.policyEvent)
        let engine = PolicyEngine(policy: policy)
        let evaluation = engine.evaluate(policyEvents, asOf: asOf)
        let decision = valid ? evaluation.decision : Decision.invalid
        var (notes, progress) = counts(policyEvents, policy: policy, asOf: asOf, expiries: evaluation.expiries)
        // A failure the domain judgment turned `sender` says so.
        if let judged {
            for i in judged.indices where notes[i] == .senderSide && events[i].kind != .sender { notes[i] = .outage }
        }
        return DecisionExplanation(address: address, key: String(decoding: key, as: UTF8.self), asOf: asOf, validSyntax: valid,
                                   events: events, notes: notes, decision: decision, progress: progress,
                                   expiries: evaluation.expiries,
                                   overturnedByAllow: valid ? engine.overturnedByAllow(policyEvents, asOf: asOf) : nil)
    }

    /// What each event counts towards and the progress to each threshold, by the policy's
    /// documented rules (the walk ``PolicyEngine/decide(_:asOf:)`` makes); `expiries` are the
    /// engine's (``PolicyEngine/evaluate(_:asOf:honouringAllow:)``): their evidence counts no more.
    /// - Complexity: O(*n*) in the events.
    static func counts(_ events: [PolicyEvent], policy: Policy, asOf: Int64, expiries: [PolicyEngine.Expiry] = []) -> ([Note], Progress) {
        var notes = [Note](repeating: .ignored, count: events.count)
        var hard: [Int] = [], soft: [Int] = [], full: [Int] = []
        var complaints = 0, unsubscribes = 0
        let staleBefore = asOf - Int64(policy.staleAfterDays) * 86_400
        let mailboxFull = BounceReason.mailboxfull.rawValue
        let outcome = PolicyEngine.outcomes(events, asOf: asOf)
        let allowed = events.lastIndex { $0.type == .allow && $0.timestamp <= asOf } ?? -1
        for (i, e) in events.enumerated() where e.timestamp <= asOf {
            if i < allowed {
                notes[i] = .beforeAllow
                continue
            }
            if let outcome, outcome[i] != i {
                notes[i] = .superseded
                continue
            }
            switch e.type {
            case .allow:
                notes[i] = .allow
            case .suppress:
                notes[i] = .manual
            case .delivered:
                notes[i] = policy.hardBounce.deliveryClears ? .deliveryClearingHard : .delivery
                if policy.hardBounce.deliveryClears {
                    for j in hard { notes[j] = .hardCleared }
                    hard.removeAll()
                }
                for j in soft + full { notes[j] = .resetByDelivery }
                soft.removeAll()
                full.removeAll()
            case .complaint:
                complaints += 1
                notes[i] = policy.complaintSuppresses ? .complaint : .ruleOff
            case .unsubscribe:
                unsubscribes += 1
                notes[i] = policy.unsubscribeSuppresses ? .unsubscribe : .ruleOff
            case .bounce:
                if e.kind == .hard {
                    hard.append(i)
                    notes[i] = policy.hardBounce.suppress ? .hard : .ruleOff
                    continue
                }
                let isFull = e.reason == mailboxFull
                let countsSoft = e.kind == .soft && (!isFull || policy.mailboxFull.countsAsSoft)
                guard isFull || countsSoft else {
                    notes[i] = e.kind == .sender ? .senderSide : .ignored
                    continue
                }
                guard e.timestamp >= staleBefore else {
                    notes[i] = .stale
                    continue
                }
                if isFull { full.append(i) }
                if countsSoft { soft.append(i) }
                notes[i] = isFull && countsSoft ? .mailboxFullAndSoft : isFull ? .mailboxFull : .soft
            }
        }
        // An expired suppression's evidence left its rule's count at the expiry (before any
        // later event, so a later delivery found it gone).
        // An expired suppression's evidence counts towards no rule any more.
        if !expiries.isEmpty {
            let expired = Set(expiries.flatMap(\.evidence))
            full.removeAll { expired.contains($0) }
            soft.removeAll { expired.contains($0) }
            for j in expired { notes[j] = .expired }
        }
        var progress = Progress()
        progress.hardBounces = hard.count
        progress.complaints = complaints
        progress.unsubscribes = unsubscribes
        progress.mailboxFull = full.count
        progress.mailboxFullThreshold = policy.mailboxFull.threshold
        progress.softBounces = soft.count
        progress.softThreshold = policy.softBounce.threshold
        progress.minSpanHours = policy.softBounce.minSpanHours
        if let first = soft.first, let last = soft.last {
            progress.softSpanHours = Double(events[last].timestamp - events[first].timestamp) / 3600
        }
        if let oldest = (soft + full).map({ events[$0].timestamp }).min() {
            progress.staleAfter = oldest + Int64(policy.staleAfterDays) * 86_400
        }
        return (notes, progress)
    }

    /// One line per expired suppression: which rule, on which events, expired on which day.
    public var expiryLines: [String] {
        expiries.map { x in
            let key = x.rule == .mailboxFull ? "mailbox_full" : "soft_bounce"
            return "the \(x.rule.rawValue) suppression on event\(x.evidence.count == 1 ? "" : "s") "
                + x.evidence.map { "#\($0 + 1)" }.joined(separator: ", ")
                + " expired on \(Timestamp.format(x.expiredOn)) (\(key).expire_after_days \(x.days) after event #\(x.deciding + 1))"
        }
    }

    /// Why the address is kept, in one line (nil when it is removed).
    public var keptBecause: String? {
        guard decision == nil else { return nil }
        if events.isEmpty { return "no events in the history as of \(Timestamp.format(asOf))" }
        if let overturned = overturnedByAllow, let allow = overturned.evidence.last {
            return "re-admitted by the operator's allow (event #\(allow + 1)); without it \(overturned.rule.rawValue) would remove it"
        }
        let p = progress
        var reasons: [String] = []
        if let last = expiryLines.last { reasons.append(last) }
        if p.hardBounces > 0 { reasons.append("hard bounces do not remove (hard_bounce.suppress is false)") }
        if p.softBounces >= p.softThreshold, p.softSpanHours < p.minSpanHours {
            reasons.append("\(p.softBounces) soft bounces, but they span \(Progress.hours(p.softSpanHours)) h of the \(Progress.hours(p.minSpanHours)) h required")
        }
        if reasons.isEmpty {
            var needs: [String] = []
            if p.softBounces < p.softThreshold {
                let more = p.softThreshold - p.softBounces
                needs.append("\(more) more soft bounce\(more == 1 ? "" : "s")")
            }
            if p.mailboxFull > 0, p.mailboxFull < p.mailboxFullThreshold {
                let more = p.mailboxFullThreshold - p.mailboxFull
                needs.append("\(more) more mailbox-full bounce\(more == 1 ? "" : "s")")
            }
            reasons.append("no rule's threshold is reached" + (needs.isEmpty ? "" : " (\(needs.joined(separator: " or ")) without a delivery would remove it)"))
        }
        return reasons.joined(separator: "; ")
    }
}
