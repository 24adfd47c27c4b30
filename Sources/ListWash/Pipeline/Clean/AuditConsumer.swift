import Foundation

/// `clean`'s second thread: the list pass hands it the removed rows (duplicates and
/// suppressions) in list order, in batches through a bounded queue; it reads each
/// suppressed address's record (decision, counts, rendered evidence) from the
/// ``EvidenceFile`` and writes `audit.jsonl` and the `suppressed.csv` rows (or, for
/// clean-v1's sorted layout, hands them to an ``ExternalSorter``) in that same order.
///
/// An error on this thread stops it; the list pass sees it at its next hand-over (or at
/// ``finish()``) and fails the run, so no partial output is committed.
///
/// `@unchecked Sendable`: shared by two threads for one run of `clean`, the list pass (the
/// owner, which starts and stops it) and the consumer thread. The lets are set before
/// ``start()``; the hand-over state (queue, flags, failure) is touched only under
/// `condition`'s lock; the outputs, the sorter and the evidence are set by the list pass
/// before its first hand-over (the lock orders those writes) and used by the consumer
/// thread alone from then until ``finish()`` or ``stop()`` has joined it.
final class AuditConsumer: @unchecked Sendable {
    enum Item {
        case duplicate(line: Int, key: [UInt8], firstLine: Int)
        /// `slot` is the address's record in the evidence file, when the history has one.
        case suppress(line: Int, key: [UInt8], rule: SuppressionRule, slot: UInt32?)
    }

    /// Thrown to the list pass when this thread stopped without an error of its own (never
    /// expected; it keeps a hand-over from waiting forever).
    struct Stopped: Error {}

    // Set once before start; read only by the consumer thread afterwards.
    private let policy: Policy
    private let asOf: Int64
    private let format: SuppressedFormat
    /// Each rule's ``auditTail(rule:policy:asOf:)``, rendered once.
    private let tails: [SuppressionRule: [UInt8]]
    // Set by the list pass before its first hand-over (the queue's lock orders the writes).
    private var audit: OutputFile?
    private var suppressed: OutputFile?
    private var sorter: ExternalSorter?
    /// The evidence file, being built on another thread while the list pass runs.
    private var evidenceWork: BackgroundWork<EvidenceFile>?
    private var evidence: EvidenceFile?
    /// Rows handed over before the evidence file was ready, in order, on disk (so memory stays bounded).
    private var waiting: TemporaryFile?
    private var spillDirectory = ""

    private let condition = NSCondition()
    private var queue: [[Item]] = []
    private let capacity = 8
    private var ended = false
    private var cancelled = false
    private var done = false
    private var failure: (any Error)?
    /// The producer's batch being filled (list pass only).
    private var batch: [Item] = []
    private let batchSize = 512
    private var started = false
    /// Rows that waited for the evidence are rendered this many at a time (set before ``start()``).
    var renderChunk = 8_192

    init(policy: Policy, asOf: Int64, format: SuppressedFormat) {
        self.policy = policy
        self.asOf = asOf
        self.format = format
        tails = Dictionary(uniqueKeysWithValues: SuppressionRule.allCases.map { ($0, Self.auditTail(rule: $0, policy: policy, asOf: asOf)) })
        batch.reserveCapacity(batchSize)
    }

    /// Starts the thread.
    func start() {
        let thread = Thread { [self] in consume() }
        thread.stackSize = 8 << 20
        started = true
        thread.start()
    }

    /// The outputs the thread writes; call before the first ``send(_:)``.
    /// `evidence` may still be running: rows that arrive before it ends wait on disk in
    /// `spillDirectory`, so the list pass never waits for it.
    func attach(audit: OutputFile, suppressed: OutputFile, sorter: ExternalSorter?,
                evidence: BackgroundWork<EvidenceFile>?, spillDirectory: String = "") {
        condition.lock()
        self.audit = audit
        self.suppressed = suppressed
        self.sorter = sorter
        self.evidenceWork = evidence
        self.spillDirectory = spillDirectory
        condition.unlock()
    }

