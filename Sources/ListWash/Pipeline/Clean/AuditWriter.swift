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
/// `@unchecked Sendable`: made by the driver, then used by the thread running ``drain(_:)``
/// alone until the driver has joined that thread (``writeSortedRows()`` comes after). Its
/// rendering helpers (``renderInParallel(_:)``) read only its lets and the evidence file,
/// which is set before they start and not changed while they run.
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
    /// Rows that waited for the evidence are rendered this many at a time (set before ``drain(_:)``).
    var renderChunk = 8_192
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
    /// or cancels, then closes the queue (with the error, if one stopped it).
    func drain(_ queue: AuditQueue) {
        do {
            while let rows = queue.take() {
                if evidence == nil, let work = evidenceWork {
                    guard work.isFinished else {
                        try park(rows)
                        continue
                    }
                    try resume(work)
                }
                for row in rows { try write(render(row)) }
            }
            if evidence == nil, let work = evidenceWork { try resume(work) }
            queue.close(failure: nil)
        } catch {
            queue.close(failure: error)
        }
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
        var chunk: [RemovedRow] = []
        func handOver() throws {
            let rows = chunk
            chunk = []
            let next = BackgroundWork { [self] in try renderInParallel(rows) }
            try writeRendered()
            rendering = next
        }
        try parked.forEachFramed { value in
            guard let row = RemovedRow.decode(value) else {
                throw parked.corrupt("waiting audit rows", "a row does not read back as written")
            }
            chunk.append(row)
            if chunk.count >= renderChunk { try handOver() }
        }
        if !chunk.isEmpty { try handOver() }
        try writeRendered()
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

    /// Renders rows that waited for the evidence two ways at once (the list pass has usually
    /// ended by then, so the cores are free), in order.
    private func renderInParallel(_ rows: [RemovedRow]) throws -> [Rendered] {
        let half = (rows.count + 1) / 2
        let results = RenderedHalves()
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let range = part == 0 ? 0..<half : half..<rows.count
            do {
                results.set(part, .success(try range.map { try render(rows[$0]) }))
            } catch {
                results.set(part, .failure(error))
            }
        }
        return try results.get(0) + results.get(1)
    }
}

/// The two halves' results of ``AuditWriter``'s parallel rendering.
///
/// `@unchecked Sendable`: written by the two rendering threads (each its own half) and read
/// by the audit thread after both have ended, always under `lock`; it lives for one chunk.
private final class RenderedHalves: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [Result<[AuditWriter.Rendered], any Error>?] = [nil, nil]

    func set(_ part: Int, _ result: Result<[AuditWriter.Rendered], any Error>) {
        lock.lock()
        parts[part] = result
        lock.unlock()
    }

    func get(_ part: Int) throws -> [AuditWriter.Rendered] {
        lock.lock()
        defer { lock.unlock() }
        return try parts[part]?.get() ?? []
    }
}
