/// DragonFly Mail Agent (dma): "There was an error delivering your mail to <rcpt>." then the reply.
struct DragonFly: MTAFormat {
    let name = "DragonFly"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["this is the dragonfly mail agent", "dragonfly mail agent"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["there was an error delivering your mail to"], end: ["message headers follow"],
                 prefixes: ["there was an error delivering your mail to"]).run(mail)
    }
}
