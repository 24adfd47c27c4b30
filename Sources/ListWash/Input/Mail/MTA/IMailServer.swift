/// Ipswitch IMail Server: `Unknown user: rcpt`, `Body of message generated response:` and the like.
struct IMailServer: MTAFormat {
    let name = "IMailServer"
    func detect(_ mail: MailContext) -> Bool {
        (mail.headers["X-Mailer"]?.lowercased().contains("smtp32") ?? false) || mail.subject == "undeliverable mail"
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        var found = TextScan(start: [], end: ["original message follows"],
                             prefixes: ["unknown user:", "user mailbox exceeds allowed size:", "recipient address rejected:",
                                        "smtp server error", "delivery failed", "undeliverable to ", "unknown host:",
                                        "mailbox full:", "user not found:"]).run(mail)
        for i in found.indices {
            let line = mail.lines.first { $0.contains(found[i].recipient) } ?? ""
            if found[i].diagnostic.isEmpty || !found[i].diagnostic.contains(" ") { found[i].diagnostic = MailText.collapse(line) }
        }
        return found
    }
}
