import Foundation
import Logging

/// Streams a subscriber list, joins it with the history as of a time, applies the policy and
/// writes `cleaned.csv` (or `cleaned.xml`), `suppressed.csv`, `audit.jsonl`, `rejects.csv` and `manifest.json`.
///
/// The run is a few stages, each a type with its input and output (see their declarations),
/// joined by ``run()``, which alone starts threads and decides the order of waiting for them:
///
/// 1. preflight, in ``run()``: the history opens, the list is readable, no output replaces an input;
/// 2. ``HistoryVerdicts/scan(_:request:directory:)`` on this thread, while a large list's
///    ``DuplicatePrepass`` runs on another;
/// 3. ``HistoryVerdicts/table(listKeys:)`` on this thread;
/// 4. ``ListPass`` on this thread, while ``HistoryVerdicts/evidence(history:)`` runs on another
///    and the ``AuditWriter`` on a third, fed through an ``AuditQueue``;
/// 5. ``GuardVerdict/judge(rows:removed:domains:limits:force:)``, ``RunReport``, ``CleanManifest``,
///    then ``OutputDirectory/commit()`` (``OutputDirectory/refuse()`` when the guard trips,
///    ``OutputDirectory/discard()`` for a dry run), on this thread;
/// 6. the run's row in the history's ledger (``LedgerEntry``), after the read.
///
/// A dry run (``CleanRequest/dryRun``) runs stages 1–5 in a scratch folder under `$TMPDIR`.
public struct CleanJob {
    public var request: CleanRequest
    public var logger: Logger
    public var progress: ((Progress) -> Void)?
    /// Called for every rejected row, after it is written to `rejects.csv`.
    public var onReject: ((Rejection) -> Void)?
    /// Called after each step of switching the output folder to the new set (a test hook).
    public var afterCommitStep: ((OutputDirectory.CommitStep) -> Void)?

    public init(request: CleanRequest, logger: Logger, progress: ((Progress) -> Void)? = nil) {
        self.request = request
        self.logger = logger
        self.progress = progress
    }

    /// The header names that mean "the address", lower-cased, in order of preference
    /// (Mailchimp, HubSpot, Klaviyo, Brevo, Salesforce and generic exports).
    public static let addressColumnNames = [
        "email", "email address", "e-mail", "e-mail address", "emailaddress", "email_address", "mail",
        "email_addr", "subscriber email", "contact email", "primary email", "recipient", "address",
    ]

    /// Finds the address column among header names (already unquoted).
    public static func addressColumn(in headers: [String], named: String?) -> Int? {
        let normalized = headers.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
        if let named {
            return normalized.firstIndex(of: named.trimmingCharacters(in: .whitespaces).lowercased())
        }
        for name in addressColumnNames {
            if let i = normalized.firstIndex(of: name) { return i }
        }
        let containing = normalized.indices.filter { normalized[$0].contains("email") || normalized[$0].contains("e-mail") }
        return containing.count == 1 ? containing[0] : nil
    }

    /// Runs the job. Outputs appear in the directory only if the whole run succeeds.
    public func run() throws -> CleanSummary {
        if request.isOneOff { return try runOneOff() }
        if case .postgres(let url) = HistoryLocation(request.historyPath) { return try runOnPostgres(url: url) }
        // Preflight: the history opens, the list is readable, and no output may replace an
        // input, before the output folder is created or touched.
        let history = try HistoryStore(path: request.historyPath, create: false)
        _ = try FileByteSource(path: request.listPath)
        let hashedList = try request.suppressHashed.map { try HashedSuppressionList(path: $0, key: request.suppressHashedKey) }
        if request.dryRun { return try history.reading { try dryRun(history: history, hashedList: hashedList) }.summary }
        try OutputGuard.refuseOverwrites(inputs: [request.listPath, request.historyPath] + (request.policyPath.map { [$0] } ?? [])
                                            + (request.suppressHashed.map { [$0] } ?? []),
                                         outputDirectory: request.outputDirectory)
        let finished = try history.reading { try run(history: history, out: try outputDirectory(request.outputDirectory), hashedList: hashedList) }
        // The run ledger, after the read: a history this run may not write still gets its outputs.
        do {
            try history.record(
                command: "clean", asOf: request.asOf, lastBlock: finished.lastBlock,
                outcome: finished.outcome, manifest: String(decoding: finished.manifest, as: UTF8.self),
                removals: finished.removals)
        } catch {
            logger.warning("the run is not recorded in the history's ledger", metadata: ["error": "\(error)"])
        }
        return finished.summary
    }

