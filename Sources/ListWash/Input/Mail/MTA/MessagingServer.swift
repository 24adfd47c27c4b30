/// Oracle/Sun Messaging Server and PMDF: "This report relates to a message you sent" with
/// `Recipient address:` / `Original address:` lines and a `Reason:` or `Diagnostic code:`.
struct MessagingServer: MTAFormat {
    let name = "MessagingServer"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["this report relates to a message you sent", "recipient address:"])
            || mail.from.contains("pmdf") || (mail.headers["Content-Type"]?.lowercased().contains("boundary_(id_") ?? false)
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["recipient address:", "original address:", "this report relates to"], leadingAddress: false,
                 prefixes: ["recipient address:", "original address:"]).run(mail)
    }
}
