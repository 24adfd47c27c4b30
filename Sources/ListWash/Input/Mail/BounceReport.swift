/// What kind of message a bounce mailbox item turned out to be.
public enum BounceMessageKind: String, Sendable, CaseIterable, Codable {
    /// A delivery failure or delay (DSN or an MTA's plain-text bounce).
    case bounce
    /// An RFC 5965 feedback report (spam complaint).
    case feedback
    /// An RFC 3834 auto-reply (vacation, out of office): not a bounce.
    case autoReply
    /// A DSN reporting successful delivery, relay or expansion only.
    case delivered
    /// Nothing recognisable as a report.
    case notABounce
}

/// One recipient of a bounce, feedback report or auto-reply.
public struct BounceRecipient: Sendable, Equatable {
    /// The recipient address as reported (`Final-Recipient`, or found in the text).
    public var recipient: String
    /// `Original-Recipient`, when the report gives it.
    public var originalRecipient: String?
    /// RFC 3464 action, lowercased: `failed`, `delayed`, `delivered`, `relayed`, `expanded`.
    public var action: String
    /// RFC 3463 enhanced status code (`5.1.1`), when known.
    public var status: String?
    /// The basic SMTP reply code (`550`), when known.
    public var replyCode: Int?
    /// The remote server's reply or the MTA's explanation, on one line.
    public var diagnostic: String
    /// `Last-Attempt-Date` in Unix seconds, when given.
    public var timestamp: Int64?
    /// `Remote-MTA` (or the host named in the text), when known.
    public var remoteMTA: String?

    /// Creates a recipient.
    public init(recipient: String, originalRecipient: String? = nil, action: String = "failed", status: String? = nil,
                replyCode: Int? = nil, diagnostic: String = "", timestamp: Int64? = nil, remoteMTA: String? = nil) {
        self.recipient = recipient
        self.originalRecipient = originalRecipient
        self.action = action
        self.status = status
        self.replyCode = replyCode
        self.diagnostic = diagnostic
        self.timestamp = timestamp
        self.remoteMTA = remoteMTA
    }

    /// True for `failed` and `delayed`: the recipient was not reached.
    public var isFailure: Bool { action == "failed" || action == "delayed" }
}

/// Everything listwash reads from one bounce-mailbox message.
public struct BounceReport: Sendable, Equatable {
    /// What the message is.
    public var kind: BounceMessageKind
    /// The format that recognised it (`RFC3464`, `Postfix`, `Exim`, `ARF`, `RFC3834`, …).
    public var agent: String
    /// The message's own Message-ID, without angle brackets.
    public var messageID: String?
    /// The message's `Date:` in Unix seconds.
    public var date: Int64?
    /// `Arrival-Date` of a DSN in Unix seconds.
    public var arrivalDate: Int64?
    /// The recipients, in the order the message lists them.
    public var recipients: [BounceRecipient]
    /// The feedback type of a complaint (`abuse`, `fraud`, …).
    public var feedbackType: String?
    /// The message the report is about (``RawEvent/messageIdentity``), when it names it.
    public var originalMessage: String?
    /// Why a message yields no event: not a report at all (and what it lacked), an auto-reply,
    /// or a report that names no recipient. Nil when it yields events.
    public var why: String?
    /// A failure notice that names no recipient address anywhere (``kind`` `bounce`, no
    /// recipients): its own words, so that it is reported and classified, not skipped.
    public var unaddressedNotice: String?

    /// Creates a report.
    public init(kind: BounceMessageKind, agent: String, messageID: String? = nil, date: Int64? = nil,
                arrivalDate: Int64? = nil, recipients: [BounceRecipient] = [], feedbackType: String? = nil) {
        self.kind = kind
        self.agent = agent
        self.messageID = messageID
        self.date = date
        self.arrivalDate = arrivalDate
        self.recipients = recipients
        self.feedbackType = feedbackType
    }

