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

    /// The markers as bytes, built once.
    private static let markerBytes: [([UInt8], SMTPCommand, prose: Bool)] = markers.map {
        (Array($0.0.utf8), $0.1, !$0.0.hasPrefix(">>>"))
    }

    /// The command the text names last (the failing step comes last in a transcript), or nil.
    /// - Complexity: O(n·m) for n bytes of text and m markers (a few dozen); bytes only, as it
    ///   runs for every bounce at ingest.
    public static func named(in text: String) -> SMTPCommand? {
        let lower = PhraseMatcher.normalize(text)
        var best: (position: Int, command: SMTPCommand)?
        for (marker, command, _) in markerBytes {
            guard let position = lastWord(marker, in: lower) else { continue }
            if best == nil || position > best!.position { best = (position, command) }
        }
        return best?.command
    }

    /// Every command that `text` names in prose ("in reply to …", "after …"; not transcript lines).
    static func namedInProse(_ text: String) -> Set<SMTPCommand> {
        let lower = PhraseMatcher.normalize(text)
        var found = Set<SMTPCommand>()
        for (marker, command, prose) in markerBytes where prose && lastWord(marker, in: lower) != nil {
            found.insert(command)
        }
        return found
    }

    /// Where `marker` last occurs in `lower` as whole words ("after data", not "after database"):
    /// the byte after it is not a letter or digit (bytes of non-ASCII letters count as letters).
    private static func lastWord(_ marker: [UInt8], in lower: [UInt8]) -> Int? {
        let m = marker.count
        guard m > 0, lower.count >= m else { return nil }
        var start = lower.count - m
        while start >= 0 {
            if lower[start] == marker[0], lower[start + 1 ..< start + m].elementsEqual(marker[1...]) {
                let after = start + m
                if marker[m - 1] == UInt8(ascii: ":") || after == lower.count { return start }
                let c = lower[after]
                let wordByte = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c >= 0x80
                if !wordByte { return start }
            }
            start -= 1
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
