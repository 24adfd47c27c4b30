import Foundation
import Logging

/// Streams a subscriber list, joins it with the history as of a time, applies the policy and
/// writes `cleaned.csv` (or `cleaned.xml`), `suppressed.csv`, `audit.jsonl`, `rejects.csv` and `manifest.json`.
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
        let history = try HistoryStore(path: request.historyPath, create: false)
        // The list must be readable, and no output may replace an input, before the output
        // folder is created or touched.
        _ = try FileByteSource(path: request.listPath)
        try OutputGuard.refuseOverwrites(inputs: [request.listPath, request.historyPath] + (request.policyPath.map { [$0] } ?? []),
                                         outputDirectory: request.outputDirectory)
        return try history.reading { try run(history: history) }
    }

    private func run(history: HistoryStore) throws -> CleanSummary {
        let started = ContinuousClock.now
        /// Seconds since the run started, for the phases' log lines.
        let elapsed = { () -> Logger.MetadataValue in
            let d = (ContinuousClock.now - started).components
            return "\(String(format: "%.2f", Double(d.seconds) + Double(d.attoseconds) / 1e18)) s"
        }
        let policy = request.policy
        let rules = policy.addressRules
        let engine = PolicyEngine(policy: policy)

        // The audit's thread: it writes the removed rows' audit lines while this one reads the list.
        let auditor = AuditConsumer(policy: policy, asOf: request.asOf, format: request.suppressedFormat)
        auditor.start()
        defer { auditor.stop() }
        let out = try OutputDirectory(path: request.outputDirectory)
        out.afterStep = afterCommitStep

        // A large list's duplicates are found by a pre-pass over it, on the other core while
        // this one reads the history.
        let openList = { [request] in
            try SubscriberListFormat.open(path: request.listPath, delimiter: request.delimiter, emailColumn: request.emailColumn,
                                          encoding: request.encoding, recordName: request.recordName, emailField: request.emailField)
        }
        let prepass = DuplicateIndex.wantsPrepass(path: request.listPath, threshold: request.largeListBytes)
            ? BackgroundWork { [request] in
                try DuplicateIndex(prepass: openList, rules: rules, directory: out.staging, memoryBudget: request.sortMemoryBudget)
            }
            : nil
        // On a failure below, the pre-pass is waited for before the staging folder goes.
        defer { _ = try? prepass?.wait() }

        // 1. The history's verdicts, as of the run's time: one slot per suppressed address, its
        //    record (decision, counts, evidence) in temporary files, 16 bytes of it in memory.
        let cleanV1 = request.suppressedFormat == .cleanV1
        let builder = try EvidenceFile.Builder(directory: out.staging, memoryBudget: request.sortMemoryBudget,
                                               highestEvent: try history.highestEventNumber())
        // clean-v1 counts the bounces of an invalid address too: its counts are kept if it has any.
        let keepsCounts = { (key: [UInt8]) in cleanV1 && !rules.isValid(key) }
        // Most addresses have too few bounces to be suppressed: those skip the policy engine.
        let worthDeciding = { (key: [UInt8], bounces: Int, strong: Bool) -> Bool in
            engine.mightSuppress(bounces: bounces, strong: strong) || keepsCounts(key)
        }
        let scan = try history.forEachAddress(asOf: request.asOf, caseSensitive: rules.localPartCaseSensitive,
                                              worthDeciding: worthDeciding) { key, events, rows in
            let decision = engine.decide(events, asOf: request.asOf)
            guard decision != nil || keepsCounts(key) else { return }
            try builder.add(fingerprint: Fingerprint(key), decision: decision, bounces: cleanV1 ? BounceStats(events) : BounceStats([]), rows: rows)
        }
        logger.info("history scanned", metadata: ["events": "\(scan.events)", "suppressed_addresses": "\(builder.slots)", "at": elapsed()])
        let duplicates = try prepass?.wait() ?? DuplicateIndex()
        if prepass != nil { logger.info("duplicates found by a pre-pass", metadata: ["duplicates": "\(duplicates.sortedDuplicates)", "at": elapsed()]) }
        let verdicts = try builder.verdicts(keys: duplicates.keys)
        // The evidence rows are read on the other core while this one reads the list: the
        // history's connection is that thread's alone until it ends (the list pass does not
        // touch the history, and every way out of this function waits for it first).
        let evidence = BackgroundWork { [logger] in
            let file = try builder.finish(history: history)
            logger.info("evidence read", metadata: ["events": "\(file.referenceCount)", "at": elapsed()])
            return file
        }
        defer { _ = try? evidence.wait() }
        var summary = CleanSummary()
        summary.historyEvents = scan.events

        // 2. Stream the list.
        let list = try openList()
        let cleaned = try out.create(list.cleanedFileName)
        let suppressed = try out.create("suppressed.csv")
        let audit = try out.create("audit.jsonl")
        let rejects = try out.create("rejects.csv")
        try suppressed.write(CSVText.line(request.suppressedFormat.header))
        // clean-v1's layout is sorted by address: its rows go through an external sort and are written at the end.
        let sortedRows = request.suppressedFormat == .cleanV1
            ? ExternalSorter(directory: out.staging, memoryBudget: request.sortMemoryBudget) : nil
        try rejects.write(CSVText.line(["file", "line", "error", "raw"]))
        auditor.attach(audit: audit, suppressed: suppressed, sorter: sortedRows, evidence: evidence, spillDirectory: out.staging)

        let file = request.listPath
        var lastProgress = 0
        var row = 0

        try list.read { segment in
            let record: ListRecord
            switch segment {
            case .passthrough(let bytes):
                return try cleaned.write(bytes)
            case .record(let r):
                record = r
            }
            summary.rowsRead += 1
            row += 1
            if let p = progress, summary.rowsRead - lastProgress >= 65_536 {
                lastProgress = summary.rowsRead
                p(Progress(rows: summary.rowsRead, bytes: list.bytesRead))
            }
            guard let address = record.address else {
                let reason = record.error ?? "malformed record"
                summary.rejected += 1
                try rejects.write(CSVText.line([file, String(record.line), reason, record.text]))
                rejects.countRow()
                onReject?(Rejection(file: file, line: record.line, reason: reason, raw: record.text))
                return
            }
            let key = rules.key(address)
            let fingerprint = Fingerprint(key)
            if let first = try duplicates.firstLine(row: row, line: record.line, fingerprint: fingerprint) {
                summary.duplicates += 1
                return try auditor.send(.duplicate(line: record.line, key: key, firstLine: first))
            }
            let verdict = verdicts[fingerprint].map(Verdict.init(packed:))
            guard let rule = rules.isValid(key) ? verdict?.rule : .invalidAddress else {
                summary.kept += 1
                try cleaned.write(record.raw)
                cleaned.countRow()
                return
            }
            summary.suppressed[rule, default: 0] += 1
            try auditor.send(.suppress(line: record.line, key: key, rule: rule, slot: verdict?.slot))
        }
        logger.info("list read", metadata: ["rows": "\(summary.rowsRead)", "at": elapsed()])
        try auditor.finish()
        logger.info("audit written", metadata: ["at": elapsed()])
        // The digest can be taken once (it finalizes the hash).
        let listDigest = list.digest()
        if let prepass = duplicates.prepassDigest, prepass != listDigest {
            throw InputError.unreadable(path: request.listPath, reason: "the file changed while it was being read")
        }
        try sortedRows?.finish().forEach { _, line in try suppressed.write(line) }
        summary.bytesRead = list.bytesRead
        summary.format = list.dialectDescription
        summary.emailColumn = list.addressField
        if let csv = list as? CSVListReader { summary.blankLines = csv.blankLines }
        progress?(Progress(rows: summary.rowsRead, bytes: list.bytesRead))

        // 3. The manifest, last, with every output's hash.
        for output in [cleaned, suppressed, audit, rejects] { try output.close() }
        let manifest = try out.create("manifest.json")
        try manifest.write(manifestJSON(summary: summary, listDigest: listDigest, historyDigest: scan.digest,
                                        outputs: [cleaned, suppressed, audit, rejects]))
        try out.commit()
        return summary
    }

    private func manifestJSON(summary: CleanSummary, listDigest: [UInt8], historyDigest: [UInt8], outputs: [OutputFile]) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.string("tool", "listwash")
        json.string("version", ListWashVersion.current)
        json.string("as_of", Timestamp.format(request.asOf))
        json.beginObject("inputs")
        json.beginObject("list")
        json.string("path", request.listPath)
        json.string("sha256", listDigest.hexString)
        json.int("bytes", summary.bytesRead)
        json.int("rows", summary.rowsRead)
        json.string("format", summary.format)
        json.string("email_column", summary.emailColumn)
        json.endObject()
        json.beginObject("history")
        json.string("path", request.historyPath)
        json.int("events_as_of", summary.historyEvents)
        json.string("event_ids_sha256", historyDigest.hexString)
        json.endObject()
        json.endObject()
        json.beginArray("outputs")
        for output in outputs {
            json.beginObject()
            json.string("file", output.name)
            json.string("sha256", output.digest.hexString)
            json.int("bytes", output.bytesWritten)
            json.int("rows", output.rows)
            json.endObject()
        }
        json.endArray()
        json.beginObject("counts")
        json.int("rows_read", summary.rowsRead)
        json.int("kept", summary.kept)
        json.int("duplicates", summary.duplicates)
        json.int("rejected", summary.rejected)
        json.int("blank_lines", summary.blankLines)
        json.beginObject("suppressed")
        for rule in SuppressionRule.allCases { json.int(rule.rawValue, summary.suppressed[rule] ?? 0) }
        json.endObject()
        json.endObject()
        json.endObject()
        // The effective policy, exactly as `listwash policy` prints it.
        var bytes = json.bytes
        bytes.removeLast()
        bytes += Array(",\"policy\":".utf8) + Array(request.policy.json(pretty: false)) + [UInt8(ascii: "}"), 0x0A]
        return bytes
    }
}
