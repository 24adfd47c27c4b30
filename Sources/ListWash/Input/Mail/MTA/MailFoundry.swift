/// MailFoundry and similar gateways: "Unable to deliver message to: <rcpt>" then the reason.
struct MailFoundry: MTAFormat {
    let name = "MailFoundry"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["unable to deliver message to:", "delivery failed for the following reason:"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["unable to deliver message to:"], prefixes: ["unable to deliver message to:"]).run(mail)
    }
}
