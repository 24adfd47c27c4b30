import Foundation

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
///         1               in place: length, UTF-8 bytes
///         2               a diagnostic that quotes the event's address: a piece before it,
///                         the address in place (length, bytes), a piece after it
///         3               a number after a colon (a source's line): the piece before the
///                         colon, the number (written in decimal without leading zeros)
///         n ≥ 4           entry n − 4 of the run's ``EvidenceStrings``
///     a piece is a text of tag 1 or n ≥ 4.
///
/// The evidence pass's reading threads write every text in place, the event's address first
/// (``append(_:to:)``); its filing thread then names the recurring texts and pieces by their
/// entry (``intern(_:strings:into:)``). A record takes about 50 bytes, against about 400
/// bytes of JSON: a diagnostic is mostly a recurring text around the address it quotes, and
/// a source a file name and a line.
enum EvidenceEvent {
    static let texts = 9
    /// The texts that recur rarely (diagnostics name the address, a queue id): they may fill part of the table.
    private static let diagnostic = 2
    /// Message identities are one per message: never put in the table.
    private static let message = 8
    /// Timestamps a history can hold (12-digit Unix seconds, four-digit years) are far inside this.
    private static let timestampBound: Int64 = 1 << 48
    /// Numbers after a colon are split off up to this many digits.
    private static let maxDigits = 18