    /// Hands one removed row over (list order); throws the thread's error if it has failed.
    func send(_ item: Item) throws {
        batch.append(item)
        if batch.count >= batchSize { try push() }
    }

    private func push() throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !done { condition.wait() }
        if done { throw failure ?? Stopped() }
        queue.append(batch)
        batch.removeAll(keepingCapacity: true)
        condition.broadcast()
    }

    /// Hands the last rows over, waits until everything is written and rethrows the thread's error.
    func finish() throws {
        if !batch.isEmpty { try push() }
        condition.lock()
        defer { condition.unlock() }
        ended = true
        condition.broadcast()
        while !done { condition.wait() }
        if let failure { throw failure }
    }

    /// Stops the thread if it is still running (the list pass failed) and waits for it. Safe to repeat.
    func stop() {
        guard started else { return }
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        queue.removeAll()
        condition.broadcast()
        while !done { condition.wait() }
    }

    private func take() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !ended, !cancelled { condition.wait() }
        if cancelled || queue.isEmpty { return nil }
        let next = queue.removeFirst()
        condition.broadcast()
        return next
    }

    private func consume() {
        do {
            while let items = take() {
                if evidence == nil, let work = evidenceWork {
                    guard work.isFinished else {
                        try park(items)
                        continue
                    }
                    try resume(work)
                }
                for item in items { try handle(item) }
            }
            if evidence == nil, let work = evidenceWork { try resume(work) }
        } catch {
            condition.lock()
            failure = error
            condition.unlock()
        }
        condition.lock()
        done = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Keeps rows that arrived before the evidence file is ready.
    private func park(_ items: [Item]) throws {
        if waiting == nil { waiting = try TemporaryFile(directory: spillDirectory) }
        var value: [UInt8] = []
        for item in items {
            value.removeAll(keepingCapacity: true)
            Self.encode(item, into: &value)
            try waiting!.appendFramed(value)
        }
    }

    /// Takes the finished evidence file and handles the rows that waited for it, in order:
    /// chunks of them are rendered on two other threads while this one writes the chunk
    /// before (writing the audit's bytes is as much work as rendering them).
    private func resume(_ work: BackgroundWork<EvidenceFile>) throws {
        evidence = try work.wait()
        guard let parked = waiting else { return }
        waiting = nil
        var rendering: BackgroundWork<[Rendered]>?
        // On a failure, the chunk being rendered is waited for before the error goes up.
        defer { _ = try? rendering?.wait() }
        func writeRendered() throws {
            guard let done = rendering else { return }
            rendering = nil
            for rendered in try done.wait() { try write(rendered) }
        }
        var chunk: [Item] = []
        func handOver() throws {
            let items = chunk
            chunk = []
            let next = BackgroundWork { [self] in try renderInParallel(items) }
            try writeRendered()
            rendering = next
        }
        try parked.forEachFramed { value in
            guard let item = Self.decode(value) else {
                throw parked.corrupt("waiting audit rows", "a row does not read back as written")
            }
            chunk.append(item)
            if chunk.count >= renderChunk { try handOver() }
        }
        if !chunk.isEmpty { try handOver() }
        try writeRendered()
    }

    private static func encode(_ item: Item, into out: inout [UInt8]) {
        func int64(_ v: Int) { out.append(littleEndian: Int64(v)) }
        switch item {
        case .duplicate(let line, let key, let firstLine):
            out.append(0)
            int64(line)
            int64(firstLine)
            out += key
        case .suppress(let line, let key, let rule, let slot):
            out.append(1)
            int64(line)
            int64(slot.map(Int.init) ?? -1)
            out.append(UInt8(SuppressionRule.allCases.firstIndex(of: rule)!))
            out += key
        }
    }

    /// The row ``encode(_:into:)`` wrote; nil for bytes it cannot have written.
    private static func decode(_ raw: UnsafeRawBufferPointer) -> Item? {
        guard raw.count >= 17, raw[0] <= 1 else { return nil }
        let line = Int(raw.littleEndian(at: 1, as: Int64.self))
        let second = Int(raw.littleEndian(at: 9, as: Int64.self))
        if raw[0] == 0 {
            return .duplicate(line: line, key: Array(raw[17...]), firstLine: second)
        }
        guard raw.count >= 18, Int(raw[17]) < SuppressionRule.allCases.count, second < 1 << 32 else { return nil }
        return .suppress(line: line, key: Array(raw[18...]), rule: SuppressionRule.allCases[Int(raw[17])],
                         slot: second < 0 ? nil : UInt32(second))
    }

    /// What one removed row writes: its audit line, and its `suppressed.csv` row (with the
    /// key, for clean-v1's sorted layout).
    typealias RenderedRows = Rendered

    struct Rendered {
        var audit: [UInt8] = []
        var suppressed: [UInt8]?
        var key: [UInt8] = []
    }

    private func handle(_ item: Item) throws {
        try write(render(item))
    }

    /// Renders one row; reads only immutable state and the evidence file, so any thread may call it.
    private func render(_ item: Item) throws -> Rendered {
        switch item {
        case .duplicate(let line, let key, let firstLine):
            var json = JSONWriter()
            json.beginObject()
            json.int("line", line)
            json.string("address", String(decoding: key, as: UTF8.self))
            json.string("action", "drop_duplicate")
            json.int("duplicate_of_line", firstLine)
            json.endObject()
            return Rendered(audit: json.takeLine())
        case .suppress(let line, let key, let rule, let slot):
            let email = String(decoding: key, as: UTF8.self)
            let record = try slot.map { slot -> SuppressionRecord in
                guard let evidence else { throw Stopped() }
                return try evidence.record(slot)
            }
            // An invalid address is suppressed whatever the history says; clean-v1 still counts its bounces.
            let decision = rule == .invalidAddress ? Decision.invalid : record?.decision ?? Decision.invalid
            let evidenceCount = rule == .invalidAddress ? 0 : record?.evidenceCount ?? 0
            let row: [UInt8]
            switch format {
            case .listwash:
                row = CSVText.line([
                    email, decision.rule.rawValue, decision.reason, decision.kind, String(evidenceCount),
                    decision.firstSeen.map(Timestamp.format) ?? "", decision.lastSeen.map(Timestamp.format) ?? "",
                ])
            case .cleanV1:
                // Every bounce of the address counts here, whatever its kind (invalid addresses too).
                let bounces = record?.bounces ?? BounceStats([])
                row = CSVText.line([
                    email, SuppressedFormat.cleanV1Reason(decision.rule), String(bounces.count),
                    bounces.first.map(Timestamp.format) ?? "", bounces.last.map(Timestamp.format) ?? "",
                ])
            }
            let audit = Self.auditRecord(line: line, key: key, decision: decision,
                                         evidence: rule == .invalidAddress ? [] : record?.evidence ?? [],
                                         policy: policy, asOf: asOf, newline: true, tail: tails[decision.rule])
            return Rendered(audit: audit, suppressed: row, key: key)
        }
    }

    /// Writes one rendered row (in list order).
    private func write(_ rendered: Rendered) throws {
        guard let audit, let suppressed else { throw Stopped() }
        if let row = rendered.suppressed {
            switch format {
            case .listwash: try suppressed.write(row)
            case .cleanV1: try sorter?.append(key: rendered.key, value: row)
            }
            suppressed.countRow()
        }
        try audit.write(rendered.audit)
        audit.countRow()
    }

    /// Renders rows that waited for the evidence two ways at once (the list pass has usually
    /// ended by then, so the cores are free), in order.
    private func renderInParallel(_ items: [Item]) throws -> [Rendered] {
        let half = (items.count + 1) / 2
        let results = RenderedHalves()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let range = part == 0 ? 0..<half : half..<items.count
            do {
                results.set(part, .success(try range.map { try render(items[$0]) }))
            } catch {
                results.set(part, .failure(error))
            }
        }
        return try results.get(0) + results.get(1)
    }

    /// One audit line (with its line feed when `newline`); `evidence` is the evidence events'
    /// JSON objects separated by commas. `tail` is ``auditTail(rule:policy:asOf:)`` for the
    /// decision's rule, when the caller keeps it (it is the same for every line of a rule).
    static func auditRecord(line: Int, key: [UInt8], decision: Decision, evidence: [UInt8],
                            policy: Policy, asOf: Int64, newline: Bool = false, tail: [UInt8]? = nil) -> [UInt8] {
        var json = JSONWriter()
        json.reserveCapacity(evidence.count + 512)
        json.beginObject()
        json.int("line", line)
        json.string("address", String(decoding: key, as: UTF8.self))
        json.string("action", "suppress")
        json.string("rule", decision.rule.rawValue)
        json.string("reason", decision.reason)
        json.string("kind", decision.kind)
        var bytes = json.takeBytes()
        bytes += tail ?? auditTail(rule: decision.rule, policy: policy, asOf: asOf)
        bytes += evidence
        bytes.append(UInt8(ascii: "]"))
        bytes.append(UInt8(ascii: "}"))
        if newline { bytes.append(0x0A) }
        return bytes
    }

    /// The part of an audit line that depends only on the rule, the policy and the time:
    /// `,"as_of":…,"policy":{…},"evidence":[` (the policy values the rule used).
    static func auditTail(rule: SuppressionRule, policy: Policy, asOf: Int64) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.string("as_of", Timestamp.format(asOf))
        json.beginObject("policy")
        switch rule {
        case .invalidAddress:
            json.string("address.syntax", policy.address.syntax.rawValue)
        case .hardBounce:
            json.bool("hard_bounce.suppress", policy.hardBounce.suppress)
            json.bool("hard_bounce.delivery_clears", policy.hardBounce.deliveryClears)
        case .complaint:
            json.bool("complaint_suppresses", policy.complaintSuppresses)
        case .unsubscribe:
            json.bool("unsubscribe_suppresses", policy.unsubscribeSuppresses)
        case .mailboxFull:
            json.int("mailbox_full.threshold", policy.mailboxFull.threshold)
            json.int("stale_after_days", policy.staleAfterDays)
        case .softBounceEscalation:
            json.int("soft_bounce.threshold", policy.softBounce.threshold)
            json.number("soft_bounce.min_span_hours", policy.softBounce.minSpanHours)
            json.bool("mailbox_full.counts_as_soft", policy.mailboxFull.countsAsSoft)
            json.int("stale_after_days", policy.staleAfterDays)
        }
        json.endObject()
        json.beginArray("evidence")
        // The object is continued, not opened: its "{" becomes the comma after "kind".
        var bytes = json.takeBytes()
        bytes[0] = UInt8(ascii: ",")
        return bytes
    }
}

/// The two halves' results of ``AuditConsumer``'s parallel rendering.
///
/// `@unchecked Sendable`: written by the two rendering threads (each its own half) and read
/// by the consumer thread after both have ended, always under `lock`; it lives for one chunk.
private final class RenderedHalves: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [Result<[AuditConsumer.RenderedRows], any Error>?] = [nil, nil]

    func set(_ part: Int, _ result: Result<[AuditConsumer.RenderedRows], any Error>) {
        lock.lock()
        parts[part] = result
        lock.unlock()
    }

    func get(_ part: Int) throws -> [AuditConsumer.RenderedRows] {
        lock.lock()
        defer { lock.unlock() }
        return try parts[part]?.get() ?? []
    }
}
