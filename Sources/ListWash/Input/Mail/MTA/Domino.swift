/// Lotus Domino / Notes: "was not delivered to:" then the address, then "because:" and the reason.
struct Domino: MTAFormat {
    let name = "Domino"
    func detect(_ mail: MailContext) -> Bool {
        mail.subject.hasPrefix("delivery failure:") || mail.subject.hasPrefix("delivery_failure:")
            || mail.bodyContains(["was not delivered to:", "------- failure reasons", "domino directory", "lotus smtp mta"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        var found = TextScan(start: ["was not delivered to:", "------- failure reasons"],
                             end: ["------- returned message"]).run(mail)
        // The reason may precede the address (Notes) or follow "because:" (Domino).
        if let because = mail.lowerLines.firstIndex(where: { $0.hasPrefix("because:") || $0.hasPrefix("------- failure reasons") }),
           found.count == 1 {
            let after = mail.lines[(because + 1)...].drop { $0.trimmingASCIIWhitespace().isEmpty }
            let reason = after.prefix { !$0.trimmingASCIIWhitespace().isEmpty && !$0.hasPrefix("-------") }
            let text = MailText.collapse(reason.joined(separator: " "))
            if !text.isEmpty {
                found[0].diagnostic = text
                let codes = MailText.codes(in: text)
                found[0].status = found[0].status ?? codes.status
                found[0].replyCode = found[0].replyCode ?? codes.replyCode
            }
        }
        return found
    }
}
