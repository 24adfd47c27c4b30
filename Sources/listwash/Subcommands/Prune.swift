import ArgumentParser
import Foundation
import ListWash

struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drop the raw events the policy can no longer use, keeping every event a decision needs.",
        discussion: """
            Events older than --older-than DAYS before --as-of are dropped, except hard \
            bounces, complaints, unsubscribes, an operator's allow and suppress, a delivery \
            after a hard bounce, the signs of life and failures a domain's judgment needs, and \
            every attempt of a message one of whose attempts is kept: 'clean' decides every \
            address as before (from --as-of on, with the same policy). DAYS shorter than the \
            policy's longest window (stale_after_days, domains.alive_within_days) is refused, \
            since younger events still count; --force drops them anyway. Prints the events \
            dropped by type; the history's lifecycle log records them. One transaction.

            Example:
              listwash prune --history listwash.sqlite --older-than 400
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("older-than"), help: "Drop events older than this many days before --as-of.")
    var olderThan: Int

    @Option(name: .customLong("as-of"), help: "Count the days back from this time (ISO 8601 with a zone, a date, or Unix seconds; default: now).")
    var asOf: String?

    @Flag(help: "Prune even when DAYS is shorter than the policy's longest window (decisions may change).")
    var force = false

    func validate() throws {
        if let asOf, Timestamp.parse(asOf) == nil {
            throw ValidationError("--as-of '\(asOf)' is not an ISO 8601 time with a zone, a date, or Unix seconds")
        }
        if olderThan < 0 { throw ValidationError("--older-than must not be negative") }
    }

    func run() throws {
        let start = ContinuousClock.now
        let summary: HistoryStore.PruneSummary
        do {
            summary = try HistoryStore.prune(path: historyOptions.history, olderThanDays: olderThan,
                                             asOf: asOf.flatMap { Timestamp.parse($0) } ?? Int64(Date().timeIntervalSince1970),
                                             policy: try policyOptions.load(), force: force)
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            let counts = summary.dropped.keys.sorted().map { "\($0) \(grouped(summary.dropped[$0]!))" }.joined(separator: ", ")
            print("\(historyOptions.display): \(grouped(summary.droppedTotal)) events before \(Timestamp.format(summary.cutoff)) dropped"
                + (counts.isEmpty ? "" : " (\(counts))") + "; \(grouped(summary.keptOld)) older events kept for decisions, "
                + "\(grouped(summary.remaining)) events left, in \(seconds(since: start))")
        }
    }
}
