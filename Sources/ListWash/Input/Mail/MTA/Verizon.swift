/// Verizon Wireless (vtext.com) gateway: "Error: …", "Error message below:" and a
/// "Message details:" block whose `RCPT TO:` names the recipient.
struct Verizon: MTAFormat {
    let name = "Verizon"
    func detect(_ mail: MailContext) -> Bool {
        mail.from.contains("vtext.com") || (mail.bodyContains(["error message below:"]) && mail.bodyContains(["message details:"]))
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        guard let rcpt = mail.lines.first(where: { $0.lowercased().contains("rcpt to:") }).flatMap(MailText.firstAddress) else { return [] }
        let reason = mail.lines.prefix { !$0.lowercased().hasPrefix("message details:") }
        let text = MailText.collapse(reason.joined(separator: " "))
        let codes = MailText.codes(in: text)
        return [BounceRecipient(recipient: rcpt, status: codes.status, replyCode: codes.replyCode, diagnostic: text)]
    }
}
