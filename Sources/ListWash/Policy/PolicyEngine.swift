/// The rule that removed an address, as written in `suppressed.csv` and the audit.
public enum SuppressionRule: String, Sendable, CaseIterable, Codable {
    case invalidAddress = "invalid_address"
    case hardBounce = "hard_bounce"
    case complaint
    case unsubscribe
    case mailboxFull = "mailbox_full"
    case softBounceEscalation = "soft_bounce_escalation"
    /// On a hashed suppression list given to `clean --suppress-hashed`.
    case hashedList = "hashed_list"
    /// Suppressed by an operator (`listwash suppress`).
    case manual
    /// Forgotten by `listwash forget`: the history keeps only a keyed hash of the address.
    case forgotten
}

extension SuppressionRule {
    /// ``allCases``, made once: the synthesized property builds a new array at every use, and
    /// clean turns rule indexes back into rules for every row.
    static let ordered: [SuppressionRule] = allCases

    /// The rule's position in ``allCases`` (the order in which rules decide).
    var index: Int {
        switch self {
        case .invalidAddress: 0
        case .hardBounce: 1
        case .complaint: 2
        case .unsubscribe: 3
        case .mailboxFull: 4
        case .softBounceEscalation: 5
        case .hashedList: 6
        case .manual: 7
        case .forgotten: 8
        }
    }

    /// The rule at `index` in ``allCases``, or nil past them.
    init?(index: Int) {
        guard index >= 0, index < Self.ordered.count else { return nil }
        self = Self.ordered[index]
    }
}

/// One history event as the policy sees it.
public struct PolicyEvent: Sendable, Equatable {
    public var timestamp: Int64
    public var type: EventType
    /// The classifier's kind, for bounces.
    public var kind: BounceKind?
    /// The classifier's reason, for bounces.
    public var reason: String
    /// ``MessageIdentity/hash(_:)`` of the message the event is an attempt of; 0 when none.
    public var message: UInt32

    public init(timestamp: Int64, type: EventType, kind: BounceKind? = nil, reason: String = "", message: UInt32 = 0) {
        self.timestamp = timestamp
        self.type = type
        self.kind = kind
        self.reason = reason
        self.message = message
    }

    /// Whether the event is an attempt to deliver a message (a bounce or a delivery), the
    /// events that collapse into their message's outcome.
    var isAttempt: Bool { type == .bounce || type == .delivered }
}

/// Why an address is removed: the rule, the reason of the deciding event, and the evidence.
public struct Decision: Sendable, Equatable {
    public var rule: SuppressionRule
    /// The bounce reason of the deciding event (`userunknown`), or `complaint`, `unsubscribe`, `invalid`.
    public var reason: String
    /// The kind of the deciding event (`hard`, `soft`), empty where none applies.
    public var kind: String
    /// Indices (into the events evaluated) of the events the rule counted, oldest first.
    public var evidence: [Int]
    public var firstSeen: Int64?
    public var lastSeen: Int64?
    /// Every bounce of the address, whatever rule decided (filled in for clean-v1's layout).
    public var bounces: BounceStats?

    /// The decision for an address that fails the syntax check.
    public static let invalid = Decision(rule: .invalidAddress, reason: "invalid", kind: "", evidence: [], firstSeen: nil, lastSeen: nil)
}

/// How many bounces an address has, and the first and last of them.
public struct BounceStats: Sendable, Equatable {
    public var count = 0
    public var first: Int64?
    public var last: Int64?

    /// The bounce events among `events` (of any kind).
    public init(_ events: [PolicyEvent]) {
        for e in events where e.type == .bounce {
            count += 1
            first = min(first ?? e.timestamp, e.timestamp)
            last = max(last ?? e.timestamp, e.timestamp)
        }
    }
}

/// Applies a ``Policy`` to one address's events.
public struct PolicyEngine: Sendable {
    public let policy: Policy

    public init(policy: Policy) { self.policy = policy }

    /// False only when ``decide(_:asOf:)`` surely keeps an address with `bounces` bounces and
    /// no hard bounce, complaint or unsubscribe: too few bounces to reach either threshold.
    public func mightSuppress(bounces: Int, strong: Bool) -> Bool {
        strong || bounces >= min(policy.mailboxFull.threshold, policy.softBounce.threshold)
    }

