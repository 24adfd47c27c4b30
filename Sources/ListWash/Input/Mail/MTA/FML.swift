/// fml mailing-list manager: refusals ("You are not a member", "Loop Alert") about a list
/// address named in angle brackets in the first lines; the list is the recipient, as with
/// Google Groups.
struct FML: MTAFormat {
    let name = "fml"
    func detect(_ mail: MailContext) -> Bool {
        (mail.headers["X-MLServer"]?.lowercased().contains("fml") ?? false)
            || (mail.headers["X-ML-Info"] != nil && mail.subject.contains(" ml)"))
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        let notice = mail.lines.prefix { !$0.lowercased().contains("original mail as follows") }
        let text = MailText.collapse(notice.joined(separator: " "))
        guard let list = notice.lazy.compactMap({ line -> String? in
            guard let open = line.firstIndex(of: "<") else { return nil }
            return MailText.firstAddress(in: String(line[open...]))
        }).first ?? MailText.firstAddress(in: text) else { return [] }
        return [BounceRecipient(recipient: list, diagnostic: text)]
    }
}