    /// `clean` against a PostgreSQL history: the driver reads a mirror of one snapshot of it
    /// (``PostgresMirror``, the same events, classifications, ledger and forgotten hashes in a
    /// scratch SQLite history), so the outputs are those the SQLite store gives; the run is
    /// recorded in the server's ledger, with the snapshot's last row.
    private func runOnPostgres(url: String) throws -> CleanSummary {
        let postgres = try PostgresHistory(url: url, create: false)
        _ = try FileByteSource(path: request.listPath)
        let hashedList = try request.suppressHashed.map { try HashedSuppressionList(path: $0, key: request.suppressHashedKey) }
        if !request.dryRun {
            try OutputGuard.refuseOverwrites(inputs: [request.listPath] + (request.policyPath.map { [$0] } ?? [])
                                                + (request.suppressHashed.map { [$0] } ?? []),
                                             outputDirectory: request.outputDirectory)
        }
        return try postgres.mirrored(writes: false, scope: .list(listJoin())) { mirror in
            let history = mirror.store
            let whole = mirror.wholeHistory
            if request.dryRun { return try history.reading { try dryRun(history: history, hashedList: hashedList, whole: whole) }.summary }
            let finished = try history.reading {
                try run(history: history, out: try outputDirectory(request.outputDirectory), hashedList: hashedList, whole: whole)
            }
            do {
                try postgres.record(command: "clean", asOf: request.asOf, lastEventNo: mirror.lastEventNo, outcome: finished.outcome,
                                    manifest: String(decoding: finished.manifest, as: UTF8.self), removals: finished.removals)
            } catch {
                logger.warning("the run is not recorded in the history's ledger", metadata: ["error": "\(error)"])
            }
            return finished.summary
        }
    }

    /// What the driver hands back: the summary, and what the run ledger records.
    struct Finished {
        var summary: CleanSummary
        var manifest: [UInt8]
        /// The removed keys and their rules, sorted, for the run ledger (nil for a dry run).
        var removals: LedgerEntry.RemovalsRecorder.Sorted?
        var lastBlock: Int64

        /// The ledger's outcome: refused, forced or written.
        var outcome: String {
            summary.refusedFolder != nil ? "refused" : summary.guardVerdict?.outcome == .forced ? "forced" : "written"
        }
    }

    /// The output folder at `path` (locked, with a new staging folder), with the test hook set.
    private func outputDirectory(_ path: String) throws -> OutputDirectory {
        let out = try OutputDirectory(path: path)
        out.afterStep = afterCommitStep
        return out
    }

    /// What a one-off run (``CleanRequest/eventFiles``) hands the driver: the event files'
    /// counts, the scratch history to remove once read, and `rejects.csv`, which already holds
    /// the event files' rejected records.
    struct OneOff {
        var files: [IngestFileSummary]
        var historyPath: String
        var rejects: OutputFile

        /// Removes the scratch history (its connections may stay open until the run ends).
        func removeHistory() {
            for suffix in ["", "-journal"] { _ = unlink(historyPath + suffix) }
        }
    }