    /// For each event, the index of the last attempt of its message at or before `asOf` (the
    /// message's outcome): the event itself when it is that outcome, or has no message, or is
    /// not an attempt (``PolicyEvent/isAttempt``). Nil when no event has a message.
    /// - Complexity: O(n) expected.
    public static func outcomes(_ events: [PolicyEvent], asOf: Int64) -> [Int]? {
        guard events.contains(where: { $0.message != 0 && $0.isAttempt }) else { return nil }
        var last: [UInt32: Int] = [:]
        for (i, e) in events.enumerated() where e.timestamp <= asOf && e.message != 0 && e.isAttempt { last[e.message] = i }
        return events.indices.map { i in
            let e = events[i]
            guard e.message != 0, e.isAttempt, e.timestamp <= asOf else { return i }
            return last[e.message] ?? i
        }
    }

    /// Decides for one address. `events` must be in time order; events after `asOf` are ignored.
    /// The attempts of one message (events with the same ``PolicyEvent/message``) count once,
    /// as their last attempt; a decision's evidence lists every attempt of each message it
    /// counted, message by message. Returns nil when the address is kept.
    /// - Complexity: O(n) in the number of events.
    public func decide(_ events: [PolicyEvent], asOf: Int64) -> Decision? {
        evaluate(events, asOf: asOf).decision
    }

    /// What the policy makes of one address: the decision, and the suppressions from soft
    /// evidence that expired on the way (``Policy/SoftBounce/expireAfterDays``).
    public struct Evaluation: Sendable, Equatable {
        public var decision: Decision?
        public var expiries: [Expiry] = []
    }

    /// A suppression from soft evidence that lapsed: the rule held on `evidence`, its deciding
    /// event (the last counted) is `deciding`, and it held up to and including `expiredOn`
    /// (the deciding event's time plus the rule's `expire_after_days`). That evidence no longer
    /// counts towards the rule: its count started again from zero after `expiredOn`.
    public struct Expiry: Sendable, Equatable {
        public var rule: SuppressionRule
        public var evidence: [Int]
        public var deciding: Int { evidence.last! }
        public var expiredOn: Int64
        /// The rule's `expire_after_days`.
        public var days: Int
    }

