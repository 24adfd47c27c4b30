/// The SMTP command a failing reply answered, as far as the text of a bounce says.
///
/// The command matters for the reason: a mailbox's existence is checked at `RCPT TO`, so a
/// "user unknown" given in reply to `DATA` comes from a filter that read the message; a refusal
/// of `MAIL FROM` is about the envelope sender, not the recipient.
public enum SMTPCommand: String, Sendable, CaseIterable {
    /// The connection greeting or `HELO`/`EHLO`.
    case connect = "CONNECT"
    /// `MAIL FROM`.
    case mail = "MAIL"
    /// `RCPT TO`.
    case rcpt = "RCPT"
    /// `DATA` or the end of the message data.
    case data = "DATA"

    /// How MTAs name the command in their reports (lowercase, blanks collapsed): Postfix "in reply to
    /// … command", Exim "after …", DragonFly/DMA "did not like our …", sendmail transcripts ">>> …".
    static let markers: [(String, SMTPCommand)] = [
        ("in reply to end of data command", .data), ("in reply to data command", .data),
        ("after end of data", .data), ("after data", .data), ("did not like our data", .data), (">>> data", .data),
        ("in reply to rcpt to command", .rcpt), ("after rcpt to", .rcpt), ("after rcpt command", .rcpt),
        ("did not like our rcpt to", .rcpt), (">>> rcpt to", .rcpt), ("does not like recipient", .rcpt),
        ("smtp:rcpt", .rcpt),
        ("in reply to mail from command", .mail), ("after mail from", .mail), ("did not like our mail from", .mail),
        (">>> mail from", .mail),
        ("after initial connection", .connect), ("in reply to helo command", .connect),
        ("in reply to ehlo command", .connect), ("after helo", .connect), ("after ehlo", .connect),
        ("did not like our helo", .connect), ("did not like our ehlo", .connect),
    ]

    /// The command the text names last (the failing step comes last in a transcript), or nil.
    /// - Complexity: O(n·m) for n characters of text and m markers (a few dozen).
    public static func named(in text: String) -> SMTPCommand? {
        let lower = String(decoding: PhraseMatcher.normalize(text), as: UTF8.self)
        var best: (position: String.Index, command: SMTPCommand)?
        for (marker, command) in markers {
            guard let position = lastWord(marker, in: lower) else { continue }
            if best == nil || position > best!.position { best = (position, command) }
        }
        return best?.command
    }

    /// Every command that `text` names in prose ("in reply to …", "after …"; not transcript lines).
    static func namedInProse(_ text: String) -> Set<SMTPCommand> {
        let lower = String(decoding: PhraseMatcher.normalize(text), as: UTF8.self)
        var found = Set<SMTPCommand>()
        for (marker, command) in markers where !marker.hasPrefix(">>>") && lastWord(marker, in: lower) != nil {
            found.insert(command)
        }
        return found
    }

    /// Where `marker` last occurs in `lower` as whole words ("after data", not "after database").
    private static func lastWord(_ marker: String, in lower: String) -> String.Index? {
        var end = lower.endIndex
        while let range = lower.range(of: marker, options: .backwards, range: lower.startIndex..<end) {
            let next = lower[range.upperBound...].unicodeScalars.first
            if marker.last == ":" || next == nil || !(next!.properties.isAlphabetic || ("0"..."9").contains(next!)) {
                return range.lowerBound
            }
            end = range.lowerBound
        }
        return nil
    }

    /// The words listwash appends to a diagnostic that lacks them, in Postfix's style.
    public var clause: String {
        switch self {
        case .connect: "(in reply to EHLO command)"
        case .mail: "(in reply to MAIL FROM command)"
        case .rcpt: "(in reply to RCPT TO command)"
        case .data: "(in reply to end of DATA command)"
        }
    }
}
