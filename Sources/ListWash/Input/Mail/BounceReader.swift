/// Reads one bounce-mailbox message into a ``BounceReport``.
///
/// Order of recognition: RFC 3464 delivery-status parts, RFC 5965 feedback reports, the
/// plain-text formats of ``MTARegistry`` (which also fill gaps in thin DSNs), RFC 3834
/// auto-replies, then a generic scan of messages sent by a mail system.
public struct BounceReader: Sendable {
    /// Creates a reader.
    public init() {}

    /// The identity of the message the report is about (``RawEvent/messageIdentity``): the
    /// returned message's `Message-ID`, else an `X-Original-Message-ID` (of the returned
    /// message or of the report), else the DSN's `Original-Envelope-Id` (RFC 3464 §2.2.1).
    static func originalMessage(_ mail: MailContext) -> String? {
        if let id = MessageIdentity.normalized(mail.originalHeaders?["Message-ID"]) { return "mid:\(id)" }
        if let id = MessageIdentity.normalized(mail.originalHeaders?["X-Original-Message-ID"] ?? mail.root.headers["X-Original-Message-ID"]) {
            return "mid:\(id)"
        }
        for text in mail.deliveryStatusTexts {
            if let id = MessageIdentity.normalized(DeliveryStatus(text: text).message["Original-Envelope-Id"]) { return "envid:\(id)" }
        }
        return nil
    }

    /// Parses `bytes` (one message) read from `file`. Throws ``MailError`` when the bytes are
    /// not a mail message; anything that is a message but not a report is `.notABounce`.
    public func read(_ bytes: [UInt8], file: String) throws -> BounceReport {
        let root = try MIME.parseMessage(bytes, file: file)
        let mail = MailContext(root: root)
        var report = BounceReport(kind: .notABounce, agent: "none")
        report.messageID = root.headers["Message-ID"].map(Self.stripAngles)
        report.originalMessage = Self.originalMessage(mail)
        report.date = root.headers["Date"].flatMap(MailDate.parse)

        if let feedback = feedbackReport(mail) {
            report.kind = .feedback
            report.agent = "ARF"
            report.feedbackType = feedback.type
            report.recipients = feedback.recipients
            report.arrivalDate = feedback.arrival
            if feedback.recipients.isEmpty { report.why = "a feedback report that names no recipient" }
            return report
        }

        if let system = Self.challengeResponse(mail) {
            // A challenge/response system holds the message until the sender proves itself: the
            // address exists and may still get the message, so it is no failure (even in a DSN).
            report.agent = system
            report.why = "a challenge/response request (\(system)), not a bounce"
            return report
        }

        var dsn = mail.deliveryStatusTexts.map(DeliveryStatus.init(text:))
        if dsn.allSatisfy({ $0.recipients.isEmpty }), mail.bodyContains(["final-recipient:"]) {
            // A DSN pasted into a text part (seen in gateways that re-wrap reports).
            let inline = DeliveryStatus(text: mail.text)
            if !inline.recipients.isEmpty { dsn = [inline] }
        }
        let dsnRecipients = dsn.flatMap(\.bounceRecipients)
        let plain = plainText(mail)
        if !dsnRecipients.isEmpty {
            report.agent = plain?.agent ?? "RFC3464"
            report.arrivalDate = dsn.lazy.compactMap { $0.message["Arrival-Date"].flatMap(MailDate.parse) }.first
            let plainRecipients = PlainRecipients(plain?.recipients ?? [])
            report.recipients = Self.withCommand(Self.withNotice(dsnRecipients.map { Self.complete($0, from: plainRecipients) }, mail), mail)
            report.kind = report.recipients.contains(where: \.isFailure) ? .bounce : .delivered
            return report
        }
        if let plain, !plain.recipients.isEmpty {
            report.agent = plain.agent
            let delayed = Self.isDelayNotice(mail)
            report.recipients = Self.withCommand(Self.withNotice(plain.recipients.map { r in
                var r = r
                if delayed { r.action = "delayed" }
                return r
            }, mail), mail)
            report.kind = report.recipients.contains(where: \.isFailure) ? .bounce : .delivered
            return report
        }
        if let who = autoReply(mail) {
            report.kind = .autoReply
            report.agent = "RFC3834"
            report.recipients = [BounceRecipient(recipient: who, action: "", diagnostic: mail.subject)]
            report.why = "an auto-reply (RFC 3834), not a bounce"
            return report
        }
        if let notice = Self.unaddressedFailure(mail, dsn: dsn) {
            // A failure notice that names no recipient anywhere: a bounce all the same, reported
            // with no address (it yields no event) and the reason why.
            report.kind = .bounce
            report.agent = dsn.isEmpty ? "Generic" : "RFC3464"
            report.unaddressedNotice = notice
            report.why = dsn.contains(where: { !$0.recipients.isEmpty })
                ? "a failure report whose delivery-status part names no recipient address"
                : "a failure notice that names no recipient address, in its text or in the returned message's headers"
            return report
        }
        report.why = Self.whyNotABounce(mail, dsnGroups: dsn.reduce(0) { $0 + $1.recipients.count })
        return report
    }

