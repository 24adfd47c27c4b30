/// A pattern over basic SMTP reply codes: `421`, `4xx`, `55x` (`x` or `*` stands for any digit).
public struct ReplyCodePattern: Hashable, Sendable, CustomStringConvertible {
    /// The three digits, nil where any digit matches.
    public let digits: [Int?]

    /// Parses `421`, `4xx`, `5X0`, `4**`; nil for anything else.
    public init?(_ text: String) {
        let characters = Array(text.trimmingBlanks)
        guard characters.count == 3 else { return nil }
        var digits: [Int?] = []
        for character in characters {
            if character == "x" || character == "X" || character == "*" {
                digits.append(nil)
            } else if let value = character.wholeNumberValue, character.isASCII {
                digits.append(value)
            } else {
                return nil
            }
        }
        guard let first = digits[0] else { self.digits = digits; return }
        guard (2...5).contains(first) else { return nil }
        self.digits = digits
    }

    /// Whether `code` fits this pattern.
    public func matches(_ code: Int) -> Bool {
        guard (200...599).contains(code) else { return false }
        let actual = [code / 100, code / 10 % 10, code % 10]
        return zip(digits, actual).allSatisfy { pattern, digit in pattern.map { $0 == digit } ?? true }
    }

    /// Whether `code` matches `pattern`, for `switch` and `if case`.
    public static func ~= (pattern: ReplyCodePattern, code: Int) -> Bool { pattern.matches(code) }

    /// `4xx`.
    public var description: String { digits.map { $0.map(String.init) ?? "x" }.joined() }
}

/// One line of the basic reply code table: the code, its RFC 5321 meaning, and the reason it implies alone.
public struct ReplyTableEntry: Sendable, Equatable {
    /// The three-digit reply code.
    public let code: Int
    /// The meaning as RFC 5321 (or the named RFC) gives it.
    public let meaning: String
    /// The reason the code implies when neither text nor an enhanced code says more.
    public let reason: BounceReason
}

/// Basic SMTP reply codes (RFC 5321 and extensions) that say something on their own.
///
/// Codes not listed here (`450`, `550`, `554`, …) say only "temporary" or "permanent" and
/// leave the reason `undefined`.
public enum ReplyCode {
    private static func line(_ code: Int, _ meaning: String, _ reason: BounceReason) -> ReplyTableEntry {
        ReplyTableEntry(code: code, meaning: meaning, reason: reason)
    }

    /// The reply code table, each line with its meaning.
    public static let table: [ReplyTableEntry] = [
        line(421, "Service not available, closing transmission channel", .toomanyconn),
        line(451, "Requested action aborted: local error in processing", .systemerror),
        line(452, "Requested action not taken: insufficient system storage", .systemfull),
        line(455, "Server unable to accommodate parameters", .syntaxerror),
        line(500, "Syntax error, command unrecognized", .syntaxerror),
        line(501, "Syntax error in parameters or arguments", .syntaxerror),
        line(502, "Command not implemented", .syntaxerror),
        line(503, "Bad sequence of commands", .syntaxerror),
        line(504, "Command parameter not implemented", .syntaxerror),
        line(521, "Host does not accept mail (RFC 7504)", .notaccept),
        line(525, "User account disabled (RFC 4954)", .suspend),
        line(530, "Authentication required (RFC 4954)", .securityerror),
        line(534, "Authentication mechanism is too weak (RFC 4954)", .securityerror),
        line(535, "Authentication credentials invalid (RFC 4954)", .securityerror),
        line(538, "Encryption required for requested authentication mechanism (RFC 4954)", .failedstarttls),
        line(551, "User not local; please try <forward-path>", .userunknown),
        line(552, "Requested mail action aborted: exceeded storage allocation", .mailboxfull),
        line(555, "MAIL FROM/RCPT TO parameters not recognized or not implemented", .syntaxerror),
        line(556, "Domain does not accept mail (RFC 7504)", .notaccept),
    ]

    private static let index: [Int: ReplyTableEntry] = Dictionary(
        table.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

    /// The table line for `code`, if the code says something on its own.
    public static func entry(_ code: Int) -> ReplyTableEntry? { index[code] }
}
