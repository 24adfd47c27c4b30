/// An RFC 3463 enhanced mail system status code (`class.subject.detail`, e.g. `5.1.1`).
public struct StatusCode: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The class digit: whether the status is success, transient or permanent.
    public enum Class: Int, Sendable, Hashable, Comparable {
        /// `2.X.X`: success.
        case success = 2
        /// `4.X.X`: persistent transient failure; the message may succeed later.
        case transient = 4
        /// `5.X.X`: permanent failure.
        case permanent = 5

        /// Orders classes by their digit.
        public static func < (a: Class, b: Class) -> Bool { a.rawValue < b.rawValue }
    }

    /// The class (2, 4 or 5).
    public let statusClass: Class
    /// The subject (0…999): addressing, mailbox, mail system, network, protocol, content, security.
    public let subject: Int
    /// The detail (0…999) within the subject.
    public let detail: Int

    /// A status code from its three parts; nil when the class is not 2, 4 or 5 or a part is out of range.
    public init?(statusClass: Int, subject: Int, detail: Int) {
        guard let cls = Class(rawValue: statusClass), (0...999).contains(subject), (0...999).contains(detail)
        else { return nil }
        self.statusClass = cls
        self.subject = subject
        self.detail = detail
    }

    /// Parses exactly `5.1.1` (surrounding blanks allowed); nil for anything else.
    public init?(_ text: String) {
        var text = text
        guard let parts = text.withUTF8(StatusCode.parse) else { return nil }
        self.init(statusClass: parts.0, subject: parts.1, detail: parts.2)
    }

    /// Splits `d.ddd.ddd` into numbers without allocating; nil unless the whole text (minus blanks) is a code.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        var numbers = (0, 0, 0)
        var part = 0, digits = 0, value = 0
        for index in start..<end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard digits > 0, part < 2 else { return nil }
                if part == 0 { numbers.0 = value } else { numbers.1 = value }
                part += 1; digits = 0; value = 0
            } else if byte >= 0x30, byte <= 0x39 {
                digits += 1
                guard digits <= (part == 0 ? 1 : 3) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            } else {
                return nil
            }
        }
        guard part == 2, digits > 0 else { return nil }
        numbers.2 = value
        return numbers
    }

    /// `5.1.1`.
    public var description: String { "\(statusClass.rawValue).\(subject).\(detail)" }

    /// Whether the receiver said the failure is temporary (`4.X.X`).
    public var isTransient: Bool { statusClass == .transient }

    /// Orders by class, subject, then detail.
    public static func < (a: StatusCode, b: StatusCode) -> Bool {
        (a.statusClass.rawValue, a.subject, a.detail) < (b.statusClass.rawValue, b.subject, b.detail)
    }

    /// Whether `code` matches `pattern` (`5.1.*`, `*.2.2`), for `switch` and `if case`.
    public static func ~= (pattern: StatusPattern, code: StatusCode) -> Bool { pattern.matches(code) }

    /// The RFC 3463 / 5248 meaning of this code's subject and detail, when registered.
    public var meaning: String? { StatusCode.entry(subject: subject, detail: detail)?.meaning }

    /// The reason this code points to on its own (without diagnostic text); `undefined` when unknown.
    public var defaultReason: BounceReason { StatusCode.entry(subject: subject, detail: detail)?.reason ?? .undefined }
}

/// A pattern over enhanced status codes: three parts, each a number or `*` (`5.1.*`, `*.2.2`, `4.7.*`).
public struct StatusPattern: Hashable, Sendable, CustomStringConvertible {
    /// The class digit, or nil for any.
    public let statusClass: Int?
    /// The subject, or nil for any.
    public let subject: Int?
    /// The detail, or nil for any.
    public let detail: Int?

