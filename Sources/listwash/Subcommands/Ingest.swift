import ArgumentParser
import ListWash

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add bounce, delivery, complaint and unsubscribe events to the history.",
        discussion: """
            Each event gets a deterministic id, so ingesting the same file twice adds nothing.
            Formats (detected per file, --format to force): canonical CSV and JSON Lines, AWS SES,
            SendGrid, Mailgun, Postmark, Postfix logs, PowerMTA accounting CSV.
            Example: listwash ingest --history listwash.sqlite Samples/events.csv Samples/events.jsonl
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The files' format (default: detected per file).")
    var format: IngestFormat?

    @Option(help: "The year of syslog timestamps in Postfix logs (default: from each file's modification date).")
    var year: Int?

    @Argument(help: "Event files.")
    var files: [String]

    func run() throws {
        let start = ContinuousClock.now
        let reporter = RejectReporter(quiet: output.quiet)
        let results: [IngestFileSummary]
        do {
            var job = IngestJob(historyPath: historyOptions.history, policy: try policyOptions.load(), format: format,
                                logger: output.makeLogger("listwash.ingest"), onReject: { reporter.report($0) })
            job.importOptions.year = year
            results = try job.run(files: files)
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            for r in results {
                print("\(r.file) (\(r.format)): \(grouped(r.read)) events read, \(grouped(r.new)) new, \(grouped(r.duplicate)) duplicate, \(grouped(r.rejected)) rejected" + Self.skipped(r))
            }
            let new = results.reduce(0) { $0 + $1.new }
            let duplicate = results.reduce(0) { $0 + $1.duplicate }
            let rejected = results.reduce(0) { $0 + $1.rejected }
            print("total: \(grouped(new)) new, \(grouped(duplicate)) duplicate, \(grouped(rejected)) rejected into \(historyOptions.history) in \(seconds(since: start))")
        }
        if results.contains(where: { $0.rejected > 0 }) { throw ExitCode(ExitStatus.dataError.rawValue) }
    }

    /// ", 12 skipped (open 7, click 5)": records that carry no evidence, by kind, most first.
    static func skipped(_ r: IngestFileSummary) -> String {
        guard r.skipped > 0 else { return "" }
        let kinds = r.skippedKinds.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        return ", \(grouped(r.skipped)) skipped (" + kinds.map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", ") + ")"
    }
}

extension IngestFormat: ExpressibleByArgument {}
