/// A text encoding a subscriber list can be written in (`--encoding`).
///
/// listwash parses UTF-8 only; other encodings are decoded to UTF-8 on the way in by
/// ``TranscodingByteSource`` and the rows it keeps are encoded back on the way out, so the
/// cleaned file has the input's encoding and bytes.
public enum TextEncoding: String, Sendable, CaseIterable, Equatable {
    /// UTF-8, with or without a byte-order mark. Declaring it checks that the bytes are valid UTF-8.
    case utf8 = "utf-8"
    /// UTF-16, byte order from the byte-order mark or, without one, from where the zero bytes of
    /// ASCII text fall (little-endian when undecided).
    case utf16 = "utf-16"
    /// UTF-16 little-endian.
    case utf16LE = "utf-16le"
    /// UTF-16 big-endian.
    case utf16BE = "utf-16be"
    /// Windows-1252 (Western European; Excel's "CSV" on Western Windows). The five bytes the
    /// code page leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) read as the C1 controls of the same
    /// number, as the WHATWG Encoding Standard and Windows do, so every byte round-trips.
    case windows1252 = "windows-1252"
    /// ISO-8859-1: every byte is the Unicode scalar of the same number.
    case latin1 = "latin-1"

    /// Reads the usual spellings too: `utf8`, `UTF-16LE`, `cp1252`, `iso-8859-1`, `latin1`.
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        switch key {
        case "utf-8", "utf8": self = .utf8
        case "utf-16", "utf16": self = .utf16
        case "utf-16le", "utf16le": self = .utf16LE
        case "utf-16be", "utf16be": self = .utf16BE
        case "windows-1252", "windows1252", "cp1252", "cp-1252": self = .windows1252
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1": self = .latin1
        default: return nil
        }
    }

    /// True for the encodings whose bytes differ from the UTF-8 that is parsed.
    public var needsTranscoding: Bool { self != .utf8 }

    /// The encoded form of a UTF-8 byte-order mark (U+FEFF), empty for the single-byte encodings.
    var byteOrderMark: [UInt8] {
        switch self {
        case .utf8: return [0xEF, 0xBB, 0xBF]
        case .utf16, .utf16LE: return [0xFF, 0xFE]
        case .utf16BE: return [0xFE, 0xFF]
        case .windows1252, .latin1: return []
        }
    }

    /// Windows-1252's bytes 0x80–0x9F as Unicode scalars (the rest of the code page is Latin-1).
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80–87
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, // 88–8F
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90–97
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, // 98–9F
    ]

    /// Encodes UTF-8 text (as produced by ``TranscodingByteSource`` for this encoding) back into
    /// this encoding, appending to `out`. Returns false, leaving `out` partly written, when the
    /// text is not valid UTF-8 or holds a character this encoding cannot represent.
    /// - Complexity: O(n) in the length of `utf8`.
    public func encode(utf8: UnsafeRawBufferPointer, into out: inout [UInt8]) -> Bool {
        if self == .utf8 {
            out.append(contentsOf: utf8)
            return true
        }
        var i = 0
        let n = utf8.count
        while i < n {
            let b0 = utf8[i]
            var scalar: UInt32
            if b0 < 0x80 {
                // ASCII is the same in every supported encoding but UTF-16.
                if self == .windows1252 || self == .latin1 {
                    out.append(b0)
                    i += 1
                    continue
                }
                scalar = UInt32(b0)
                i += 1
            } else {
                let length: Int
                if b0 & 0xE0 == 0xC0 { length = 2; scalar = UInt32(b0 & 0x1F) }
                else if b0 & 0xF0 == 0xE0 { length = 3; scalar = UInt32(b0 & 0x0F) }
                else if b0 & 0xF8 == 0xF0 { length = 4; scalar = UInt32(b0 & 0x07) }
                else { return false }
                guard i + length <= n else { return false }
                for k in 1..<length {
                    let b = utf8[i + k]
                    guard b & 0xC0 == 0x80 else { return false }
                    scalar = scalar << 6 | UInt32(b & 0x3F)
                }
                i += length
            }
            switch self {
            case .utf8:
                break
            case .utf16, .utf16LE, .utf16BE:
                let bigEndian = self == .utf16BE
                func unit(_ u: UInt32) {
                    if bigEndian { out.append(UInt8(u >> 8)); out.append(UInt8(u & 0xFF)) }
                    else { out.append(UInt8(u & 0xFF)); out.append(UInt8(u >> 8)) }
                }
                if scalar >= 0x10000 {
                    let v = scalar - 0x10000
                    unit(0xD800 | (v >> 10))
                    unit(0xDC00 | (v & 0x3FF))
                } else {
                    unit(scalar)
                }
            case .latin1:
                guard scalar <= 0xFF else { return false }
                out.append(UInt8(scalar))
            case .windows1252:
                if scalar >= 0xA0, scalar <= 0xFF {
                    out.append(UInt8(scalar))
                } else if let k = Self.windows1252High.firstIndex(of: scalar) {
                    out.append(UInt8(0x80 + k))
                } else {
                    return false
                }
            }
        }
        return true
    }
}

