import ArgumentParser
import Foundation
import ListWash

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Print the effective policy: the defaults merged with --policy FILE.",
        discussion: """
            The output is itself a policy file: save it, edit the values, and pass it to \
            ingest and clean with --policy.

            Example:
              listwash policy --policy Samples/policy.json
            """
    )

    @OptionGroup var policyOptions: PolicyOptions

    func run() throws {
        do {
            let policy = try policyOptions.load()
            FileHandle.standardOutput.write(policy.json())
            print("")
        } catch {
            throw fail(error)
        }
    }
}