    /// Words of a notice that reports a failed delivery (RFC 3464 §2.3.3's `failed`, in the MTAs'
    /// and providers' own notices), lowercased.
    static let failureWords = ["could not be delivered", "couldn't be delivered", "undeliverable", "not delivered",
                               "unable to deliver", "wasn't able to deliver", "was not able to deliver", "delivery failed",
                               "delivery has failed", "failed permanently", "permanent error", "did not reach",
                               "delivery failure", "delivery to the following recipient", "non-delivery", "nondeliverable",
                               "not a valid user", "not a valid recipient"]

    /// The notice's own words when `mail` reports a failed delivery but names no recipient address:
    /// a DSN whose groups say `failed` without an address, or a notice from a mail system (by its
    /// sender or subject) whose subject or text says the delivery failed. Nil otherwise.
    static func unaddressedFailure(_ mail: MailContext, dsn: [DeliveryStatus]) -> String? {
        let notice = MailText.collapse(mail.lines.prefix { line in
            !originalMessageMarkers.contains { line.lowercased().contains($0) }
        }.prefix(40).joined(separator: " "))
        let groups = dsn.flatMap(\.recipients)
        if !groups.isEmpty {
            guard groups.contains(where: { ($0["Action"] ?? "").lowercased().contains("fail") }) else { return nil }
            let diagnostics = groups.flatMap { $0.all("Diagnostic-Code") }.map(DeliveryStatus.diagnosticText)
            let text = MailText.collapse(diagnostics.joined(separator: " "))
            return text.isEmpty ? notice : text
        }
        guard mail.fromMailSystem || GenericBounce().detect(mail) else { return nil }
        let lowerNotice = notice.lowercased()
        guard failureWords.contains(where: { mail.subject.contains($0) || lowerNotice.contains($0) }) else { return nil }
        return notice
    }

    /// Whether a plain notice (no DSN) says delivery is still being attempted: RFC 3464's `delayed`
    /// ("has so far been unable to deliver …, but it will continue to attempt to do so") in the
    /// words of the MTAs' own warning templates, in the subject or in the notice above the returned
    /// message: sendmail's "Warning: could not send message for past N hours" / "THIS IS A WARNING
    /// MESSAGE ONLY", Postfix's "Delayed Mail (still being retried)" / "THIS IS A WARNING ONLY",
    /// Exim's "has not yet been delivered … Delivery attempts will continue", Courier's "advisory
    /// notice only", and the like. A notice that also says the failure is permanent is no warning.
    static func isDelayNotice(_ mail: MailContext) -> Bool {
        let subjects = ["delay", "warning: could not send", "still being retried", "will continue to try",
                        "not yet been delivered", "delivery warning", "delivery status notification (delay)"]
        if subjects.contains(where: { mail.subject.contains($0) }) { return true }
        let notice = mail.lowerLines.prefix { line in !originalMessageMarkers.contains { line.contains($0) } }
            .joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        let permanent = ["permanent error", "permanent fatal error", "permanently", "i've given up", "i'm not going to try again",
                         "will not try again", "could not be delivered for"]
        if permanent.contains(where: { notice.contains($0) }) { return false }
        let warnings = ["this is a warning message only", "this is a warning only", "this is just a warning",
                        "advisory notice only", "advisory-only", "has not yet been delivered",
                        "delivery attempts will continue", "will continue to attempt delivery", "will continue to try to deliver",
                        "will continue trying to deliver", "has been postponed", "delivery will be retried", "is still being retried"]
        return warnings.contains { notice.contains($0) }
    }