/// A ``ByteSource`` that decodes another source's bytes from a ``TextEncoding`` into UTF-8, so
/// that the UTF-8 readers (``CSVReader``) can parse lists in any supported encoding.
///
/// The encoding is settled by the first bytes: a byte-order mark always wins (`FF FE`
/// UTF-16LE, `FE FF` UTF-16BE, `EF BB BF` UTF-8), then the declared encoding; undeclared,
/// it is UTF-16 when zero bytes fill every other position (text without a byte-order mark
/// in UTF-16), else UTF-8.
/// A UTF-16 byte-order mark comes out as the UTF-8 one, so readers see and keep it as usual.
/// UTF-8 input passes through unchanged, and is always checked: declared or marked by its
/// byte-order mark, a malformed sequence is a bad record; undeclared and unmarked
/// (``isUndeclaredUTF8``), it means the file is in another encoding (a Windows-1252 export
/// from Excel), which a reader must not take for UTF-8: it stops and asks for `--encoding`.
///
/// Invalid sequences (an unpaired UTF-16 surrogate, an odd final byte, malformed UTF-8) never
/// stop this source: they come out as U+FFFD (UTF-16) or unchanged (UTF-8), and their output
/// offsets are kept until ``takeInvalidSequences(before:)`` claims them, so a reader can
/// reject the records that hold them (or stop at the first).
public final class TranscodingByteSource: ByteSource {
    private let source: ByteSource
    private let declared: TextEncoding?
    /// The encoding in effect; settled by the first read.
    public private(set) var encoding: TextEncoding
    /// Invalid sequences found so far.
    public private(set) var invalidSequenceCount = 0
    private var settled = false
    private var validating = false
    private var input: [UInt8]
    private var carry: [UInt8] = []
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var outputOffset = 0
    private var invalidOffsets: [Int] = []
    private var invalidStart = 0
    private var sourceDone = false
    /// Undeclared UTF-8 is checked in place as it is handed out (no copy): the bytes a
    /// sequence still needs, the range of the next one, and where the sequence began.
    private var checking = false
    private var checkNeed = 0
    private var checkLo: UInt8 = 0x80, checkHi: UInt8 = 0xBF
    private var checkStart = 0
    /// The output offset of the first invalid sequence, if any.
    public private(set) var firstInvalidOffset: Int?

    /// Wraps `source`; `declared` is the `--encoding` (nil: byte-order mark, else UTF-8).
    public init(_ source: ByteSource, declared: TextEncoding?, chunkSize: Int = 1 << 16) {
        self.source = source
        self.declared = declared
        encoding = declared ?? .utf8
        input = [UInt8](repeating: 0, count: max(16, chunkSize))
    }

    /// True when, once settled, the bytes handed out differ from the source's.
    public var isTranscoding: Bool { encoding.needsTranscoding }

    /// True when, once settled, the text is taken for UTF-8 only because nothing said
    /// otherwise: no `--encoding`, no byte-order mark, no UTF-16 zero bytes. An invalid
    /// sequence then means the encoding is unknown, not that one record is damaged.
    public private(set) var isUndeclaredUTF8 = false

    /// Whether any invalid sequence lies before output offset `end` (not yet claimed); claims them.
    /// Readers call it with the end offset of each record, in order.
    public func takeInvalidSequences(before end: Int) -> Bool {
        var found = false
        while invalidStart < invalidOffsets.count, invalidOffsets[invalidStart] < end {
            invalidStart += 1
            found = true
        }
        if invalidStart > 4096, invalidStart * 2 > invalidOffsets.count {
            invalidOffsets.removeFirst(invalidStart)
            invalidStart = 0
        }
        return found
    }

    /// The reason given for records holding invalid sequences, e.g. "invalid UTF-16 sequence".
    public var invalidSequenceReason: String {
        switch encoding {
        case .utf8 where isUndeclaredUTF8: return "not UTF-8, and no --encoding names the encoding"
        case .utf8: return "invalid UTF-8 sequence"
        case .utf16, .utf16LE, .utf16BE: return "invalid UTF-16 sequence"
        case .windows1252, .latin1: return "invalid \(encoding.rawValue) byte"
        }
    }

