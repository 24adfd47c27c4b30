/// The last resort for mail-system messages no specific format claims: recipient lines
/// anywhere in the notification, then `X-Failed-Recipients`, then the returned message's `To:`.
struct GenericBounce: MTAFormat {
    let name = "Generic"
    private static let subjects = ["undeliver", "delivery fail", "failure notice", "returned mail", "delivery status",
                                   "mail delivery", "not delivered", "could not be delivered", "delivery problem",
                                   "mail system error", "nondeliverable", "non-delivery", "error sending", "delivery failure"]
    func detect(_ mail: MailContext) -> Bool {
        mail.fromMailSystem || mail.bodyContains(["could not be delivered to:", "was not delivered to", "unable to deliver"])
            || Self.subjects.contains { mail.subject.contains($0) } || mail.headers.contains("X-Failed-Recipients")
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        let prefixes = ["recipients returned permanent errors:", "could not be delivered to:", "delivery to the following",
                        "rcpt to:", "not delivered to", "failed to deliver to", "recipient:", "address:",
                        // L-Soft LSMTP's machine-readable error list, "Error-for: a" then "Error-Text: …"
                        "error-for:"]
        let own = mail.ownAddresses
        var found = TextScan(start: [], prefixes: prefixes).run(mail).filter { !own.contains($0.recipient.lowercased()) }
        if found.isEmpty {
            let diagnostic = Self.notice(mail, before: mail.lines.count)
            let codes = MailText.codes(in: diagnostic)
            var addresses = mail.headers.all("X-Failed-Recipients").flatMap(MailText.addresses)
            if addresses.isEmpty, let original = mail.originalHeaders, let to = original["To"] {
                addresses = MailText.addresses(in: to).filter { !Self.isListAddress($0, original) }
            }
            found = addresses.map { BounceRecipient(recipient: $0, status: codes.status, replyCode: codes.replyCode, diagnostic: diagnostic) }
        }
        if found.isEmpty { found = failureLines(in: mail, excluding: own) }
        if found.isEmpty {
            // Last: the returned message's own headers, attached or copied into the text.
            let copied = mail.originalHeaders == nil ? mail.copiedHeaders() : nil
            if let returned = mail.originalHeaders ?? copied?.headers {
                let diagnostic = Self.notice(mail, before: copied?.line ?? mail.lines.count)
                let codes = MailText.codes(in: diagnostic)
                found = Self.returnedRecipients(returned, excluding: own).map {
                    BounceRecipient(recipient: $0, status: codes.status, replyCode: codes.replyCode, diagnostic: diagnostic)
                }
            }
        }
        return found
    }

    /// The notice above the returned message (its first 40 lines, before `limit`), on one line.
    static func notice(_ mail: MailContext, before limit: Int) -> String {
        MailText.collapse(mail.lines[..<limit].prefix { line in
            !originalMessageMarkers.contains { line.lowercased().contains($0) }
        }.prefix(40).joined(separator: " "))
    }

    /// The failed recipient the returned message's headers name: its `To:` (what the sender
    /// addressed, all of its addresses) unless the message went through a mailing list (`List-Id`,
    /// `List-Post`, `X-BeenThere`, or a list's own address as its `Sender:` or `Errors-To:`), whose
    /// `To:` and `Cc:` name the post's addressees and not the member; then the newest field that
    /// names the envelope recipient: a trace field's `for` clause (RFC 5321 §4.4), Postfix's
    /// `X-Original-To`, Exim's `Envelope-To`, `Delivered-To`, whichever stands highest (the last hop).
    /// Never our own address, a list's address, or a mail system's mailbox.
    static func returnedRecipients(_ headers: MailHeaders, excluding own: Set<String>) -> [String] {
        func usable(_ address: String) -> Bool {
            !own.contains(address.lowercased()) && !isListAddress(address, headers)
                && MailContext.listAddresses(of: address).isEmpty && !MailContext.isMailSystemMailbox(address)
        }
        let viaList = ["List-Id", "List-Post", "X-BeenThere"].contains(where: headers.contains)
            || [headers["Sender"], headers["Errors-To"]].compactMap { $0 }.flatMap(MailText.addresses)
                .contains { !MailContext.listAddresses(of: $0).isEmpty }
        if !viaList, let to = headers["To"] {
            let addresses = MailText.addresses(in: to).filter(usable)
            if !addresses.isEmpty { return addresses }
        }
        for field in headers.fields {
            let candidate: String?
            switch field.name.lowercased() {
            case "received": candidate = MailContext.receivedFor(field.value)
            case "x-original-to", "envelope-to", "delivered-to": candidate = MailText.firstAddress(in: field.value)
            default: continue
            }
            if let candidate, usable(candidate) { return [candidate] }
        }
        return []
    }