    /// The driver: starts each stage, on this thread or another, and waits for them in order.
    /// Every way out of it waits for the threads it started before the staging folder goes.
    /// `whole`: a list's mirror of a PostgreSQL history holds part of it; the server gave the
    /// whole history's events and fingerprint (``PostgresMirror/wholeHistory``).
    private func run(history: HistoryStore, out: OutputDirectory, hashedList: HashedSuppressionList?, oneOff: OneOff? = nil,
                     whole: (events: Int, digest: [UInt8])? = nil) throws -> Finished {
        let started = ContinuousClock.now
        /// Seconds since the run started, for the stages' log lines.
        let elapsed = { () -> Logger.MetadataValue in
            let d = (ContinuousClock.now - started).components
            return "\(String(format: "%.2f", Double(d.seconds) + Double(d.attoseconds) / 1e18)) s"
        }
        let lastBlock = try history.lastEventBlock()
        let trend = RunReport.trend(ledger: try history.ledger(), listPath: request.listPath, asOf: request.asOf)

        // A large list's duplicates are found by a pre-pass over it, on the other core while
        // this one scans the history.
        let prepass = DuplicatePrepass(request: request, directory: out.staging).map { stage in BackgroundWork { try stage.run() } }
        defer { _ = try? prepass?.wait() }

        let classificationNotice = try history.classificationMismatch(current: ClassificationIdentity(policy: request.policy))
        if let classificationNotice { logger.warning("\(classificationNotice)") }
        let verdicts = try HistoryVerdicts.scan(history, request: request, directory: out.staging)
        logger.info("history scanned", metadata: ["events": "\(verdicts.events)", "suppressed_addresses": "\(verdicts.suppressedAddresses)", "at": elapsed()])
        let duplicates = try prepass?.wait() ?? DuplicateIndex()
        if prepass != nil { logger.info("duplicates found by a pre-pass", metadata: ["duplicates": "\(duplicates.sortedDuplicates)", "at": elapsed()]) }
        // Released when the list pass ends (below).
        var table: CompactFingerprintTable? = try verdicts.table(listKeys: duplicates.keys)
        // Before the evidence's thread takes the history's connection.
        let forgotten = try history.forgottenAddresses()

        // The evidence rows are read on the other core while this one reads the list: the
        // history's connection is that thread's alone until it ends (the list pass does not
        // touch the history, and every way out of this function waits for it first).
        let evidence = BackgroundWork { [logger] in
            let file = try verdicts.evidence(history: history)
            logger.info("evidence read", metadata: ["events": "\(file.referenceCount)", "at": elapsed()])
            return file
        }
        defer { _ = try? evidence.wait() }

        let list = try request.openList()
        let cleaned = try out.create(list.cleanedFileName)
        let suppressed = try out.create("suppressed.csv")
        let audit = try out.create("audit.jsonl")
        let rejects: OutputFile
        if let oneOff {
            rejects = oneOff.rejects
        } else {
            rejects = try out.create("rejects.csv")
            try rejects.write(CSVText.line(["file", "line", "error", "raw"]))
        }
        try suppressed.write(CSVText.line(request.suppressedFormat.header))

        // The audit's thread writes the removed rows' audit lines while this one reads the list.
        let removed = AuditQueue()
        let writer = AuditWriter(policy: request.policy, asOf: request.asOf, format: request.suppressedFormat,
                                 audit: audit, suppressed: suppressed, evidence: evidence,
                                 directory: out.staging, sortMemoryBudget: request.sortMemoryBudget)
        writer.deadDomains = Set(verdicts.domainFindings.dead.map(\.domain))
        let auditThread = BackgroundWork { writer.drain(removed) }
        defer {
            removed.cancel()
            _ = try? auditThread.wait()
        }

        // The list pass in a scope of its own: the verdict table (64 MiB at L) is freed when it
        // ends, not held through the audit's rendering after it (where clean's peak was).
        let (read, removals) = try { () throws -> (ListPass.Output, LedgerEntry.RemovalsRecorder.Sorted?) in
            let verdictTable = table!
            table = nil
            var pass = ListPass(list: list, path: request.listPath, rules: request.policy.addressRules, duplicates: duplicates,
                                verdicts: verdictTable, cleaned: cleaned, rejects: rejects, removed: removed,
                                progress: progress, onReject: onReject)
            pass.hashed = hashedList
            pass.forgotten = forgotten
            pass.shard = request.shard
            // The ledger's record of the removals spills beside the other sorts, in bounded memory.
            if !request.dryRun {
                pass.removals = LedgerEntry.RemovalsRecorder(directory: out.staging, memoryBudget: request.sortMemoryBudget / 4)
            }
            let read = try pass.run()
            // Sorted now, while the staging folder is there for a merge's runs; read after the commit.
            return (read, try pass.removals?.finish())
        }()
        var summary = read.summary
        summary.historyEvents = whole?.events ?? verdicts.events
        summary.domainFindings = verdicts.domainFindings
        summary.classificationNotice = classificationNotice
        summary.domains = read.domains.counts
        summary.dryRun = request.dryRun
        summary.eventFiles = oneOff?.files
        // A shard is part of a list: `listwash merge` judges the whole list's counts.
        let verdict = request.shard != nil
            ? GuardVerdict(outcome: .notApplied, rows: summary.rowsRead - summary.rejected, removed: summary.suppressedTotal,
                           limits: request.policy.guard, trips: [])
            : GuardVerdict.judge(rows: summary.rowsRead - summary.rejected, removed: summary.suppressedTotal,
                                 domains: summary.domains, limits: request.policy.guard, force: request.allowMassRemoval)
        summary.guardVerdict = verdict
        if !verdict.allowsCommit, !request.dryRun { summary.refusedFolder = "\(request.outputDirectory)/\(out.refusedName)" }
        logger.info("list read", metadata: ["rows": "\(summary.rowsRead)", "at": elapsed()])
        try removed.finish()
        try auditThread.wait()
        for i in summary.domainFindings.dead.indices {
            summary.domainFindings.dead[i].listRowsRemoved = writer.removedByDeadDomain[summary.domainFindings.dead[i].domain] ?? 0
        }
        logger.info("audit written", metadata: ["at": elapsed()])
        if let prepassDigest = duplicates.prepassDigest, prepassDigest != read.listDigest {
            throw InputError.unreadable(path: request.listPath, reason: "the file changed while it was being read")
        }
        try writer.writeSortedRows()
        progress?(Progress(rows: summary.rowsRead, bytes: summary.bytesRead))
        // The evidence is read and the audit written: a one-off run's history is done with.
        oneOff?.removeHistory()

        // The report, then the manifest, last, with every output's hash; then the set replaces the previous one.
        let report = RunReport(listPath: request.listPath, asOf: request.asOf, summary: summary,
                               removedByReason: writer.removedByReason, trend: trend)
        let reportJSON = try out.create("report.json")
        try reportJSON.write(report.json)
        let reportHTML = try out.create("report.html")
        try reportHTML.write(report.html)
        let outputs = [cleaned, suppressed, audit, rejects, reportJSON, reportHTML]
        for output in outputs { try output.close() }
        let manifest = try out.create("manifest.json")
        let manifestBytes = CleanManifest(request: request, summary: summary, listDigest: read.listDigest,
                                          historyDigest: whole?.digest ?? verdicts.digest, outputs: outputs,
                                          auditChain: writer.chain.manifestEntry, eventFiles: oneOff?.files,
                                          listRows: read.listRows).bytes
        try manifest.write(manifestBytes)
        if request.dryRun {
            out.discard()
        } else if verdict.allowsCommit {
            try out.commit()
        } else {
            try out.refuse()
            logger.info("the blast-radius guard refused the run; the previous outputs stay", metadata: ["trips": "\(verdict.trips.count)"])
        }
        return Finished(summary: summary, manifest: manifestBytes, removals: removals, lastBlock: lastBlock)
    }

