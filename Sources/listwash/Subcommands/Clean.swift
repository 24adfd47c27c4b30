import ArgumentParser
import Foundation
import ListWash

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Clean a subscriber list against the history.",
        discussion: """
            Streams the list, joins it with the history as of --as-of and applies the policy. \
            Writes cleaned.csv (cleaned.xml for an XML list: the input minus the removed rows, \
            byte for byte), suppressed.csv, audit.jsonl, rejects.csv, report.html, report.json and \
            manifest.json into the \
            output folder as one set: all or none, and replaced as one. Exit status 65 when rows \
            were rejected (the outputs are complete), 75 when another run is writing the same \
            output folder, 79 when the list or the policy cannot be used at all (nothing written), \
            80 when the blast-radius guard refused the run (the previous outputs stay).

            --dry-run reads everything and prints what the run would remove, per rule and per \
            receiving domain, and the guard's verdict, without creating or touching the output \
            folder. --summary-json prints the summary as one JSON object instead (manifest.json \
            keeps the same object under "summary").

            Examples:
              listwash clean --history listwash.sqlite --list Samples/subscribers.csv --out out --as-of 2026-11-01T00:00:00Z
              listwash clean --list Samples/subscribers.xml --out out-xml --record Subscriber --email-field EmailAddress
              listwash clean --history listwash.sqlite --list big.csv --out out --dry-run
              listwash clean --events bounces.csv --list subscribers.csv --out out
              listwash clean --history /shared/listwash.sqlite --list big.csv --out part-2 --shard 2/4

            --shard I/N cleans only the rows whose address key hashes to shard I (rows without \
            an address, and blank lines, belong to shard 1); 'listwash merge part-1 … part-N \
            --out DIR' then writes the set one unsharded run would have written.

            --events FILE... is a one-off run for one export and one list: the event files (any \
            format ingest reads) are the history for this run alone, and nothing is kept after \
            it. The outputs are those of 'ingest' into a new history, then 'clean'; manifest.json \
            lists the event files instead of a history, and rejects.csv also holds the event \
            files' rejected records. Not with --history.
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The subscriber list (CSV, or XML when named *.xml or starting with '<').")
    var list: String

    @Option(name: .customLong("events"), parsing: .upToNextOption, help: "A one-off run: these event files, in any format 'ingest' reads, instead of a history; nothing is kept after the run (not with --history).")
    var events: [String] = []

    @Option(help: "With --events: the event files' format (default: detected per file from its first bytes and name).")
    var format: IngestFormat?

    @Option(help: "With --events: the year of syslog timestamps in Postfix logs (default: from each file's modification date).")
    var year: Int?

    @Option(help: "The output folder (created if missing). Its files are replaced as one set, only by a complete new set; a second run into the same folder at the same time is refused (exit 75).")
    var out: String

    @Option(name: .customLong("as-of"), help: "Judge the history as of this time: ISO 8601 with a zone (2026-11-01T00:00:00Z), a date alone (midnight UTC) or Unix seconds (default: now). Later events are ignored.")
    var asOf: String?

    @Option(help: "Force the list's delimiter: , ; tab | (default: sniffed from the first lines).")
    var delimiter: String?

    @Option(name: .customLong("email-column"), help: "The address column's header name, or for XML the address field (default: found by the names exports use, such as Email or Email Address).")
    var emailColumn: String?

    @Option(name: .customLong("suppressed-format"), help: "The layout of suppressed.csv.")
    var suppressedFormat: SuppressedFormat = .listwash

    @Option(name: .customLong("suppress-hashed"), help: "Also remove the rows whose address is on this hashed suppression list (hex MD5, SHA-256 or, with --hash-key-file, HMAC-SHA-256 digests, one a line; rule hashed_list).")
    var suppressHashed: String?

    @Option(name: .customLong("hash-key-file"), help: "The HMAC key of --suppress-hashed's digests: the file's bytes, without one trailing newline.")
    var hashKeyFile: String?

    @Option(help: "The list's encoding; cleaned.csv keeps it (default: UTF-8, or UTF-16 by its byte-order mark).")
    var encoding: TextEncoding?

    @Option(name: .customLong("record"), help: "XML: the record element's name, e.g. Subscriber (default: the first element holding an address).")
    var record: String?

    @Option(name: .customLong("email-field"), help: "XML: the address child element or attribute, e.g. EmailAddress or @email (default: found by name).")
    var emailField: String?

    @Flag(name: .customLong("dry-run"), help: "Read everything and print the would-be removals per rule and per receiving domain, and the guard's verdict; write nothing (the output folder is not created or touched).")
    var dryRun = false

    @Flag(name: .customLong("summary-json"), help: "Print the summary as one JSON object on standard output instead of the table (manifest.json keeps the same object).")
    var summaryJSON = false

    @Flag(name: .customLong("allow-mass-removal"), help: "Replace the outputs even when the blast-radius guard (the policy's guard section) trips; the manifest records that the run was forced.")
    var allowMassRemoval = false

    @Flag(name: .customLong("compare-last"), help: "After the run, compare it with the previous clean of the same list in the history's ledger, as 'listwash diff' does.")
    var compareLast = false

    @Option(help: "Clean only shard I of N (I from 1 to N): the rows whose address key hashes to it, so N machines clean one list against one shared history; join the N output folders with 'listwash merge'.")
    var shard: String?

    // Tuning knobs, hidden from help: for tests and measurements of the two ways of finding duplicates.
    @Option(name: .customLong("large-list-bytes"), help: .hidden)
    var largeListBytes: Int?

    @Option(name: .customLong("sort-memory"), help: .hidden)
    var sortMemory: Int?

    func validate() throws {
        if let asOf, Timestamp.parse(asOf) == nil {
            throw ValidationError(Timestamp.parse(asOf, assumeUTC: true) == nil
                ? "--as-of '\(asOf)' is not an ISO 8601 time such as 2026-11-01T00:00:00Z"
                : "--as-of '\(asOf)' has no time zone: add one (2026-11-01T00:00:00Z, or +01:00); a date alone means midnight UTC")
        }
        if !events.isEmpty, historyOptions.given != nil {
            throw ValidationError("--events and --history do not go together: --events cleans against those event files alone, without a history; to keep the events, 'listwash ingest --history H FILE...' then 'listwash clean --history H'")
        }
        if events.isEmpty, format != nil || year != nil {
            throw ValidationError("--format and --year describe the event files of --events")
        }
        if !events.isEmpty, compareLast {
            throw ValidationError("--compare-last needs a history's ledger; a run with --events keeps none")
        }
        if events.contains("-"), list == "-" {
            throw ValidationError("standard input can be the list or an event file, not both")
        }
        if let shard, ShardSpec(shard) == nil {
            throw ValidationError("--shard '\(shard)' is not I/N with 1 <= I <= N, such as 2/8")
        }
        if shard != nil, !events.isEmpty {
            throw ValidationError("--shard cleans against one shared history (--history), not --events")
        }
        if shard != nil, compareLast {
            throw ValidationError("--compare-last compares whole cleans; a shard is a part of one (compare after 'listwash merge' with 'listwash diff')")
        }
        if let delimiter, Self.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter must be one of , ; tab |")
        }
    }

    static func delimiterByte(_ text: String) -> UInt8? {
        switch text {
        case ",", "comma": return UInt8(ascii: ",")
        case ";", "semicolon": return UInt8(ascii: ";")
        case "tab", "\\t", "\t": return 0x09
        case "|", "pipe": return UInt8(ascii: "|")
        default: return nil
        }
    }

    func run() throws {
        let start = ContinuousClock.now
        let reporter = RejectReporter(quiet: output.quiet)
        let summary: CleanSummary
        let asOfSeconds = asOf.flatMap { Timestamp.parse($0) } ?? Int64(Date().timeIntervalSince1970)
        let drawProgress = stderrIsTerminal && !output.quiet
        do {
            let request = CleanRequest(
                listPath: list, outputDirectory: out, historyPath: historyOptions.history, asOf: asOfSeconds,
                policy: try policyOptions.load(), delimiter: delimiter.flatMap(Self.delimiterByte), emailColumn: emailColumn,
                encoding: encoding, recordName: record, emailField: emailField)
            var job = CleanJob(request: request, logger: output.makeLogger("listwash.clean"))
            job.request.suppressedFormat = suppressedFormat
            job.request.suppressHashed = suppressHashed
            if let hashKeyFile { job.request.suppressHashedKey = try readKeyFile(hashKeyFile) }
            job.request.policyPath = policyOptions.policy
            job.request.dryRun = dryRun
            job.request.allowMassRemoval = allowMassRemoval
            job.request.eventFiles = events
            job.request.eventFormat = format
            job.request.eventImportOptions.year = year
            job.request.shard = shard.flatMap(ShardSpec.init)
            job.afterCommitStep = TestHooks.killAfterCommitStep
            if let largeListBytes { job.request.largeListBytes = largeListBytes }
            if let sortMemory { job.request.sortMemoryBudget = sortMemory }
            job.onReject = { reporter.report($0) }
            if drawProgress {
                job.progress = { p in
                    let line = "\r  \(grouped(p.rows)) rows, \(grouped(p.bytes >> 20)) MiB read, \(seconds(since: start))   "
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            summary = try job.run()
            if drawProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        } catch {
            throw fail(error)
        }
        if summaryJSON {
            FileHandle.standardOutput.write(Data(summary.jsonLine))
        } else if !output.quiet {
            let text = Self.render(summary, list: list, out: out, asOf: asOfSeconds, elapsed: seconds(since: start))
            // A shard's counts are its rows' only: the first line says which shard.
            print(shard.map { text.replacingOccurrences(of: "listwash clean", with: "listwash clean --shard \($0)", options: .anchored) } ?? text)
        }
        if let notice = summary.classificationNotice, !output.quiet {
            FileHandle.standardError.write(Data("listwash: note: \(notice)\n".utf8))
        }
        if compareLast, !dryRun, !summaryJSON, !output.quiet {
            do {
                if let diff = try HistoryStore.using(historyOptions.history, { try RunDiff.compareLast(history: $0, listPath: list) }) {
                    print("\n" + diff.text)
                } else {
                    print("\nno earlier clean of \(list) in the ledger to compare with")
                }
            } catch {
                throw fail(error)
            }
        }
        if let verdict = summary.guardVerdict, verdict.outcome == .tripped || verdict.outcome == .forced {
            let forced = verdict.outcome == .forced
            for trip in verdict.trips {
                printError("listwash: \(forced ? "guard overridden (--allow-mass-removal)" : "guard"): \(trip.description)")
            }
            if verdict.outcome == .tripped {
                if let folder = summary.refusedFolder {
                    printError("listwash: refused: the blast-radius guard tripped; \(out)/ still holds the previous outputs; this run's files are in \(folder) for inspection; rerun with --allow-mass-removal to apply them")
                } else {
                    printError("listwash: dry run: the blast-radius guard would refuse this run (--allow-mass-removal overrides it)")
                }
                throw ExitCode(ExitStatus.guardRefused.rawValue)
            }
        }
        if summary.rejected > 0 || summary.eventFiles?.contains(where: { $0.rejected > 0 }) == true {
            throw ExitCode(ExitStatus.dataError.rawValue)
        }
    }

    /// The one-screen summary.
    static func render(_ s: CleanSummary, list: String, out: String, asOf: Int64, elapsed: String) -> String {
        var lines = [s.dryRun
            ? "listwash clean --dry-run: \(list) (as of \(Timestamp.format(asOf))); nothing written"
            : "listwash clean: \(list) -> \(out)/ (as of \(Timestamp.format(asOf)))"]
        func row(_ label: String, _ value: Int, _ note: String = "") {
            let padded = label.padding(toLength: 28, withPad: " ", startingAt: 0)
            let number = grouped(value)
            lines.append("  " + padded + String(repeating: " ", count: max(0, 12 - number.count)) + number + note)
        }
        row("rows read", s.rowsRead)
        row("kept", s.kept)
        row("removed", s.suppressedTotal)
        for rule in SuppressionRule.allCases where (s.suppressed[rule] ?? 0) > 0 {
            row("  " + rule.rawValue, s.suppressed[rule] ?? 0)
        }
        row("duplicates dropped", s.duplicates)
        row("rejected (malformed)", s.rejected, s.rejected > 0 && !s.dryRun ? "  see \(out)/rejects.csv" : "")
        for file in s.eventFiles ?? [] {
            lines.append("  events \(file.file) (\(file.format)): \(grouped(file.read)) read, \(grouped(file.new)) new, \(grouped(file.duplicate)) duplicate, \(grouped(file.rejected)) rejected" + Ingest.skipped(file))
        }
        row(s.eventFiles == nil ? "history events considered" : "events considered", s.historyEvents)
        let removing = s.domains.filter { $0.removed > 0 }
        if s.dryRun, !removing.isEmpty {
            lines.append("  would be removed, by receiving domain (of its rows):")
            for d in removing.prefix(CleanSummary.summaryDomainLimit) {
                row("  " + (d.domain.isEmpty ? "(no domain)" : d.domain), d.removed, "  of \(grouped(d.rows))")
            }
            if removing.count > CleanSummary.summaryDomainLimit {
                lines.append("    … and \(removing.count - CleanSummary.summaryDomainLimit) more domains")
            }
        }
        if let verdict = s.guardVerdict, s.dryRun || verdict.outcome != .notApplied {
            let text: String
            switch verdict.outcome {
            case .notApplied: text = "not applied (fewer than \(verdict.limits.minListRows) rows)"
            case .passed: text = "passed"
            case .tripped: text = s.dryRun ? "would refuse" : "refused: previous outputs kept"
            case .forced: text = "tripped, overridden by --allow-mass-removal"
            }
            lines.append("  " + "guard".padding(toLength: 28, withPad: " ", startingAt: 0) + "  " + text)
        }
        lines.append("  " + "time".padding(toLength: 28, withPad: " ", startingAt: 0) + String(repeating: " ", count: max(0, 12 - elapsed.count)) + elapsed)
        lines += renderDomainFindings(s.domainFindings)
        return lines.joined(separator: "\n")
    }

    /// The domain findings: dead domains and outages (at most 10 lines each, the manifest has all).
    static func renderDomainFindings(_ f: DomainFindings) -> [String] {
        var lines: [String] = []
        if !f.dead.isEmpty {
            lines.append("domains judged dead (no such domain, no sign of life): \(f.dead.count)")
            for d in f.dead.prefix(10) {
                lines.append("  \(d.domain): \(grouped(d.listRowsRemoved)) list row\(d.listRowsRemoved == 1 ? "" : "s") removed, \(grouped(d.addresses)) address\(d.addresses == 1 ? "" : "es") in the history, failing \(Timestamp.format(d.firstFailure)) to \(Timestamp.format(d.lastFailure))")
            }
            if f.dead.count > 10 { lines.append("  … \(f.dead.count - 10) more in manifest.json") }
        }
        if !f.outages.isEmpty {
            lines.append("outages (domain-level failures not counted against addresses): \(f.outages.count)")
            for o in f.outages.prefix(10) {
                let why = o.why == .domainAlive ? "the domain accepted mail around it" : "many addresses failed at once"
                lines.append("  \(o.domain) \(Timestamp.format(o.start)) to \(Timestamp.format(o.end)): \(grouped(o.addresses)) address\(o.addresses == 1 ? "" : "es"), \(o.reasons.joined(separator: "/")); \(why)")
            }
            if f.outages.count > 10 { lines.append("  … \(f.outages.count - 10) more in manifest.json") }
        }
        if !f.isolated.isEmpty {
            let failures = f.isolated.reduce(0) { $0 + $1.failures }, addresses = f.isolated.reduce(0) { $0 + $1.addresses }
            lines.append("domain-level failures at live domains not counted: \(grouped(failures)) at \(grouped(addresses)) address\(addresses == 1 ? "" : "es") of \(grouped(f.isolated.count)) domain\(f.isolated.count == 1 ? "" : "s") (per domain in manifest.json)")
        }
        return lines
    }
}

extension SuppressedFormat: ExpressibleByArgument {
    public static var allValueDescriptions: [String: String] {
        [
            "listwash": "email,rule,reason,kind,events,first_seen,last_seen, one row per removed row, in input order",
            "clean-v1": "email,reason,bounce_count,first_seen,last_seen, sorted by address (the reference job's layout)",
        ]
    }
}
