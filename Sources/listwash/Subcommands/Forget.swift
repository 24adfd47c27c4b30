import ArgumentParser
import Foundation
import ListWash

struct Forget: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase people from the history, keeping only a keyed hash so that clean still removes them.",
        discussion: """
            For an erasure request (GDPR Art. 17, CCPA deletion). In one transaction: every \
            event of each address (matched as clean matches it, any letter case) is deleted; \
            every other stored text naming it (another event's diagnostic or source, a run \
            ledger manifest, a lifecycle log entry) has it replaced by '[forgotten]'; the run \
            ledger forgets it among each clean's removals; and the history keeps an HMAC-SHA-256 \
            of the address with a secret of its own, so that 'clean' removes it if it comes back \
            in a list (rule 'forgotten'). An address the history never held is hashed too. The \
            history's lifecycle log records the counts, never an address. The file is then \
            rewritten (VACUUM) so that no free page, journal or WAL keeps the bytes. Outputs \
            written before (cleaned lists, audits) and the input files are not touched.

            Examples:
              listwash forget --history listwash.sqlite alice@example.com
              listwash forget --history listwash.sqlite --from erasure-requests.txt
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "A file of addresses, one a line (blank lines and lines starting with # are skipped).")
    var from: String?

    @Argument(help: "The addresses to forget.")
    var addresses: [String] = []

    func validate() throws {
        if addresses.isEmpty, from == nil { throw ValidationError("Give at least one address, or --from FILE.") }
    }

    func run() throws {
        let start = ContinuousClock.now
        let summary: HistoryStore.ForgetSummary
        do {
            let request = try HistoryStore.forgetRequest(arguments: addresses, file: from)
            summary = try HistoryStore.forget(path: historyOptions.history, addresses: request, at: Int64(Date().timeIntervalSince1970))
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            print("\(historyOptions.display): \(grouped(summary.addresses)) addresses forgotten (\(grouped(summary.newlyForgotten)) new): "
                + "\(grouped(summary.events)) events deleted, \(grouped(summary.scrubbedEvents)) other events and "
                + "\(grouped(summary.scrubbedRecords)) ledger or log records scrubbed, in \(seconds(since: start))")
        }
    }
}
