/// Postfix: "This is the mail system at host …" and `<rcpt>: host … said: 550 …` lines.
struct Postfix: MTAFormat {
    let name = "Postfix"
    func detect(_ mail: MailContext) -> Bool {
        mail.subject.contains("undelivered mail returned to sender") || mail.subject.contains("delayed mail (still being retried)")
            || mail.bodyContains(["this is the mail system at host", "the postfix program", "postfix program at host"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["the mail system", "could not be delivered to one or more", "this is the mail system"],
                 end: ["--- delivery report unavailable ---"]).run(mail)
    }
}
