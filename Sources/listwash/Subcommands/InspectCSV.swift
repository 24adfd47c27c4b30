import ArgumentParser
import ListWash

#if canImport(Glibc)
import Glibc
#endif

/// `listwash inspect-csv`: print how listwash splits a CSV file, one JSON array per record.
struct InspectCSV: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect-csv",
        abstract: "Show how listwash splits a CSV file: one JSON array of fields per record.",
        discussion: """
            Uses the same reader, delimiter sniffing and encoding handling as 'clean', so a column \
            that comes out wrong here comes out wrong there. Every record is printed, the header \
            too; blank lines are skipped as 'clean' skips them (--blank-lines prints them as [""]). \
            Malformed records go to standard error with their line; the summary goes there too, \
            so standard output is JSON Lines only. Exit status 65 when a record was malformed.

            Example:
              listwash inspect-csv Samples/subscribers.csv --lines | head
            """
    )

    @Argument(help: "The CSV file ('-' for standard input).")
    var file: String

    @Option(help: "Force the delimiter: , ; tab | (default: sniffed from the first lines).")
    var delimiter: String?

    @Option(help: "The file's encoding (default: UTF-8, or UTF-16 by its byte-order mark).")
    var encoding: TextEncoding?

    @Flag(name: .customLong("blank-lines"), help: "Print blank lines as [\"\"] (default: skipped, as clean skips them).")
    var blankLines = false

    @Flag(help: "Print {\"line\":N,\"fields\":[…]} objects, malformed records included with their error (default: one JSON array of fields a record).")
    var lines = false

    @Flag(name: .shortAndLong, help: "Print no summary (malformed records are still reported on standard error).")
    var quiet = false

    func validate() throws {
        if let delimiter, Clean.delimiterByte(delimiter) == nil {
            throw ValidationError("--delimiter must be one of , ; tab |")
        }
    }

    func run() throws {
        let inspector = CSVInspector(delimiter: delimiter.flatMap(Clean.delimiterByte), encoding: encoding,
                                     keepBlankLines: blankLines, withLines: lines)
        var out = StandardOutputBuffer()
        let reporter = RejectReporter(quiet: false)
        let result: CSVInspection
        do {
            result = try inspector.run(path: file, output: { try out.write($0) }, reject: { reporter.report($0) })
            try out.flush()
        } catch {
            try? out.flush()
            throw fail(error)
        }
        if !quiet {
            let widths = result.fieldCounts.map { "\(grouped($0.records)) with \($0.fields)" }.joined(separator: ", ")
            printError("\(file): \(grouped(result.records)) records (\(widths.isEmpty ? "none" : widths + " fields")), "
                + "delimiter '\(result.delimiter)', \(result.encoding.rawValue)\(result.byteOrderMark ? " with BOM" : ""), "
                + "\(grouped(result.blankLines)) blank lines \(blankLines ? "printed" : "skipped"), \(grouped(result.malformed)) malformed")
        }
        if result.malformed > 0 { throw ExitCode(ExitStatus.dataError.rawValue) }
    }
}

/// Collects output and writes it to standard output in large blocks.
struct StandardOutputBuffer {
    private var buffer: [UInt8] = []

    mutating func write(_ bytes: [UInt8]) throws {
        buffer += bytes
        if buffer.count >= 1 << 16 { try flush() }
    }

    mutating func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError.writeFailed(path: "standard output", reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