    /// Why a message that yielded nothing is not a bounce, in words an operator can check.
    static func whyNotABounce(_ mail: MailContext, dsnGroups: Int) -> String {
        if dsnGroups > 0 { return "its delivery-status part names no recipient address" }
        if !mail.deliveryStatusTexts.isEmpty { return "its delivery-status part holds no recipient fields" }
        if mail.fromMailSystem {
            return "sent by a mail system, but no failed recipient was found in its text or in the returned message"
        }
        let challenge = ["verify your email", "confirm your email", "please confirm", "challenge", "whitelist request",
                         "approve your message", "sender verification"]
        if challenge.contains(where: { mail.subject.contains($0) }) {
            return "a challenge/response request, not a bounce"
        }
        if mail.headers.contains("List-Unsubscribe") || mail.headers.contains("List-Id") {
            return "a list or newsletter message, not a bounce"
        }
        return "no delivery-status or feedback part, not from a mail system, and no failure notice in its text"
    }

    private static func stripAngles(_ value: String) -> String {
        var v = value.trimmingASCIIWhitespace()
        if v.hasPrefix("<") { v.removeFirst() }
        if let close = v.firstIndex(of: ">") { v = String(v[..<close]) }
        return v
    }

    /// The plain-text part's recipients, by lowercased address (the first of each), so that
    /// completing n DSN recipients from m plain ones takes n + m steps, not n × m.
    struct PlainRecipients {
        let all: [BounceRecipient]
        private var byAddress: [String: Int] = [:]

        init(_ recipients: [BounceRecipient]) {
            all = recipients
            for (index, r) in recipients.enumerated() where byAddress[r.recipient.lowercased()] == nil {
                byAddress[r.recipient.lowercased()] = index
            }
        }

        /// The first recipient with `address` (case-insensitive), else the only one, else nil.
        func match(_ address: String) -> BounceRecipient? {
            if let index = byAddress[address.lowercased()] { return all[index] }
            return all.count == 1 ? all.first : nil
        }
    }

    /// Fills a DSN recipient's missing diagnostic and codes from the plain-text part.
    static func complete(_ recipient: BounceRecipient, from plain: PlainRecipients) -> BounceRecipient {
        var r = recipient
        guard let match = plain.match(r.recipient) else { return r }
        if r.diagnostic.isEmpty { r.diagnostic = match.diagnostic }
        if r.replyCode == nil, let code = match.replyCode, r.status?.first.map({ String(code).first == $0 }) ?? true { r.replyCode = code }
        if r.status == nil || r.status!.hasSuffix(".0.0"), let s = match.status, r.status?.first.map({ s.first == $0 }) ?? true { r.status = s }
        return r
    }

    /// A lone failed recipient whose diagnostic and status say nothing (empty, or only its address) takes the
    /// notification's own words instead, as far as the copy of the original message (some MTAs
    /// write the reason above the address, e.g. "The user(s) account is disabled.").
    static func withNotice(_ recipients: [BounceRecipient], _ mail: MailContext) -> [BounceRecipient] {
        guard recipients.count == 1, var r = recipients.first, r.isFailure,
              r.status == nil || r.status!.hasSuffix(".0.0") else { return recipients }  // a precise code says more
        guard !MailText.hasTextBesideAddresses(r.diagnostic) else { return recipients }
        var notice: [String] = []
        for (line, lower) in zip(mail.lines, mail.lowerLines) {
            if originalMessageMarkers.contains(where: { lower.contains($0) }) || notice.count == 20 { break }
            if !line.trimmingASCIIWhitespace().isEmpty { notice.append(line) }
        }
        let text = MailText.collapse(notice.joined(separator: " "))
        guard !text.isEmpty else { return recipients }
        r.diagnostic = text
        return [r]
    }

