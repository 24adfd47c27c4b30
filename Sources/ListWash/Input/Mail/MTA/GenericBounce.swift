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
        let own = Set(([mail.headers["To"], mail.headers["From"]].compactMap { $0 }).flatMap(MailText.addresses).map { $0.lowercased() })
        var found = TextScan(start: [], prefixes: prefixes).run(mail).filter { !own.contains($0.recipient.lowercased()) }
        if found.isEmpty {
            let diagnostic = MailText.collapse(mail.lines.prefix { line in
                !originalMessageMarkers.contains { line.lowercased().contains($0) }
            }.prefix(40).joined(separator: " "))
            let codes = MailText.codes(in: diagnostic)
            var addresses = mail.headers.all("X-Failed-Recipients").flatMap(MailText.addresses)
            if addresses.isEmpty, let original = mail.originalHeaders, let to = original["To"] {
                addresses = MailText.addresses(in: to).filter { !Self.isListAddress($0, original) }
            }
            found = addresses.map { BounceRecipient(recipient: $0, status: codes.status, replyCode: codes.replyCode, diagnostic: diagnostic) }
        }
        if found.isEmpty { found = failureLines(in: mail, excluding: own) }
        return found
    }

    /// Whether `address` is the mailing list the returned message was sent through, not one of its
    /// members: the address its `List-Post` (RFC 2369) or Mailman's `X-BeenThere` names. A list
    /// message's `To:` often holds the list itself; the member it failed for is not in it.
    static func isListAddress(_ address: String, _ headers: MailHeaders) -> Bool {
        let key = address.lowercased()
        let named = [headers["List-Post"], headers["X-BeenThere"]].compactMap { $0 }.flatMap(MailText.addresses)
        return named.contains { $0.lowercased() == key }
    }

    /// Words of a notice line that reports one address's failure ("User's mailbox is full: <a>",
    /// "undeliverable to a", "Invalid final delivery userid: a", "(generated from a)", "(Originally
    /// addressed to a)", the alias a local delivery expanded).
    private static let failureWords = ["undeliverable", "mailbox is full", "invalid", "unknown", "failed", "could not",
                                       "generated from", "unable to deliver", "not found", "no such", "does not exist",
                                       "rejected", "not delivered", "originally addressed to"]

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
                guard !own.contains(key), !key.hasPrefix("postmaster@"), !key.hasPrefix("mailer-daemon@"),
                      seen.insert(key).inserted else { continue }
                var diagnostic = MailText.collapse(line)
                if diagnostic.hasSuffix(":"), let next = notice[(index + 1)...].first(where: { !$0.trimmingASCIIWhitespace().isEmpty }),
                   MailText.addresses(in: next).isEmpty {
                    // "Your message to <a> was automatically rejected:" and the reason on the next line
                    // (Dovecot's rejection_reason template, "…rejected:%n%r").
                    diagnostic += " " + MailText.collapse(next)
                }
                let codes = MailText.codes(in: diagnostic)
                found.append(BounceRecipient(recipient: address, status: codes.status, replyCode: codes.replyCode, diagnostic: diagnostic))
            }
        }
        return found
    }
}
