import ArgumentParser
import Foundation
import ListWash

/// `listwash explain`: why `clean` removes or keeps an address.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain why clean removes or keeps an address: its timeline and the decision.",
        discussion: """
            For each address (matched by the same key as clean), prints its events from the \
            history up to --as-of (time, type, codes, reason, kind, classifier rule, source \
            file:line, event id) with what each counted towards, the decision (the rule and \
            the events it counted) or why the address is kept, and the progress toward each \
            threshold. --json prints one JSON object per address. --list FILE --row N explains \
            the address of the list's N-th row (the header is not a row).

            Examples:
              listwash explain --history listwash.sqlite --as-of 2026-11-01T00:00:00Z bob.hard@example.org
              listwash explain --history listwash.sqlite --list Samples/subscribers.csv --row 4 --json
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .customLong("as-of"), help: "Judge the history as of this time, as clean does (default: now).")
    var asOf: String?

    @Flag(help: "One JSON object per address, one a line.")
    var json = false

    @Option(help: "A subscriber list: explain the address of its --row.")
    var list: String?

    @Option(help: "With --list: the row (1 = the first record after the header).")
    var row: Int?

    @Argument(help: "The addresses to explain.")
    var addresses: [String] = []

    func validate() throws {
        if let asOf, Timestamp.parse(asOf) == nil {
            throw ValidationError("--as-of '\(asOf)' is not an ISO 8601 time with a zone such as 2026-11-01T00:00:00Z")
        }
        if (list == nil) != (row == nil) { throw ValidationError("--list and --row go together") }
        if let row, row < 1 { throw ValidationError("--row counts from 1") }
        if addresses.isEmpty, list == nil { throw ValidationError("Give at least one address, or --list FILE --row N.") }
    }

    func run() throws {
        let asOfSeconds = asOf.flatMap { Timestamp.parse($0) } ?? Int64(Date().timeIntervalSince1970)
        do {
            let policy = try policyOptions.load()
            var targets = addresses
            if let list, let row {
                switch try ListRowAddress.find(path: list, row: row, policy: policy) {
                case .address(let address, _):
                    targets.append(address)
                case .malformed(let reason, let line):
                    printError("listwash: error: \(list):\(line): row \(row) is malformed (\(reason)): clean puts it in rejects.csv")
                    throw ExitCode(ExitStatus.dataError.rawValue)
                case .missing(let rows):
                    printError("listwash: error: \(list): has \(rows) rows, not \(row)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            }
            let explanations = try HistoryStore.using(historyOptions.history) { history in
                try history.reading {
                    var explanations = try DecisionExplanation.explain(addresses: targets, history: history, policy: policy, asOf: asOfSeconds)
                    try history.applyErasures(to: &explanations)
                    return explanations
                }
            }
            if json {
                for e in explanations { FileHandle.standardOutput.write(Data(e.jsonLine)) }
            } else {
                print(explanations.map(\.text).joined(separator: "\n\n"))
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail(error)
        }
    }
}
