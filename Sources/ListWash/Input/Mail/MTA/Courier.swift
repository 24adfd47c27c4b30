/// Courier MTA: "This is a delivery status notification from …" with `<rcpt>:` blocks.
struct Courier: MTAFormat {
    let name = "Courier"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["courier mail server at", "this is a delivery status notification from"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["the following address", "could not be delivered", "delivery status notification from"]).run(mail)
    }
}
