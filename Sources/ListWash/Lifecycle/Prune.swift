import Foundation

/// `listwash prune`: drops the raw events the policy can no longer use, keeping every event
/// a decision needs, so that `clean` decides every address as it did before, for any as-of
/// time from the prune's on, under the same policy.
///
/// An event *older* than the cutoff (`as-of − DAYS`, DAYS at least the policy's longest
/// look-back, ``Policy/longestLookback``) is dropped unless one of these keeps it:
/// 1. it is a hard bounce, a complaint, an unsubscribe, an `allow` or a `suppress` (they
///    count at any age);
/// 2. it is a delivery after a hard bounce of its address (with `hard_bounce.delivery_clears`
///    the last one clears the hard bounces before it);
/// 3. with the domain judgment on, it is a sign of life of its domain within
///    `domains.alive_within_days` of a domain-level failure that still counts (a hard one at
///    any age, any younger than the cutoff), or a domain-level failure of the domain within
///    `domains.outage_window_minutes` (rounded up to days, plus one) of one: the judgment of
///    the failures that count sees what it saw before;
/// 4. it is an attempt of a message another kept event is an attempt of: a message is kept
///    or dropped whole, so the attempt that stands for it and the audit's evidence stay.
///
/// Every other old event is soft evidence older than every window (a deferral, a soft or
/// sender-side bounce, a delivery): the policy counts it for nothing. What does change: the
/// history's event count and digest in the manifest, the report's domain findings and
/// clean-v1's bounce counts (they count events, not decisions), and `explain`'s timeline.
extension HistoryStore {
    /// What a prune dropped.
    public struct PruneSummary: Sendable, Equatable {
        /// Events older than the cutoff (Unix seconds) were considered.
        public var cutoff: Int64 = 0
        /// Events dropped, by type (`delivered`, `bounce`), bounces by kind (`bounce/soft`, `bounce/sender` …).
        public var dropped: [String: Int] = [:]
        /// Events older than the cutoff kept because a decision needs them.
        public var keptOld = 0
        /// Events left in the history.
        public var remaining = 0

        public var droppedTotal: Int { dropped.values.reduce(0, +) }
    }

    /// Errors of a prune request.
    public enum PruneError: Error, Equatable, CustomStringConvertible {
        /// DAYS is shorter than the policy's longest look-back (`window`, `longest` days).
        case shorterThanPolicy(days: Int, longest: Int, window: String)
        case negativeDays(Int)

        public var description: String {
            switch self {
            case let .shorterThanPolicy(days, longest, window):
                return "--older-than \(days) is shorter than the policy's longest window, \(window) (\(longest) days): "
                    + "events younger than that still count towards decisions, and dropping them would change what clean removes; "
                    + "use --older-than \(longest) or more, or --force"
            case .negativeDays(let days): return "--older-than \(days): the number of days must not be negative"
            }
        }
    }

    /// `listwash prune`: opens the history at `path` (which must exist; an older one is
    /// migrated first) and prunes it.
    public static func prune(path: String, olderThanDays days: Int, asOf: Int64, policy: Policy, force: Bool,
                             at time: Int64 = Int64(Date().timeIntervalSince1970)) throws -> PruneSummary {
        try HistoryStore.requireExisting(path)
        try checkPrune(days: days, policy: policy, force: force)
        return try HistoryStore.using(path, create: true, writes: true) {
            try $0.prune(olderThanDays: days, asOf: asOf, policy: policy, force: force, at: time)
        }
    }

    /// Refuses DAYS shorter than the policy's longest look-back, unless forced.
    static func checkPrune(days: Int, policy: Policy, force: Bool) throws {
        guard days >= 0 else { throw PruneError.negativeDays(days) }
        let longest = policy.longestLookback
        if days < longest.days, !force { throw PruneError.shorterThanPolicy(days: days, longest: longest.days, window: longest.name) }
    }

