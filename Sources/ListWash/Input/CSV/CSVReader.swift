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
        var out = [UInt8]()
        out.reserveCapacity(r.count)
        var i = 1
        // The closing quote is the last quote that is not part of a doubled pair.
        while i < r.count {
            let c = r[i]
            if c == quote {
                if i + 1 < r.count, r[i + 1] == quote {
                    out.append(quote)
                    i += 2
                    continue
                }
                // Closing quote: blanks after it are not part of the value; anything else
                // (malformed records only) is kept as text.
                i += 1
                var rest = Array(r[i...])
                while let last = rest.last, last == 0x20 || last == 0x09 { rest.removeLast() }
                out += rest
                break
            }
            out.append(c)
            i += 1
        }
        return out
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
    private var bounds: [Int] = []

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
        bounds.reserveCapacity(64)
    }

    deinit { buffer.deallocate() }

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
                for k in bounds.indices { bounds[k] -= start }
                try bounds.withUnsafeBufferPointer { b in
                    try body(CSVRecordView(raw: raw, contentLength: contentEnd - start, line: line, bounds: b, error: error, quote: quote))
                }
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

    /// Finds the record starting at `s`. The hot loop of every CSV input: bytes only.
    static func scan(_ p: UnsafeRawPointer, from s: Int, to n: Int, atEOF: Bool, delimiter: UInt8, quote: UInt8, bounds: inout [Int]) -> ScanOutcome {
        let bytes = p.assumingMemoryBound(to: UInt8.self)
        bounds.removeAll(keepingCapacity: true)
        var i = s
        var error: CSVRecordError?
        var sawQuoted = false
        while true {
            let fieldStart = i
            if i < n, bytes[i] == quote {
                sawQuoted = true
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
                while i < n {
                    let c = bytes[i]
                    if c == delimiter || c == 0x0A || c == 0x0D { break }
                    i += 1
                }
                if i == n, !atEOF { return .needMore }
            }
            bounds.append(fieldStart)
            bounds.append(i)
            if i == n {
                return .record(end: n, contentEnd: n, newlines: sawQuoted ? countNewlines(bytes, s, n) : 0, error: error)
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
            let inner = sawQuoted ? countNewlines(bytes, s, contentEnd) : 0
            return .record(end: i, contentEnd: contentEnd, newlines: inner + 1, error: error)
        }
    }

    /// Line breaks (LF, CRLF, lone CR) in `[from, to)`.
    static func countNewlines(_ bytes: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int {
        var count = 0
        var i = from
        while i < to {
            let c = bytes[i]
            if c == 0x0A {
                count += 1
            } else if c == 0x0D {
                if !(i + 1 < to && bytes[i + 1] == 0x0A) { count += 1 }
            }
            i += 1
        }
        return count
    }
}
