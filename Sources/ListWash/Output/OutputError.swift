/// Errors creating or writing outputs. Messages name the path, never the data.
public enum OutputError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    /// Another run holds the output folder's lock (its process id, when it could be read).
    case busy(path: String, pid: Int32?)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): return "\(path): cannot create: \(reason)"
        case .writeFailed(let path, let reason): return "\(path): write failed: \(reason)"
        case .busy(let path, let pid):
            let who = pid.map { "another listwash run (pid \($0))" } ?? "another listwash run"
            return "\(path): \(who) is writing this output folder; try again when it has finished"
        }
    }
}
