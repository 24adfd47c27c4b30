/// Google Groups: a prose refusal to post; the group address is in `X-Failed-Recipients`.
struct GoogleGroups: MTAFormat {
    let name = "GoogleGroups"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["google groups", "googlegroups.com"]) && mail.headers.contains("X-Failed-Recipients")
            && mail.bodyContains(["the group you tried to contact", "you may not have permission to post"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        let text = MailText.collapse(mail.lines.prefix { !$0.lowercased().contains("----- original message") }.joined(separator: " "))
        return mail.headers.all("X-Failed-Recipients").flatMap(MailText.addresses).map {
            BounceRecipient(recipient: $0, diagnostic: text)
        }
    }
}
