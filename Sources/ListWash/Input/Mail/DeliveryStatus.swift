/// RFC 3464 `message/delivery-status` content: the per-message fields and one group per recipient.
public struct DeliveryStatus: Sendable, Equatable {
    /// Per-message fields (`Reporting-MTA`, `Arrival-Date`, …).
    public var message: MailHeaders
    /// One field group per recipient (`Final-Recipient`, `Action`, `Status`, …).
    public var recipients: [MailHeaders]

    /// Parses the body of a delivery-status part (or any text holding DSN field groups).
    /// Groups are separated by blank lines; folded fields are unfolded.
    public init(text: String) {
        message = MailHeaders()
        recipients = []
        var group: [String] = []
        func flush() {
            guard !group.isEmpty else { return }
            let fields = MIME.parseHeaders(Array((group.joined(separator: "\n") + "\n").utf8))
            group.removeAll()
            if fields.contains("Final-Recipient") || fields.contains("Original-Recipient") {
                recipients.append(fields)
            } else if !recipients.isEmpty && (fields.contains("Action") || fields.contains("Status")) {
                // A stray blank line inside a recipient group: keep the fields together.
                recipients[recipients.count - 1].fields += fields.fields
            } else {
                message.fields += fields.fields
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { flush() } else { group.append(String(line)) }
        }
        flush()
    }

    /// The value after an RFC 3464 type prefix (`rfc822; a@b` → `a@b`, `smtp; 550 …` → `550 …`).
    static func stripType(_ value: String) -> String {
        guard let semi = value.firstIndex(of: ";") else { return value }
        let type = value[..<semi]
        guard !type.isEmpty, !type.contains(" ") else { return value }
        return String(value[value.index(after: semi)...]).trimmingASCIIWhitespace()
    }

    /// A Diagnostic-Code's text: the type prefix goes (`smtp; 550 …` → `550 …`), except `X-Unix`, which
    /// says the local delivery program failed (`X-Unix; 255`) and is kept for the classifier.
    static func diagnosticText(_ value: String) -> String {
        let trimmed = value.trimmingASCIIWhitespace()
        return trimmed.lowercased().hasPrefix("x-unix;") ? trimmed : stripType(value)
    }

    /// The text of a field's trailing parenthesised comment (`5.0.0 (permanent failure)` → `permanent failure`).
    static func comment(_ value: String) -> String? {
        guard let open = value.firstIndex(of: "("), let close = value.lastIndex(of: ")"), open < close else { return nil }
        let text = String(value[value.index(after: open)..<close]).trimmingASCIIWhitespace()
        return text.isEmpty ? nil : String(text)
    }

    /// The recipients as ``BounceRecipient`` values.
    public var bounceRecipients: [BounceRecipient] {
        recipients.compactMap { group in
            let final = group["Final-Recipient"].map(Self.stripType).flatMap(MailText.firstAddress)
            let original = group["Original-Recipient"].map(Self.stripType).flatMap(MailText.firstAddress)
            let actual = group["X-Actual-Recipient"].map(Self.stripType).flatMap(MailText.firstAddress)
            guard let address = final ?? actual ?? original else { return nil }
            var diagnostic = MailText.unwrapQuotedReply(
                MailText.collapse(group.all("Diagnostic-Code").map(Self.diagnosticText).joined(separator: " ")))
            if diagnostic.isEmpty, let comment = group["Status"].flatMap(Self.comment) {
                // No Diagnostic-Code: sendmail puts the reason in the Status comment ("4.0.0 (host name lookup failure)").
                diagnostic = MailText.collapse(comment)
            }
            let codes = MailText.codes(in: diagnostic)
            var status = group["Status"].flatMap { MailText.codes(in: $0).status }
            // The remote server's own code is more precise than the reporting MTA's summary:
            // take the last status of the same class the diagnostic quotes.
            if let quoted = MailText.statuses(in: diagnostic).last(where: { status == nil || $0.first == status!.first }) {
                status = quoted
            }
            var action = group["Action"]?.lowercased().trimmingASCIIWhitespace() ?? ""
            if let space = action.firstIndex(of: " ") { action = String(action[..<space]) }
            switch action {
            case "failed", "delayed", "delivered", "relayed", "expanded": break
            case "failure", "fail", "error": action = "failed"
            case "delay": action = "delayed"
            default: action = status?.first == "4" ? "delayed" : (status?.first == "2" ? "delivered" : "failed")
            }
            let reply = codes.replyCode
            let remote = group["Remote-MTA"].map(Self.stripType)
            return BounceRecipient(
                recipient: address, originalRecipient: original, action: action, status: status,
                replyCode: reply, diagnostic: diagnostic,
                timestamp: group["Last-Attempt-Date"].flatMap(MailDate.parse), remoteMTA: remote)
        }
    }
}
