import ArgumentParser
import ListWash

struct Reclassify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify every bounce in the history again, with this listwash and --policy's rules.",
        discussion: """
            Bounces are classified when they are ingested, so a newer listwash or a policy's new \
            rules do not reach the events already stored; 'clean' says when that is so. This \
            command re-derives each bounce's reason and kind from its stored reply code, enhanced \
            code and diagnostic, in one transaction, and records what classified them. It prints \
            how many events changed reason or kind. Running it again changes nothing.

            Example:
              listwash reclassify --history listwash.sqlite --policy policy.json
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let start = ContinuousClock.now
        let summary: HistoryStore.ReclassifySummary
        do {
            summary = try HistoryStore.reclassify(path: historyOptions.history, policy: try policyOptions.load())
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            print("\(historyOptions.display): \(grouped(summary.events)) events, \(grouped(summary.bounces)) bounces classified again: "
                + "\(grouped(summary.reasonChanged)) changed reason, \(grouped(summary.kindChanged)) changed kind, "
                + "\(grouped(summary.ruleChanged)) changed only the deciding rule, in \(seconds(since: start))")
        }
    }
}
