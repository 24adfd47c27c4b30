/// Exim (and services built on it: GMX, Mail.ru, MXLogic, Zoho): the address alone on an
/// indented line after "The following address(es) failed:", the SMTP error below it.
struct Exim: MTAFormat {
    let name = "Exim"
    func detect(_ mail: MailContext) -> Bool {
        mail.headers.contains("X-Failed-Recipients")
            || mail.subject.hasPrefix("mail delivery failed") || mail.subject.hasPrefix("warning: message")
            || mail.bodyContains(["this message was created automatically by mail delivery software",
                                  "the following address(es) failed", "message is frozen"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["the following address(es) failed", "the following address failed", "could not be delivered to one or more",
                         "has not yet been delivered to"],
                 end: ["included is a copy of the message header", "------ this is a copy of the message"]).run(mail)
    }
}
