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
/// failures, the latter sorted on disk by domain), ``finish()`` judges each domain, and
/// ``forEachWaiting(_:)`` gives back the addresses that waited (``wait(key:events:rows:)``, on
/// disk) with the failures of outages turned `sender`. Only the addresses with a domain-level
/// failure wait; the others are decided during the scan, since the judgment only ever makes
/// a failure count less. In memory: per domain its days with a sign of life, and per domain
/// with failures its verdict (the times of its bursts).
final class DomainJudge {
    /// What a reason says about the domain.
    enum ReasonClass: UInt8 {
        /// The receiving side answered about a mailbox or the message: the domain is alive.
        case contact
        /// The domain does not exist or takes no mail (with a hard kind).
        case nonexistence
        /// The domain could not be reached: timeouts, refused connections, DNS errors.
        case unreachable
        /// Says nothing about the domain (undefined, a provider's own suppression, a local error).
        case neutral
    }

    /// One domain-level failure, as the sorter gives them back (by domain, then time).
    private struct Failure {
        var timestamp: Int64
        var address: UInt64
        var reason: UInt8
        var nonexistence: Bool
    }

    /// A domain's judgment, kept for the domains with failures.
    private struct Verdict {
        var dead = false
        /// Per reason code, the times of the failures that fell in a burst (sorted).
        var bursts: [UInt8: [Int64]] = [:]
    }

    private let settings: Policy.Domains
    private let asOf: Int64
    private let aliveWithin: Int64
    /// Per reason code of the history, its class, and the codes by name.
    private let classes: [ReasonClass]
    private let names: [String]
    private let codes: [String: UInt8]
    /// Per domain (a hash of its name), the days (Unix days) with a sign of life at or before `asOf`.
    private var life: [UInt64: Set<Int32>] = [:]
    /// The failures, sorted by (domain, time, address) on disk when many.
    private let failures: ExternalSorter
    /// The names of the domains with failures.
    private var domainNames: [UInt64: String] = [:]
    private var verdicts: [UInt64: Verdict] = [:]
    /// The addresses whose decision waits for ``finish()``: key and events, framed, in order.
    private let waiting: TemporaryFile
    private var waitingCount = 0
    /// Per receiving domain, its `sender`-kind bounces within the stale window, by reason code:
    /// the problems on our side (blocks, rate limits, authentication) that domain reports.
    private var senderFaults: [UInt64: [UInt8: Int]] = [:]
    private let staleBefore: Int64
    /// Whether the address ``observe(key:entries:)`` saw last has a domain-level failure.
    private var lastHadFailure = false
    /// Scratch for one address's days of life.
    private var days: [Int32] = []

    /// The findings, after ``finish()``.
    private(set) var findings = DomainFindings()

    /// `directory` takes the temporary files (failures beyond `memoryBudget`, waiting addresses).
    init(settings: Policy.Domains, staleAfterDays: Int, asOf: Int64, reasonNames: [String], directory: String, memoryBudget: Int) throws {
        self.settings = settings
        self.asOf = asOf
        staleBefore = asOf - Int64(staleAfterDays) * 86_400
        aliveWithin = Int64(settings.aliveWithinDays ?? staleAfterDays)
        names = reasonNames
        classes = reasonNames.map(Self.reasonClass)
        var codes: [String: UInt8] = [:]
        for (i, name) in reasonNames.enumerated() where i < 256 { codes[name] = UInt8(i) }
        self.codes = codes
        failures = ExternalSorter(directory: directory, memoryBudget: memoryBudget)
        waiting = try TemporaryFile(directory: directory)
    }