    /// Whether `address` is the mailing list the returned message was sent through, not one of its
    /// members: the address its `List-Post` (RFC 2369) or Mailman's `X-BeenThere` names. A list
    /// message's `To:` often holds the list itself; the member it failed for is not in it.
    static func isListAddress(_ address: String, _ headers: MailHeaders) -> Bool {
        let key = address.lowercased()
        let named = [headers["List-Post"], headers["X-BeenThere"]].compactMap { $0 }.flatMap(MailText.addresses)
        let variants = MailContext.listAddresses(of: key)  // L-bounces, L-request, … of the list L
        return named.contains { $0.lowercased() == key || variants.contains($0.lowercased()) }
    }

    /// Words of a notice line that reports one address's failure ("User's mailbox is full: <a>",
    /// "undeliverable to a", "Invalid final delivery userid: a", "(generated from a)", "(Originally
    /// addressed to a)", the alias a local delivery expanded).
    private static let failureWords = ["undeliverable", "mailbox is full", "invalid", "unknown", "failed", "could not",
                                       "generated from", "unable to deliver", "not found", "no such", "does not exist",
                                       "rejected", "not delivered", "originally addressed to", "not a valid"]

    /// Whether `line` is only a parenthesised note of the address a local delivery expanded or was
    /// first given ("(generated from a)", "(Originally addressed to a)", "(expanded from: a)").
    static func isAliasNote(_ line: String) -> Bool {
        let t = line.trimmingASCIIWhitespace().lowercased()
        guard t.hasPrefix("("), t.hasSuffix(")") else { return false }
        return ["generated from", "originally addressed to", "expanded from"].contains { t.dropFirst().hasPrefix($0) }
    }

    /// The last resort: an address on a line of the notice (before the returned message) that
    /// says it failed; never the bounce's own sender or addressee, nor a mail system's mailbox.
    private func failureLines(in mail: MailContext, excluding own: Set<String>) -> [BounceRecipient] {
        var found: [BounceRecipient] = []
        var seen = Set<String>()
        let notice = Array(mail.lines.prefix(while: { line in !originalMessageMarkers.contains { line.lowercased().contains($0) } }).prefix(60))
        for (index, line) in notice.enumerated() {
            let lower = line.lowercased()
            guard Self.failureWords.contains(where: { lower.contains($0) }) else { continue }
            for address in MailText.addresses(in: line) {
                let key = address.lowercased()
                guard !own.contains(key), !MailContext.isMailSystemMailbox(key), seen.insert(key).inserted else { continue }
                var diagnostic = MailText.collapse(line)
                if diagnostic.hasSuffix(":"), let next = notice[(index + 1)...].first(where: { !$0.trimmingASCIIWhitespace().isEmpty }),
                   MailText.addresses(in: next).isEmpty {
                    // "Your message to <a> was automatically rejected:" and the reason on the next line
                    // (Dovecot's rejection_reason template, "…rejected:%n%r").
                    diagnostic += " " + MailText.collapse(next)
                } else if Self.isAliasNote(line), let next = notice[(index + 1)...].first(where: { !$0.trimmingASCIIWhitespace().isEmpty }),
                          MailText.addresses(in: next).isEmpty {
                    // "(Originally addressed to a)" / "(generated from a)" only says which address was
                    // meant; the reason is the line that follows it ("User not known").
                    diagnostic += " " + MailText.collapse(next)
                }
                var codes = MailText.codes(in: diagnostic)
                if codes.replyCode == nil, codes.status == nil,
                   let reply = notice[(index + 1)...].lazy.map({ Substring($0.trimmingASCIIWhitespace()) }).first(where: MailText.isReplyLine) {
                    // The server's reply quoted further down ("…unable to deliver your message to a for the
                    // following reason: / 552 Quota violation …") is the diagnostic (RFC 3464 §2.3.6).
                    diagnostic += " " + MailText.collapse(String(reply))
                    codes = MailText.codes(in: diagnostic)
                }
                found.append(BounceRecipient(recipient: address, status: codes.status, replyCode: codes.replyCode, diagnostic: diagnostic))
            }
        }
        return found
    }
}
