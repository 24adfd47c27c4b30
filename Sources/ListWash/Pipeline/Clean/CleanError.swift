/// Errors of the clean job that are about the list's shape.
public enum CleanError: Error, Equatable, Sendable, CustomStringConvertible {
    case badHeader(path: String, reason: String)
    /// An output of the run would replace one of its inputs (the list, the history, the policy).
    case outputReplacesInput(input: String, output: String)
    /// A list read without `--encoding` is not UTF-8 (and has no byte-order mark): the first
    /// byte that is not, by line and byte column.
    case undeclaredEncoding(path: String, line: Int, column: Int)
    /// `--shard` with `--events`: shards clean against one shared history.
    case shardOfOneOff(shard: String)

    public var description: String {
        switch self {
        case .badHeader(let path, let reason): return "\(path):1: cannot read the header: \(reason)"
        case .outputReplacesInput(let input, let output):
            return "\(input): is also an output of this run (\(output)); write the outputs to another folder with --out"
        case .undeclaredEncoding(let path, let line, let column):
            return "\(path):\(line):\(column): the list is not UTF-8 and no --encoding names its encoding; name it "
                + "(--encoding windows-1252 for a CSV that Excel saved on Western-European Windows, or latin-1, utf-16)"
        case .shardOfOneOff(let shard):
            return "--shard \(shard): a sharded clean reads one shared history (--history), not --events"
        }
    }
}
