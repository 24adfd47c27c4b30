/// One MTA's or provider's plain-text bounce format: how to recognise it and read it.
///
/// Each conforming type lives in its own file and holds everything listwash knows about that
/// software; ``MTARegistry/formats`` lists them in the order they are tried.
protocol MTAFormat: Sendable {
    /// The agent name reported in ``BounceReport/agent``.
    var name: String { get }
    /// Whether the message was produced by this software.
    func detect(_ mail: MailContext) -> Bool
    /// The failed recipients with their diagnostics; empty when the body does not fit.
    func recipients(in mail: MailContext) -> [BounceRecipient]
}

/// The plain-text formats, most specific first. Order matters: the first format that detects
/// the message and finds recipients wins, so never iterate an unordered collection here.
enum MTARegistry {
    static let formats: [any MTAFormat] = [
        AmazonSES(), GoogleGroups(), Gmail(), Yahoo(), Qmail(), DragonFly(), InterScan(), IMailServer(), Verizon(), FML(),
        Exchange2003(), MessagingServer(), Domino(), Courier(), MailFoundry(), Zoho(), Postfix(), Sendmail(), Exim(), GenericBounce(),
    ]
}

/// Lines that start the copy of the returned message in plain-text bounces, across MTAs.
let originalMessageMarkers: [String] = [
    "------ this is a copy of the message", "------ the body of the message", "--- below this line is a copy",
    "--- enclosed is a copy", "----- original message follows", "------- returned message", "original message follows",
    "----- original message -----", "message headers follow", "--- the header of the original message",
    "----- message header follows", "------ original message header", "--- original message follows",
    "----- unsent message below", "content-type: message/rfc822", "-----original message-----",
    "the original message was:", "----- the following is the original message", "original message headers:",
    "------ original message ------",
]

/// A reusable scanner for the common plain-text shape: a start marker, then recipient lines
/// (`<a@b>:`, `a@b`, `"a@b":`, `a@b on …`, `>>> a@b`), each followed by its diagnostic lines.
struct TextScan: Sendable {
    /// Lowercase phrases; scanning starts at the first line holding one (at the top if none does).
    var start: [String] = []
    /// Extra lowercase phrases that end the scan, besides ``originalMessageMarkers``.
    var end: [String] = []
    /// Whether a line starting with an address opens a recipient.
    var leadingAddress = true
    /// Lowercase phrases after which an address on the same line opens a recipient.
    var prefixes: [String] = []
    /// Whether the common end markers stop the scan (off when a transcript is the report itself).
    var stopAtCommonMarkers = true

    func run(_ mail: MailContext) -> [BounceRecipient] {
        var first = 0
        if !start.isEmpty, let found = mail.lowerLines.firstIndex(where: { line in start.contains { line.contains($0) } }) {
            first = found
        }
        var result: [BounceRecipient] = []
        /// The lowercased addresses in `result`, so a repeat is found in one lookup.
        var seen = Set<String>()
        var diagnostics: [[String]] = []
        var closed = false
        var last = mail.lines.count
        for index in first..<mail.lines.count {
            let line = mail.lines[index]
            let lower = mail.lowerLines[index]
            if index > first, end.contains(where: { lower.contains($0) }) { last = index; break }
            if index > first, stopAtCommonMarkers, originalMessageMarkers.contains(where: { lower.contains($0) }) { last = index; break }
            if let (address, rest) = recipientOn(line, lower: lower) {
                if let last = result.last, last.recipient.lowercased() == address.lowercased() {
                    diagnostics[diagnostics.count - 1].append(line)
                } else if seen.contains(address.lowercased()) {
                    closed = true  // the same report repeated (e.g. in a second language)
                    continue
                } else {
                    result.append(BounceRecipient(recipient: address))
                    seen.insert(address.lowercased())
                    diagnostics.append(rest.isEmpty ? [] : [rest])
                }
                closed = false
                continue
            }
            guard !result.isEmpty, !closed else { continue }
            if line.trimmingASCIIWhitespace().isEmpty {
                // A diagnostic line that ends with a colon announces what follows ("For the
                // following reason:", "was automatically rejected:"): the blank line does not end it.
                if let lastLine = diagnostics[diagnostics.count - 1].last, !lastLine.trimmingASCIIWhitespace().hasSuffix(":") {
                    closed = true
                }
                continue
            }
            diagnostics[diagnostics.count - 1].append(line)
        }
        if result.count == 1, !diagnostics[0].contains(where: { MailText.codes(in: $0).status != nil }),
           let quoted = mail.lines[first..<last].first(where: { line in
               MailText.codes(in: line).status != nil && !diagnostics[0].contains(line)
           }) {
            // One recipient whose reply sits apart from it (after a rule, a heading or a transcript line).
            diagnostics[0].append(quoted)
        }
        for i in result.indices {
            let text = MailText.collapse(diagnostics[i].joined(separator: " "))
            result[i].diagnostic = text
            let codes = MailText.codes(in: text)
            result[i].replyCode = codes.replyCode
            result[i].status = codes.status
        }
        return result
    }

    /// The recipient a line opens, and the rest of the line after it.
    func recipientOn(_ line: String, lower: String) -> (String, String)? {
        let matches = MailText.addressMatches(in: line)
        guard let firstMatch = matches.first else { return nil }
        let scalars = Array(line.unicodeScalars)
        if leadingAddress {
            let before = String(String.UnicodeScalarView(scalars[0..<firstMatch.start]))
            let lead = before.trimmingASCIIWhitespace()
            if lead.isEmpty || ["<", "\"", "\"<", ">>>", ">>> <", "'", "rcpt to:", "rcpt to:<", "*", "-", "- <", "--", "•"].contains(lead.lowercased()) {
                var rest = String(String.UnicodeScalarView(scalars[firstMatch.end...]))
                while let c = rest.unicodeScalars.first, [">", "\"", ":", "'", " ", "."].contains(c) { rest.unicodeScalars.removeFirst() }
                if !rest.unicodeScalars.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) { rest = "" }
                return (firstMatch.address, rest)
            }
        }
        for prefix in prefixes {
            guard let range = lower.range(of: prefix) else { continue }
            let offset = lower.unicodeScalars.distance(from: lower.unicodeScalars.startIndex, to: range.upperBound.samePosition(in: lower.unicodeScalars) ?? lower.unicodeScalars.endIndex)
            if let match = matches.first(where: { $0.start >= offset }) {
                var rest = String(String.UnicodeScalarView(scalars[match.end...])).trimmingASCIIWhitespace()
                if !rest.unicodeScalars.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) { rest = "" }
                return (match.address, rest)
            }
        }
        return nil
    }
}
