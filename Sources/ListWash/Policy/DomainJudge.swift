/// Judges domain-level failures once per receiving domain, not once per address.
///
/// A host-unknown or null-MX reply, a DNS failure, a connection timed out or refused: each
/// is a fact about the receiving domain at one moment, and our own resolver or network can
/// cause every one of them. So they are judged for the domain, as of the run's time:
///
/// - **Alive**: a failure within ``Policy/Domains/aliveWithinDays`` days (the stale window by
///   default) of a sign of life of its domain (a delivery, a complaint or unsubscribe, or a
///   reply about a mailbox from the domain's servers) is an *outage*: it counts as
///   `sender`, never against the address.
/// - **Many at once**: ``Policy/Domains/outageMinAddresses`` addresses or more of one domain
///   failing with the same reason within ``Policy/Domains/outageWindowMinutes`` minutes is an
///   outage too, unless the domain is dead.
/// - **Dead**: a domain with a does-not-exist failure (`hostunknown`, or `notaccept` with a
///   5xx reply: no such domain, or a null MX per RFC 7505) and no sign of life around it is
///   dead, once that is not one burst: a single address's failure, or failures at least
///   ``Policy/Domains/deadConfirmHours`` hours apart. Its addresses go as `hard_bounce`.
/// - Otherwise a does-not-exist failure of an unconfirmed burst is an outage, and a timeout,
///   refused connection or DNS error (`networkerror`) counts as classified (soft) per
///   message: those never make a domain dead on their own.
///
/// ``observe(key:entries:)`` sees every address of the history scan (their signs of life and
/// failures), ``finish()`` judges, and ``adjust(_:key:)`` gives an address's events with the
/// failures of outages turned `sender`. Only the addresses with a domain-level failure wait
/// for ``finish()``; the others are decided during the scan, since the judgment only ever
/// makes a failure count less.
final class DomainJudge {
    /// What a reason says about the domain.
    enum ReasonClass: UInt8 {
        /// The receiving side answered about a mailbox or the message: the domain is alive.
        case contact
        /// The domain does not exist or takes no mail (with a hard kind).
        case nonexistence
        /// The domain could not be reached: timeouts, refused connections, DNS errors.
        case unreachable
        /// Says nothing about the domain (expired, undefined, a provider's own suppression).
        case neutral
    }

    /// One domain-level failure seen in the scan.
    private struct Failure {
        var domain: UInt64
        var timestamp: Int64
        var address: UInt64
        var reason: UInt8
        var nonexistence: Bool
    }

    /// How a failure was judged.
    private enum Outcome {
        case counts
        case outage
    }

    private let settings: Policy.Domains
    private let asOf: Int64
    private let aliveWithin: Int64
    /// Per reason code of the history, its class.
    private let classes: [ReasonClass]
    private let names: [String]
    /// Per domain (hash of its name), the days (Unix days) with a sign of life at or before `asOf`.
    private var life: [UInt64: Set<Int32>] = [:]
    private var failures: [Failure] = []
    /// The names of the domains with failures.
    private var domainNames: [UInt64: String] = [:]
    /// Per failure (address, time, reason), how it was judged: filled in by ``finish()``.
    private var outcomes: [FailureKey: Outcome] = [:]
    private var dead: Set<UInt64> = []

    private struct FailureKey: Hashable {
        var address: UInt64
        var timestamp: Int64
        var reason: UInt8
    }

    /// The findings, after ``finish()``.
    private(set) var findings = DomainFindings()

    init(settings: Policy.Domains, staleAfterDays: Int, asOf: Int64, reasonNames: [String]) {
        self.settings = settings
        self.asOf = asOf
        aliveWithin = Int64(settings.aliveWithinDays ?? staleAfterDays)
        names = reasonNames
        classes = reasonNames.map(Self.reasonClass)
    }

    /// The class of a reason (by name).
    static func reasonClass(_ name: String) -> ReasonClass {
        switch name {
        case BounceReason.hostunknown.rawValue, BounceReason.notaccept.rawValue: return .nonexistence
        case BounceReason.networkerror.rawValue: return .unreachable
        case BounceReason.expired.rawValue, BounceReason.undefined.rawValue, BounceReason.suppressed.rawValue,
             BounceReason.onhold.rawValue, BounceReason.systemerror.rawValue, BounceReason.mailererror.rawValue,
             BounceReason.syntaxerror.rawValue, "":
            return .neutral
        default: return .contact
        }
    }

    private func reasonClass(_ code: UInt8) -> ReasonClass {
        Int(code) < classes.count ? classes[Int(code)] : .neutral
    }

