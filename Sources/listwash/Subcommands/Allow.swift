import ArgumentParser
import ListWash

struct Allow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-admit an address: the policy counts no evidence before this.",
        discussion: """
            Stores an event of its own in the history (its reason as the event's text, its \
            source 'listwash allow'), so every later clean and export-suppressions applies \
            it; the address is re-admitted: no event before this counts; new evidence suppresses it again. The same action again at the same second changes nothing.

            Example:
              listwash allow --history listwash.sqlite ana@example.com --reason "ticket 4711"
            """
    )

    @OptionGroup var action: OperatorActionOptions

    func run() throws {
        try action.record(.allow)
    }
}
