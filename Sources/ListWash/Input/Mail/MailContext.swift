import Foundation

/// A parsed message with the views every format detector needs, computed once.
struct MailContext: Sendable {
    let root: MIMEPart
    var headers: MailHeaders { root.headers }
    /// `From:`, lowercased.
    let from: String
    /// `Subject:`, decoded and lowercased.
    let subject: String
    /// The human-readable notification: text parts outside any attached message, each cut to
    /// its first ``PatternScan/limit`` bytes.
    let text: String
    /// `text` split into lines, whitespace-trimmed at the end.
    let lines: [String]
    /// `lines`, lowercased.
    let lowerLines: [String]
    /// Bodies of `message/delivery-status` parts.
    let deliveryStatusTexts: [String]
    /// Bodies of `message/feedback-report` parts.
    let feedbackTexts: [String]
    /// Headers of the returned original message, when it is attached.
    let originalHeaders: MailHeaders?
    /// Lowercased addresses that are ours or the reporting system's, never a failed recipient: the
    /// bounce's own `To:` and `From:`, and the mailing list behind our return path (see
    /// ``listAddresses(of:)``).
    let ownAddresses: Set<String>

    init(root: MIMEPart) {
        self.root = root
        from = (root.headers["From"] ?? "").lowercased()
        subject = (root.headers["Subject"] ?? "").lowercased()
        var texts: [String] = []
        var dsn: [String] = []
        var feedback: [String] = []
        var original: MailHeaders? = nil
        /// Reports attached as a whole message (`message/rfc822` holding a `multipart/report`).
        var wrapped: [MIMEPart] = []
        func walk(_ part: MIMEPart, isRoot: Bool) {
            let type = part.contentType.mimeType
            switch type {
            case "message/delivery-status", "message/global-delivery-status":
                dsn.append(part.text)
            case "message/feedback-report":
                feedback.append(part.text)
            case "message/rfc822", "message/global":
                if original == nil { original = part.children.first?.headers ?? MIME.parseHeaders(part.decodedBody) }
                if let inner = part.children.first, inner.contentType.mimeType == "multipart/report" { wrapped.append(inner) }
            case "text/rfc822-headers", "message/rfc822-headers", "text/rfc822-header":
                if original == nil { original = MIME.parseHeaders(part.decodedBody) }
            default:
                if part.contentType.isMultipart && !part.children.isEmpty {
                    for child in part.children { walk(child, isRoot: false) }
                } else if type.hasPrefix("text/") || isRoot {
                    let disposition = part.headers["Content-Disposition"]?.lowercased() ?? ""
                    let text = part.text
                    if type == "text/html" && !texts.isEmpty { return }
                    if disposition.hasPrefix("attachment") && !texts.isEmpty {
                        if original == nil, text.contains(":") { original = MIME.parseHeaders(part.decodedBody) }
                        return
                    }
                    texts.append(PatternScan.prefix(type == "text/html" ? MailContext.stripTags(text) : text))
                }
            }
        }
        walk(root, isRoot: true)
        if dsn.isEmpty && feedback.isEmpty && !wrapped.isEmpty {
            // A report forwarded as an attachment (a gateway that wraps the DSN it received in a
            // message of its own): read the report inside, and its returned message is the original.
            // Only when the message holds no report of its own: a DSN that returns a DSN (a double
            // bounce) is about its own recipients, not the inner one's.
            original = nil
            for inner in wrapped { walk(inner, isRoot: false) }
            if original == nil { original = wrapped.first?.headers }
        }
        text = texts.joined(separator: "\n")
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var l = Substring(line)
            while let last = l.last, last == " " || last == "\t" || last == "\r" { l.removeLast() }
            return String(l)
        }
        lowerLines = lines.map { $0.lowercased() }
        deliveryStatusTexts = dsn
        feedbackTexts = feedback
        originalHeaders = original
        var own = Set<String>()
        for address in ["To", "From"].compactMap({ root.headers[$0] }).flatMap(MailText.addresses) {
            own.insert(address.lowercased())
            own.formUnion(Self.listAddresses(of: address))
        }
        ownAddresses = own
    }

    /// The list addresses a list manager's own mailbox stands for: a bounce goes back to a list's
    /// administrative address, never to a member, and the list's posting address in the notice
    /// ("not accepting mail from L@host") is the sender's side too. Mailman's `L-bounces`,
    /// `L-admin`, `L-owner`, `L-request` (and a VERP tail `+…` after them) stand for `L` and for
    /// each other; Majordomo's and Sympa's `owner-L` for `L`.
    static func listAddresses(of address: String) -> Set<String> {
        let lower = address.lowercased()
        guard let at = lower.lastIndex(of: "@") else { return [] }
        var local = String(lower[..<at])
        let domain = String(lower[at...])
        if let plus = local.firstIndex(of: "+") { local = String(local[..<plus]) }
        var list: String?
        for suffix in ["-bounces", "-admin", "-owner", "-request"] where local.hasSuffix(suffix) && local.count > suffix.count {
            list = String(local.dropLast(suffix.count))
            break
        }
        if list == nil, local.hasPrefix("owner-"), local.count > 6 { list = String(local.dropFirst(6)) }
        guard let list else { return [] }
        return Set(([""] + ["-bounces", "-admin", "-owner", "-request"]).map { list + $0 + domain } + ["owner-" + list + domain])
    }

    /// Whether `address` is a mail system's own mailbox (RFC 5321 §4.5.1's postmaster, the
    /// MAILER-DAEMON of bounce senders), which is never a failed recipient.
    static func isMailSystemMailbox(_ address: String) -> Bool {
        let lower = address.lowercased()
        return lower.hasPrefix("postmaster@") || lower.hasPrefix("mailer-daemon@") || lower.hasPrefix("mailerdaemon@")
    }

    /// Header fields a copy of the returned message carries (RFC 5322, RFC 5321's trace fields and
    /// the delivery agents' envelope fields), used to tell a copied header block in the text.
    private static let copiedFields: Set<String> = [
        "return-path", "received", "from", "to", "cc", "subject", "date", "sent", "message-id", "delivered-to",
        "x-original-to", "envelope-to", "reply-to", "sender", "mime-version", "content-type",
    ]

    /// The field name a text line starts (`Received: …`, `>To: …`, `  Subject: …`), lowercased, or nil.
    private static func fieldName(_ line: Substring) -> String? {
        var l = line.drop(while: { $0 == " " || $0 == "\t" })
        guard let colon = l.firstIndex(of: ":"), colon != l.startIndex else { return nil }
        l = l[..<colon]
        guard l.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return nil }
        return l.lowercased()
    }

    /// The returned message's headers when they are copied into the notice's text rather than
    /// attached: the first block of at least two header lines of a message (`Received:`, `To:`,
    /// `Subject:`, …; quoted with `>` or indented, as MTAs copy them), with its folded lines.
    /// Read on demand: only the last-resort recipient search needs it.
    func copiedHeaders() -> (headers: MailHeaders, line: Int)? {
        var index = 0
        while index < lines.count {
            guard let name = Self.fieldName(Self.unquoted(lines[index])), Self.copiedFields.contains(name) else {
                index += 1
                continue
            }
            var block: [String] = []
            var known = 0
            var next = index
            while next < lines.count {
                let line = Self.unquoted(lines[next])
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) { break }
                if let name = Self.fieldName(line), !(line.first == " " || line.first == "\t") || block.isEmpty
                    || Self.copiedFields.contains(name) {
                    if Self.copiedFields.contains(name) { known += 1 }
                    block.append(String(line.drop(while: { $0 == " " || $0 == "\t" })))
                } else if line.first == " " || line.first == "\t" {
                    block.append(String(line))  // a folded line
                } else {
                    break
                }
                next += 1
            }
            if known >= 2 { return (MIME.parseHeaders(Array((block.joined(separator: "\n") + "\n").utf8)), index) }
            index = max(next, index + 1)
        }
        return nil
    }

    /// A line of a copied message without its quoting `>` (RFC 3676 §4.5 quote marks).
    private static func unquoted(_ line: String) -> Substring {
        var l = Substring(line)
        if l.hasPrefix(">") { l = l.dropFirst() }
        return l
    }

    /// The recipient a trace field names (RFC 5321 §4.4: `Received: … for <a@b>; date`), or nil.
    static func receivedFor(_ value: String) -> String? {
        let clauses = value.split(separator: ";", maxSplits: 1).first.map(String.init) ?? value
        guard let range = clauses.range(of: " for ", options: .caseInsensitive) else { return nil }
        return MailText.firstAddress(in: String(clauses[range.upperBound...]))
    }

    /// True when any line contains one of `markers` (lowercase).
    func bodyContains(_ markers: [String]) -> Bool {
        lowerLines.contains { line in markers.contains { line.contains($0) } }
    }

    /// True when `From:` looks like a mail system (mailer-daemon, postmaster, …).
    var fromMailSystem: Bool {
        ["mailer-daemon", "postmaster", "mail delivery", "mail-daemon", "mailerdaemon", "mail administrator",
         "system administrator", "mdaemon", "<>"].contains { from.contains($0) } || from.isEmpty
    }

    static func stripTags(_ html: String) -> String {
        var out = ""
        var inTag = false
        for ch in html {
            if ch == "<" { inTag = true; continue }
            if ch == ">" { inTag = false; continue }
            if !inTag { out.append(ch) }
        }
        return out.replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }
}
