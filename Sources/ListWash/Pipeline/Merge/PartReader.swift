/// One file of a shard's output set, read front to back through a buffer by `listwash merge`:
/// compared with the list's bytes (`cleaned.*`), or taken record by record (`audit.jsonl`,
/// `suppressed.csv`). Memory is the buffer, whatever the file's size.
final class PartReader {
    let path: String
    private let source: FileByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(path: String) throws {
        self.path = path
        source = try FileByteSource(path: path)
    }

    /// Makes at least `count` unread bytes available unless the file ends first; returns how many are.
    @discardableResult
    private func fill(_ count: Int) throws -> Int {
        while buffer.count - start < count, !ended {
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: max(1 << 20, count - buffer.count))
            let n = try source.read(into: &chunk)
            if n == 0 { ended = true } else { buffer += chunk[..<n] }
        }
        return buffer.count - start
    }

    /// Whether every byte has been taken.
    func isAtEnd() throws -> Bool { try fill(1) == 0 }

    /// Whether the unread bytes begin with `bytes`.
    func hasPrefix(_ bytes: UnsafeRawBufferPointer) throws -> Bool {
        guard try fill(bytes.count) >= bytes.count else { return false }
        return buffer.withUnsafeBytes { all in
            bytes.isEmpty || memcmp(all.baseAddress! + start, bytes.baseAddress!, bytes.count) == 0
        }
    }

    /// Takes `bytes` if the unread bytes begin with them.
    func take(_ bytes: UnsafeRawBufferPointer) throws -> Bool {
        guard try hasPrefix(bytes) else { return false }
        start += bytes.count
        return true
    }

    /// The next record, through its line feed (a line feed inside double quotes does not end a
    /// CSV record when `quoted`); the last record may lack one. Nil at the end.
    func nextRecord(quoted: Bool) throws -> [UInt8]? {
        var at = start
        var inQuotes = false
        while true {
            if at == buffer.count {
                let offset = at - start
                guard try fill(offset + 1) > offset else {
                    guard buffer.count > start else { return nil }
                    defer { start = buffer.count }
                    return Array(buffer[start...])
                }
                at = start + offset
            }
            let byte = buffer[at]
            if quoted, byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if byte == 0x0A, !inQuotes {
                defer { start = at + 1 }
                return Array(buffer[start...at])
            }
            at += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