    /// Adds the SMTP command the remote server was answering (``SMTPCommand/clause``) to failed
    /// recipients whose diagnostic does not name it, when the notification names one command only:
    /// Postfix's text part ("in reply to end of DATA command") or a sendmail transcript (">>> DATA"
    /// followed by "<<< 550 …"). The classifier reads the command from the diagnostic.
    static func withCommand(_ recipients: [BounceRecipient], _ mail: MailContext) -> [BounceRecipient] {
        guard recipients.contains(where: { $0.isFailure && !$0.diagnostic.isEmpty && SMTPCommand.named(in: $0.diagnostic) == nil })
        else { return recipients }
        var notice: [String] = []
        for line in mail.lowerLines {
            if originalMessageMarkers.contains(where: { line.contains($0) }) { break }
            notice.append(line)
        }
        var commands = Set<SMTPCommand>()
        var lastSent: String?
        for line in notice {
            if line.hasPrefix("<<< 4") || line.hasPrefix("<<< 5") {
                // A transcript: the error answers the nearest command sent before it.
                if let sent = lastSent, let command = SMTPCommand.named(in: sent) { commands.insert(command) }
            } else if line.hasPrefix(">>> ") {
                lastSent = line
            }
        }
        if commands.isEmpty {
            commands = SMTPCommand.namedInProse(notice.filter { !$0.hasPrefix(">>> ") }.joined(separator: " "))
        }
        guard commands.count == 1, let command = commands.first else { return recipients }
        return recipients.map { r in
            guard r.isFailure, !r.diagnostic.isEmpty, SMTPCommand.named(in: r.diagnostic) == nil else { return r }
            var r = r
            r.diagnostic += " " + command.clause
            return r
        }
    }

    /// The first plain-text format that recognises the message and finds recipients. The
    /// bounce's own addressee and sender (our return path, the reporting MTA's mailer-daemon)
    /// are never taken for a failed recipient.
    private func plainText(_ mail: MailContext) -> (agent: String, recipients: [BounceRecipient])? {
        let own = mail.ownAddresses
        for format in MTARegistry.formats where format.detect(mail) {
            var found = format.recipients(in: mail).filter { !own.contains($0.recipient.lowercased()) }
            if found.isEmpty { continue }
            var seen = Set<String>()
            found = found.filter { seen.insert($0.recipient.lowercased()).inserted }
            return (format.name, found)
        }
        return nil
    }

    /// RFC 5965: a `message/feedback-report` part, or `Feedback-Type:` in a report's text.
    private func feedbackReport(_ mail: MailContext) -> (type: String?, recipients: [BounceRecipient], arrival: Int64?)? {
        let reportType = ContentType(mail.headers["Content-Type"]).parameters["report-type"]?.lowercased()
        var texts = mail.feedbackTexts
        if texts.isEmpty {
            guard reportType == "feedback-report" || (mail.bodyContains(["feedback-type:"]) && mail.bodyContains(["user-agent:", "version:"])) else { return nil }
            texts = [mail.text]
        }
        let fields = texts.map { MIME.parseHeaders(Array($0.utf8)) }
        var merged = MailHeaders(fields: fields.flatMap(\.fields))
        if !merged.contains("Feedback-Type") {
            // The fields may follow prose in a text part: take them line by line.
            let lines = texts.joined(separator: "\n").split(separator: "\n").map(String.init)
            let start = lines.firstIndex { $0.lowercased().hasPrefix("feedback-type:") } ?? lines.count
            merged = MIME.parseHeaders(Array(lines[start...].joined(separator: "\n").utf8))
        }
        var addresses = merged.all("Original-Rcpt-To").compactMap(MailText.firstAddress)
        if addresses.isEmpty { addresses = merged.all("Removal-Recipient").compactMap(MailText.firstAddress) }
        if addresses.isEmpty, let to = mail.originalHeaders?["To"] { addresses = MailText.addresses(in: to) }
        if addresses.isEmpty, let to = mail.headers["X-Original-To"] { addresses = MailText.addresses(in: to) }
        let type = merged["Feedback-Type"]?.lowercased()
        let arrival = merged["Arrival-Date"].flatMap(MailDate.parse) ?? merged["Received-Date"].flatMap(MailDate.parse)
        let recipients = addresses.map {
            BounceRecipient(recipient: $0, action: "", diagnostic: type ?? "", timestamp: arrival)
        }
        return (type, recipients, arrival)
    }

