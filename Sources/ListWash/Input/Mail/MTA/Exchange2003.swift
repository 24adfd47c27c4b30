/// Microsoft Exchange 2003 and older: "did not reach the following recipient(s):" then
/// `rcpt on <date>` and the reason, with `MSEXCH:` codes. Exchange 2007+ sends real DSNs.
struct Exchange2003: MTAFormat {
    let name = "Exchange2003"
    func detect(_ mail: MailContext) -> Bool {
        mail.headers.contains("X-MS-Embedded-Report") || mail.bodyContains(["did not reach the following recipient(s)", "msexch:"])
            || (mail.headers["X-Mailer"]?.contains("Internet Mail Service") ?? false)
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        // A recipient is an SMTP address or an X.400 O/R address whose `dda:SMTP=` attribute holds it
        // (Exchange 5.5's Internet Mail Service: `c=US;a= ;p=Org;o=Site;dda:SMTP=a@b.example; on <date>`).
        TextScan(start: ["did not reach the following recipient", "delivery has failed to these recipients"],
                 prefixes: ["dda:smtp="]).run(mail)
    }
}