    /// The decision for one address and the expiries on the way (see ``decide(_:asOf:)``).
    ///
    /// Expiry: a mailbox-full or soft-bounce suppression whose deciding event is more than the
    /// rule's `expire_after_days` older than a later event, or than `asOf`, has expired; the
    /// rule's count starts again from zero at that point, and the expired suppression's
    /// evidence counts towards no rule any more (a mailbox-full bounce no longer counts towards
    /// the soft escalation either), so evidence from before the expiry never leads to a new
    /// suppression (as SES and SendGrid remove an entry from their lists and count afresh).
    /// Other evidence keeps counting. A further counted bounce while the suppression holds
    /// renews it (it becomes the deciding event).
    /// `honouringAllow: false` ignores the operator's allow events (what the policy would decide
    /// without them).
    /// - Complexity: O(n) in the number of events.
    public func evaluate(_ events: [PolicyEvent], asOf: Int64, honouringAllow: Bool = true) -> Evaluation {
        let outcome = Self.outcomes(events, asOf: asOf)
        var hard: [Int] = []
        var complaints: [Int] = []
        var unsubscribes: [Int] = []
        var soft: [Int] = []
        var full: [Int] = []
        let staleBefore = asOf - Int64(policy.staleAfterDays) * 86_400
        let mailboxFull = BounceReason.mailboxfull.rawValue
        // An operator's allow re-admits the address: nothing before the last one counts.
        let allowed = honouringAllow ? events.lastIndex { $0.type == .allow && $0.timestamp <= asOf } : nil
        var manual: [Int] = []
        var expiries: [Expiry] = []
        let fullLife = policy.mailboxFull.expireAfterDays
        let softLife = policy.softBounce.expireAfterDays
        let expires = fullLife != nil || softLife != nil
        /// Whether the soft escalation holds on `soft`.
        func softHolds() -> Bool {
            soft.count >= policy.softBounce.threshold
                && Double(events[soft.last!].timestamp - events[soft.first!].timestamp) >= policy.softBounce.minSpanHours * 3600
        }
        /// Ends the suppressions whose life is over at `time` (a later event's, or `asOf`).
        func expire(at time: Int64) {
            if let days = fullLife, full.count >= policy.mailboxFull.threshold {
                let end = events[full.last!].timestamp + Int64(days) * 86_400
                if time > end {
                    expiries.append(Expiry(rule: .mailboxFull, evidence: full, expiredOn: end, days: days))
                    soft.removeAll { full.contains($0) }
                    full.removeAll()
                }
            }
            if let days = softLife, softHolds() {
                let end = events[soft.last!].timestamp + Int64(days) * 86_400
                if time > end {
                    expiries.append(Expiry(rule: .softBounceEscalation, evidence: soft, expiredOn: end, days: days))
                    full.removeAll { soft.contains($0) }
                    soft.removeAll()
                }
            }
        }
        for (i, e) in events.enumerated() where e.timestamp <= asOf && i > (allowed ?? -1) {
            // An attempt a later attempt of the same message superseded counts through that one.
            if let outcome, outcome[i] != i { continue }
            if expires { expire(at: e.timestamp) }
            switch e.type {
            case .delivered:
                if policy.hardBounce.deliveryClears { hard.removeAll() }
                soft.removeAll()
                full.removeAll()
            case .complaint:
                complaints.append(i)
            case .unsubscribe:
                unsubscribes.append(i)
            case .suppress:
                manual.append(i)
            case .allow:
                break
            case .bounce:
                if e.kind == .hard {
                    hard.append(i)
                    continue
                }
                guard e.timestamp >= staleBefore else { continue }
                // Mailbox-full bounces count by their reason (a rule may make one count towards
                // the mailbox-full threshold only, with kind `ignore`); soft ones by their kind.
                let isFull = e.reason == mailboxFull
                if isFull { full.append(i) }
                if e.kind == .soft, !isFull || policy.mailboxFull.countsAsSoft { soft.append(i) }
            }
        }
        if expires { expire(at: asOf) }
        func decision(_ rule: SuppressionRule, _ counted: [Int], reason: String? = nil) -> Decision {
            let deciding = events[counted.last!]
            var evidence = counted
            if let outcome {
                // Each counted message's attempts, oldest first, message after message.
                let wanted = Set(counted)
                var attempts: [Int: [Int]] = [:]
                for i in events.indices where wanted.contains(outcome[i]) { attempts[outcome[i], default: []].append(i) }
                evidence = counted.flatMap { attempts[$0] ?? [$0] }
            }
            return Decision(
                rule: rule, reason: reason ?? deciding.reason, kind: deciding.kind?.rawValue ?? "",
                evidence: evidence, firstSeen: events[evidence.first!].timestamp, lastSeen: deciding.timestamp)
        }
        /// The rule that decides, first in the documented order.
        func decided() -> Decision? {
            // The operator's word first.
            if !manual.isEmpty { return decision(.manual, manual, reason: "manual") }
            if policy.hardBounce.suppress, !hard.isEmpty { return decision(.hardBounce, hard) }
            if policy.complaintSuppresses, !complaints.isEmpty { return decision(.complaint, complaints, reason: "complaint") }
            if policy.unsubscribeSuppresses, !unsubscribes.isEmpty { return decision(.unsubscribe, unsubscribes, reason: "unsubscribe") }
            if full.count >= policy.mailboxFull.threshold { return decision(.mailboxFull, full) }
            if softHolds() { return decision(.softBounceEscalation, soft) }
            return nil
        }
        return Evaluation(decision: decided(), expiries: expiries)
    }

    /// The decision the operator's last `allow` (at or before `asOf`) overturned: what the policy
    /// would decide without it, when the address is kept only because of it; nil otherwise.
    /// Its evidence ends with the allow event's index.
    /// - Complexity: O(n) in the number of events.
    public func overturnedByAllow(_ events: [PolicyEvent], asOf: Int64) -> Decision? {
        guard let allow = events.lastIndex(where: { $0.type == .allow && $0.timestamp <= asOf }),
              evaluate(events, asOf: asOf).decision == nil,
              var overturned = evaluate(events, asOf: asOf, honouringAllow: false).decision else { return nil }
        overturned.evidence.append(allow)
        return overturned
    }
}
