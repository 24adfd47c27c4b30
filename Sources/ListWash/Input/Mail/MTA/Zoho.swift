/// Zoho Mail: `rcpt Invalid Address, ERROR_CODE :550, ERROR_CODE :5.2.2 <remote reply>` lines.
struct Zoho: MTAFormat {
    let name = "Zoho"
    func detect(_ mail: MailContext) -> Bool {
        mail.from.contains("zoho.com") && (mail.headers.contains("X-ZohoMail") || mail.bodyContains(["error_code :"]))
    }
    func recipients(in mail: MailContext) -> [BounceRecipient] {
        TextScan(start: ["could not be delivered"]).run(mail).map { r in
            var r = r
            r.diagnostic = Self.remoteReply(r.diagnostic)
            return r
        }
    }

    /// Zoho says "Invalid Address" for every failure and gives the codes apart: the remote reply,
    /// with its codes put back in front, is what names the cause.
    static func remoteReply(_ text: String) -> String {
        var codes: [String] = []
        var rest = Substring(text)
        while let marker = rest.range(of: "ERROR_CODE :", options: .caseInsensitive) {
            let value = rest[marker.upperBound...].prefix { !$0.isWhitespace && $0 != "," }
            codes.append(String(value))
            rest = rest[value.endIndex...].drop { $0 == "," || $0 == " " }
        }
        guard !codes.isEmpty else { return text }
        return (codes + [String(rest)]).joined(separator: " ")
    }
}
