import Foundation

/// `clean`'s audit stage, on a thread of its own: takes the removed rows from an
/// ``AuditQueue`` in list order, reads each suppressed address's record (decision, counts,
/// evidence in binary) from the ``EvidenceFile``, renders its line (the evidence's JSON too)
/// and writes `audit.jsonl` and the `suppressed.csv` rows (or, for clean-v1's sorted layout,
/// hands them to an ``ExternalSorter``, written out by ``writeSortedRows()``) in that same order.
///
/// Input: the queue, the evidence file being built on another thread, the policy and time the
/// audit lines name, the two outputs. Output: those files' bytes; an error closes the queue
/// with it, so the list pass fails the run.
///
/// Rows are rendered a chunk at a time, each chunk on a thread of its own, up to
/// ``renderAhead`` chunks ahead of the one this thread writes: rendering (the evidence's JSON)
/// and writing (the hash chain, the file's hash, the sorter) are about equal work, and the
/// chunks keep both cores busy whether the rows arrive during the list pass or wait for the
/// evidence. The chunks are written in order, so the files' bytes do not depend on the threads.
///
/// `@unchecked Sendable`: made by the driver, then used by the thread running ``drain(_:)``
/// alone until the driver has joined that thread (``writeSortedRows()`` comes after). Its
/// rendering threads read only its lets and the evidence file, which is set before the first
/// of them starts and not changed while they run; ``drain(_:)`` waits for every one of them.
final class AuditWriter: @unchecked Sendable {
    private let policy: Policy
    private let asOf: Int64
    private let format: SuppressedFormat
    /// Each rule's ``AuditLine/tail(rule:policy:asOf:)``, rendered once.
    private let tails: [SuppressionRule: [UInt8]]
    private let audit: OutputFile
    private let suppressed: OutputFile
    /// clean-v1's rows, sorted by address (nil for the listwash layout, written in list order).
    private let sorter: ExternalSorter?
    /// The evidence file, being built on another thread while the list pass runs.
    private let evidenceWork: BackgroundWork<EvidenceFile>?
    private var evidence: EvidenceFile?
    /// Rows handed over before the evidence file was ready, in order, on disk (so memory stays bounded).
    private var waiting: TemporaryFile?
    /// Where waiting rows and the sorter's runs go.
    private let directory: String
    /// Rows are rendered this many at a time, a thread each (set before ``drain(_:)``).
    var renderChunk = 4_096
    /// Chunks rendered at most ahead of the one being written (set before ``drain(_:)``).
    var renderAhead = 3
    /// Rows not yet handed to a rendering thread, in order.
    private var pending: [RemovedRow] = []
    /// The chunks being rendered, in order.
    private var rendering: [BackgroundWork<[Rendered]>] = []
    /// The domains the history scan judged dead (set before ``drain(_:)``).
    var deadDomains: Set<String> = []
    /// Per dead domain, the list rows removed because of it (read after ``drain(_:)`` ends).
    private(set) var removedByDeadDomain: [String: Int] = [:]
    /// Suppressed rows per deciding reason; read once the thread running ``drain(_:)`` has been joined.
    private(set) var removedByReason: [String: Int] = [:]
    /// The audit's hash chain, linked record by record in output order (``AuditChain``); its
    /// ``AuditChain/manifestEntry`` is final once the thread running ``drain(_:)`` has been joined.
    private(set) var chain = AuditChain()

    /// `evidence` may still be running: rows that arrive before it ends wait on disk in
    /// `directory`, so the list pass never waits for it.
    init(policy: Policy, asOf: Int64, format: SuppressedFormat, audit: OutputFile, suppressed: OutputFile,
         evidence: BackgroundWork<EvidenceFile>?, directory: String, sortMemoryBudget: Int) {
        self.policy = policy
        self.asOf = asOf
        self.format = format
        tails = Dictionary(uniqueKeysWithValues: SuppressionRule.allCases.map { ($0, AuditLine.tail(rule: $0, policy: policy, asOf: asOf)) })
        self.audit = audit
        self.suppressed = suppressed
        sorter = format == .cleanV1 ? ExternalSorter(directory: directory, memoryBudget: sortMemoryBudget) : nil
        evidenceWork = evidence
        self.directory = directory
    }

    /// The thread's body: handles every batch `queue` hands over until the producer finishes
    /// or cancels, then closes the queue (with the error, if one stopped it). Every rendering
    /// thread it started has ended when it returns.
    func drain(_ queue: AuditQueue) {
        do {
            defer { for work in rendering { _ = try? work.wait() } }
            while let rows = queue.take() {
                if evidence == nil, let work = evidenceWork {
                    guard work.isFinished else {
                        try park(rows)
                        continue
                    }
                    try resume(work)
                }
                try submit(rows)
            }
            if evidence == nil, let work = evidenceWork { try resume(work) }
            if !pending.isEmpty { try startRendering() }
            while !rendering.isEmpty { try writeRendered() }
            queue.close(failure: nil)
        } catch {
            queue.close(failure: error)
        }
    }

    /// Adds rows to the pending chunk, starting chunks as they fill.
    private func submit<Rows: Collection<RemovedRow>>(_ rows: Rows) throws {
        pending.append(contentsOf: rows)
        if pending.count >= renderChunk { try startRendering() }
    }

