import ArgumentParser
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

    @OptionGroup var action: OperatorActionOptions

    func run() throws {
        try action.record(.suppress)
    }
}