    /// Parses `5.1.*`, `*.2.2`, `5.1.1`; `x`/`X` also stand for any. Nil for anything else.
    public init?(_ text: String) {
        let parts = text.trimmingBlanks.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var values: [Int?] = []
        for part in parts {
            if part == "*" || part == "x" || part == "X" {
                values.append(nil)
            } else if (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(part) {
                values.append(number)
            } else {
                return nil
            }
        }
        if let cls = values[0], ![2, 4, 5].contains(cls) { return nil }
        statusClass = values[0]
        subject = values[1]
        detail = values[2]
    }

    /// Whether `code` fits this pattern.
    public func matches(_ code: StatusCode) -> Bool {
        (statusClass.map { $0 == code.statusClass.rawValue } ?? true)
            && (subject.map { $0 == code.subject } ?? true)
            && (detail.map { $0 == code.detail } ?? true)
    }

    /// `5.1.*`.
    public var description: String {
        [statusClass, subject, detail].map { $0.map(String.init) ?? "*" }.joined(separator: ".")
    }
}

/// One line of the status table: a subject and detail, the RFC meaning, and the reason it implies.
public struct StatusTableEntry: Sendable, Equatable {
    /// The subject digit(s).
    public let subject: Int
    /// The detail digit(s).
    public let detail: Int
    /// The meaning as the RFC registers it.
    public let meaning: String
    /// The reason the code implies when the text says nothing more specific.
    public let reason: BounceReason
}

extension StatusCode {
    private static func line(_ subject: Int, _ detail: Int, _ meaning: String, _ reason: BounceReason) -> StatusTableEntry {
        StatusTableEntry(subject: subject, detail: detail, meaning: meaning, reason: reason)
    }

