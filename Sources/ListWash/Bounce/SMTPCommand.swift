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

    /// All markers in one automaton (they are already lower-case with single spaces).
    private static let markerMatcher = PhraseMatcher(patterns: markerBytes.map(\.0))

    /// The command the text names last (the failing step comes last in a transcript), or nil.
    public static func named(in text: String) -> SMTPCommand? {
        var text = text
        return text.withUTF8 { named(inBytes: $0) }
    }

    /// ``named(in:)`` on the text's bytes.
    /// - Complexity: O(n) for n bytes of text: one normalizing copy and one automaton pass for
    ///   all markers; no allocation for texts of a few KiB.
    static func named(inBytes bytes: UnsafeBufferPointer<UInt8>) -> SMTPCommand? {
        var best: (position: Int, marker: Int)?
        forEachWholeMarker(in: bytes) { marker, position in
            if let current = best, position < current.position || (position == current.position && marker > current.marker) {
                return
            }
            best = (position, marker)
        }
        return best.map { markerBytes[$0.marker].1 }
    }

    /// Every command that `text` names in prose ("in reply to …", "after …"; not transcript lines).
    static func namedInProse(_ text: String) -> Set<SMTPCommand> {
        var text = text
        var found = Set<SMTPCommand>()
        text.withUTF8 { bytes in
            forEachWholeMarker(in: bytes) { marker, _ in
                if markerBytes[marker].prose { found.insert(markerBytes[marker].1) }
            }
        }
        return found
    }

    /// Calls `body(marker, start)` for every occurrence of a marker in the normalized text
    /// (lower-case, blank runs as one space) that ends a word: "after data", not "after database"
    /// (the byte after it is not a letter or digit; bytes of non-ASCII letters count as letters).
    private static func forEachWholeMarker(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, bytes.count)) { buffer in
            let count = PhraseMatcher.normalize(bytes, into: buffer)
            let lower = UnsafeBufferPointer(rebasing: buffer[..<count])
            markerMatcher.forEachMatch(in: lower) { marker, end in
                let m = markerMatcher.lengths[marker]
                let start = end - m
                if markerBytes[marker].0[m - 1] != UInt8(ascii: ":"), end < count {
                    let c = lower[end]
                    let wordByte = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c >= 0x80
                    if wordByte { return }
                }
                body(marker, start)
            }
        }
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
