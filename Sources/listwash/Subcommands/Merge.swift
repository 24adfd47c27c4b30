import ArgumentParser
import Foundation
import ListWash

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the output folders of 'clean --shard I/N' into the set one unsharded clean would have written.",
        discussion: """
            Give the N output folders of one sharded run, in any order. Each is checked against \
            its manifest (as 'verify' does) and against the others (the same list, policy, \
            as-of, history and N; every shard once); the list the manifests name is read once \
            more and every row is taken from its shard's files, in input order. The merged \
            cleaned list, suppressed.csv, audit.jsonl (one hash chain), rejects.csv, reports \
            and manifest.json are byte for byte those of one unsharded run; they are written as \
            one set, all or none. The blast-radius guard judges the whole list here.

            Exit status: 0 merged; 65 the list has rejected rows (the outputs are complete); 66 \
            the list or a part is missing; 75 another run is writing --out; 79 a folder is not \
            a shard's output; 80 the guard refused (the previous outputs stay); 81 a part \
            differs from its manifest; 82 the parts are not the N shards of one run.

            Example:
              listwash merge part-1 part-2 part-3 --out out
            """
    )

    @OptionGroup var output: OutputOptions

    @Argument(help: "The output folders of 'clean --shard 1/N' ... 'clean --shard N/N'.")
    var parts: [String]

    @Option(help: "The merged set's output folder (not one of the parts).")
    var out: String

    @Option(help: "Read the list here rather than at the path the parts' manifests name (it must be the same file: size and SHA-256 are checked).")
    var list: String?

    @Flag(name: .customLong("allow-mass-removal"), help: "Replace the outputs even when the blast-radius guard trips on the whole list.")
    var allowMassRemoval = false

    @Flag(name: .customLong("summary-json"), help: "Print the summary as one JSON object on standard output instead of the table.")
    var summaryJSON = false

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give the output folders of the shards to merge") }
    }

    func run() throws {
        let start = ContinuousClock.now
        let result: MergeResult
        do {
            var request = MergeRequest(parts: parts, outputDirectory: out, listPath: list)
            request.allowMassRemoval = allowMassRemoval
            var merge = ShardMerge(request: request, logger: output.makeLogger("listwash.merge"))
            merge.afterCommitStep = TestHooks.killAfterCommitStep
            result = try merge.run()
        } catch {
            throw fail(error)
        }
        let summary = result.summary
        if summaryJSON {
            FileHandle.standardOutput.write(Data(summary.jsonLine))
        } else if !output.quiet {
            let text = Clean.render(summary, list: result.listPath, out: out, asOf: result.asOf, elapsed: seconds(since: start))
            print("listwash merge: \(parts.count) parts of " + text.dropFirst("listwash clean: ".count))
        }
        if let verdict = summary.guardVerdict, verdict.outcome == .tripped || verdict.outcome == .forced {
            for trip in verdict.trips {
                printError("listwash: \(verdict.outcome == .forced ? "guard overridden (--allow-mass-removal)" : "guard"): \(trip.description)")
            }
            if verdict.outcome == .tripped {
                printError("listwash: refused: the blast-radius guard tripped; \(out)/ still holds the previous outputs; the merged files are in \(summary.refusedFolder ?? out) for inspection; rerun with --allow-mass-removal to apply them")
                throw ExitCode(ExitStatus.guardRefused.rawValue)
            }
        }
        if summary.rejected > 0 { throw ExitCode(ExitStatus.dataError.rawValue) }
    }
}
