/// Trend Micro InterScan MSS: a transcript with `Sent <<< RCPT TO:<rcpt>` and `Received >>> 550 …`.
struct InterScan: MTAFormat {
    let name = "InterScanMSS"
    func detect(_ mail: MailContext) -> Bool {
        mail.from.contains("interscan") || (mail.bodyContains(["sent <<< rcpt to:"]) && mail.bodyContains(["received >>> "]))
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["sent <<< ", "unable to deliver"], leadingAddress: false,
                 prefixes: ["rcpt to:", "could not deliver mail to", "unable to deliver message to"]).run(mail)
    }
}
