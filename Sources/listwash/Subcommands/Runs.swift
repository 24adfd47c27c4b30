import ArgumentParser
import Foundation
import ListWash

/// `listwash runs`: the history's ledger of clean and ingest runs.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs recorded in the history's ledger (every clean and ingest).",
        discussion: """
            One line per run, oldest first: its number (for 'listwash diff'), the command, \
            when it finished, the as-of time, the outcome (written, refused, forced; added for \
            ingest) and what it did. --json prints one object per run with its manifest.

            Example:
              listwash runs --history listwash.sqlite
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    @Flag(help: "One JSON object per run, with its manifest.")
    var json = false

    func run() throws {
        do {
            for entry in try HistoryStore.using(historyOptions.history, { try $0.ledger() }) {
                if json {
                    FileHandle.standardOutput.write(Data(entry.jsonLine))
                } else {
                    print(entry.summaryLine)
                }
            }
        } catch {
            throw fail(error)
        }
    }
}

/// `listwash diff A B`: two clean runs compared.
struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two clean runs of the ledger: newly removed, came back, and why.",
        discussion: """
            RUN_A and RUN_B are run numbers from 'listwash runs'. For every address one run \
            removes and the other does not (or by another rule), prints why: a policy change, \
            events added to the history between the runs, the as-of time moving, or the \
            address not being in the other run's list. The policy values that differ are listed.

            Example:
              listwash diff --history listwash.sqlite 3 5
            """
    )

    @OptionGroup var historyOptions: HistoryOptions

    @Flag(help: "One JSON object.")
    var json = false

    @Argument(help: "The earlier run's number.")
    var runA: Int64

    @Argument(help: "The later run's number.")
    var runB: Int64

    func run() throws {
        do {
            let diff = try HistoryStore.using(historyOptions.history) { try RunDiff.compare(history: $0, runA, runB) }
            if json {
                FileHandle.standardOutput.write(Data(diff.jsonLine))
            } else {
                print(diff.text)
            }
        } catch {
            throw fail(error)
        }
    }
}
