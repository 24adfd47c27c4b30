import ArgumentParser
import ListWash

@main
struct ListWashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listwash",
        abstract: "Clean subscriber lists against a bounce history.",
        discussion: """
            Typical use: 'listwash ingest' new bounce events into the history, then
            'listwash clean' the export before a send.
            Exit codes: 0 ok, 1 failure, 64 usage, 65 bad input data (rows were rejected),
            66 missing input, 73 cannot create output, 74 I/O error.
            """,
        version: ListWashVersion.current,
        subcommands: [Ingest.self, Clean.self, InspectCSV.self, Classify.self, PolicyCommand.self]
    )
}