    /// Hands out the next UTF-8 bytes; returns 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if !settled { try settle() }
        // Plain UTF-8: hand the source's bytes straight through once the sniffed prefix is out.
        if !validating, !isTranscoding, pendingStart == pending.count {
            let n = try source.read(into: buffer)
            if checking { check(UnsafeRawBufferPointer(rebasing: buffer[..<n]), atEnd: n == 0) }
            outputOffset += n
            return n
        }
        while pendingStart == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingStart = 0
            if sourceDone { return 0 }
            let n = try input.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { sourceDone = true }
            decode(input[0..<n], atEnd: n == 0)
        }
        let count = min(buffer.count, pending.count - pendingStart)
        pending.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + pendingStart, byteCount: count)
        }
        if checking { check(UnsafeRawBufferPointer(rebasing: buffer[..<count]), atEnd: false) }
        pendingStart += count
        outputOffset += count
        return count
    }

    /// Reads the first bytes and settles the encoding; the bytes read become pending output.
    private func settle() throws {
        settled = true
        var prefix: [UInt8] = []
        while prefix.count < 512 {
            let n = try input.withUnsafeMutableBytes { try source.read(into: $0) }
            if n == 0 { sourceDone = true; break }
            prefix += input[0..<n]
        }
        var body = prefix[...]
        if prefix.starts(with: [0xFF, 0xFE]) {
            encoding = .utf16LE
            body = body.dropFirst(2)
            pending = [0xEF, 0xBB, 0xBF]
        } else if prefix.starts(with: [0xFE, 0xFF]) {
            encoding = .utf16BE
            body = body.dropFirst(2)
            pending = [0xEF, 0xBB, 0xBF]
        } else if prefix.starts(with: [0xEF, 0xBB, 0xBF]) {
            encoding = .utf8
        } else if encoding == .utf16 || declared == nil {
            // No byte-order mark: ASCII in UTF-16LE has its zero bytes at odd offsets, in
            // UTF-16BE at even ones. Text files hold no zero bytes otherwise, so an undeclared
            // file with many zeros on one side only is UTF-16 too.
            var evenZeros = 0, oddZeros = 0
            for (k, b) in prefix.enumerated() where b == 0 {
                if k % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
            }
            if encoding == .utf16 {
                encoding = evenZeros > oddZeros ? .utf16BE : .utf16LE
            } else if prefix.count >= 8, min(evenZeros, oddZeros) == 0, 4 * max(evenZeros, oddZeros) >= prefix.count {
                encoding = evenZeros > 0 ? .utf16BE : .utf16LE
            }
        }
        validating = encoding == .utf8 && declared == .utf8
        checking = encoding == .utf8 && declared != .utf8
        isUndeclaredUTF8 = checking && declared == nil && !prefix.starts(with: [0xEF, 0xBB, 0xBF])
        if !validating, !isTranscoding {
            pending = prefix
        } else {
            decode(body, atEnd: sourceDone)
        }
    }

    /// Checks UTF-8 handed out unchanged at output offset `outputOffset` (the same rules as
    /// ``decodeUTF8(_:atEnd:)``), noting where each malformed sequence begins. ASCII is
    /// skipped eight bytes at a time; a sequence may continue into the next call.
    /// - Complexity: O(n) in the bytes handed out.
    private func check(_ bytes: UnsafeRawBufferPointer, atEnd: Bool) {
        let n = bytes.count
        var i = 0
        while i < n {
            if checkNeed == 0 {
                while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
                guard i < n else { break }
                let b0 = bytes[i]
                i += 1
                if b0 < 0x80 { continue }
                checkStart = outputOffset + i - 1
                checkLo = 0x80
                checkHi = 0xBF
                switch b0 {
                case 0xC2...0xDF: checkNeed = 1
                case 0xE0: checkNeed = 2; checkLo = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: checkNeed = 2
                case 0xED: checkNeed = 2; checkHi = 0x9F
                case 0xF0: checkNeed = 3; checkLo = 0x90
                case 0xF1...0xF3: checkNeed = 3
                case 0xF4: checkNeed = 3; checkHi = 0x8F
                default: noteInvalid(at: checkStart)
                }
                continue
            }
            let b = bytes[i]
            guard b >= checkLo, b <= checkHi else {
                // The sequence broke off: it is invalid, and this byte starts afresh.
                noteInvalid(at: checkStart)
                checkNeed = 0
                continue
            }
            i += 1
            checkNeed -= 1
            checkLo = 0x80
            checkHi = 0xBF
        }
        if atEnd, checkNeed > 0 {
            noteInvalid(at: checkStart)
            checkNeed = 0
        }
    }

    private func noteInvalid(at offset: Int) {
        if firstInvalidOffset == nil { firstInvalidOffset = offset }
        invalidOffsets.append(offset)
        invalidSequenceCount += 1
    }

    /// Decodes `chunk` (after any bytes carried over from the last chunk) into `pending`.
    private func decode(_ chunk: ArraySlice<UInt8>, atEnd: Bool) {
        var bytes = carry
        bytes += chunk
        carry.removeAll(keepingCapacity: true)
        pending.reserveCapacity(pending.count + bytes.count * 3 / 2)
        switch encoding {
        case .utf8:
            decodeUTF8(bytes, atEnd: atEnd)
        case .utf16, .utf16LE, .utf16BE:
            decodeUTF16(bytes, bigEndian: encoding == .utf16BE, atEnd: atEnd)
        case .latin1:
            for b in bytes { appendScalar(UInt32(b)) }
        case .windows1252:
            for b in bytes {
                appendScalar(b >= 0x80 && b < 0xA0 ? TextEncoding.windows1252High[Int(b) - 0x80] : UInt32(b))
            }
        }
    }

    /// The output offset that the next appended byte will have.
    private var nextOutputOffset: Int { outputOffset + pending.count - pendingStart }

    private func markInvalid() { noteInvalid(at: nextOutputOffset) }

    private func appendScalar(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            pending.append(UInt8(scalar))
        case ..<0x800:
            pending.append(UInt8(0xC0 | scalar >> 6))
            pending.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            pending.append(UInt8(0xE0 | scalar >> 12))
            pending.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            pending.append(UInt8(0x80 | scalar & 0x3F))
        default:
            pending.append(UInt8(0xF0 | scalar >> 18))
            pending.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            pending.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            pending.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    private func decodeUTF16(_ bytes: [UInt8], bigEndian: Bool, atEnd: Bool) {
        let n = bytes.count
        var i = 0
        func unit(_ k: Int) -> UInt32 {
            bigEndian ? UInt32(bytes[k]) << 8 | UInt32(bytes[k + 1]) : UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k])
        }
        while i + 1 < n {
            let u = unit(i)
            if u < 0xD800 || u > 0xDFFF {
                appendScalar(u)
                i += 2
            } else if u <= 0xDBFF {
                // A high surrogate needs its low half, which may be in the next chunk.
                guard i + 3 < n else {
                    if atEnd { markInvalid(); appendScalar(0xFFFD); i += 2; continue }
                    break
                }
                let low = unit(i + 2)
                if low >= 0xDC00, low <= 0xDFFF {
                    appendScalar(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00))
                    i += 4
                } else {
                    markInvalid()
                    appendScalar(0xFFFD)
                    i += 2
                }
            } else {
                markInvalid()
                appendScalar(0xFFFD)
                i += 2
            }
        }
        if i < n {
            if atEnd {
                // An odd final byte.
                markInvalid()
                appendScalar(0xFFFD)
            } else {
                carry = Array(bytes[i...])
            }
        }
    }

    /// Copies UTF-8 unchanged, noting where it is malformed (overlong forms, surrogates,
    /// values past U+10FFFF, stray or missing continuation bytes).
    private func decodeUTF8(_ bytes: [UInt8], atEnd: Bool) {
        let n = bytes.count
        var i = 0
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                pending.append(b0)
                i += 1
                continue
            }
            let length: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; hi = 0x9F
            case 0xF0: length = 4; lo = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; hi = 0x8F
            default: length = 0
            }
            var valid = length > 0
            var k = 1
            while valid, k < length {
                if i + k >= n {
                    if !atEnd {
                        carry = Array(bytes[i...])
                        return
                    }
                    valid = false
                    break
                }
                let b = bytes[i + k]
                let (l, h) = k == 1 ? (lo, hi) : (UInt8(0x80), UInt8(0xBF))
                if b < l || b > h { valid = false; break }
                k += 1
            }
            if !valid {
                markInvalid()
                // Keep the bytes as they are; resume after the offending lead byte's run.
                pending.append(contentsOf: bytes[i..<(i + max(1, k))])
                i += max(1, k)
                continue
            }
            pending.append(contentsOf: bytes[i..<(i + length)])
            i += length
        }
    }
}