    /// Appends a stored event's record, its address and every text in place.
    static func append(_ row: HistoryStore.EventRow, to out: inout [UInt8]) {
        out.append(row.replyCode == nil ? 0 : 1)
        Varint.append(UInt64(row.id.count), to: &out)
        out.append(contentsOf: row.id)
        Varint.append(zigzag(row.timestamp), to: &out)
        if let code = row.replyCode { Varint.append(zigzag(code), to: &out) }
        Varint.append(UInt64(row.address.count), to: &out)
        out.append(contentsOf: row.address)
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

    /// Appends the record of `event` (one record as ``append(_:to:)`` wrote it): without the
    /// address, each text that `strings` holds or takes named by its entry, a diagnostic
    /// around the address it quotes and a number after a colon kept apart. False when `event`
    /// is not one whole record.
    static func intern(_ event: UnsafeRawBufferPointer, strings: EvidenceStrings, into out: inout [UInt8]) -> Bool {
        var at = 0
        guard let fixed = skipFixed(event, at: &at) else { return false }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: event[0..<fixed]))
        guard let address = bytes(event, at: &at) else { return false }
        for field in 0..<texts {
            guard at < event.count else { return false }
            let tag = event[at]
            at += 1
            guard tag == 1 else {
                guard tag == 0 else { return false }
                out.append(0)
                continue
            }
            guard let text = bytes(event, at: &at) else { return false }
            if field == message { piece(text, strings: nil, partial: true, into: &out); continue }
            let partial = field == diagnostic
            if field == diagnostic, address.count >= 3, let start = firstPlace(of: address, in: text) {
                out.append(2)
                piece(UnsafeRawBufferPointer(rebasing: text[..<start]), strings: strings, partial: true, into: &out)
                Varint.append(UInt64(address.count), to: &out)
                out.append(contentsOf: address)
                piece(UnsafeRawBufferPointer(rebasing: text[(start + address.count)...]), strings: strings, partial: true, into: &out)
            } else if let (before, number) = numberAfterColon(text) {
                out.append(3)
                piece(before, strings: strings, partial: partial, into: &out)
                Varint.append(number, to: &out)
            } else {
                piece(text, strings: strings, partial: partial, into: &out)
            }
        }
        return at == event.count
    }

    /// Appends a piece: its entry, or the text in place when the table does not take it.
    private static func piece(_ text: UnsafeRawBufferPointer, strings: EvidenceStrings?, partial: Bool, into out: inout [UInt8]) {
        if let entry = strings?.number(of: text, partial: partial) {
            Varint.append(UInt64(entry) + 4, to: &out)
        } else {
            out.append(1)
            Varint.append(UInt64(text.count), to: &out)
            out.append(contentsOf: text)
        }
    }

    /// Where `needle` first occurs in `text` (a text longer than it).
    private static func firstPlace(of needle: UnsafeRawBufferPointer, in text: UnsafeRawBufferPointer) -> Int? {
        guard text.count > needle.count else { return nil }
        let first = needle[0]
        var at = 0
        while at <= text.count - needle.count {
            guard let found = memchr(text.baseAddress! + at, Int32(first), text.count - needle.count - at + 1) else { return nil }
            at = text.baseAddress!.distance(to: UnsafeRawPointer(found))
            if memcmp(text.baseAddress! + at, needle.baseAddress!, needle.count) == 0 { return at }
            at += 1
        }
        return nil
    }

    /// `text` as the bytes before its last colon and the number after it, when what follows
    /// the colon is a number written without leading zeros.
    private static func numberAfterColon(_ text: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, UInt64)? {
        var colon = text.count - 1
        while colon >= 0, text[colon] != UInt8(ascii: ":") {
            guard text[colon] >= 0x30, text[colon] <= 0x39, text.count - colon <= maxDigits else { return nil }
            colon -= 1
        }
        let digits = text.count - colon - 1
        guard colon >= 0, digits >= 1, digits == 1 || text[colon + 1] != 0x30 else { return nil }
        var value: UInt64 = 0
        for i in (colon + 1)..<text.count { value = value * 10 + UInt64(text[i] - 0x30) }
        return (UnsafeRawBufferPointer(rebasing: text[..<colon]), value)
    }

    /// The bytes of a `length, bytes` field at `at`, moving past them.
    @inline(__always)
    private static func bytes(_ event: UnsafeRawBufferPointer, at: inout Int) -> UnsafeRawBufferPointer? {
        guard let length = Varint.read(event, at: &at), length <= UInt64(event.count - at) else { return nil }
        defer { at += Int(length) }
        return UnsafeRawBufferPointer(rebasing: event[at..<(at + Int(length))])
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
    private static let quote = UInt8(ascii: "\"")

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
        /// A piece's escaped bytes, without quotes.
        func piece() -> Bool {
            guard let tag = Varint.read(bytes, at: &at) else { return false }
            if tag == 1 {
                guard let text = Self.bytes(bytes, at: &at) else { return false }
                escape(text, into: &out)
                return true
            }
            return tag >= 4 && tag - 4 < UInt64(Int32.max) && strings.appendEscaped(Int(tag - 4), to: &out)
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
                guard at < bytes.count else { return false }
                let tag = bytes[at]
                if field == message, tag == 0 {
                    at += 1
                    continue
                }
                // The reply code goes between the type and the enhanced code.
                if field == 1 {
                    out.append(contentsOf: parts[3])
                    if let code { JSONWriter.appendInt(code, to: &out) } else { out.append(contentsOf: null) }
                }
                if field > 0 { out.append(contentsOf: parts[3 + field]) }
                switch tag {
                case 0:
                    at += 1
                    out.append(contentsOf: null)
                case 2:
                    at += 1
                    out.append(quote)
                    guard piece(), let address = Self.bytes(bytes, at: &at) else { return false }
                    escape(address, into: &out)
                    guard piece() else { return false }
                    out.append(quote)
                case 3:
                    at += 1
                    out.append(quote)
                    guard piece(), let number = Varint.read(bytes, at: &at), let value = Int64(exactly: number) else { return false }
                    out.append(UInt8(ascii: ":"))
                    JSONWriter.appendInt(value, to: &out)
                    out.append(quote)
                default:
                    out.append(quote)
                    guard piece() else { return false }
                    out.append(quote)
                }
            }
            out.append(UInt8(ascii: "}"))
            return true
        }
    }

    /// Appends `text` escaped as inside a JSON string literal (``JSONWriter/appendString(bytes:to:)``'s
    /// bytes without the quotes).
    @inline(__always)
    static func escape(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let start = out.count
        JSONWriter.appendString(bytes: text.bindMemory(to: UInt8.self), to: &out)
        out.removeLast()
        out.remove(at: start)
    }

    @inline(__always)
    private static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    @inline(__always)
    private static func unzigzag(_ value: UInt64) -> Int64 { Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1) }
}
