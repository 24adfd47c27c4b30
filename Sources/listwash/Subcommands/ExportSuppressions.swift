import ArgumentParser
import Foundation
import ListWash

extension SuppressionListExport.Format: ExpressibleByArgument {}

struct ExportSuppressions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-suppressions",
        abstract: "Write every address the policy removes as of --as-of, without a list, for an ESP or a partner.",
        discussion: """
            The addresses are decided exactly as 'clean' decides them. Formats: csv \
            (address,rule,reason,since), mailchimp and sendgrid (an import CSV), ses (one \
            put-suppressed-destination input a line), and for sharing without the addresses \
            sha256, md5 and hmac-sha256 (--key-file): lower-case hex of the normalised address, \
            one a line, sorted (normalisation: README, "Sharing a suppression list").

            Examples:
              listwash export-suppressions --history listwash.sqlite --format sendgrid --out suppressions.csv
              listwash export-suppressions --format hmac-sha256 --key-file partner.key > hashed.txt
            """
    )

    @OptionGroup var historyOptions: HistoryOptions
    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("as-of"), help: "Judge the history as of this time (ISO 8601 with a zone, a date alone, or Unix seconds; default: now).")
    var asOf: String?

    @Option(help: "The output format.")
    var format: SuppressionListExport.Format

    @Option(name: .customLong("key-file"), help: "The HMAC key for hmac-sha256: the file's bytes, without one trailing newline.")
    var keyFile: String?

    @Option(help: "Write to this file instead of standard output (replaced whole when the export succeeds).")
    var out: String?

    func validate() throws {
        if let asOf, Timestamp.parse(asOf) == nil {
            throw ValidationError("--as-of '\(asOf)' is not an ISO 8601 time with a zone, a date, or Unix seconds")
        }
        if (format == .hmacSHA256) != (keyFile != nil) {
            throw ValidationError(format == .hmacSHA256 ? "hmac-sha256 needs --key-file" : "--key-file is for --format hmac-sha256 only")
        }
    }

    func run() throws {
        let start = ContinuousClock.now
        let summary: SuppressionListExport.Summary
        do {
            var key: [UInt8] = []
            if let keyFile { key = try readKeyFile(keyFile) }
            let request = SuppressionListExport.Request(
                historyPath: historyOptions.history, policy: try policyOptions.load(),
                asOf: asOf.flatMap { Timestamp.parse($0) } ?? Int64(Date().timeIntervalSince1970), format: format, key: key)
            if let out {
                let staging = out + ".listwash-partial"
                guard FileManager.default.createFile(atPath: staging, contents: nil),
                      let handle = FileHandle(forWritingAtPath: staging) else {
                    throw OutputError.cannotCreate(path: out, reason: "cannot write beside it")
                }
                do {
                    summary = try SuppressionListExport.run(request) { try handle.write(contentsOf: $0) }
                    try handle.synchronize()
                    try handle.close()
                    guard rename(staging, out) == 0 else { throw OutputError.cannotCreate(path: out, reason: String(cString: strerror(errno))) }
                } catch {
                    try? handle.close()
                    unlink(staging)
                    throw error
                }
            } else {
                summary = try SuppressionListExport.run(request) { FileHandle.standardOutput.write(Data($0)) }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
        if !output.quiet {
            let rules = SuppressionRule.allCases.compactMap { rule in summary.byRule[rule].map { "\(rule.rawValue) \(grouped($0))" } }
            printError("\(grouped(summary.addresses)) addresses exported as \(format.rawValue) (\(rules.joined(separator: ", "))) "
                + "from \(grouped(summary.events)) events in \(seconds(since: start))"
                + (summary.forgottenNotExported > 0
                    ? "; \(grouped(summary.forgottenNotExported)) forgotten addresses left out (only their keyed hashes are kept)" : ""))
        }
    }
}

/// A shared key from a file: its bytes without one trailing newline (LF or CRLF); an empty key is refused.
func readKeyFile(_ path: String) throws -> [UInt8] {
    var key = try FileByteSource.readAll(path: path)
    if key.last == 0x0A { key.removeLast() }
    if key.last == 0x0D { key.removeLast() }
    guard !key.isEmpty else { throw ValidationError("the key file '\(path)' is empty") }
    return key
}
