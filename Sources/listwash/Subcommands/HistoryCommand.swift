import ArgumentParser
import Foundation
import ListWash

#if canImport(Glibc)
import Glibc
#endif

/// `listwash history …`: the history itself.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Work with the history itself (export its events).",
        subcommands: [HistoryExportCommand.self]
    )
}

/// `listwash history export`: the events with their classification, as CSV or JSON Lines.
struct HistoryExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the history's events with their classification (CSV or JSON Lines).",
        discussion: """
            One row per event: id, address, timestamp, type, reply_code, enhanced_code, \
            diagnostic, reason, kind, classifier_rule, provider_verdict, source; in the order \
            they were added. Loads into sqlite3, DuckDB or a spreadsheet. \
            The stored format itself is described in docs/history-format.md.

            Examples:
              listwash history export --history listwash.sqlite > events.csv
              listwash history export --history listwash.sqlite --format jsonl --address bob.hard@example.org
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(help: "csv or jsonl.")
    var format: HistoryExport.Format = .csv

    @Option(help: "Only this address's events (matched by the same key as clean).")
    var address: String?

    @Option(help: "Write to this file (replaced whole when the export is complete) instead of standard output.")
    var out: String?

    func run() throws {
        do {
            let export = HistoryExport(format: format, address: address, policy: try policyOptions.load())
            try HistoryStore.using(historyOptions.history) { history in
                guard let out else {
                    _ = try export.run(history: history) { FileHandle.standardOutput.write(Data($0)) }
                    return
                }
                let temporary = out + ".listwash-partial"
                guard FileManager.default.createFile(atPath: temporary, contents: nil),
                      let handle = FileHandle(forWritingAtPath: temporary) else {
                    throw OutputError.cannotCreate(path: out, reason: String(cString: strerror(errno)))
                }
                do {
                    _ = try export.run(history: history) { try handle.write(contentsOf: $0) }
                    try handle.synchronize()
                    try handle.close()
                    if rename(temporary, out) != 0 { throw OutputError.writeFailed(path: out, reason: String(cString: strerror(errno))) }
                } catch {
                    unlink(temporary)
                    throw error
                }
            }
        } catch {
            throw fail(error)
        }
    }
}

extension HistoryExport.Format: ExpressibleByArgument {}
