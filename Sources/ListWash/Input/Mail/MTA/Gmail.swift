/// Gmail's own bounces: "Delivery to the following recipient failed permanently:", then the
/// technical details and "The response from the remote server was:".
struct Gmail: MTAFormat {
    let name = "Gmail"
    func detect(_ mail: MailContext) -> Bool {
        mail.bodyContains(["delivery to the following recipient failed", "delivery to the following recipients failed",
                           "** address not found **", "** message not delivered **", "delivery to the following recipient has been delayed"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        var found = TextScan(start: ["delivery to the following recipient", "** address not found **", "** message not delivered **"],
                             end: ["----- original message -----", "----- message truncated -----"],
                             prefixes: ["your message wasn't delivered to ", "your message to ", "there was a problem delivering your message to "]).run(mail)
        // The details come after a blank line; read them for the codes and diagnostic.
        if found.count == 1, let details = mail.lowerLines.firstIndex(where: {
            $0.contains("technical details of") || $0.contains("the response from the remote server was") || $0.contains("the response was:")
        }) {
            let end = mail.lowerLines[details...].firstIndex { $0.contains("----- original message") } ?? mail.lines.count
            let text = MailText.collapse(mail.lines[details..<end].joined(separator: " "))
            let codes = MailText.codes(in: text)
            found[0].diagnostic = text
            found[0].replyCode = codes.replyCode ?? found[0].replyCode
            found[0].status = codes.status ?? found[0].status
        }
        return found
    }
}
