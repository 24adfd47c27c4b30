import ArgumentParser
import ListWash

#if canImport(Glibc)
import Glibc
#endif

/// Every exit code listwash uses, from the sysexits family, in one place.
enum ExitStatus: Int32 {
    case ok = 0
    case failure = 1
    case usage = 64
    /// Some input rows or records were malformed and went to the rejects; the outputs are
    /// complete (clean) or the other records were added (ingest).
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
    case ioError = 74
    /// Another run holds the output folder (EX_TEMPFAIL): nothing was written; try again later.
    case busy = 75
    /// An input cannot be used as a whole (a malformed policy file, an XML list that is not
    /// well-formed, no address column, an unreadable header or event file): nothing was
    /// written from it.
    case unusableInput = 79
    /// The blast-radius guard refused the run: the previous outputs stay, this run's files are
    /// in the output folder's `.listwash-refused-XXXXXX` for inspection.
    case guardRefused = 80
    /// `listwash verify`: an output set differs from its manifest (a file or an audit record
    /// was altered, removed or moved).
    case altered = 81
    /// `listwash merge`: the parts are not the N shards of one run (another list, policy,
    /// as-of, history or N; a shard missing or given twice; a part's files not its list's rows).
    case partsDisagree = 82

    /// The exit status for an error thrown by the library.
    static func of(_ error: Error) -> ExitStatus {
        switch error {
        case let e as InputError:
            switch e {
            case .missingFile: return .noInput
            case .unreadable: return .ioError
            case .emptyFile, .noAddressColumn, .unknownColumn, .unknownFormat: return .unusableInput
            }
        case let e as HistoryError:
            switch e {
            case .notFound, .notAFile: return .noInput
            case .needsRecovery: return .ioError
            case .sqlite, .newerSchema: return .failure
            }
        case let e as OutputError:
            switch e {
            case .cannotCreate: return .cannotCreate
            case .busy: return .busy
            case .writeFailed: return .ioError
            }
        case let e as PolicyError:
            switch e {
            case .missingFile: return .noInput
            case .unreadable: return .ioError
            case .invalid: return .unusableInput
            }
        case let e as XMLListError:
            if case .boundaryMismatch = e { return .failure }
            return .unusableInput
        case is HashedSuppressionList.LoadError:
            return .unusableInput
        case is SuppressionListExport.ExportError, is HistoryStore.OperatorActionError, is HistoryStore.PruneError:
            return .usage
        case let e as HistoryStore.ForgetError:
            // A request file with a line that is not an address is refused whole.
            if case .notAnAddressInFile = e { return .unusableInput }
            return .usage
        case let e as CleanError:
            if case .outputReplacesInput = e { return .usage }
            return .unusableInput
        case is RunDiffError:
            return .usage
        case let e as SetVerification.VerifyError:
            if case .noManifest = e { return .noInput }
            return .ioError
        case is EventImportError:
            return .unusableInput
        case let e as MergeError:
            switch e {
            case .notAShard: return .unusableInput
            case .partAltered: return .altered
            case .outputIsPart: return .usage
            case .partsDisagree, .otherVersion, .shardMissing, .shardRepeated, .listChanged, .partInconsistent: return .partsDisagree
            }
        case is TemporaryFileError:
            // A temporary file that does not read back as written: an internal error.
            return .failure
        default:
            return .failure
        }
    }
}

/// Prints `listwash: error: …` and exits with the error's status: no stack traces.
func fail(_ error: Error) -> ExitCode {
    printError("listwash: error: " + oneLine(String(describing: error)))
    return ExitCode(ExitStatus.of(error).rawValue)
}

/// A message as one bounded line: line breaks become spaces and anything past
/// `limit` characters is cut (a message never grows with its input).
func oneLine(_ message: String, limit: Int = 400) -> String {
    var text = String(message.map { $0.isNewline ? " " : $0 })
    if text.count > limit { text = String(text.prefix(limit)) + "…" }
    return text
}

/// Writes a line to standard error.
func printError(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// Whether standard error is a terminal (progress lines are drawn only then).
var stderrIsTerminal: Bool { isatty(2) == 1 }