    /// Whether an event is a domain-level failure: a bounce of class nonexistence or unreachable.
    private func isFailure(type: EventType, kind: BounceKind?, reason: UInt8) -> Bool {
        guard type == .bounce, kind != .ignore else { return false }
        let c = reasonClass(reason)
        return c == .unreachable || c == .nonexistence
    }

    private static func domain(of key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var at = key.count - 1
        while at >= 0, key[at] != UInt8(ascii: "@") { at -= 1 }
        return UnsafeRawBufferPointer(rebasing: key[(at + 1)...])
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    private static func day(_ timestamp: Int64) -> Int32 {
        Int32(clamping: timestamp >= 0 ? timestamp / 86_400 : (timestamp - 86_399) / 86_400)
    }

    /// Notes an address's signs of life and domain-level failures (every address of the scan,
    /// its entries in time order, those after `asOf` included and ignored here).
    func observe(key: [UInt8], entries: [AddressEntry]) {
        var domainHash: UInt64?
        var addressHash: UInt64 = 0
        var lastDay: Int32 = .min
        var days: [Int32] = []
        defer { if let d = domainHash, !days.isEmpty { life[d, default: []].formUnion(days) } }
        key.withUnsafeBytes { key in
            for e in entries where e.timestamp <= asOf {
                let failure = isFailure(type: e.type, kind: e.kind, reason: e.reason)
                let alive = !failure && (e.type != .bounce || reasonClass(e.reason) == .contact)
                guard failure || alive else { continue }
                if domainHash == nil {
                    let domain = Self.domain(of: key)
                    domainHash = Self.hash(domain)
                    addressHash = Self.hash(key)
                }
                let d = domainHash!
                if alive {
                    let day = Self.day(e.timestamp)
                    if day != lastDay { days.append(day) }
                    lastDay = day
                } else {
                    if domainNames[d] == nil { domainNames[d] = String(decoding: Self.domain(of: key), as: UTF8.self) }
                    failures.append(Failure(domain: d, timestamp: e.timestamp, address: addressHash, reason: e.reason,
                                            nonexistence: reasonClass(e.reason) == .nonexistence && e.kind == .hard))
                }
            }
        }
    }

    /// Whether an address's events (as the policy sees them) hold a domain-level failure, so
    /// that its decision waits for ``finish()``.
    func waits(_ events: [PolicyEvent]) -> Bool {
        guard !failures.isEmpty else { return false }
        return events.contains { $0.type == .bounce && $0.kind != .ignore && Self.reasonClass($0.reason) != .contact
            && Self.reasonClass($0.reason) != .neutral }
    }

    /// Judges every failure seen; call once the scan has seen every address.
    func finish() {
        failures.sort { ($0.domain, $0.timestamp, $0.address) < ($1.domain, $1.timestamp, $1.address) }
        var start = 0
        while start < failures.count {
            var end = start
            while end < failures.count, failures[end].domain == failures[start].domain { end += 1 }
            judge(failures[start..<end])
            start = end
        }
    }

    private func judge(_ domainFailures: ArraySlice<Failure>) {
        let domain = domainFailures.first!.domain
        let days = life[domain] ?? []
        let asOfDay = Self.day(asOf)
        func alive(_ f: Failure) -> Bool {
            guard !days.isEmpty else { return false }
            let day = Self.day(f.timestamp)
            let lo = day - Int32(clamping: aliveWithin), hi = min(asOfDay, day + Int32(clamping: aliveWithin))
            guard lo <= hi else { return false }
            if Int64(hi) - Int64(lo) < Int64(days.count) {
                return (lo...hi).contains { days.contains($0) }
            }
            return days.contains { $0 >= lo && $0 <= hi }
        }
        // Bursts: per reason, failures whose ±window holds outageMinAddresses distinct addresses.
        let window = Int64(settings.outageWindowMinutes) * 60
        var inBurst = Set<Int>()
        let byReason = Dictionary(grouping: domainFailures.indices, by: { domainFailures[$0].reason })
        for (_, indices) in byReason {
            var counts: [UInt64: Int] = [:]
            var lo = 0, hi = 0
            // For each failure i, the window [t_i - window, t_i + window] over the sorted indices.
            for i in indices.indices {
                let t = domainFailures[indices[i]].timestamp
                while hi < indices.count, domainFailures[indices[hi]].timestamp <= t + window {
                    counts[domainFailures[indices[hi]].address, default: 0] += 1
                    hi += 1
                }
                while lo < hi, domainFailures[indices[lo]].timestamp < t - window {
                    let a = domainFailures[indices[lo]].address
                    counts[a]! -= 1
                    if counts[a] == 0 { counts[a] = nil }
                    lo += 1
                }
                if counts.count >= settings.outageMinAddresses { inBurst.insert(indices[i]) }
            }
        }
        // Dead: a does-not-exist failure without life, not only one unconfirmed burst.
        let lifeless = domainFailures.indices.filter { domainFailures[$0].nonexistence && !alive(domainFailures[$0]) }
        var isDead = false
        if !lifeless.isEmpty {
            let single = lifeless.contains { !inBurst.contains($0) }
            let first = domainFailures[lifeless.first!].timestamp, last = domainFailures[lifeless.last!].timestamp
            isDead = single || last - first >= Int64(settings.deadConfirmHours) * 3600
        }
        var outageReasons: [Int] = []
        for i in domainFailures.indices {
            let f = domainFailures[i]
            let outcome: Outcome
            if alive(f) {
                outcome = .outage
            } else if f.nonexistence {
                outcome = isDead ? .counts : .outage
            } else {
                outcome = inBurst.contains(i) ? .outage : .counts
            }
            outcomes[FailureKey(address: f.address, timestamp: f.timestamp, reason: f.reason)] = outcome
            if outcome == .outage { outageReasons.append(i) }
        }
        let name = domainNames[domain] ?? ""
        if isDead {
            dead.insert(domain)
            let addresses = Set(domainFailures.filter(\.nonexistence).map(\.address)).count
            findings.dead.append(DomainFindings.Dead(
                domain: name, addresses: addresses,
                firstFailure: domainFailures.first!.timestamp, lastFailure: domainFailures.last!.timestamp))
        }
        // Outages: the failures not counted, in windows (a gap of more than the window starts a new one).
        var w = 0
        while w < outageReasons.count {
            var end = w + 1
            while end < outageReasons.count,
                  domainFailures[outageReasons[end]].timestamp - domainFailures[outageReasons[end - 1]].timestamp <= window { end += 1 }
            let members = outageReasons[w..<end].map { domainFailures[$0] }
            let alive = members.contains(where: alive)
            let reasons = Set(members.map { Int($0.reason) < names.count ? names[Int($0.reason)] : "" }).sorted()
            findings.outages.append(DomainFindings.Outage(
                domain: name, start: members.first!.timestamp, end: members.last!.timestamp,
                addresses: Set(members.map(\.address)).count, failures: members.count, reasons: reasons,
                why: alive ? .domainAlive : .manyAddressesAtOnce))
            w = end
        }
    }

    /// An address's events with each failure of an outage turned `sender` (its reason kept).
    func adjust(_ events: [PolicyEvent], key: [UInt8]) -> [PolicyEvent] {
        // The scan observed the key (lower-cased); a case-sensitive run decides exact addresses.
        let address = ASCII.lowercased(key).withUnsafeBytes { Self.hash($0) }
        var adjusted = events
        for i in adjusted.indices where adjusted[i].type == .bounce {
            guard let code = names.firstIndex(of: adjusted[i].reason), code < 256 else { continue }
            if outcomes[FailureKey(address: address, timestamp: adjusted[i].timestamp, reason: UInt8(code))] == .outage {
                adjusted[i].kind = .sender
            }
        }
        return adjusted
    }
}

/// What `clean` found about receiving domains (``DomainJudge``): the domains judged dead and
/// the outages whose failures were not counted against their addresses.
public struct DomainFindings: Sendable, Equatable {
    public struct Dead: Sendable, Equatable {
        public var domain: String
        /// Addresses of the history with a does-not-exist failure at the domain.
        public var addresses: Int
        public var firstFailure: Int64
        public var lastFailure: Int64
        /// The list's rows removed because of it (filled in by `clean` after the list pass).
        public var listRowsRemoved = 0
    }

    public struct Outage: Sendable, Equatable {
        public enum Why: String, Sendable {
            /// The domain showed a sign of life within the alive window of the failures.
            case domainAlive = "domain_alive"
            /// Many addresses of the domain failed with one reason within the outage window.
            case manyAddressesAtOnce = "many_addresses_at_once"
        }

        public var domain: String
        public var start: Int64
        public var end: Int64
        /// Distinct addresses whose failures fell in the outage.
        public var addresses: Int
        public var failures: Int
        public var reasons: [String]
        public var why: Why
    }

    public var dead: [Dead] = []
    public var outages: [Outage] = []

    public init() {}

    /// Sorted for output: domains by name, outages by domain then start.
    var sorted: DomainFindings {
        var s = self
        s.dead.sort { $0.domain < $1.domain }
        s.outages.sort { ($0.domain, $0.start) < ($1.domain, $1.start) }
        return s
    }
}
