import Foundation

/// Amazon SES notifications delivered by SNS e-mail: a JSON document with `bouncedRecipients`.
struct AmazonSES: MTAFormat {
    let name = "AmazonSES"
    func detect(_ mail: MailContext) -> Bool {
        mail.text.contains("\"notificationType\"") && (mail.from.contains("amazonaws.com") || mail.text.contains("\"bouncedRecipients\""))
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        // Each recipient object: {"emailAddress":"…","action":"failed","status":"5.1.1","diagnosticCode":"…"}
        let text = mail.lines.joined()
        if text.contains("\"notificationType\":\"Delivery\""), let list = text.range(of: "\"recipients\":[") {
            // A delivery notification: every listed recipient was delivered.
            let response = value("smtpResponse", in: String(text[list.upperBound...])) ?? ""
            let codes = MailText.codes(in: response)
            return MailText.addresses(in: String(text[list.upperBound...].prefix { $0 != "]" })).map {
                BounceRecipient(recipient: $0, action: "delivered", status: codes.status, replyCode: codes.replyCode, diagnostic: response)
            }
        }
        guard let listStart = text.range(of: "\"bouncedRecipients\"") ?? text.range(of: "\"complainedRecipients\"") else { return [] }
        let tail = text[listStart.upperBound...]
        let list = tail.prefix { $0 != "]" }
        return list.components(separatedBy: "}").compactMap { object in
            guard let address = value("emailAddress", in: object).flatMap(MailText.firstAddress) else { return nil }
            let diagnostic = MailText.unwrapQuotedReply(value("diagnosticCode", in: object) ?? "")
            let codes = MailText.codes(in: diagnostic)
            return BounceRecipient(recipient: address, action: value("action", in: object) ?? "failed",
                                   status: value("status", in: object) ?? codes.status, replyCode: codes.replyCode,
                                   diagnostic: diagnostic)
        }
    }
    private func value(_ key: String, in object: String) -> String? {
        guard let k = object.range(of: "\"\(key)\"") else { return nil }
        let after = object[k.upperBound...].drop { $0 == ":" || $0 == " " }
        guard after.first == "\"" else { return nil }
        var result = ""
        var escaped = false
        for ch in after.dropFirst() {
            if escaped { result.append(ch); escaped = false; continue }
            if ch == "\\" { escaped = true; continue }
            if ch == "\"" { break }
            result.append(ch)
        }
        return result
    }
}
