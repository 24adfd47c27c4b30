/// Errors of the clean job that are about the list's shape.
public enum CleanError: Error, Equatable, Sendable, CustomStringConvertible {
    case badHeader(path: String, reason: String)
    /// An output of the run would replace one of its inputs (the list, the history, the policy).
    case outputReplacesInput(input: String, output: String)

    public var description: String {
        switch self {
        case .badHeader(let path, let reason): return "\(path):1: cannot read the header: \(reason)"
        case .outputReplacesInput(let input, let output):
            return "\(input): is also an output of this run (\(output)); write the outputs to another folder with --out"
        }
    }
}
