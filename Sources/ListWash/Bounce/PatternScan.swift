/// How much text listwash reads when it looks for words, addresses and codes in a bounce.
///
/// Every pattern search is linear in its input, but a crafted message can still be made of
/// megabytes of one header or one diagnostic; reading past what any real bounce holds buys
/// nothing and costs time on every reader. So text is cut to ``limit`` bytes before it is
/// scanned, at the two doors all such text goes through:
/// - each diagnostic the ``Classifier`` reads (from every event format and from bounce messages);
/// - each text part of a bounce message's notification (``MailContext``), which the MTA formats
///   read for recipients and replies.
/// Structural reading (MIME, DSN fields, CSV, JSON, XML) is not cut: it is linear, and cutting
/// it would drop records.
public enum PatternScan {
    /// 256 KiB. An SMTP reply line is at most 512 bytes (RFC 5321 §4.5.3.1.5) and real
    /// multi-line replies and provider diagnostics stay under a few KiB; a notification's text
    /// is a few KiB too, and where an MTA pastes the returned message into it, the recipients
    /// and the reply come first (the largest in the sisimai corpus is under 64 KiB). So no real
    /// bounce reaches the limit, while a crafted one is read in bounded time.
    public static let limit = 256 * 1024

    /// The longest prefix of `text` of at most ``limit`` UTF-8 bytes that ends between two scalars.
    public static func prefix(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        while end.samePosition(in: text.unicodeScalars) == nil { end = utf8.index(before: end) }
        return String(text[..<end])
    }

    /// The longest prefix of `bytes` of at most ``limit`` bytes that does not end inside a
    /// UTF-8 sequence (a continuation byte there is left out with its lead byte).
    static func prefix(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard bytes.count > limit else { return bytes }
        var end = limit
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[..<end])
    }
}
