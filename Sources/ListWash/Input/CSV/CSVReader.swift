#if canImport(Glibc)
import Glibc
#endif

/// Why a CSV record is malformed.
public enum CSVRecordError: Equatable, Sendable {
    /// A quoted field is not closed before the end of the file (or of the record size limit).
    case unterminatedQuote
    /// Text follows a closing quote inside a field, so its bounds are unknown.
    case textAfterClosingQuote(field: Int)
    /// The record has a different number of fields than the header.
    case fieldCount(expected: Int, found: Int)

    /// A one-line explanation, free of the record's contents.
    public var message: String {
        switch self {
        case .unterminatedQuote: return "quoted field is not closed (the record is rejected up to the end of its first line)"
        case .textAfterClosingQuote(let field): return "text after the closing quote of field \(field)"
        case .fieldCount(let expected, let found): return "expected \(expected) fields, found \(found)"
        }
    }
}

/// One record as it lies in the reader's buffer: its raw bytes (with the line terminator) and
/// where its fields are. Valid only during the call that receives it.
public struct CSVRecordView {
    /// The record's bytes exactly as in the input, including its line terminator.
    public let raw: UnsafeRawBufferPointer
    /// Bytes of `raw` before the terminator.
    public let contentLength: Int
    /// 1-based physical line on which the record starts.
    public let line: Int
    /// Field bounds as (start, end) offset pairs into `raw`; quoted fields include their quotes.
    let bounds: UnsafeBufferPointer<Int>
    public let error: CSVRecordError?
    let quote: UInt8

    public var fieldCount: Int { bounds.count / 2 }

    /// True for an empty line (no bytes before the terminator).
    public var isBlank: Bool { contentLength == 0 }

    /// The field's bytes as written (quotes and doubled quotes included).
    public func rawField(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: raw[bounds[2 * index]..<bounds[2 * index + 1]])
    }

    /// The field's value: surrounding quotes removed and doubled quotes undoubled.
    public func field(_ index: Int) -> [UInt8] {
        let r = rawField(index)
        guard r.count >= 1, r[0] == quote else { return Array(r) }
        return [UInt8](unsafeUninitializedCapacity: r.count) { out, count in
            count = Self.unquote(r.assumingMemoryBound(to: UInt8.self), quote: quote, into: out.baseAddress!)
        }
    }

    /// Calls `body` with the field's value (as ``field(_:)`` gives it) in place when it needs no
    /// change, else unquoted into temporary memory (no array per field).
    @inline(__always)
    public func withField<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let r = rawField(index).assumingMemoryBound(to: UInt8.self)
        guard r.count >= 1, r[0] == quote else { return try body(r) }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: r.count) { out in
            let count = Self.unquote(r, quote: quote, into: out.baseAddress!)
            return try body(UnsafeBufferPointer(rebasing: out[..<count]))
        }
    }

    /// Writes the value of the quoted field `r` (which starts with `quote`) to `out`, which has
    /// room for `r.count` bytes; returns the value's length. The closing quote is the last quote
    /// that is not part of a doubled pair; blanks after it are not part of the value, anything
    /// else after it (malformed records only) is kept as text.
    static func unquote(_ r: UnsafeBufferPointer<UInt8>, quote: UInt8, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        var i = 1
        while i < r.count {
            let c = r[i]
            if c == quote {
                if i + 1 < r.count, r[i + 1] == quote {
                    out[n] = quote
                    n += 1
                    i += 2
                    continue
                }
                i += 1
                var end = r.count
                while end > i, r[end - 1] == 0x20 || r[end - 1] == 0x09 { end -= 1 }
                while i < end {
                    out[n] = r[i]
                    n += 1
                    i += 1
                }
                break
            }
            out[n] = c
            n += 1
            i += 1
        }
        return n
    }

    /// The field's value as a String (invalid UTF-8 repaired).
    public func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    /// The record's text without its terminator, for reject files.
    public var text: String {
        String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<contentLength]), as: UTF8.self)
    }
}

/// A streaming RFC 4180 reader that also takes what real exports do: LF, CRLF or CR record
/// ends, CR/LF inside quoted fields, a UTF-8 byte-order mark, a missing final newline, and
/// any one-byte delimiter. It works on bytes in a large buffer and hands out each record in
/// place (no copies, no per-field `String`s). Malformed records are handed out with an
/// ``CSVRecordError`` and reading goes on.
///
/// Memory is bounded by the buffer and `maxRecordBytes`: a quoted field still open after
/// that many bytes is treated as unterminated, its first line is rejected and reading
/// resumes on the next line, so one stray quote cannot swallow a whole file.
public final class CSVReader {
    public private(set) var dialect: CSVDialect?
    /// True when the input started with a UTF-8 byte-order mark (it is not part of any record).
    public private(set) var hadByteOrderMark = false
    private let source: ByteSource
    private let maxRecordBytes: Int
    private let chunkSize: Int
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var eof = false
    private var line = 1
    /// The fields of the record being read (owned by the reader, freed with it).
    private var bounds = FieldBounds(capacity: 64)