    /// The reasons that say something other than "the receiving side answered about a
    /// mailbox", by class; every other reason is ``ReasonClass/contact``.
    static let nonContactReasons: [String: ReasonClass] = {
        var classes: [String: ReasonClass] = [:]
        for reason in [BounceReason.hostunknown, .notaccept] { classes[reason.rawValue] = .nonexistence }
        // Connection timeouts are `expired` in sisimai's vocabulary (and listwash's), refused
        // connections and DNS errors `networkerror`.
        for reason in [BounceReason.networkerror, .expired] { classes[reason.rawValue] = .unreachable }
        for reason in [BounceReason.undefined, .suppressed, .onhold, .systemerror, .mailererror, .syntaxerror] {
            classes[reason.rawValue] = .neutral
        }
        classes[""] = .neutral
        return classes
    }()

    /// The class of a reason (by name).
    static func reasonClass(_ name: String) -> ReasonClass { nonContactReasons[name] ?? .contact }

    private func reasonClass(_ code: UInt8) -> ReasonClass {
        Int(code) < classes.count ? classes[Int(code)] : .neutral
    }

    private func code(_ reason: String) -> UInt8? { codes[reason] }

    /// Whether a bounce of this kind and reason is a domain-level failure.
    private func isFailure(kind: BounceKind?, reason: UInt8) -> Bool {
        guard kind != .ignore else { return false }
        let c = reasonClass(reason)
        return c == .unreachable || c == .nonexistence
    }

