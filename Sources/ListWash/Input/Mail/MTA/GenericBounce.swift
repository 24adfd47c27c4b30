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
                        "rcpt to:", "not delivered to", "failed to deliver to", "recipient:", "address:"]
        let own = Set(([mail.headers["To"], mail.headers["From"]].compactMap { $0 }).flatMap(MailText.addresses).map { $0.lowercased() })
        var found = TextScan(start: [], prefixes: prefixes).run(mail).filter { !own.contains($0.recipient.lowercased()) }
        if found.isEmpty {
            let diagnostic = MailText.collapse(mail.lines.prefix { line in
                !originalMessageMarkers.contains { line.lowercased().contains($0) }
            }.prefix(40).joined(separator: " "))
            let codes = MailText.codes(in: diagnostic)
            var addresses = mail.headers.all("X-Failed-Recipients").flatMap(MailText.addresses)
            if addresses.isEmpty, let to = mail.originalHeaders?["To"] { addresses = MailText.addresses(in: to) }
            found = addresses.map { BounceRecipient(recipient: $0, status: codes.status, replyCode: codes.replyCode, diagnostic: diagnostic) }
        }
        return found
    }
}
