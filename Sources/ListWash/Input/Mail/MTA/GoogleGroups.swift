/// Google Groups: a prose refusal to post; the group address is in `X-Failed-Recipients`.
struct GoogleGroups: MTAFormat {
    let name = "GoogleGroups"
    func detect(_ mail: MailContext) -> Bool {
        guard let failed = mail.headers["X-Failed-Recipients"]?.lowercased() else { return false }
        // The notice is localized; Google's own mailer reporting a failed group address is enough.
        return (failed.contains("@googlegroups.com") && mail.from.contains("google"))
            || (mail.bodyContains(["google groups", "googlegroups.com"])
                && mail.bodyContains(["the group you tried to contact", "you may not have permission to post"]))
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        // The notice is localized, but always means one thing: the group refused the sender. Say so in
        // words the classifier knows, then keep Google's own text.
        let notice = MailText.collapse(mail.lines.prefix { !$0.lowercased().contains("----- original message") }.joined(separator: " "))
        let text = "Google Groups: the group may not exist, or the sender may not have permission to post. " + notice
        return mail.headers.all("X-Failed-Recipients").flatMap(MailText.addresses).map {
            BounceRecipient(recipient: $0, diagnostic: text)
        }
    }
}