    private static func domain(of key: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var at = key.count - 1
        while at >= 0, key[at] != UInt8(ascii: "@") { at -= 1 }
        return UnsafeRawBufferPointer(rebasing: key[(at + 1)...])
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 { FNV1a.hash64(bytes) }

    private static func day(_ timestamp: Int64) -> Int32 {
        Int32(clamping: timestamp >= 0 ? timestamp / 86_400 : (timestamp - 86_399) / 86_400)
    }

    /// Notes an address's signs of life and domain-level failures (every address of the scan,
    /// its entries in time order, those after `asOf` included and ignored here).
    func observe(key: [UInt8], entries: [AddressEntry]) throws {
        var lastDay: Int32 = .min
        days.removeAll(keepingCapacity: true)
        lastHadFailure = false
        // The domain's and the address's hashes, computed at the first event that needs them;
        // nil for an address without a domain, which has nothing to judge.
        var hashes: (domain: UInt64, address: UInt64)??
        defer { if let d = hashes??.domain, !days.isEmpty { life[d, default: []].formUnion(days) } }
        try key.withUnsafeBytes { key in
            func named() -> (domain: UInt64, address: UInt64)? {
                if let hashes { return hashes }
                let domain = Self.domain(of: key)
                hashes = .some(domain.isEmpty || domain.count == key.count ? nil : (Self.hash(domain), Self.hash(key)))
                return hashes!
            }
            // Names are kept for the domains the findings report (failures, sender-side faults).
            func remember(_ d: UInt64) {
                if domainNames[d] == nil { domainNames[d] = String(decoding: Self.domain(of: key), as: UTF8.self) }
            }
            for e in entries where e.timestamp <= asOf {
                if e.type == .bounce, e.kind == .sender, e.timestamp >= staleBefore, let d = named()?.domain {
                    senderFaults[d, default: [:]][e.reason, default: 0] += 1
                    remember(d)
                }
                let failure = e.type == .bounce && isFailure(kind: e.kind, reason: e.reason)
                // A sign of life: mail accepted, a complaint or unsubscribe about it, or a reply
                // about a mailbox from the domain's servers (never an operator's allow or suppress).
                let alive = !failure && (e.type == .bounce ? reasonClass(e.reason) == .contact
                    : e.type == .delivered || e.type == .complaint || e.type == .unsubscribe)
                guard failure || alive, let (d, address) = named() else { continue }
                if alive {
                    let day = Self.day(e.timestamp)
                    if day != lastDay { days.append(day) }
                    lastDay = day
                    continue
                }
                lastHadFailure = true
                remember(d)
                // Sorted by domain, then time (the sign bit flipped, so negative times sort first), then address.
                let record = (d.bigEndian, (UInt64(bitPattern: e.timestamp) ^ (1 << 63)).bigEndian, address.bigEndian)
                let value = (e.reason, reasonClass(e.reason) == .nonexistence && e.kind == .hard ? UInt8(1) : 0)
                try withUnsafeBytes(of: record) { record in
                    try withUnsafeBytes(of: value) { try failures.append(key: record, value: $0) }
                }
            }
        }
    }

    /// Whether the address the scan observed last (whose events the policy is about to see)
    /// holds a domain-level failure, so that its decision waits for ``finish()``.
    var lastObservedWaits: Bool { lastHadFailure }

    /// Keeps an address for ``forEachWaiting(_:)``: its key and events, on disk.
    func wait(key: [UInt8], events: [PolicyEvent], rows: [EventReference]) throws {
        var record: [UInt8] = []
        record.reserveCapacity(4 + key.count + events.count * 39)
        record.append(littleEndian: UInt32(key.count))
        record += key
        for (e, row) in zip(events, rows) {
            record.append(littleEndian: e.timestamp)
            record.append(littleEndian: row.number)
            record.append(littleEndian: row.idHigh)
            record.append(littleEndian: row.idLow)
            record.append(littleEndian: e.message)
            record.append(AddressEntry.typeCode(e.type))
            record.append(AddressEntry.kindCode(e.kind))
            record.append(code(e.reason) ?? 0)
        }
        try waiting.appendFramed(record)
        waitingCount += 1
    }

    /// Judges every failure seen; call once the scan has seen every address.
    func finish() throws {
        let sorted = try failures.finish()
        var domain: UInt64?
        var batch: [Failure] = []
        try sorted.forEach { key, value in
            let d = key.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian
            if d != domain {
                if let domain, !batch.isEmpty { judge(domain, batch) }
                domain = d
                batch.removeAll(keepingCapacity: true)
            }
            batch.append(Failure(timestamp: Int64(bitPattern: key.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian ^ (1 << 63)),
                                 address: key.loadUnaligned(fromByteOffset: 16, as: UInt64.self).bigEndian,
                                 reason: value[0], nonexistence: value[1] == 1))
        }
        if let domain, !batch.isEmpty { judge(domain, batch) }
        // The domains reporting the most sender-side faults, most first.
        findings.senderFaults = senderFaults.map { domain, byReason in
            DomainFindings.SenderFaults(
                domain: domainNames[domain] ?? "", bounces: byReason.values.reduce(0, +),
                byReason: byReason.map { (Int($0.key) < names.count ? names[Int($0.key)] : "", $0.value) }
                    .sorted { ($0.1, $1.0) > ($1.1, $0.0) }.map { DomainFindings.ReasonCount(reason: $0.0, bounces: $0.1) })
        }.sorted { ($0.bounces, $1.domain) > ($1.bounces, $0.domain) }.prefix(DomainFindings.senderFaultsLimit).map { $0 }
    }

    /// Whether the domain showed a sign of life within the alive window of `timestamp`.
    private func alive(_ domain: UInt64, at timestamp: Int64) -> Bool {
        guard let days = life[domain], !days.isEmpty else { return false }
        let day = Self.day(timestamp)
        let lo = day - Int32(clamping: aliveWithin), hi = min(Self.day(asOf), day + Int32(clamping: aliveWithin))
        guard lo <= hi else { return false }
        if Int64(hi) - Int64(lo) < Int64(days.count) { return (lo...hi).contains { days.contains($0) } }
        return days.contains { $0 >= lo && $0 <= hi }
    }

    private func judge(_ domain: UInt64, _ failures: [Failure]) {
        // Bursts: per reason, failures whose ±window holds outageMinAddresses distinct addresses.
        let window = Int64(settings.outageWindowMinutes) * 60
        var inBurst = [Bool](repeating: false, count: failures.count)
        var verdict = Verdict()
        let byReason = Dictionary(grouping: failures.indices, by: { failures[$0].reason })
        for (reason, indices) in byReason {
            var counts: [UInt64: Int] = [:]
            var lo = 0, hi = 0
            var times: [Int64] = []
            for i in indices.indices {
                let t = failures[indices[i]].timestamp
                while hi < indices.count, failures[indices[hi]].timestamp <= t + window {
                    counts[failures[indices[hi]].address, default: 0] += 1
                    hi += 1
                }
                while lo < hi, failures[indices[lo]].timestamp < t - window {
                    let a = failures[indices[lo]].address
                    counts[a]! -= 1
                    if counts[a] == 0 { counts[a] = nil }
                    lo += 1
                }
                if counts.count >= settings.outageMinAddresses {
                    inBurst[indices[i]] = true
                    if times.last != t { times.append(t) }
                }
            }
            if !times.isEmpty { verdict.bursts[reason] = times }
        }
        let alive = failures.map { self.alive(domain, at: $0.timestamp) }
        // Dead: a does-not-exist failure without life, not only one unconfirmed burst.
        let lifeless = failures.indices.filter { failures[$0].nonexistence && !alive[$0] }
        if !lifeless.isEmpty {
            let single = lifeless.contains { !inBurst[$0] }
            let span = failures[lifeless.last!].timestamp - failures[lifeless.first!].timestamp
            verdict.dead = single || span >= Int64(settings.deadConfirmHours) * 3600
        }
        verdicts[domain] = verdict
        let name = domainNames[domain] ?? ""
        if verdict.dead {
            findings.dead.append(DomainFindings.Dead(
                domain: name, addresses: Set(failures.filter(\.nonexistence).map(\.address)).count,
                firstFailure: failures.first!.timestamp, lastFailure: failures.last!.timestamp))
        }
        // The failures not counted: in windows (a gap of more than the window starts a new one);
        // a window of outageMinAddresses addresses or more is an outage, the rest are isolated
        // failures of a live domain, summed up per domain.
        let outage = failures.indices.filter { i in
            alive[i] || (failures[i].nonexistence ? !verdict.dead : inBurst[i])
        }
        var isolated = DomainFindings.Isolated(domain: name)
        var isolatedAddresses = Set<UInt64>()
        var w = 0
        while w < outage.count {
            var end = w + 1
            while end < outage.count, failures[outage[end]].timestamp - failures[outage[end - 1]].timestamp <= window { end += 1 }
            let members = outage[w..<end]
            let addresses = Set(members.map { failures[$0].address })
            if addresses.count >= settings.outageMinAddresses {
                let reasons = Set(members.map { Int(failures[$0].reason) < names.count ? names[Int(failures[$0].reason)] : "" }).sorted()
                findings.outages.append(DomainFindings.Outage(
                    domain: name, start: failures[members.first!].timestamp, end: failures[members.last!].timestamp,
                    addresses: addresses.count, failures: members.count, reasons: reasons,
                    why: members.contains { alive[$0] } ? .domainAlive : .manyAddressesAtOnce))
            } else {
                isolated.failures += members.count
                isolatedAddresses.formUnion(addresses)
                isolated.first = min(isolated.first ?? failures[members.first!].timestamp, failures[members.first!].timestamp)
                isolated.last = max(isolated.last ?? failures[members.last!].timestamp, failures[members.last!].timestamp)
            }
            w = end
        }
        if isolated.failures > 0 {
            isolated.addresses = isolatedAddresses.count
            findings.isolated.append(isolated)
        }
    }

    /// Each waiting address (``wait(key:events:rows:)``), in the order they waited, with each
    /// failure of an outage turned `sender` (its reason kept); call after ``finish()``.
    func forEachWaiting(_ body: (_ key: [UInt8], _ events: [PolicyEvent], _ rows: [EventReference]) throws -> Void) throws {
        guard waitingCount > 0 else { return }
        var events: [PolicyEvent] = []
        var rows: [EventReference] = []
        try waiting.forEachFramed { raw in
            let keyLength = Int(raw.littleEndian(at: 0, as: UInt32.self))
            guard 4 + keyLength <= raw.count, (raw.count - 4 - keyLength) % 39 == 0 else {
                throw waiting.corrupt("waiting addresses", "a record does not read back as written")
            }
            let key = Array(raw[4..<(4 + keyLength)])
            // The scan observed the key (lower-cased); a case-sensitive run decides exact addresses.
            let domain = ASCII.lowercased(key).withUnsafeBytes { Self.hash(Self.domain(of: $0)) }
            events.removeAll(keepingCapacity: true)
            rows.removeAll(keepingCapacity: true)
            var at = 4 + keyLength
            while at < raw.count {
                let reason = raw[at + 38]
                var kind = AddressEntry.kind(code: raw[at + 37])
                let type = AddressEntry.type(code: raw[at + 36])
                let timestamp = raw.littleEndian(at: at, as: Int64.self)
                if type == .bounce, isFailure(kind: kind, reason: reason), outage(domain, timestamp, reason, kind) { kind = .sender }
                events.append(PolicyEvent(timestamp: timestamp, type: type, kind: kind,
                                          reason: Int(reason) < names.count ? names[Int(reason)] : "",
                                          message: raw.littleEndian(at: at + 32, as: UInt32.self)))
                rows.append(EventReference(number: raw.littleEndian(at: at + 8, as: Int64.self),
                                           idHigh: raw.littleEndian(at: at + 16, as: UInt64.self),
                                           idLow: raw.littleEndian(at: at + 24, as: UInt64.self)))
                at += 39
            }
            try body(key, events, rows)
        }
    }

    /// `events` of the address `key` as the policy counts them once the domains are judged
    /// (after ``finish()``): each domain-level failure of an outage turned `sender`.
    func judged(_ events: [PolicyEvent], key: [UInt8]) -> [PolicyEvent] {
        let domain = ASCII.lowercased(key).withUnsafeBytes { Self.hash(Self.domain(of: $0)) }
        return events.map { e in
            guard e.type == .bounce, let reason = code(e.reason), isFailure(kind: e.kind, reason: reason),
                  outage(domain, e.timestamp, reason, e.kind) else { return e }
            var judged = e
            judged.kind = .sender
            return judged
        }
    }

    /// Whether a failure counts for nothing: near a sign of life, a burst of an undead domain.
    private func outage(_ domain: UInt64, _ timestamp: Int64, _ reason: UInt8, _ kind: BounceKind?) -> Bool {
        if alive(domain, at: timestamp) { return true }
        let verdict = verdicts[domain] ?? Verdict()
        if reasonClass(reason) == .nonexistence, kind == .hard { return !verdict.dead }
        guard let times = verdict.bursts[reason] else { return false }
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < timestamp { lo = mid + 1 } else { hi = mid }
        }
        return lo < times.count && times[lo] == timestamp
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

    /// A live domain's failures that fell in no outage (fewer addresses than an outage's), not counted.
    public struct Isolated: Sendable, Equatable {
        public var domain: String
        public var failures = 0
        public var addresses = 0
        public var first: Int64?
        public var last: Int64?
    }

    public struct ReasonCount: Sendable, Equatable {
        public var reason: String
        public var bounces: Int
    }

    /// A receiving domain's `sender`-kind bounces within the stale window (blocks, rate
    /// limits, authentication failures: problems on the sending side), by reason.
    public struct SenderFaults: Sendable, Equatable {
        public var domain: String
        public var bounces: Int
        public var byReason: [ReasonCount]
    }

    /// How many domains ``senderFaults`` names (those with the most).
    public static let senderFaultsLimit = 20

    public var dead: [Dead] = []
    public var outages: [Outage] = []
    public var isolated: [Isolated] = []
    public var senderFaults: [SenderFaults] = []

    public init() {}

    /// Sorted for output: domains by name, outages by domain then start.
    var sorted: DomainFindings {
        var s = self
        s.dead.sort { $0.domain < $1.domain }
        s.outages.sort { ($0.domain, $0.start) < ($1.domain, $1.start) }
        s.isolated.sort { $0.domain < $1.domain }
        return s
    }
}