    /// `--dry-run`: the whole run, in a private scratch folder in the system's temporary folder
    /// that is removed afterwards; the output folder is neither created nor touched.
    private func dryRun(history: HistoryStore, hashedList: HashedSuppressionList?, whole: (events: Int, digest: [UInt8])? = nil) throws -> Finished {
        let base = ScratchFolder.systemTemporaryFolder
        let scratch = try ScratchFolder(in: base, prefix: "listwash-dry-run-")
        defer { scratch.remove() }
        return try run(history: history, out: try outputDirectory(scratch.path), hashedList: hashedList, whole: whole)
    }

    /// `clean --events`: the event files are read into a scratch history inside the run's
    /// staging folder (no journal, no syncs; see ``HistoryStore/isScratch``), which the run
    /// then reads exactly as `clean` reads a history and removes before its outputs are
    /// switched in. The outputs are those of `ingest` into a fresh history, then `clean`;
    /// the manifest names the event files instead of a history, and `rejects.csv` also holds
    /// the event files' rejected records (first). Nothing is written to the run ledger.
    private func runOneOff() throws -> CleanSummary {
        // Shards share one history; a one-off run's history is its own.
        if let shard = request.shard { throw CleanError.shardOfOneOff(shard: shard.description) }
        // Preflight: every input there and readable before anything is created.
        for file in request.eventFiles { try IngestJob.checkReadable(file) }
        _ = try FileByteSource(path: request.listPath)
        let hashedList = try request.suppressHashed.map { try HashedSuppressionList(path: $0, key: request.suppressHashedKey) }
        if request.dryRun {
            let base = ScratchFolder.systemTemporaryFolder
            let scratch = try ScratchFolder(in: base, prefix: "listwash-dry-run-")
            defer { scratch.remove() }
            return try oneOff(out: try outputDirectory(scratch.path), hashedList: hashedList).summary
        }
        try OutputGuard.refuseOverwrites(inputs: [request.listPath] + request.eventFiles + (request.policyPath.map { [$0] } ?? [])
                                            + (request.suppressHashed.map { [$0] } ?? []),
                                         outputDirectory: request.outputDirectory)
        return try oneOff(out: try outputDirectory(request.outputDirectory), hashedList: hashedList).summary
    }

