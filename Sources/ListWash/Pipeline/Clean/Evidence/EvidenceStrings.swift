import Foundation

/// The evidence events' repeated texts (types, reasons, kinds, classifier rules, sources'
/// files, enhanced codes, the diagnostics' words around the address), each kept once, so that
/// an evidence record names a text by its number instead of holding it (see
/// ``EvidenceEvent``), and the audit copies it as JSON writes it instead of escaping it again
/// (a text with a quote, backslash or control character, such as a classifier's phrase rule,
/// is kept escaped too).
///
/// Bounded: at most ``maxBytes`` of text and ``maxEntries`` texts, none longer than
/// ``maxLength``; a text that does not fit stays in its record. Diagnostics are mostly
/// unique (they name the address, a queue id): they may fill only part of the table, so that
/// the small vocabularies always find room.
///
/// `@unchecked Sendable`: filled by one reading thread of the evidence pass at a time (the
/// chunks of one reader), then handed with the ``EvidenceFile`` to the audit, whose threads
/// only read it (``appendEscaped(_:to:)``).
final class EvidenceStrings: @unchecked Sendable {
    static let maxBytes = 2 << 20
    static let maxEntries = 1 << 15
    static let maxLength = 512
    /// The share of ``maxBytes`` that texts allowed to fill the table only in part may take.
    static let partialBytes = maxBytes / 2

    /// The texts, back to back; `starts[i]..<starts[i + 1]` is the i-th.
    private var text: [UInt8] = []
    private var starts: [Int32] = [0]
    /// The JSON escaping of the texts that need it, back to back; per entry, where its escaping
    /// starts and ends there (-1: the text is its own escaping).
    private var escapes: [UInt8] = []
    private var escaped: [(start: Int32, end: Int32)] = []
    /// Open addressing: entry + 1, 0 for an empty place.
    private var places: [Int32] = Array(repeating: 0, count: 1 << 10)
    private var hashes: [UInt64] = []

    var count: Int { starts.count - 1 }

    /// The number of `bytes`' entry, adding it if it is new and fits; nil when it does not
    /// (`partial`: a text of the kind that may fill only part of the table).
    func number(of bytes: UnsafeRawBufferPointer, partial: Bool) -> Int? {
        guard bytes.count <= Self.maxLength else { return nil }
        let hash = Self.hash(bytes)
        let mask = places.count - 1
        var place = Int(truncatingIfNeeded: hash) & mask
        while places[place] != 0 {
            let entry = Int(places[place] - 1)
            if hashes[entry] == hash, matches(entry, bytes) { return entry }
            place = (place + 1) & mask
        }
        guard count < Self.maxEntries, text.count + escapes.count + bytes.count <= (partial ? Self.partialBytes : Self.maxBytes) else { return nil }
        let entry = count
        text.append(contentsOf: bytes)
        starts.append(Int32(text.count))
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) {
            let start = Int32(escapes.count)
            EvidenceEvent.escape(bytes, into: &escapes)
            escaped.append((start, Int32(escapes.count)))
        } else {
            escaped.append((-1, -1))
        }
        hashes.append(hash)
        places[place] = Int32(entry + 1)
        if count * 2 > places.count { grow() }
        return entry
    }

    /// Appends entry `entry` escaped as inside a JSON string literal; false when there is no such entry.
    @inline(__always)
    func appendEscaped<Output: ByteOutput & ~Copyable>(_ entry: Int, to out: inout Output) -> Bool {
        guard entry >= 0, entry < count else { return false }
        let (start, end) = escaped[entry]
        if start < 0 {
            text.withUnsafeBufferPointer { all in
                out.append(bytes: UnsafeBufferPointer(rebasing: all[Int(starts[entry])..<Int(starts[entry + 1])]))
            }
        } else {
            escapes.withUnsafeBufferPointer { all in out.append(bytes: UnsafeBufferPointer(rebasing: all[Int(start)..<Int(end)])) }
        }
        return true
    }

    private func matches(_ entry: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = Int(starts[entry])
        let end = Int(starts[entry + 1])
        guard end - start == bytes.count else { return false }
        return text.withUnsafeBytes { all in
            bytes.isEmpty || memcmp(all.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    private func grow() {
        places = Array(repeating: 0, count: places.count * 2)
        let mask = places.count - 1
        for entry in 0..<count {
            var place = Int(truncatingIfNeeded: hashes[entry]) & mask
            while places[place] != 0 { place = (place + 1) & mask }
            places[place] = Int32(entry + 1)
        }
    }

    /// A hash of the bytes, eight at a time.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var at = 0
        while at + 8 <= bytes.count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            at += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count {
            tail |= UInt64(bytes[at]) << shift
            shift += 8
            at += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }
}