    /// The challenge/response system that sent `mail`, when it is one: such a system holds a message
    /// until its sender confirms, by a link or a reply, that it is a person (or a real server).
    /// Recognised by what each system writes, as Mail::DeliveryStatus::BounceParser records it
    /// (BounceParser.pm, "common C/R systems"): TMDA's `X-Delivery-Agent: TMDA/…` header, Bluebottle's
    /// `X-Bluebottle-Request` header, Boxbe's guest-list notice (also sent as a DSN whose diagnostic
    /// type is `X-Boxbe-Notice`: "Sender not pre-approved"), and a receiving server that answers
    /// "Your server requires confirmation" with a link to confirm the sending server.
    static func challengeResponse(_ mail: MailContext) -> String? {
        let h = mail.headers
        if h["X-Delivery-Agent"]?.trimmingASCIIWhitespace().uppercased().hasPrefix("TMDA") == true { return "TMDA" }
        if h.contains("X-Bluebottle-Request") { return "Bluebottle" }
        let dsnText = mail.deliveryStatusTexts.joined(separator: "\n").lowercased()
        if dsnText.contains("x-boxbe-notice") || mail.bodyContains(["my boxbe guest list"]) { return "Boxbe" }
        let notice = mail.lowerLines.prefix { line in !originalMessageMarkers.contains { line.contains($0) } }
        if notice.joined(separator: " ").contains("your server requires confirmation")
            || dsnText.contains("your server requires confirmation") {
            return "server confirmation"
        }
        return nil
    }

    /// RFC 3834 and the vacation conventions that predate it: returns the replying address.
    private func autoReply(_ mail: MailContext) -> String? {
        guard !mail.fromMailSystem else { return nil }
        let h = mail.headers
        let auto = h["Auto-Submitted"]?.lowercased() ?? ""
        let precedence = h["Precedence"]?.lowercased() ?? ""
        var isAuto = auto.hasPrefix("auto-replied") || auto.hasPrefix("auto-notified")
            || h.contains("X-Autoreply") || h.contains("X-Autorespond") || h.contains("X-Autoresponder")
            || h.contains("X-Vacation") || precedence.contains("auto_reply") || precedence.contains("auto-reply")
            || (h["X-Auto-Response-Suppress"] != nil && h["X-MS-Exchange-Inbox-Rules-Loop"] != nil)
        if !isAuto {
            let subjects = ["auto:", "auto reply", "auto-reply", "autoreply", "automatic reply", "auto response",
                            "autoresponse", "automatische antwort", "abwesenheitsnotiz", "out of office", "out of the office",
                            "vacation", "away from", "réponse automatique", "respuesta automática", "risposta automatica",
                            "automatisch antwoord", "自動応答", "自动回复"]
            isAuto = subjects.contains { mail.subject.contains($0) }
        }
        guard isAuto else { return nil }
        return MailText.firstAddress(in: h["From"] ?? "") ?? MailText.firstAddress(in: h["Reply-To"] ?? "")
    }
}