    /// Starts rendering the pending rows on a thread of their own, after writing the oldest
    /// chunk if as many are ahead as may be.
    private func startRendering() throws {
        if rendering.count >= renderAhead { try writeRendered() }
        let rows = pending
        pending = []
        pending.reserveCapacity(renderChunk)
        rendering.append(BackgroundWork { [self] in try rows.map { try render($0) } })
    }

    /// Waits for the oldest chunk and writes it.
    private func writeRendered() throws {
        let work = rendering.removeFirst()
        for rendered in try work.wait() { try write(rendered) }
    }

    /// Writes clean-v1's sorted rows to `suppressed.csv` (nothing for the listwash layout);
    /// call once the thread running ``drain(_:)`` has been joined.
    func writeSortedRows() throws {
        try sorter?.finish().forEach { _, line in try suppressed.write(line) }
    }

    /// Keeps rows that arrived before the evidence file is ready.
    private func park(_ rows: [RemovedRow]) throws {
        if waiting == nil { waiting = try TemporaryFile(directory: directory) }
        var value: [UInt8] = []
        for row in rows {
            value.removeAll(keepingCapacity: true)
            row.encode(into: &value)
            try waiting!.appendFramed(value)
        }
    }

    /// Takes the finished evidence file and hands the rows that waited for it, in order, to
    /// the rendering threads.
    private func resume(_ work: BackgroundWork<EvidenceFile>) throws {
        evidence = try work.wait()
        guard let parked = waiting else { return }
        waiting = nil
        try parked.forEachFramed { value in
            guard let row = RemovedRow.decode(value) else {
                throw parked.corrupt("waiting audit rows", "a row does not read back as written")
            }
            try submit(CollectionOfOne(row))
        }
    }

    /// What one removed row writes: its audit line, and its `suppressed.csv` row (with the
    /// key, for clean-v1's sorted layout).
    struct Rendered {
        var audit: [UInt8] = []
        var suppressed: [UInt8]?
        var key: [UInt8] = []
        /// The dead domain whose failure removed the row.
        var deadDomain: String?
        /// The deciding reason of a suppressed row (for the report's counts).
        var reason: String?
    }

    /// Renders one row; reads only immutable state and the evidence file, so any thread may call it.
    private func render(_ row: RemovedRow) throws -> Rendered {
        switch row {
        case .duplicate(let line, let key, let firstLine):
            return Rendered(audit: AuditLine.duplicate(line: line, key: key, firstLine: firstLine))
        case .allowed(let line, let key, let slot):
            guard let evidence else { throw AuditQueue.Stopped() }
            let record = try evidence.record(slot)
            guard let decision = record.decision else {
                throw OutputError.writeFailed(path: audit.path, reason: "the record of an allowed address has no decision")
            }
            let text = try AuditLine.suppression(line: line, key: key, decision: decision, evidenceBytes: record.evidence.count * 4,
                                                 policy: policy, asOf: asOf, newline: true, tail: tails[decision.rule],
                                                 allowed: true) { try evidence.appendEvidence(of: record, to: &$0) }
            return Rendered(audit: text)
        case .suppress(let line, let key, let rule, let slot):
            let email = String(decoding: key, as: UTF8.self)
            let record = try slot.map { slot -> SuppressionRecord in
                guard let evidence else { throw AuditQueue.Stopped() }
                return try evidence.record(slot)
            }
            // An invalid address is suppressed whatever the history says; clean-v1 still counts its bounces.
            // So is a hashed list's or a forgotten address's, which have no events of their own.
            let standalone = Decision.withoutEvents(rule)
            let decision = standalone ?? record?.decision ?? Decision.invalid
            let evidenceCount = standalone != nil ? 0 : record?.evidenceCount ?? 0
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
            // The evidence's JSON is rendered here, on the audit's threads, from its records.
            let shown = standalone != nil ? nil : record
            let audit = try AuditLine.suppression(line: line, key: key, decision: decision, evidenceBytes: (shown?.evidence.count ?? 0) * 4,
                                                  policy: policy, asOf: asOf, newline: true, tail: tails[decision.rule]) { out in
                if let shown, let evidence { try evidence.appendEvidence(of: shown, to: &out) }
            }
            var dead: String?
            if !deadDomains.isEmpty, decision.rule == .hardBounce,
               DomainJudge.reasonClass(decision.reason) == .nonexistence, let at = key.lastIndex(of: UInt8(ascii: "@")) {
                let domain = String(decoding: key[(at + 1)...], as: UTF8.self)
                if deadDomains.contains(domain) { dead = domain }
            }
            return Rendered(audit: audit, suppressed: row, key: key, deadDomain: dead, reason: decision.reason)
        }
    }

    /// Writes one rendered row (in list order).
    private func write(_ rendered: Rendered) throws {
        if let reason = rendered.reason { removedByReason[reason, default: 0] += 1 }
        if let row = rendered.suppressed {
            switch format {
            case .listwash: try suppressed.write(row)
            case .cleanV1: try sorter?.append(key: rendered.key, value: row)
            }
            suppressed.countRow()
        }
        try chain.write(rendered.audit, to: audit)
        audit.countRow()
        if let domain = rendered.deadDomain { removedByDeadDomain[domain, default: 0] += 1 }
    }
}

