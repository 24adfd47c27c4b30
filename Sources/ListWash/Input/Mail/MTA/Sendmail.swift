/// Sendmail (and look-alikes: Active!Hunter, V5 sendmail, X1): the "had permanent fatal errors"
/// list, then the session transcript with lines like `550 5.1.1 <rcpt>... User unknown`.
struct Sendmail: MTAFormat {
    let name = "Sendmail"
    func detect(_ mail: MailContext) -> Bool {
        mail.subject.hasPrefix("returned mail") || mail.subject.hasPrefix("warning: could not send message")
            || mail.bodyContains(["----- transcript of session follows -----", "had permanent fatal errors",
                                  "following addresses had delivery errors", "----- the following addresses had"])
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        var found = TextScan(start: ["had permanent fatal errors", "following addresses had delivery errors",
                                     "addresses had transient non-fatal errors"],
                             end: ["----- unsent message follows", "----- original message follows"]).run(mail)
        let transcript = transcriptLines(mail)
        if found.isEmpty { found = transcript } else {
            var byAddress: [String: Int] = [:]
            for (index, t) in transcript.enumerated() where byAddress[t.recipient.lowercased()] == nil {
                byAddress[t.recipient.lowercased()] = index
            }
            for i in found.indices {
                if let t = byAddress[found[i].recipient.lowercased()].map({ transcript[$0] }),
                   t.replyCode != nil || t.status != nil {
                    if found[i].replyCode == nil { found[i].replyCode = t.replyCode }
                    if found[i].status == nil { found[i].status = t.status }
                    found[i].diagnostic = t.diagnostic
                }
            }
        }
        if found.count == 1, found[0].replyCode == nil, found[0].status == nil, let reply = lastReply(mail) {
            // One recipient, and the transcript's reply names another address (the alias it was
            // expanded from) or none: the reply is what the server said (RFC 3464 §2.3.6, the
            // Diagnostic-Code is the reply to the failing command), not the "(expanded from: …)" note.
            let codes = MailText.codes(in: reply)
            found[0].replyCode = codes.replyCode
            found[0].status = codes.status
            found[0].diagnostic = reply
        }
        return found
    }

    /// The last SMTP reply in the session transcript (`554 Too many hops …`, `<<< 550 …`), or nil.
    private func lastReply(_ mail: MailContext) -> String? {
        guard let start = mail.lowerLines.firstIndex(where: { $0.contains("transcript of session follows") }) else { return nil }
        var reply: String?
        for line in mail.lines[(start + 1)...] {
            let lower = line.lowercased()
            if originalMessageMarkers.contains(where: { lower.contains($0) }) || lower.contains("unsent message follows")
                || lower.contains("message header follows") { break }
            var trimmed = Substring(line.trimmingASCIIWhitespace())
            if trimmed.hasPrefix("<<< ") { trimmed = trimmed.dropFirst(4) }
            if MailText.isReplyLine(trimmed) { reply = String(trimmed) }
        }
        return reply
    }

    /// Transcript lines `NNN[ -]… <rcpt>... text`: the reply that refused a recipient.
    private func transcriptLines(_ mail: MailContext) -> [BounceRecipient] {
        guard let start = mail.lowerLines.firstIndex(where: { $0.contains("transcript of session follows") }) else { return [] }
        var result: [BounceRecipient] = []
        var byAddress: [String: Int] = [:]  // lowercased address → its index in `result`
        for line in mail.lines[(start + 1)...] {
            let lower = line.lowercased()
            if lower.contains("unsent message follows") || lower.contains("original message follows") { break }
            let trimmed = line.trimmingASCIIWhitespace()
            guard let first = trimmed.first, first.isNumber, trimmed.contains("..."),
                  let address = MailText.firstAddress(in: trimmed) else { continue }
            let codes = MailText.codes(in: trimmed)
            if let index = byAddress[address.lowercased()] {
                result[index].diagnostic += " " + trimmed
            } else {
                byAddress[address.lowercased()] = result.count
                result.append(BounceRecipient(recipient: address, status: codes.status, replyCode: codes.replyCode, diagnostic: trimmed))
            }
        }
        return result
    }
}
