import ArgumentParser
import CBuildInfo
import ListWash

@main
struct ListWashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listwash",
        abstract: "Clean subscriber lists against a bounce history.",
        discussion: """
            Typical use: 'listwash ingest' new bounce events into the history, then
            'listwash clean' the export before a send.
            Exit codes: 0 ok, 65 rows were rejected (the outputs are complete); nothing written:
            1 failure, 64 usage, 66 missing input, 73 cannot create output, 74 I/O error, 75 the
            output folder is in use by another run (try again), 79 an input cannot be used at
            all (malformed policy, no address column, XML not well-formed); 80 the blast-radius
            guard refused the run (the previous outputs stay); 81 'verify' found the output set
            altered; 82 'merge' was given parts that are not the shards of one run.
            """,
        version: "\(ListWashVersion.current) (commit \(String(cString: listwash_build_commit())))",
        subcommands: [Ingest.self, Clean.self, Merge.self, Explain.self, Runs.self, Diff.self, Reclassify.self, HistoryCommand.self,
                      ExportSuppressions.self, Retract.self, Allow.self, Suppress.self, Forget.self, Prune.self, Verify.self, InspectCSV.self, Classify.self, PolicyCommand.self]
    )

    /// Parses and runs the command. A usage error is reported as one `listwash: error:` line
    /// and a pointer to the subcommand's help, not the parser's several lines of usage.
    static func main() {
        MemoryReturn.configure()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            reportParseError(error)
        }
        do {
            var command = command
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    private static func reportParseError(_ error: Error) -> Never {
        let code = exitCode(for: error)
        // --help, --version and the like print what they print, as the parser does.
        guard code != .success, !(error is ExitCode) else { exit(withError: error) }
        let message = fullMessage(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "invalid arguments"
        let cleaned = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
        printError("listwash: error: " + oneLine(cleaned, limit: 300))
        let names = Set(configuration.subcommands.map { $0._commandName })
        let subcommand = CommandLine.arguments.dropFirst().first(where: { names.contains($0) })
        printError("see 'listwash \(subcommand.map { $0 + " " } ?? "")--help'")
        exit(withError: ExitCode(code.rawValue == 0 ? ExitStatus.usage.rawValue : code.rawValue))
    }
}
