import Foundation

/// One evidence event as ``EvidenceFile`` keeps it: the fields the audit shows, in binary,
/// rendered to the audit's JSON object only by the audit's threads (``render(_:at:tables:into:)``).
///
/// Layout, integers as varints (``Varint``):
///
///     flags:u8            bit 0: the event has a reply code; bit 1: its entries are in the
///                         second table (the other bits are 0)
///     id: length, bytes   (16 bytes)
///     timestamp           zigzag
///     reply_code          zigzag, when flagged
///     nine texts, in the object's order: type, enhanced_code, diagnostic, reason, kind,
///     classifier_rule, provider_verdict, source, message_id; each a tag:
///         0               none (`null`; no member for message_id)
///         1               in place: length, UTF-8 bytes
///         2               a diagnostic that quotes the event's address: a piece before it,
///                         the address in place (length, bytes), a piece after it
///         3               a source's line after a colon: the piece before the colon, the
///                         number (written in decimal without leading zeros)
///         n ≥ 4           entry n − 4 of the record's ``EvidenceStrings``
///     a piece is a text of tag 1 or n ≥ 4.
///
/// The evidence pass's two reading threads write the records (``append(_:strings:table:to:)``),
/// each naming the recurring texts and pieces by their entry in a table of its own, so
/// neither waits for the other. A record takes about 50 bytes, against about 400 bytes of
/// JSON: a diagnostic is mostly a recurring text around the address it quotes, and a source a
/// file name and a line.
enum EvidenceEvent {
    static let texts = 9
    /// The texts that recur rarely (diagnostics name the address, a queue id): they may fill part of the table.
    private static let diagnostic = 2
    private static let source = 7
    /// Message identities are one per message: never put in the table.
    private static let message = 8
    /// Timestamps a history can hold (12-digit Unix seconds, four-digit years) are far inside this.
    private static let timestampBound: Int64 = 1 << 48
    /// Numbers after a colon are split off up to this many digits.
    private static let maxDigits = 18