    /// The one-off run in `out`: the event files into the scratch history (both cores, as
    /// `ingest`), then the driver on it.
    private func oneOff(out: OutputDirectory, hashedList: HashedSuppressionList?) throws -> Finished {
        let started = ContinuousClock.now
        let historyPath = "\(out.staging)/one-off-history.sqlite"
        let rejects = try out.create("rejects.csv")
        try rejects.write(CSVText.line(["file", "line", "error", "raw"]))
        var ingest = IngestJob(historyPath: historyPath, policy: request.policy, format: request.eventFormat, logger: logger) { [onReject] rejection in
            try rejects.write(CSVText.line([rejection.file, String(rejection.line), rejection.reason, rejection.raw]))
            rejects.countRow()
            onReject?(rejection)
        }
        ingest.scratchHistory = true
        ingest.importOptions = request.eventImportOptions
        let files = try ingest.run(files: request.eventFiles)
        let took = (ContinuousClock.now - started).components
        logger.info("events read into a scratch history", metadata: [
            "new": "\(files.reduce(0) { $0 + $1.new })",
            "took": "\(String(format: "%.2f", Double(took.seconds) + Double(took.attoseconds) / 1e18)) s"])
        let history = try HistoryStore(path: historyPath, create: false)
        let oneOff = OneOff(files: files, historyPath: historyPath, rejects: rejects)
        defer { oneOff.removeHistory() }
        return try history.reading { try run(history: history, out: out, hashedList: hashedList, oneOff: oneOff) }
    }
}