    /// Drops the events older than `days` before `asOf` that no decision needs (see the
    /// extension's summary), in one transaction: they leave their blocks, the runs are merged
    /// into one without their entries, and `lifecycle_log` records the counts. Dropping
    /// nothing changes nothing and records nothing.
    /// - Complexity: two merged reads of the runs (three when something is dropped: the last
    ///   writes the new run), then one read and write of each block that loses events.
    public func prune(olderThanDays days: Int, asOf: Int64, policy: Policy, force: Bool,
                      at time: Int64 = Int64(Date().timeIntervalSince1970)) throws -> PruneSummary {
        try Self.checkPrune(days: days, policy: policy, force: force)
        var summary = PruneSummary()
        let cutoff = asOf - Int64(days) * 86_400
        summary.cutoff = cutoff
        try db.transaction {
            runsCache = nil
            let all = try runs().map { ($0.run, $0.layout) }
            let rule = PruneRule(policy: policy, cutoff: cutoff, reasonNames: reasons.names)
            // Pass 1: the domain-level failures that count, by domain and day.
            if policy.domains.judge {
                let merger = try RunMerger(db: db, runs: all)
                var key: [UInt8] = []
                var entries: [AddressEntry] = []
                var contributing = 0
                while try merger.next(key: &key, entries: &entries, runsContributing: &contributing) {
                    rule.noteAnchors(key: key, entries: entries)
                }
                rule.sortAnchors()
            }
            // Pass 2: what would go.
            var dropping = 0
            var repeats = 0
            do {
                let merger = try RunMerger(db: db, runs: all)
                var key: [UInt8] = []
                var entries: [AddressEntry] = []
                var contributing = 0
                while try merger.next(key: &key, entries: &entries, runsContributing: &contributing) {
                    if contributing > 1 { repeats += AddressEntry.sortAndDeduplicate(&entries).count }
                    let keep = rule.keep(key: key, entries: entries)
                    for (entry, kept) in zip(entries, keep) {
                        if kept {
                            summary.remaining += 1
                            if entry.timestamp < cutoff { summary.keptOld += 1 }
                        } else {
                            dropping += 1
                            summary.dropped[Self.pruneLabel(entry), default: 0] += 1
                        }
                    }
                }
            }
            guard dropping > 0 else { return }
            // Pass 3: the runs merged into one without the dropped entries; then the blocks.
            var numbers: [Int64] = []
            numbers.reserveCapacity(dropping + repeats)
            var writer = try AddressRunWriter(db: db, run: try nextRun())
            do {
                let merger = try RunMerger(db: db, runs: all)
                var key: [UInt8] = []
                var entries: [AddressEntry] = []
                var kept: [AddressEntry] = []
                var contributing = 0
                while try merger.next(key: &key, entries: &entries, runsContributing: &contributing) {
                    if contributing > 1 { numbers += AddressEntry.sortAndDeduplicate(&entries) }
                    let keep = rule.keep(key: key, entries: entries)
                    kept.removeAll(keepingCapacity: true)
                    for (entry, k) in zip(entries, keep) {
                        if k { kept.append(entry) } else { numbers.append(entry.event) }
                    }
                    try key.withUnsafeBytes { try writer.write(key: $0, entries: kept) }
                }
            }
            let deleteRows = try db.cached("DELETE FROM address_runs WHERE run = ?1")
            let deleteRun = try db.cached("DELETE FROM runs WHERE run = ?1")
            for (run, _) in all {
                for statement in [deleteRows, deleteRun] {
                    statement.reset()
                    statement.bind(1, run)
                    _ = try statement.step()
                    statement.reset()
                }
            }
            if writer.events > 0 { try writer.finish() }
            try deleteEvents(numbers: numbers)
            runsCache = nil
            let log = try db.cached("INSERT INTO lifecycle_log (at, action, detail) VALUES (?1, 'prune', ?2)")
            defer { log.reset() }
            log.bind(1, time)
            let counts = summary.dropped.keys.sorted().map { "\($0) \(summary.dropped[$0]!)" }.joined(separator: ", ")
            log.bind(2, "older than \(days) days before \(Timestamp.format(asOf)): \(dropping) events dropped (\(counts)), "
                + "\(summary.keptOld) older events kept")
            _ = try log.step()
        }
        return summary
    }

    /// An entry's type, and a bounce's kind: how a prune counts what it drops.
    static func pruneLabel(_ entry: AddressEntry) -> String {
        guard entry.type == .bounce else { return entry.type.rawValue }
        return "bounce/" + (entry.kind?.rawValue ?? "none")
    }
}

extension Policy {
    /// The longest time, in days, the policy looks back from the as-of time for evidence that
    /// ages out, and the setting that says it: `stale_after_days` (soft and mailbox-full
    /// bounces) or, with the domain judgment on, `domains.alive_within_days` (how far a sign of
    /// life of a domain clears its failures). Hard bounces, complaints, unsubscribes and an
    /// operator's events never age out.
    public var longestLookback: (days: Int, name: String) {
        var longest = (days: staleAfterDays, name: "stale_after_days")
        if domains.judge, let alive = domains.aliveWithinDays, alive > longest.days {
            longest = (alive, "domains.alive_within_days")
        }
        return longest
    }
}

