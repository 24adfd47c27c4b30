import ArgumentParser
import ListWash

struct Retract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take out of the history every event one ingested file brought in.",
        discussion: """
            --source names the file as 'ingest' was given it (the audit's evidence shows it as \
            each event's source). Its events leave the history in one transaction, and the \
            history's lifecycle log records the retraction (the file's name and the count). An \
            event another file also held, stored from this one, goes too: ingest that file \
            again to bring it back. A file that brought no event changes nothing.

            Example:
              listwash retract --history listwash.sqlite --source exports/wrong-account.csv
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "The file whose events to take out, as 'ingest' was given it.")
    var source: String

    func run() throws {
        let start = ContinuousClock.now
        let summary: HistoryStore.RetractSummary
        do {
            summary = try HistoryStore.retract(path: historyOptions.history, source: source)
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            print("\(historyOptions.display): \(grouped(summary.events)) events of \(source) retracted "
                + "(\(grouped(summary.blocksRewritten)) blocks rewritten, \(grouped(summary.blocksDeleted)) deleted) in \(seconds(since: start))")
        }
    }
}
