/// Yahoo! Mail: "Sorry, we were unable to deliver your message to the following address."
struct Yahoo: MTAFormat {
    let name = "Yahoo"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["sorry, we were unable to deliver your message to the following address"])
            || (mail.headers.contains("X-YMailISG") && mail.fromMailSystem)
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["unable to deliver your message to the following address"],
                 end: ["--- below this line is a copy of the message"]).run(mail)
    }
}
