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
