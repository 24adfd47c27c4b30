import ArgumentParser
import ListWash

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that an output folder holds the set 'clean' produced: every file and the audit's hash chain.",
        discussion: """
            Every output manifest.json lists must have its size and SHA-256, and audit.jsonl \
            must hold the manifest's hash chain: each record's prev_sha256 is the SHA-256 of the \
            record before it (the first one's is 64 zeros), and the last record's SHA-256 and the \
            number of records are the manifest's audit_chain. Each difference is one line on \
            standard output, FILE[:LINE]: what changed (LINE is the audit's record that was \
            altered, or where records were removed or moved); contents are never printed.

            Exit status: 0 the set is as produced; 81 it was altered; 66 no manifest.json.

            Example:
              listwash verify out
            """
    )

    @OptionGroup var output: OutputOptions

    @Argument(help: "The output folder (clean's --out), or one set's folder such as .listwash-refused-XXXXXX.")
    var directory: String

    func run() throws {
        let result: SetVerification
        do {
            result = try SetVerification.verify(directory: directory)
        } catch {
            throw fail(error)
        }
        for finding in result.findings { print("\(directory)/\(finding)") }
        guard result.isIntact else {
            if !output.quiet {
                printError("listwash: \(directory): altered: \(result.findings.count) finding\(result.findings.count == 1 ? "" : "s")")
            }
            throw ExitCode(ExitStatus.altered.rawValue)
        }
        if !output.quiet {
            let chain = result.auditRecords.map { "and the audit's chain of \(grouped($0)) record\($0 == 1 ? "" : "s")" }
                ?? "(the audit has no hash chain: written by an earlier listwash)"
            print("\(directory): intact: \(result.files) files \(chain) match manifest.json")
        }
    }
}
