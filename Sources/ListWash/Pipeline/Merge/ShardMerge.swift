import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// What `listwash merge` needs: the parts (output folders of `clean --shard I/N`, one per
/// shard, any order) and where to write the merged set.
public struct MergeRequest: Sendable {
    public var parts: [String]
    public var outputDirectory: String
    /// Where to read the list, when it is not at the path the shards' manifests name (another
    /// machine's mount); the outputs still name the manifests' path, as the shards' do.
    public var listPath: String?
    /// Replace the outputs even when the blast-radius guard trips on the whole list's counts.
    public var allowMassRemoval = false

    public init(parts: [String], outputDirectory: String, listPath: String? = nil) {
        self.parts = parts
        self.outputDirectory = outputDirectory
        self.listPath = listPath
    }
}

/// What a merge hands back: the merged run's summary, and what it was a clean of.
public struct MergeResult: Sendable {
    public var summary: CleanSummary
    /// The list's path as the parts' manifests name it.
    public var listPath: String
    public var asOf: Int64
}

/// `listwash merge`: joins the output sets of the N shards of one `clean --shard` run into the
/// set one unsharded `clean` would have written, byte for byte (docs/sharding.md).
///
/// The parts are checked first: each against its own manifest (as `listwash verify`), then
/// against each other (the same list, policy, as-of, history and N; every shard once). The
/// list the manifests name is then read once more, exactly as the shards read it, and every
/// row is taken from the part its key hashes to: a kept row's bytes must be that part's next
/// cleaned bytes, a removed row's audit record that part's next record (linked again into one
/// chain), a suppressed row's `suppressed.csv` row that part's next row; rejected rows (no
/// key) are written from the list as `clean` writes them. Counts, the report and the manifest
/// are made by the code `clean` uses; the blast-radius guard judges the whole list here. The
/// merged set is written as every set is: in a staging folder, switched in whole or not at all.
public struct ShardMerge {
    public var request: MergeRequest
    public var logger: Logger
    /// Called after each step of switching the output folder to the new set (a test hook).
    public var afterCommitStep: ((OutputDirectory.CommitStep) -> Void)?

    public init(request: MergeRequest, logger: Logger) {
        self.request = request
        self.logger = logger
    }

    /// Merges the parts; the merged set appears in the output folder only if everything succeeded.
    /// - Complexity: O(*n*) in the list's and the parts' bytes.
    public func run() throws -> MergeResult {
        let parts = try ShardPart.load(request.parts)
        let first = parts[0]
        guard let recordedPath = first.value("inputs.list.path") as? String,
              let asOfText = first.value("as_of") as? String, let asOf = Timestamp.parse(asOfText),
              let policyObject = first.value("policy") else {
            throw MergeError.notAShard(path: first.path, reason: "its manifest lacks the list, the as-of or the policy")
        }
        if let version = first.value("version") as? String, version != ListWashVersion.current {
            throw MergeError.otherVersion(path: first.path, version: version, this: ListWashVersion.current)
        }
        let policy = try Policy.decode(JSONSerialization.data(withJSONObject: policyObject), path: first.path + "/manifest.json")
        let readPath = request.listPath ?? recordedPath
        _ = try FileByteSource(path: readPath)
        var info = stat()
        if stat(readPath, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) != first.value("inputs.list.bytes") as? Int {
            throw MergeError.listChanged(path: readPath)
        }
        for part in parts where Self.sameFolder(part.path, request.outputDirectory) {
            throw MergeError.outputIsPart(path: request.outputDirectory)
        }
        try OutputGuard.refuseOverwrites(inputs: [readPath], outputDirectory: request.outputDirectory)

        let read = first.value("shard.read") as? [String: Any] ?? [:]
        var clean = CleanRequest(listPath: recordedPath, outputDirectory: request.outputDirectory,
                                 historyPath: first.value("inputs.history.path") as? String ?? "", asOf: asOf, policy: policy,
                                 delimiter: (read["delimiter"] as? String).flatMap { $0.utf8.first },
                                 emailColumn: read["email_column"] as? String,
                                 encoding: (read["encoding"] as? String).flatMap(TextEncoding.init(rawValue:)),
                                 recordName: read["record"] as? String, emailField: read["email_field"] as? String)
        clean.allowMassRemoval = request.allowMassRemoval
        clean.listPath = readPath
        let list = try clean.openList()
        clean.listPath = recordedPath

        let out = try OutputDirectory(path: request.outputDirectory)
        out.afterStep = afterCommitStep
        var stage = try MergeStage(parts: parts, out: out, list: list, request: clean)
        var summary: CleanSummary
        do {
            summary = try stage.run()
        } catch MergeError.partInconsistent(let path, let file, let line, let reason) {
            // A row that matches no part's files: say so, unless the list itself has changed since.
            if try Self.digest(of: readPath) != first.value("inputs.list.sha256") as? String { throw MergeError.listChanged(path: readPath) }
            throw MergeError.partInconsistent(path: path, file: file, line: line, reason: reason)
        }
        let listDigest = list.digest()
        if listDigest.hexString != first.value("inputs.list.sha256") as? String || summary.bytesRead != first.value("inputs.list.bytes") as? Int {
            throw MergeError.listChanged(path: readPath)
        }
        try stage.checkCounts(summary)
        logger.info("parts merged", metadata: ["parts": "\(parts.count)", "rows": "\(summary.rowsRead)"])

        summary.historyEvents = first.value("inputs.history.events_as_of") as? Int ?? 0
        summary.domainFindings = try Self.domainFindings(first, removedByDeadDomain: stage.removedByDeadDomain)
        if first.value("inputs.history.classified_otherwise") as? Bool == true {
            summary.classificationNotice = "the history's events were classified otherwise than this listwash and policy would (see the parts' manifests)"
        }
        let verdict = GuardVerdict.judge(rows: summary.rowsRead - summary.rejected, removed: summary.suppressedTotal,
                                         domains: summary.domains, limits: policy.guard, force: request.allowMassRemoval)
        summary.guardVerdict = verdict
        if !verdict.allowsCommit { summary.refusedFolder = "\(request.outputDirectory)/\(out.refusedName)" }

        let report = RunReport(listPath: recordedPath, asOf: asOf, summary: summary,
                               removedByReason: stage.removedByReason, trend: try Self.trend(first))
        let reportJSON = try out.create("report.json")
        try reportJSON.write(report.json)
        let reportHTML = try out.create("report.html")
        try reportHTML.write(report.html)
        let outputs = stage.outputs + [reportJSON, reportHTML]
        for output in outputs { try output.close() }
        guard let historyDigest = (first.value("inputs.history.event_ids_sha256") as? String).flatMap(SetVerification.hexBytes) else {
            throw MergeError.notAShard(path: first.path, reason: "its manifest lacks the history's event-id digest")
        }
        let manifest = try out.create("manifest.json")
        try manifest.write(CleanManifest(request: clean, summary: summary, listDigest: listDigest, historyDigest: historyDigest,
                                         outputs: outputs, auditChain: stage.chain.manifestEntry).bytes)
        if verdict.allowsCommit {
            try out.commit()
        } else {
            try out.refuse()
            logger.info("the blast-radius guard refused the merged set; the previous outputs stay", metadata: ["trips": "\(verdict.trips.count)"])
        }
        return MergeResult(summary: summary, listPath: recordedPath, asOf: asOf)
    }

