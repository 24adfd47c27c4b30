import ArgumentParser
import Foundation
import ListWash

/// What `allow` and `suppress` take and do: one operator's event for one address, stored in
/// the history (``HistoryStore/record(_:address:reason:at:path:)``).
struct OperatorActionOptions: ParsableArguments {
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

    /// Records the event and says so.
    func record(_ type: EventType) throws {
        let time = at.flatMap { Timestamp.parse($0) } ?? Int64(Date().timeIntervalSince1970)
        let new: Bool
        do {
            new = try HistoryStore.record(type, address: address, reason: reason, at: time, path: historyOptions.history)
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            print("\(historyOptions.display): \(type.rawValue) recorded at \(Timestamp.format(time))" + (new ? "" : " (already recorded)"))
        }
    }
}
