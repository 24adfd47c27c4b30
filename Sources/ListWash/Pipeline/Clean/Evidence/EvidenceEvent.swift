/// One evidence event as ``EvidenceFile`` keeps it: the fields the audit shows, in binary,
/// rendered to the audit's JSON object only by the audit's threads (``render(_:at:strings:into:)``).
///
/// Layout, integers as varints (``Varint``):
///
///     flags:u8            bit 0: the event has a reply code (the other bits are 0)
///     id: length, bytes   (16 bytes)
///     timestamp           zigzag
///     reply_code          zigzag, when flagged
///     nine texts, in the object's order: type, enhanced_code, diagnostic, reason, kind,
///     classifier_rule, provider_verdict, source, message_id; each a tag:
///         0               none (`null`; no member for message_id)
///         1               the text follows: length, UTF-8 bytes
///         n ≥ 2           entry n − 2 of the run's ``EvidenceStrings``
///
/// The evidence pass's reading threads write every text in place (``append(_:to:)``); its
/// filing thread then names the repeated ones by their entry (``intern(_:strings:into:)``).
/// A record takes about 40 bytes and its diagnostic, against about 400 bytes of JSON.
enum EvidenceEvent {
    static let texts = 9
    /// The texts that recur rarely (diagnostics name the address): they may fill part of the table.
    private static let diagnostic = 2
    /// Message identities are one per message: never put in the table.
    private static let message = 8
    /// Timestamps a history can hold (12-digit Unix seconds, four-digit years) are far inside this.
    private static let timestampBound: Int64 = 1 << 48

    /// Appends a stored event's record, every text in place.
    static func append(_ row: HistoryStore.EventRow, to out: inout [UInt8]) {
        out.append(row.replyCode == nil ? 0 : 1)
        Varint.append(UInt64(row.id.count), to: &out)
        out.append(contentsOf: row.id)
        Varint.append(zigzag(row.timestamp), to: &out)
        if let code = row.replyCode { Varint.append(zigzag(code), to: &out) }
        func text(_ text: UnsafeRawBufferPointer?) {
            guard let text else { return out.append(0) }
            out.append(1)
            Varint.append(UInt64(text.count), to: &out)
            out.append(contentsOf: text)
        }
        text(row.type)
        text(row.enhancedCode)
        text(row.diagnostic)
        text(row.reason)
        text(row.kind)
        text(row.rule)
        text(row.providerVerdict)
        text(row.source)
        text(row.message)
    }

    /// Appends `event` (one record as ``append(_:to:)`` wrote it) with each text that
    /// `strings` holds or takes named by its entry. False when `event` is not one whole record.
    static func intern(_ event: UnsafeRawBufferPointer, strings: EvidenceStrings, into out: inout [UInt8]) -> Bool {
        var at = 0
        guard let fixed = skipFixed(event, at: &at) else { return false }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: event[0..<fixed]))
        for field in 0..<texts {
            guard let tag = Varint.read(event, at: &at) else { return false }
            guard tag == 1 else {
                Varint.append(tag, to: &out)
                continue
            }
            guard let length = Varint.read(event, at: &at), length <= UInt64(event.count - at) else { return false }
            let text = UnsafeRawBufferPointer(rebasing: event[at..<(at + Int(length))])
            at += Int(length)
            if field != message, let entry = strings.number(of: text, partial: field == diagnostic) {
                Varint.append(UInt64(entry) + 2, to: &out)
            } else {
                out.append(1)
                Varint.append(length, to: &out)
                out.append(contentsOf: text)
            }
        }
        return at == event.count
    }

    /// Moves `at` past the flags, id, timestamp and reply code; returns where the texts start
    /// (nil: they do not read back).
    private static func skipFixed(_ bytes: UnsafeRawBufferPointer, at: inout Int) -> Int? {
        guard at < bytes.count, bytes[at] <= 1 else { return nil }
        let hasReply = bytes[at] == 1
        at += 1
        guard let idLength = Varint.read(bytes, at: &at), idLength <= 64, idLength <= UInt64(bytes.count - at) else { return nil }
        at += Int(idLength)
        guard Varint.read(bytes, at: &at) != nil else { return nil }
        if hasReply, Varint.read(bytes, at: &at) == nil { return nil }
        return at
    }

    /// The constant parts of an evidence object, in `JSONWriter`'s order: before the id, then
    /// before the timestamp, the type, the reply code and each text after the type.
    private static let parts: [[UInt8]] = [
        "{\"id\":\"", "\",\"timestamp\":\"", "\",\"type\":", ",\"reply_code\":", ",\"enhanced_code\":", ",\"diagnostic\":",
        ",\"reason\":", ",\"kind\":", ",\"classifier_rule\":", ",\"provider_verdict\":", ",\"source\":",
        ",\"message_id\":",
    ].map { Array($0.utf8) }
    private static let null = Array("null".utf8)

    /// Appends the audit's JSON object of the record starting at `at` (the bytes `JSONWriter`
    /// writes for the stored event) and moves `at` past it. False when the bytes there are not
    /// a whole record or name an entry `strings` does not hold: a damaged file, which the
    /// caller reports; `out` then holds part of an object.
    static func render(_ bytes: UnsafeRawBufferPointer, at: inout Int, strings: EvidenceStrings, into out: inout [UInt8]) -> Bool {
        guard at < bytes.count, bytes[at] <= 1 else { return false }
        let hasReply = bytes[at] == 1
        at += 1
        guard let idLength = Varint.read(bytes, at: &at), idLength <= 64, idLength <= UInt64(bytes.count - at) else { return false }
        let id = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(idLength))])
        at += Int(idLength)
        guard let time = Varint.read(bytes, at: &at) else { return false }
        let timestamp = unzigzag(time)
        guard timestamp > -timestampBound, timestamp < timestampBound else { return false }
        var code: Int64?
        if hasReply {
            guard let value = Varint.read(bytes, at: &at) else { return false }
            code = unzigzag(value)
        }
        return parts.withUnsafeBufferPointer { parts in
            out.append(contentsOf: parts[0])
            for b in id {
                out.append(JSONWriter.hexDigit(b >> 4))
                out.append(JSONWriter.hexDigit(b & 0xF))
            }
            out.append(contentsOf: parts[1])
            Timestamp.append(timestamp, to: &out)
            out.append(contentsOf: parts[2])
            for field in 0..<texts {
                guard let tag = Varint.read(bytes, at: &at) else { return false }
                if field == message, tag == 0 { continue }
                // The reply code goes between the type and the enhanced code.
                if field == 1 {
                    out.append(contentsOf: parts[3])
                    if let code { JSONWriter.appendInt(code, to: &out) } else { out.append(contentsOf: null) }
                }
                if field > 0 { out.append(contentsOf: parts[3 + field]) }
                switch tag {
                case 0:
                    out.append(contentsOf: null)
                case 1:
                    guard let length = Varint.read(bytes, at: &at), length <= UInt64(bytes.count - at) else { return false }
                    JSONWriter.appendString(bytes: UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(length))]).bindMemory(to: UInt8.self), to: &out)
                    at += Int(length)
                default:
                    guard tag - 2 < UInt64(Int32.max), strings.appendLiteral(Int(tag - 2), to: &out) else { return false }
                }
            }
            out.append(UInt8(ascii: "}"))
            return true
        }
    }

    @inline(__always)
    private static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    @inline(__always)
    private static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
}
