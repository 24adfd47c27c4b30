import ArgumentParser

@main
struct ListWashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listwash",
        abstract: "Clean subscriber lists against a bounce history.",
        subcommands: [Classify.self]
    )
}