    /// The SHA-256 (hex) of the file at `path`, read once more.
    static func digest(of path: String) throws -> String {
        let file = try FileByteSource(path: path, hashing: true)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while try file.read(into: &chunk) > 0 {}
        return file.hasher?.finalize().hexString ?? ""
    }

    /// Whether two paths name one existing folder (by device and inode).
    static func sameFolder(_ a: String, _ b: String) -> Bool {
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    /// The history's domain findings as the parts' manifests give them (the same in every
    /// part), with each dead domain's list rows removed counted over the whole list.
    static func domainFindings(_ part: ShardPart, removedByDeadDomain: [String: Int]) throws -> DomainFindings {
        let bad = MergeError.notAShard(path: part.path, reason: "its manifest's domain_findings do not read back")
        func time(_ value: Any?) throws -> Int64 {
            guard let text = value as? String, let t = Timestamp.parse(text) else { throw bad }
            return t
        }
        func objects(_ name: String) -> [[String: Any]] { part.value("domain_findings." + name) as? [[String: Any]] ?? [] }
        var findings = DomainFindings()
        findings.dead = try objects("dead").map { d in
            guard let domain = d["domain"] as? String, let addresses = d["addresses"] as? Int else { throw bad }
            return DomainFindings.Dead(domain: domain, addresses: addresses, firstFailure: try time(d["first_failure"]),
                                       lastFailure: try time(d["last_failure"]), listRowsRemoved: removedByDeadDomain[domain] ?? 0)
        }
        findings.outages = try objects("outages").map { o in
            guard let domain = o["domain"] as? String, let addresses = o["addresses"] as? Int, let failures = o["failures"] as? Int,
                  let reasons = o["reasons"] as? [String], let why = (o["why"] as? String).flatMap(DomainFindings.Outage.Why.init(rawValue:)) else { throw bad }
            return DomainFindings.Outage(domain: domain, start: try time(o["start"]), end: try time(o["end"]), addresses: addresses,
                                         failures: failures, reasons: reasons, why: why)
        }
        findings.senderFaults = try objects("sender_side_faults").map { f in
            guard let domain = f["domain"] as? String, let bounces = f["bounces"] as? Int, let byReason = f["by_reason"] as? [String: Any] else { throw bad }
            // The order DomainJudge gives them: most bounces first, then by name.
            let counts = byReason.compactMap { r, n in (n as? Int).map { DomainFindings.ReasonCount(reason: r, bounces: $0) } }
                .sorted { ($0.bounces, $1.reason) > ($1.bounces, $0.reason) }
            return DomainFindings.SenderFaults(domain: domain, bounces: bounces, byReason: counts)
        }
        findings.isolated = try objects("isolated_failures_not_counted").map { i in
            guard let domain = i["domain"] as? String, let failures = i["failures"] as? Int, let addresses = i["addresses"] as? Int else { throw bad }
            return DomainFindings.Isolated(domain: domain, failures: failures, addresses: addresses,
                                           first: try i["first"].flatMap { $0 is NSNull ? nil : try time($0) },
                                           last: try i["last"].flatMap { $0 is NSNull ? nil : try time($0) })
        }
        return findings
    }

    /// The earlier cleans of the list, as the first part's report shows them (its last point is the shard itself).
    static func trend(_ part: ShardPart) throws -> [RunReport.TrendPoint] {
        let bytes = try FileByteSource.readAll(path: part.file("report.json"))
        guard let report = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let points = report["trend"] as? [[String: Any]] else {
            throw MergeError.notAShard(path: part.path, reason: "its report.json has no trend")
        }
        return try points.dropLast().map { p in
            guard let asOf = (p["as_of"] as? String).flatMap({ Timestamp.parse($0) }) else {
                throw MergeError.notAShard(path: part.path, reason: "its report.json's trend does not read back")
            }
            return RunReport.TrendPoint(run: (p["run"] as? Int).map(Int64.init), asOf: asOf,
                                        rowsRead: p["rows_read"] as? Int ?? 0, removed: p["removed"] as? Int ?? 0)
        }
    }
}
