import Foundation

/// Why a mail message or container could not be read; carries the file, never an address.
public enum MailError: Error, LocalizedError, Equatable, Sendable {
    /// The file or message holds no bytes.
    case empty(file: String)
    /// The message is not a mail message (no header fields) or its structure is broken.
    case malformed(file: String, reason: String)
    /// The path does not exist or cannot be read.
    case unreadable(file: String, reason: String)
    /// The path is neither a message file, an mbox file nor a maildir.
    case unknownContainer(file: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .empty(let file), .malformed(let file, _), .unreadable(let file, _), .unknownContainer(let file):
            return file
        }
    }

    /// Why, without the file name (for rejects, which carry the file separately).
    public var reason: String {
        switch self {
        case .empty: return "empty message"
        case .malformed(_, let reason): return "cannot parse message: \(reason)"
        case .unreadable(_, let reason): return "cannot read: \(reason)"
        case .unknownContainer: return "not a message file, mbox file or maildir"
        }
    }

    /// A one-line message with the file and the reason.
    public var errorDescription: String? {
        switch self {
        case .empty(let file): return "\(file): empty message"
        case .malformed(let file, let reason): return "\(file): cannot parse message: \(reason)"
        case .unreadable(let file, let reason): return "\(file): cannot read: \(reason)"
        case .unknownContainer(let file): return "\(file): not a message file, mbox file or maildir"
        }
    }
}
