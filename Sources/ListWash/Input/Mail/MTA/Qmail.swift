/// qmail and its descendants (netqmail, X4, Yahoo's legacy form): `<rcpt>:` then the remote
/// reply, up to "--- Below this line is a copy of the message."
struct Qmail: MTAFormat {
    let name = "qmail"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["this is the qmail-send program", "qmail-send program at", "i'm afraid i wasn't able to deliver your message",
                           "could not be delivered. this is a permanent error", "--- below this line is a copy of the message"])
            || mail.subject == "failure notice"
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["i'm afraid i wasn't able to deliver", "following address(es)", "could not be delivered",
                         "unable to deliver your message"],
                 end: ["--- below this line is a copy of the message", "--- enclosed are the original headers"]).run(mail)
    }
}
