import ArgumentParser
import Foundation
import ListWash

struct Suppress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suppress an address by hand (rule manual), until a later 'listwash allow'.",
        discussion: """
            Stores an event of its own in the history (its reason as the event's text, its \
            source 'listwash suppress'), so every later clean and export-suppressions applies \
            it; the address is suppressed (rule manual) until a later 'listwash allow'. The same action again at the same second changes nothing.

            Example:
              listwash suppress --history listwash.sqlite ana@example.com --reason "ticket 4711"
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The address.")
    var address: String

    @Option(help: "Why (kept with the event, shown in the audit).")
    var reason: String

    @Option(help: "When it takes effect: ISO 8601 with a zone, a date, or Unix seconds (default: now).")
    var at: String?

    func validate() throws {
        if let at, Timestamp.parse(at) == nil { throw ValidationError("--at '\(at)' is not an ISO 8601 time with a zone, a date, or Unix seconds") }
    }

    func run() throws {
        let time = at.flatMap { Timestamp.parse($0) } ?? Int64(Date().timeIntervalSince1970)
        let new: Bool
        do {
            new = try HistoryStore.record(.suppress, address: address, reason: reason, at: time, path: historyOptions.history)
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            print("\(historyOptions.history): suppress recorded at \(Timestamp.format(time))" + (new ? "" : " (already recorded)"))
        }
    }
}
