import ArgumentParser
import ListWash

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add bounce, delivery, complaint and unsubscribe events to the history.",
        discussion: """
            Each event is classified as it comes in and gets a deterministic id, so ingesting the \
            same file twice adds nothing. Each file is one transaction: it is added whole or not at \
            all. The formats are detected per file (--format forces one); see --format below for \
            the list. A rejected record is reported with its file, line and reason, the run goes \
            on, and the exit status is 65.

            Examples:
              listwash ingest --history listwash.sqlite Samples/events.csv Samples/events.jsonl
              listwash ingest --format postfix --year 2026 /var/log/mail.log
              listwash ingest ~/Maildir/.bounces
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The files' format (default: detected per file from its first bytes and name).")
    var format: IngestFormat?

    @Option(help: "The year of syslog timestamps in Postfix logs (default: from each file's modification date).")
    var year: Int?

    @Argument(help: "Event files, and maildir folders of bounce messages.")
    var files: [String]

    func run() throws {
        let start = ContinuousClock.now
        let reporter = RejectReporter(quiet: output.quiet)
        let results: [IngestFileSummary]
        do {
            var job = IngestJob(historyPath: historyOptions.history, policy: try policyOptions.load(), format: format,
                                logger: output.makeLogger("listwash.ingest"), onReject: { reporter.report($0) })
            job.importOptions.year = year
            job.afterBatch = TestHooks.killAfterBatches
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
            print("total: \(grouped(new)) new, \(grouped(duplicate)) duplicate, \(grouped(rejected)) rejected into \(historyOptions.display) in \(seconds(since: start))")
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

extension IngestFormat: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }

    public var defaultValueDescription: String { name }

    public static var allValueStrings: [String] { allCases.map(\.name) }

    public static var allValueDescriptions: [String: String] {
        [
            "csv": "canonical CSV: email,timestamp,event,smtp_code,enhanced_code,diagnostic",
            "jsonl": "canonical JSON Lines with the same keys",
            "ses": "AWS SES notifications: raw, SNS-wrapped, arrays or JSON Lines",
            "sendgrid": "SendGrid event webhook batches",
            "mailgun": "Mailgun events API pages, webhooks and JSON Lines",
            "postmark": "Postmark bounce webhooks and bounce API dumps",
            "postfix": "Postfix mail logs (status=bounced/deferred/sent/expired)",
            "powermta": "PowerMTA accounting CSV",
            "eml": "one bounce message (RFC 3464 DSN, RFC 5965 feedback report, an MTA's plain bounce)",
            "mbox": "an mbox file of bounce messages",
            "maildir": "a maildir folder (cur/, new/) of bounce messages",
        ]
    }
}
