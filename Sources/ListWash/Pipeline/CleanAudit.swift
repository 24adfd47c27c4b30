import Foundation

/// `clean`'s second thread: the list pass hands it the removed rows (duplicates and
/// suppressions) in list order, in batches through a bounded queue; it reads each
/// suppressed address's evidence from the history through its own SQLite connection and
/// writes `audit.jsonl` and the `suppressed.csv` rows (or, for clean-v1's sorted layout,
/// hands them to an ``ExternalSorter``) in that same order.
///
/// An error on this thread stops it; the list pass sees it at its next hand-over (or at
/// ``finish()``) and fails the run, so no partial output is committed.
final class AuditConsumer: @unchecked Sendable {
    enum Item {
        case duplicate(line: Int, key: [UInt8], firstLine: Int)
        case suppress(line: Int, key: [UInt8], decision: Decision)
    }

    /// Thrown to the list pass when this thread stopped without an error of its own (never
    /// expected; it keeps a hand-over from waiting forever).
    struct Stopped: Error {}

    // Set once before start; read only by the consumer thread afterwards.
    private let store: HistoryStore
    private let policy: Policy
    private let engine: PolicyEngine
    private let asOf: Int64
    private let format: SuppressedFormat
    // Set by the list pass before its first hand-over (the queue's lock orders the writes).
    private var audit: OutputFile?
    private var suppressed: OutputFile?
    private var sorter: ExternalSorter?

    private let condition = NSCondition()
    private var queue: [[Item]] = []
    private let capacity = 8
    private var ended = false
    private var cancelled = false
    private var ready = false
    private var done = false
    private var failure: (any Error)?
    /// The producer's batch being filled (list pass only).
    private var batch: [Item] = []
    private let batchSize = 512
    private var started = false

    init(store: HistoryStore, policy: Policy, asOf: Int64, format: SuppressedFormat) {
        self.store = store
        self.policy = policy
        engine = PolicyEngine(policy: policy)
        self.asOf = asOf
        self.format = format
        batch.reserveCapacity(batchSize)
    }

    /// Starts the thread and waits until its read transaction holds the history's shared
    /// lock (see ``consume()``); throws if that fails.
    func start() throws {
        let thread = Thread { [self] in consume() }
        thread.stackSize = 8 << 20
        started = true
        thread.start()
        condition.lock()
        defer { condition.unlock() }
        while !ready, !done { condition.wait() }
        if let failure { throw failure }
    }

    /// The outputs the thread writes; call before the first ``send(_:)``.
    func attach(audit: OutputFile, suppressed: OutputFile, sorter: ExternalSorter?) {
        condition.lock()
        self.audit = audit
        self.suppressed = suppressed
        self.sorter = sorter
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
            // The second connection's snapshot is the list pass's: the history uses the rollback
            // journal (not WAL), where a reader sees the database as last committed and a writer
            // can commit only when no connection holds a shared lock. The first read below takes
            // this connection's shared lock and `reading` keeps it until the end; `start()` waits
            // for it before the main connection reads anything, and the main connection holds its
            // own shared lock from its first read (inside its `reading`, which outlives this
            // thread) to the end of the run. From here on, no commit can land between the two:
            // both connections see the same snapshot.
            try store.reading {
                _ = try store.events(forKey: [], asOf: asOf, caseSensitive: policy.address.localPartCaseSensitive)
                condition.lock()
                ready = true
                condition.broadcast()
                condition.unlock()
                while let items = take() {
                    for item in items { try handle(item) }
                }
            }
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

    private func handle(_ item: Item) throws {
        guard let audit, let suppressed else { throw Stopped() }
        switch item {
        case .duplicate(let line, let key, let firstLine):
            var json = JSONWriter()
            json.beginObject()
            json.int("line", line)
            json.string("address", String(decoding: key, as: UTF8.self))
            json.string("action", "drop_duplicate")
            json.int("duplicate_of_line", firstLine)
            json.endObject()
            try audit.write(json.bytes + [0x0A])
            audit.countRow()
        case .suppress(let line, let key, let decision):
            let caseSensitive = policy.address.localPartCaseSensitive
            let email = String(decoding: key, as: UTF8.self)
            // One read of the address's events serves the evidence and clean-v1's bounce counts.
            var stored: [HistoryStore.StoredEvent]?
            var evidence: [HistoryStore.StoredEvent] = []
            if decision.rule != .invalidAddress {
                let events = try store.events(forKey: key, asOf: asOf, caseSensitive: caseSensitive)
                stored = events
                if let rederived = engine.decide(events.map(\.policyEvent), asOf: asOf) {
                    evidence = rederived.evidence.map { events[$0] }
                }
            }
            switch format {
            case .listwash:
                try suppressed.write(CSVText.line([
                    email, decision.rule.rawValue, decision.reason, decision.kind, String(evidence.count),
                    decision.firstSeen.map(Timestamp.format) ?? "", decision.lastSeen.map(Timestamp.format) ?? "",
                ]))
            case .cleanV1:
                // Every bounce of the address counts here, whatever its kind (invalid addresses too).
                var stats = decision.bounces
                if stats == nil {
                    let events = try stored ?? store.events(forKey: key, asOf: asOf, caseSensitive: caseSensitive)
                    stats = BounceStats(events.map(\.policyEvent))
                }
                let bounces = stats ?? BounceStats([])
                try sorter?.append(key: key, value: CSVText.line([
                    email, SuppressedFormat.cleanV1Reason(decision.rule), String(bounces.count),
                    bounces.first.map(Timestamp.format) ?? "", bounces.last.map(Timestamp.format) ?? "",
                ]))
            }
            suppressed.countRow()
            try audit.write(Self.auditRecord(line: line, key: key, decision: decision, evidence: evidence, policy: policy, asOf: asOf) + [0x0A])
            audit.countRow()
        }
    }

    static func auditRecord(line: Int, key: [UInt8], decision: Decision, evidence: [HistoryStore.StoredEvent],
                            policy: Policy, asOf: Int64) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.int("line", line)
        json.string("address", String(decoding: key, as: UTF8.self))
        json.string("action", "suppress")
        json.string("rule", decision.rule.rawValue)
        json.string("reason", decision.reason)
        json.string("kind", decision.kind)
        json.string("as_of", Timestamp.format(asOf))
        json.beginObject("policy")
        switch decision.rule {
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
        for e in evidence {
            json.beginObject()
            json.string("id", e.id.hexString)
            json.string("timestamp", Timestamp.format(e.timestamp))
            json.string("type", e.type.rawValue)
            json.int("reply_code", e.replyCode)
            json.string("enhanced_code", e.enhancedCode)
            json.string("diagnostic", e.diagnostic)
            json.string("reason", e.reason)
            json.string("kind", e.kind?.rawValue)
            json.string("classifier_rule", e.rule)
            json.string("provider_verdict", e.providerVerdict)
            json.string("source", e.source)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }
}