    /// The enhanced status code registry (RFC 3463, RFC 5248 and later updates) with each code's default reason.
    /// The class (4 or 5) does not change the reason; it only decides whether a hard reason is downgraded.
    public static let table: [StatusTableEntry] = [
        line(0, 0, "Other undefined status", .undefined),
        // X.1: addressing status
        line(1, 0, "Other address status", .undefined),
        line(1, 1, "Bad destination mailbox address", .userunknown),
        line(1, 2, "Bad destination system address", .hostunknown),
        line(1, 3, "Bad destination mailbox address syntax", .userunknown),
        line(1, 4, "Destination mailbox address ambiguous", .userunknown),
        line(1, 5, "Destination address valid", .undefined),
        line(1, 6, "Destination mailbox has moved, No forwarding address", .hasmoved),
        line(1, 7, "Bad sender's mailbox address syntax", .rejected),
        line(1, 8, "Bad sender's system address", .rejected),
        line(1, 9, "Message relayed to non-compliant mailer (RFC 3886)", .undefined),
        line(1, 10, "Recipient address has null MX (RFC 7505)", .notaccept),
        // X.2: mailbox status
        line(2, 0, "Other or undefined mailbox status", .undefined),
        line(2, 1, "Mailbox disabled, not accepting messages", .suspend),
        line(2, 2, "Mailbox full", .mailboxfull),
        line(2, 3, "Message length exceeds administrative limit", .mesgtoobig),
        line(2, 4, "Mailing list expansion problem", .systemerror),
        // X.3: mail system status
        line(3, 0, "Other or undefined mail system status", .systemerror),
        line(3, 1, "Mail system full", .systemfull),
        line(3, 2, "System not accepting network messages", .notaccept),
        line(3, 3, "System not capable of selected features", .systemerror),
        line(3, 4, "Message too big for system", .mesgtoobig),
        line(3, 5, "System incorrectly configured", .systemerror),
        line(3, 6, "Requested priority was changed (RFC 6710)", .undefined),
        // X.4: network and routing status
        line(4, 0, "Other or undefined network or routing status", .networkerror),
        line(4, 1, "No answer from host", .networkerror),
        line(4, 2, "Bad connection", .networkerror),
        line(4, 3, "Directory server failure", .networkerror),
        line(4, 4, "Unable to route", .hostunknown),
        line(4, 5, "Mail system congestion", .systemfull),
        line(4, 6, "Routing loop detected", .networkerror),
        line(4, 7, "Delivery time expired", .expired),
        // X.5: mail delivery protocol status
        line(5, 0, "Other or undefined protocol status", .undefined),
        line(5, 1, "Invalid command", .syntaxerror),
        line(5, 2, "Syntax error", .syntaxerror),
        line(5, 3, "Too many recipients", .exceedlimit),
        line(5, 4, "Invalid command arguments", .syntaxerror),
        line(5, 5, "Wrong protocol version", .syntaxerror),
        line(5, 6, "Authentication Exchange line is too long (RFC 4954)", .syntaxerror),
        // X.6: message content or media status
        line(6, 0, "Other or undefined media error", .contenterror),
        line(6, 1, "Media not supported", .contenterror),
        line(6, 2, "Conversion required and prohibited", .contenterror),
        line(6, 3, "Conversion required but not supported", .contenterror),
        line(6, 4, "Conversion with loss performed", .contenterror),
        line(6, 5, "Conversion Failed", .contenterror),
        line(6, 6, "Message content not available (RFC 4468)", .contenterror),
        line(6, 7, "Non-ASCII addresses not permitted for that sender/recipient (RFC 6531)", .notcompliantrfc),
        line(6, 8, "UTF-8 string reply is required, but not permitted by the SMTP client (RFC 6531)", .notcompliantrfc),
        line(6, 9, "UTF-8 header message cannot be transferred to one or more recipients (RFC 6531)", .notcompliantrfc),
        line(6, 10, "UTF-8 string reply is required (RFC 6531, duplicate of X.6.8)", .notcompliantrfc),
        // X.7: security or policy status
        line(7, 0, "Other or undefined security status", .securityerror),
        line(7, 1, "Delivery not authorized, message refused", .securityerror),
        line(7, 2, "Mailing list expansion prohibited", .securityerror),
        line(7, 3, "Security conversion required but not possible", .securityerror),
        line(7, 4, "Security features not supported", .securityerror),
        line(7, 5, "Cryptographic failure", .securityerror),
        line(7, 6, "Cryptographic algorithm not supported", .securityerror),
        line(7, 7, "Message integrity failure", .securityerror),
        line(7, 8, "Authentication credentials invalid (RFC 4954)", .securityerror),
        line(7, 9, "Authentication mechanism is too weak (RFC 4954)", .securityerror),
        line(7, 10, "Encryption Needed (RFC 5248)", .failedstarttls),
        line(7, 11, "Encryption required for requested authentication mechanism (RFC 4954)", .failedstarttls),
        line(7, 12, "A password transition is needed (RFC 4954)", .securityerror),
        line(7, 13, "User Account Disabled (RFC 5248)", .suspend),
        line(7, 14, "Trust relationship required (RFC 5248)", .securityerror),
        line(7, 15, "Priority Level is too low (RFC 6710)", .policyviolation),
        line(7, 16, "Message is too big for the specified priority (RFC 6710)", .mesgtoobig),
        line(7, 17, "Mailbox owner has changed (RFC 7293)", .hasmoved),
        line(7, 18, "Domain owner has changed (RFC 7293)", .hasmoved),
        line(7, 19, "RRVS test cannot be completed (RFC 7293)", .securityerror),
        line(7, 20, "No passing DKIM signature found (RFC 7372)", .authfailure),
        line(7, 21, "No acceptable DKIM signature found (RFC 7372)", .authfailure),
        line(7, 22, "No valid author-matched DKIM signature found (RFC 7372)", .authfailure),
        line(7, 23, "SPF validation failed (RFC 7372)", .authfailure),
        line(7, 24, "SPF validation error (RFC 7372)", .authfailure),
        line(7, 25, "Reverse DNS validation failed (RFC 7372)", .requireptr),
        line(7, 26, "Multiple authentication checks failed (RFC 7372)", .authfailure),
        line(7, 27, "Sender address has null MX (RFC 7505)", .rejected),
        line(7, 28, "Mail flood detected (RFC 8650)", .speeding),
        line(7, 29, "ARC validation failure (RFC 8617)", .authfailure),
        line(7, 30, "REQUIRETLS support required (RFC 8689)", .failedstarttls),
    ]

    private static let index: [Int: StatusTableEntry] = Dictionary(
        table.map { ($0.subject * 1000 + $0.detail, $0) }, uniquingKeysWith: { first, _ in first })

    /// The table line for a subject and detail, if registered.
    static func entry(subject: Int, detail: Int) -> StatusTableEntry? { index[subject * 1000 + detail] }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingBlanks: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