    /// One event per recipient: failed/delayed → bounce, delivered/relayed/expanded → delivered,
    /// feedback → complaint; auto-replies and non-reports give none (``why`` says why). Timestamps come from
    /// `Last-Attempt-Date`, then `Arrival-Date`, then `Date:` (0 when none is readable).
    public func events(file: String) -> [RawEvent] {
        let source = EventSource(file: file, messageID: messageID)
        switch kind {
        case .autoReply, .notABounce:
            return []
        case .feedback:
            return recipients.map {
                RawEvent(address: $0.recipient, timestamp: timestamp(for: $0), type: .complaint,
                         diagnostic: $0.diagnostic, providerVerdict: feedbackType.map { "arf:\($0)" }, source: source,
                         messageIdentity: originalMessage)
            }
        case .bounce, .delivered:
            return recipients.map {
                RawEvent(address: $0.recipient, timestamp: timestamp(for: $0), type: $0.isFailure ? .bounce : .delivered,
                         replyCode: $0.replyCode, enhancedCode: $0.status, diagnostic: $0.diagnostic,
                         providerVerdict: "dsn:\($0.action)", source: source, messageIdentity: originalMessage)
            }
        }
    }

    /// The timestamp of one recipient's event.
    func timestamp(for recipient: BounceRecipient) -> Int64 {
        recipient.timestamp ?? arrivalDate ?? date ?? 0
    }

    /// One compact JSON line per recipient: `{"recipient":…,"action":…,"status":…,
    /// "reply_code":…,"reason":…,"kind":…,"diagnostic":…,"rule":…}`. Failures take reason, kind and
    /// the deciding rule (``Classification/rule``) from `classifier`; delivered recipients and complaints say `delivered` or `feedback` with a null
    /// kind; an auto-reply gives a single `vacation` line; a non-report gives none.
    public func classifiedLines(classifier: Classifier) -> [String] {
        switch kind {
        case .notABounce:
            return []
        case .autoReply:
            let who = recipients.first
            return [Self.line(recipient: who?.recipient, action: nil, status: nil, replyCode: nil,
                              reason: "vacation", kind: nil, diagnostic: who?.diagnostic ?? "")]
        case .feedback:
            // A complaint that names nobody (the original's To: was "undisclosed") is still a complaint.
            guard !recipients.isEmpty else {
                return [Self.line(recipient: nil, action: nil, status: nil, replyCode: nil,
                                  reason: "feedback", kind: nil, diagnostic: feedbackType ?? "")]
            }
            return recipients.map {
                Self.line(recipient: $0.recipient, action: nil, status: nil, replyCode: nil,
                          reason: "feedback", kind: nil, diagnostic: $0.diagnostic)
            }
        case .bounce, .delivered:
            if recipients.isEmpty, let notice = unaddressedNotice {
                // A bounce that names no recipient: reported, with no address, so it is not lost.
                let codes = MailText.codes(in: notice)
                let c = classifier.classify(replyCode: codes.replyCode, enhancedCode: codes.status, diagnostic: notice)
                return [Self.line(recipient: nil, action: "failed", status: codes.status, replyCode: codes.replyCode,
                                  reason: c.reason.rawValue, kind: c.kind.rawValue, diagnostic: notice, rule: c.rule)]
            }
            return recipients.map { r in
                if !r.isFailure {
                    return Self.line(recipient: r.recipient, action: r.action, status: r.status, replyCode: r.replyCode,
                                     reason: "delivered", kind: nil, diagnostic: r.diagnostic)
                }
                let c = classifier.classify(replyCode: r.replyCode, enhancedCode: r.status, diagnostic: r.diagnostic, recipient: r.recipient)
                return Self.line(recipient: r.recipient, action: r.action, status: r.status, replyCode: r.replyCode,
                                 reason: c.reason.rawValue, kind: c.kind.rawValue, diagnostic: r.diagnostic, rule: c.rule)
            }
        }
    }

    static func line(recipient: String?, action: String?, status: String?, replyCode: Int?,
                     reason: String, kind: String?, diagnostic: String, rule: String? = nil) -> String {
        let fields: [(String, String)] = [
            ("recipient", JSONText.string(recipient)), ("action", JSONText.string(action)),
            ("status", JSONText.string(status)), ("reply_code", replyCode.map(String.init) ?? "null"),
            ("reason", JSONText.string(reason)), ("kind", JSONText.string(kind)),
            ("diagnostic", JSONText.string(diagnostic)), ("rule", JSONText.string(rule)),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}

/// Minimal JSON text encoding for the compact lines listwash prints.
public enum JSONText {
    /// A JSON string literal for `value`, or `null`.
    public static func string(_ value: String?) -> String {
        guard let value else { return "null" }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
