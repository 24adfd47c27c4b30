import ArgumentParser
import Foundation
import ListWash
import Logging

/// `--history PATH|URL`.
struct HistoryOptions: ParsableArguments {
    @Option(name: .customLong("history"), help: "The history: an SQLite file ('ingest' creates it on first use), or a PostgreSQL database as postgres://USER@HOST:PORT/DB (default: $LISTWASH_HISTORY, else listwash.sqlite).")
    var given: String?

    /// The history: `--history`, else `$LISTWASH_HISTORY`, else `listwash.sqlite`.
    var history: String {
        given ?? ProcessInfo.processInfo.environment["LISTWASH_HISTORY"].flatMap { $0.isEmpty ? nil : $0 } ?? "listwash.sqlite"
    }

    /// The history as messages name it (a PostgreSQL URL without its password).
    var display: String { HistoryLocation(history).display }
}

/// `--policy FILE`.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: "A JSON policy file; keys it leaves out keep the defaults (default: the built-in policy, which 'listwash policy' prints).")
    var policy: String?

    func load() throws -> Policy { try Policy.load(path: policy) }
}

/// `--verbose`, `--quiet`.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Log progress details to standard error (default: errors only).")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors: no summary, no rejected rows on standard error.")
    var quiet = false

    /// A logger writing to standard error (so standard output and output files stay data only).
    func makeLogger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .info : .error
        return logger
    }
}

/// Prints the first rejected records to standard error, then only counts them.
final class RejectReporter {
    private(set) var count = 0
    let limit: Int
    let quiet: Bool

    init(limit: Int = 20, quiet: Bool) {
        self.limit = limit
        self.quiet = quiet
    }

    func report(_ rejection: Rejection) {
        count += 1
        guard !quiet else { return }
        if count <= limit {
            printError("\(rejection.file):\(rejection.line): rejected: \(rejection.reason)")
        } else if count == limit + 1 {
            printError("(further rejections are counted, not shown)")
        }
    }
}

/// Thousands separators for summaries.
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

/// Seconds since an instant, for summaries.
func seconds(since start: ContinuousClock.Instant) -> String {
    let d = ContinuousClock.now - start
    let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    return String(format: "%.2f s", s)
}

/// `--encoding utf-8|utf-16|utf-16le|utf-16be|windows-1252|latin-1` (and the usual aliases such as `cp1252`).
extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
