/// Where an event came from, kept with it for the audit trail.
public struct EventSource: Sendable, Equatable, Hashable {
    /// The file the event was read from, as given on the command line.
    public var file: String
    /// 1-based line (or record) number inside `file`, when the format has lines.
    public var line: Int?
    /// The Message-ID of the bounce or report message, for mail containers.
    public var messageID: String?

    public init(file: String, line: Int? = nil, messageID: String? = nil) {
        self.file = file
        self.line = line
        self.messageID = messageID
    }

    /// `file:line`, `file <message-id>` or `file`, for the audit trail.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let messageID { text += " <\(messageID)>" }
        return text
    }

    /// Appends ``description``'s UTF-8 bytes to `out`.
    func appendDescription(to out: inout [UInt8]) {
        out.append(contentsOf: file.utf8)
        if let line { Self.appendLine(line, to: &out) }
        if let messageID {
            out.append(contentsOf: " <".utf8)
            out.append(contentsOf: messageID.utf8)
            out.append(UInt8(ascii: ">"))
        }
    }

    /// Appends `:` and the line number in decimal.
    @inline(__always)
    static func appendLine(_ line: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { scratch in
            let n = writeLine(line, into: scratch)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<n]))
        }
    }

    /// Writes `:` and the line number in decimal at the start of `out` (room for 21 bytes at
    /// least); returns how many bytes it wrote.
    @inline(__always)
    static func writeLine(_ line: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: ":")
        return 1 + writeDecimal(Int64(line), into: UnsafeMutableBufferPointer(rebasing: out[1...]))
    }
}

/// One event as an importer read it, before normalization, classification and the event id.
///
/// Every importer (canonical CSV/JSONL, DSN messages, ESP exports, MTA logs) produces these;
/// ``EventRecord`` adds the classification and the deterministic id.
public struct RawEvent: Sendable, Equatable {
    /// The recipient address as found in the source (not normalized).
    public var address: String
    /// Unix seconds, UTC.
    public var timestamp: Int64
    public var type: EventType
    /// The basic SMTP reply code (`550`), when known.
    public var replyCode: Int?
    /// The RFC 3463 enhanced status code (`5.1.1`), when known.
    public var enhancedCode: String?
    /// The diagnostic text (the remote server's reply, or the provider's description).
    public var diagnostic: String
    /// The provider's own verdict, kept for the audit (`ses:Permanent/General`), never decisive.
    public var providerVerdict: String?
    public var source: EventSource
    /// The message this event is an attempt of, when the source names it: an MTA's queue or
    /// job id, an ESP's message id, a bounce's original Message-ID (see ``MessageIdentity``).
    /// The attempts of one message to one address count once (as the message's outcome).
    public var messageIdentity: String?

    public init(
        address: String, timestamp: Int64, type: EventType = .bounce,
        replyCode: Int? = nil, enhancedCode: String? = nil, diagnostic: String = "",
        providerVerdict: String? = nil, source: EventSource, messageIdentity: String? = nil
    ) {
        self.address = address
        self.timestamp = timestamp
        self.type = type
        self.replyCode = replyCode
        self.enhancedCode = enhancedCode
        self.diagnostic = diagnostic
        self.providerVerdict = providerVerdict
        self.source = source
        self.messageIdentity = MessageIdentity.normalized(messageIdentity)
    }
}

/// An input record that could not be read: where it is, why, and its raw text.
public struct Rejection: Sendable, Equatable {
    public var file: String
    /// 1-based line where the record starts (or record number for formats without lines).
    public var line: Int
    /// Why the record was rejected; never contains personal data.
    public var reason: String
    /// The record's raw text, written to the rejects file only.
    public var raw: String

    public init(file: String, line: Int, reason: String, raw: String) {
        self.file = file
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}