/// Which of one address's entries a prune keeps (see ``HistoryStore/prune(olderThanDays:asOf:policy:force:at:)``).
final class PruneRule {
    private let cutoff: Int64
    private let judge: Bool
    private let aliveDays: Int32
    private let burstDays: Int32
    /// Per reason code: whether a bounce of it is a domain-level failure (kind not `ignore`),
    /// or a sign of life (a reply about a mailbox).
    private let failureReason: [Bool]
    private let contactReason: [Bool]
    /// Per domain (FNV-1a of its name): the days of its domain-level failures that count, sorted.
    private var anchors: [UInt64: [Int32]] = [:]

    init(policy: Policy, cutoff: Int64, reasonNames: [String]) {
        self.cutoff = cutoff
        judge = policy.domains.judge
        aliveDays = Int32(clamping: policy.domains.aliveWithinDays ?? policy.staleAfterDays)
        burstDays = Int32(clamping: policy.domains.outageWindowMinutes / 1440 + 1)
        let classes = reasonNames.map(DomainJudge.reasonClass)
        failureReason = classes.map { $0 == .unreachable || $0 == .nonexistence }
        contactReason = classes.map { $0 == .contact }
    }

    private func isFailure(_ e: AddressEntry) -> Bool {
        e.type == .bounce && e.kind != .ignore && Int(e.reason) < failureReason.count && failureReason[Int(e.reason)]
    }

    private func isSignOfLife(_ e: AddressEntry) -> Bool {
        guard !isFailure(e) else { return false }
        switch e.type {
        case .bounce: return Int(e.reason) < contactReason.count && contactReason[Int(e.reason)]
        case .delivered, .complaint, .unsubscribe: return true
        case .allow, .suppress: return false
        }
    }

    private static func day(_ timestamp: Int64) -> Int32 {
        Int32(clamping: timestamp >= 0 ? timestamp / 86_400 : (timestamp - 86_399) / 86_400)
    }

    private static func domain(of key: [UInt8]) -> UInt64? {
        guard let at = key.lastIndex(of: UInt8(ascii: "@")), at + 1 < key.count else { return nil }
        return key.withUnsafeBytes { FNV1a.hash64(UnsafeRawBufferPointer(rebasing: $0[(at + 1)...])) }
    }

    /// Pass 1: notes the address's domain-level failures that count.
    func noteAnchors(key: [UInt8], entries: [AddressEntry]) {
        var domain: UInt64??
        for e in entries where isFailure(e) && (e.kind == .hard || e.timestamp >= cutoff) {
            if domain == nil { domain = .some(Self.domain(of: key)) }
            guard let d = domain! else { return }
            anchors[d, default: []].append(Self.day(e.timestamp))
        }
    }

    func sortAnchors() {
        for d in anchors.keys { anchors[d] = Array(Set(anchors[d]!)).sorted() }
    }

    /// Whether the domain has an anchor day within `radius` days of `day`.
    private func near(_ days: [Int32], _ day: Int32, _ radius: Int32) -> Bool {
        // The first anchor day at or after day − radius.
        var lo = 0, hi = days.count
        let from = day &- radius
        while lo < hi {
            let mid = (lo + hi) / 2
            if days[mid] < from { lo = mid + 1 } else { hi = mid }
        }
        return lo < days.count && days[lo] <= day &+ radius
    }

    /// Which entries (deduplicated, in time order) to keep.
    func keep(key: [UInt8], entries: [AddressEntry]) -> [Bool] {
        var keep = [Bool](repeating: false, count: entries.count)
        var seenHard = false
        var anyOldDropped = false
        for (i, e) in entries.enumerated() {
            if e.timestamp >= cutoff {
                keep[i] = true
            } else {
                switch e.type {
                case .complaint, .unsubscribe, .allow, .suppress: keep[i] = true
                case .bounce: keep[i] = e.kind == .hard
                case .delivered: keep[i] = seenHard
                }
                if !keep[i] { anyOldDropped = true }
            }
            if e.type == .bounce, e.kind == .hard { seenHard = true }
        }
        guard anyOldDropped else { return keep }
        if judge, let d = Self.domain(of: key), let days = anchors[d] {
            for (i, e) in entries.enumerated() where !keep[i] {
                let day = Self.day(e.timestamp)
                if isFailure(e) {
                    keep[i] = near(days, day, burstDays)
                } else if isSignOfLife(e) {
                    keep[i] = near(days, day, aliveDays)
                }
            }
        }
        // A message is kept or dropped whole.
        var messages = Set<UInt32>()
        for (i, e) in entries.enumerated() where keep[i] && e.message != 0 && (e.type == .bounce || e.type == .delivered) {
            messages.insert(e.message)
        }
        if !messages.isEmpty {
            for (i, e) in entries.enumerated() where !keep[i] && e.message != 0 && messages.contains(e.message)
                && (e.type == .bounce || e.type == .delivered) {
                keep[i] = true
            }
        }
        return keep
    }
}