    /// Appends a stored event's record, its texts named by their entry in `strings`, which
    /// is table `table` (0 or 1) of the file.
    static func append(_ row: HistoryStore.EventRow, strings: EvidenceStrings, table: UInt8, to out: inout [UInt8]) {
        out.append((row.replyCode == nil ? 0 : 1) | table << 1)
        Varint.append(UInt64(row.id.count), to: &out)
        out.append(contentsOf: row.id)
        Varint.append(Varint.zigzag(row.timestamp), to: &out)
        if let code = row.replyCode { Varint.append(Varint.zigzag(code), to: &out) }
        let address = row.address
        func text(_ field: Int, _ text: UnsafeRawBufferPointer?) {
            guard let text else { return out.append(0) }
            if field == message { return piece(text, strings: nil, partial: true, into: &out) }
            let partial = field == diagnostic
            if field == diagnostic, address.count >= 3, let start = firstPlace(of: address, in: text) {
                out.append(2)
                piece(UnsafeRawBufferPointer(rebasing: text[..<start]), strings: strings, partial: true, into: &out)
                Varint.append(UInt64(address.count), to: &out)
                out.append(contentsOf: address)
                piece(UnsafeRawBufferPointer(rebasing: text[(start + address.count)...]), strings: strings, partial: true, into: &out)
            } else if field == source, let (before, number) = numberAfterColon(text) {
                out.append(3)
                piece(before, strings: strings, partial: false, into: &out)
                Varint.append(number, to: &out)
            } else {
                piece(text, strings: strings, partial: partial, into: &out)
            }
        }
        text(0, row.type)
        text(1, row.enhancedCode)
        text(2, row.diagnostic)
        text(3, row.reason)
        text(4, row.kind)
        text(5, row.rule)
        text(6, row.providerVerdict)
        text(7, row.source)
        text(8, row.message)
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

    /// The constant parts of an evidence object, in `JSONWriter`'s order, back to back: before
    /// the id, then before the timestamp, the type, the reply code and each text after the
    /// type; `partEnds[i]` is where the i-th ends.
    private static let partNames = [
        "{\"id\":\"", "\",\"timestamp\":\"", "\",\"type\":", ",\"reply_code\":", ",\"enhanced_code\":", ",\"diagnostic\":",
        ",\"reason\":", ",\"kind\":", ",\"classifier_rule\":", ",\"provider_verdict\":", ",\"source\":",
        ",\"message_id\":", "null",
    ]
    private static let partBytes: [UInt8] = partNames.flatMap { Array($0.utf8) }
    private static let partEnds: [Int] = partNames.reduce(into: []) { ends, name in ends.append((ends.last ?? 0) + name.utf8.count) }
    private static let null = 12
    private static let quote = UInt8(ascii: "\"")

    /// Appends the audit's JSON object of the record starting at `at` (the bytes `JSONWriter`
    /// writes for the stored event) and moves `at` past it; `tables` are the file's two text
    /// tables. False when the bytes there are not a whole record or name an entry the table
    /// does not hold: a damaged file, which the caller reports; `out` then holds part of an object.
    static func render<Output: ByteOutput & ~Copyable>(_ bytes: UnsafeRawBufferPointer, at: inout Int,
                                                      tables: (EvidenceStrings, EvidenceStrings), into out: inout Output) -> Bool {
        guard at < bytes.count, bytes[at] <= 3 else { return false }
        let hasReply = bytes[at] & 1 == 1
        let strings = bytes[at] & 2 == 0 ? tables.0 : tables.1
        at += 1
        guard let idLength = Varint.read(bytes, at: &at), idLength <= 32, idLength <= UInt64(bytes.count - at) else { return false }
        let id = UnsafeRawBufferPointer(rebasing: bytes[at..<(at + Int(idLength))])
        at += Int(idLength)
        guard let time = Varint.read(bytes, at: &at) else { return false }
        let timestamp = Varint.unzigzag(time)
        guard timestamp > -timestampBound, timestamp < timestampBound else { return false }
        var code: Int64?
        if hasReply {
            guard let value = Varint.read(bytes, at: &at) else { return false }
            code = Varint.unzigzag(value)
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
        return partBytes.withUnsafeBufferPointer { partBytes in
            partEnds.withUnsafeBufferPointer { ends in
                func part(_ i: Int) {
                    out.append(bytes: UnsafeBufferPointer(rebasing: partBytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]))
                }
                part(0)
                // The id's hex digits, written at once.
                var hex: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
                withUnsafeMutableBytes(of: &hex) { digits in
                    for (i, b) in id.enumerated() {
                        digits[2 * i] = JSONWriter.hexDigit(b >> 4)
                        digits[2 * i + 1] = JSONWriter.hexDigit(b & 0xF)
                    }
                    out.append(bytes: UnsafeRawBufferPointer(rebasing: digits[0..<(2 * id.count)]))
                }
                part(1)
                Timestamp.append(timestamp, into: &out)
                part(2)
                for field in 0..<texts {
                    guard at < bytes.count else { return false }
                    let tag = bytes[at]
                    if field == message, tag == 0 {
                        at += 1
                        continue
                    }
                    // The reply code goes between the type and the enhanced code.
                    if field == 1 {
                        part(3)
                        if let code { JSONWriter.appendInt(code, into: &out) } else { part(null) }
                    }
                    if field > 0 { part(3 + field) }
                    switch tag {
                    case 0:
                        at += 1
                        part(null)
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
                        JSONWriter.appendInt(value, into: &out)
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
    }

    /// Appends `text` escaped as inside a JSON string literal: the bytes
    /// ``JSONWriter/appendString(bytes:to:)`` writes between the quotes.
    @inline(__always)
    static func escape<Output: ByteOutput & ~Copyable>(_ text: UnsafeRawBufferPointer, into out: inout Output) {
        JSONWriter.appendEscaped(text.assumingMemoryBound(to: UInt8.self), into: &out)
    }
}
