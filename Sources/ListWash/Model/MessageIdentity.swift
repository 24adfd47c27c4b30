/// What makes the attempts of one message to one address one send.
///
/// An MTA retries a deferred message for days; an ESP reports a message's deferrals and its
/// final bounce as separate events. The policy counts messages, not attempts: the events of
/// one address that carry the same identity collapse into the message's outcome, its last
/// event. Identities come from the sources (`postfix:QUEUEID`, `pmta:JOBID/ENVID`,
/// `ses:MESSAGEID`, `sendgrid:SG_MESSAGE_ID`, `mailgun:MESSAGE-ID`, `postmark:MESSAGEID`,
/// `mid:ORIGINAL-MESSAGE-ID`, `envid:ORIGINAL-ENVELOPE-ID`), or from the canonical formats'
/// `message_id` column as given. Events without one count one each.
public enum MessageIdentity {
    /// The identity as stored: blanks around it trimmed, then angle brackets around it (a
    /// Message-ID's) dropped; nil when nothing is left.
    public static func normalized(_ text: String?) -> String? {
        guard let text else { return nil }
        let blank = { (b: UInt8) in b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = text.utf8.first, let last = text.utf8.last else { return nil }
        if !blank(first), !blank(last), first != UInt8(ascii: "<") { return text }
        var bytes = Substring(text).utf8[...]
        while let b = bytes.first, blank(b) { bytes = bytes.dropFirst() }
        while let b = bytes.last, blank(b) { bytes = bytes.dropLast() }
        if bytes.count > 2, bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">") {
            bytes = bytes.dropFirst().dropLast()
        }
        guard !bytes.isEmpty else { return nil }
        return String(Substring(bytes))
    }

    /// `prefix:` and the source's own id (for importers), nil when the id is empty.
    static func tagged(_ prefix: String, _ id: String?) -> String? {
        guard let id = normalized(id) else { return nil }
        return "\(prefix):\(id)"
    }

    /// The 32-bit hash an address entry keeps of the identity (0: none): FNV-1a over its
    /// bytes, folded to 32 bits, never 0. Two messages of one address share a hash with a
    /// chance of about one in four billion.
    public static func hash(_ text: String?) -> UInt32 {
        guard var text else { return 0 }
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let h = FNV1a.hash64(bytes)
        let folded = UInt32(truncatingIfNeeded: h ^ (h >> 32))
        return folded == 0 ? 1 : folded
    }
}