    /// - Parameters:
    ///   - dialect: the delimiter; nil sniffs it from the start of the input.
    ///   - chunkSize: bytes asked of the source per read.
    ///   - firstLine: the line the source's first byte is on (a part of a larger file).
    public init(source: ByteSource, dialect: CSVDialect? = nil, chunkSize: Int = 1 << 20, maxRecordBytes: Int = 1 << 20,
                firstLine: Int = 1) {
        self.source = source
        line = firstLine
        self.dialect = dialect
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = max(64, maxRecordBytes)
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(self.chunkSize * 2, 64 * 1024), alignment: 16)
    }

    deinit {
        buffer.deallocate()
        bounds.deallocate()
    }

    /// Reads more input after the unread bytes; returns false at the end of the input.
    private func fill() throws -> Bool {
        if eof { return false }
        if start > 0 {
            let pending = end - start
            if pending > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending) }
            start = 0
            end = pending
        }
        if buffer.count - end < chunkSize {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(buffer.count * 2, end + chunkSize), alignment: 16)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = bigger
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end..<min(buffer.count, end + chunkSize)]))
        if n == 0 { eof = true; return false }
        end += n
        return true
    }

    /// Calls `body` with every record in input order, blank lines included (``CSVRecordView/isBlank``).
    /// The view is valid only during the call.
    public func forEachRecord(_ body: (CSVRecordView) throws -> Void) throws {
        // Byte-order mark and dialect, from the first bytes.
        while end - start < 4096, try fill() {}
        if end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF {
            hadByteOrderMark = true
            start += 3
        }
        if dialect == nil {
            dialect = CSVDialect.sniff(UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
        }
        let delimiter = dialect!.delimiter
        let quote = dialect!.quote
        // A local copy while reading (a stored property would be checked for exclusive access
        // per record); it may grow, so it goes back however the loop ends.
        var bounds = self.bounds
        defer { self.bounds = bounds }
        while true {
            if start == end {
                if !(try fill()) { return }
                continue
            }
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let limitReached = end - start > maxRecordBytes
            let outcome = CSVReader.scan(base, from: start, to: end, atEOF: eof || limitReached,
                                         delimiter: delimiter, quote: quote, bounds: &bounds)
            switch outcome {
            case .needMore:
                _ = try fill()
                continue
            case .record(let recordEnd, let contentEnd, let newlines, let error):
                let raw = UnsafeRawBufferPointer(start: base + start, count: recordEnd - start)
                try body(CSVRecordView(raw: raw, contentLength: contentEnd - start, line: line, bounds: bounds.buffer, error: error, quote: quote))
                line += newlines
                start = recordEnd
            case .unterminated:
                // Reject the record's first physical line, then read on from the next one.
                var i = start
                while i < end, base.load(fromByteOffset: i, as: UInt8.self) != 0x0A,
                      base.load(fromByteOffset: i, as: UInt8.self) != 0x0D { i += 1 }
                let contentEnd = i
                if i < end {
                    if base.load(fromByteOffset: i, as: UInt8.self) == 0x0D, i + 1 < end,
                       base.load(fromByteOffset: i + 1, as: UInt8.self) == 0x0A { i += 2 } else { i += 1 }
                }
                let raw = UnsafeRawBufferPointer(start: base + start, count: i - start)
                let whole: [Int] = [0, contentEnd - start]
                try whole.withUnsafeBufferPointer { b in
                    try body(CSVRecordView(raw: raw, contentLength: contentEnd - start, line: line, bounds: b, error: .unterminatedQuote, quote: quote))
                }
                line += i > contentEnd ? 1 : 0
                start = i
            }
        }
    }

    enum ScanOutcome {
        case record(end: Int, contentEnd: Int, newlines: Int, error: CSVRecordError?)
        case needMore
        case unterminated
    }

    /// Finds the record starting at `s`; its fields go to `bounds`, offsets from `s`. The hot
    /// loop of every CSV input: bytes only, quoted text skipped with `memchr`.
    static func scan(_ p: UnsafeRawPointer, from s: Int, to n: Int, atEOF: Bool, delimiter: UInt8, quote: UInt8,
                     bounds: inout FieldBounds) -> ScanOutcome {
        let bytes = p.assumingMemoryBound(to: UInt8.self)
        bounds.removeAll()
        var i = s
        var error: CSVRecordError?
        // Line breaks inside quoted fields (the only place a record holds any).
        var inner = 0
        while true {
            let fieldStart = i
            if i < n, bytes[i] == quote {
                i += 1
                while true {
                    guard let hit = memchr(bytes + i, Int32(quote), n - i) else {
                        return atEOF ? .unterminated : .needMore
                    }
                    i = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - bytes + 1
                    if i < n {
                        if bytes[i] == quote { i += 1; continue }
                        break
                    }
                    if !atEOF { return .needMore }
                    break
                }
                // Between the opening quote and the closing one, at i - 1.
                inner += countNewlines(bytes, fieldStart + 1, i - 1)
                // Blanks between a closing quote and the delimiter are tolerated (and not part of the value).
                while i < n, bytes[i] == 0x20 || bytes[i] == 0x09, delimiter != bytes[i] { i += 1 }
                if i == n, !atEOF { return .needMore }
                if i < n {
                    let c = bytes[i]
                    if c != delimiter, c != 0x0A, c != 0x0D {
                        if error == nil { error = .textAfterClosingQuote(field: bounds.count / 2 + 1) }
                        while i < n {
                            let d = bytes[i]
                            if d == delimiter || d == 0x0A || d == 0x0D { break }
                            i += 1
                        }
                        if i == n, !atEOF { return .needMore }
                    }
                }
            } else {
                i = nextStop(bytes, from: i, to: n, delimiter: delimiter)
                if i == n, !atEOF { return .needMore }
            }
            bounds.append(fieldStart - s, i - s)
            if i == n {
                return .record(end: n, contentEnd: n, newlines: inner, error: error)
            }
            let c = bytes[i]
            if c == delimiter {
                i += 1
                continue
            }
            let contentEnd = i
            if c == 0x0D {
                if i + 1 < n {
                    i += bytes[i + 1] == 0x0A ? 2 : 1
                } else if atEOF {
                    i += 1
                } else {
                    return .needMore
                }
            } else {
                i += 1
            }
            return .record(end: i, contentEnd: contentEnd, newlines: inner + 1, error: error)
        }
    }

    /// The first delimiter, LF or CR at or after `i` (`n` when none): eight bytes at a time,
    /// then byte by byte. In a word, a byte equal to `c` is a zero byte of `word ^ c…c`, and
    /// `(v - 0x01…01) & ~v & 0x80…80` marks the lowest zero byte of `v` exactly (a borrow can
    /// only mark bytes above it), so the lowest mark of the three is the first stop.
    @inline(__always)
    static func nextStop(_ bytes: UnsafePointer<UInt8>, from start: Int, to n: Int, delimiter: UInt8) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let d = ones &* UInt64(delimiter), lf = ones &* 0x0A, cr = ones &* 0x0D
        @inline(__always) func zeros(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let raw = UnsafeRawPointer(bytes)
        var i = start
        while i + 8 <= n {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let marks = zeros(word ^ d) | zeros(word ^ lf) | zeros(word ^ cr)
            if marks != 0 { return i + marks.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < n {
            let c = bytes[i]
            if c == delimiter || c == 0x0A || c == 0x0D { return i }
            i += 1
        }
        return n
    }

    /// Line breaks (LF, CRLF, lone CR) in `[from, to)`: the line feeds, and the carriage returns
    /// not followed by one, each found with `memchr`.
    static func countNewlines(_ bytes: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        guard from < to else { return 0 }
        var count = 0
        var i = from
        while i < to, let hit = memchr(bytes + i, 0x0A, to - i) {
            count += 1
            i = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - bytes + 1
        }
        i = from
        while i < to, let hit = memchr(bytes + i, 0x0D, to - i) {
            let at = UnsafeRawPointer(hit).assumingMemoryBound(to: UInt8.self) - bytes
            if !(at + 1 < to && bytes[at + 1] == 0x0A) { count += 1 }
            i = at + 1
        }
        return count
    }
}

/// Where the fields of the record being scanned lie: (start, end) offset pairs in memory the
/// reader owns (allocated once, grown for a record of more fields, freed by the reader).
struct FieldBounds {
    private(set) var base: UnsafeMutablePointer<Int>
    private var capacity: Int
    /// Offsets held (twice the fields).
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(2, capacity)
        base = .allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    var buffer: UnsafeBufferPointer<Int> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    @inline(__always)
    mutating func append(_ start: Int, _ end: Int) {
        if count + 2 > capacity { grow() }
        base[count] = start
        base[count + 1] = end
        count += 2
    }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: 2 * capacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity *= 2
    }
}
