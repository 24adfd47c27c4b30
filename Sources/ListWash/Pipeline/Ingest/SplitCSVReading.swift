import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The reading stage of `ingest` for a large canonical CSV file on both cores: the file is cut
/// into chunks of about ``chunkBytes`` just after a line feed, two threads parse, normalize,
/// classify and pack the chunks (each its own), and the stage's thread hands each chunk's
/// batches and rejections to the storing stage in file order, so the history gets the events
/// in the same order, with the same numbers and line numbers, as from one reader.
///
/// A cut just after a line feed is where a record starts unless the line feed was inside a
/// quoted field (or the reader would have cut a longer record elsewhere). Each chunk is parsed
/// on the assumption that its cut is right, and the parse of the chunk before proves it: the
/// chunk is *clean* when every record in it ends with its line break within the chunk, none is
/// an unterminated quote and none comes near the reader's record limit, which is exactly when
/// one reader over the whole file would have read the same records. A chunk that is not clean
/// is dropped with every chunk after it, and the rest of the file is read by one reader from
/// that chunk's start, which the chunks before proved to be a record's start.
///
/// Line numbers: a record starts on line 1 plus the line breaks (LF, CRLF, lone CR) before it,
/// so each chunk counts its line breaks first and starts its reader on the line after those of
/// the chunks before it.
///
/// `@unchecked Sendable`: shared by the stage's thread and its two workers; the lets are
/// immutable and every var is read and written under `condition`'s lock.
final class SplitCSVReading: @unchecked Sendable {
    /// Bytes a chunk holds, about (set lower by tests).
    let chunkBytes: Int
    /// A record this long, or longer, is read by one reader (the reader's limit is 1 MiB).
    static let longRecord = 512 << 10

    let file: String
    let classifier: Classifier
    let batchSize: Int
    private let fd: Int32
    private let size: Int
    private let dialect: CSVDialect
    private let columns: CanonicalEvents.CSVColumns
    /// Where the first record after the header starts, and its line.
    private let dataOffset: Int
    private let dataLine: Int
    private let chunkCount: Int
    private let fileName: [UInt8]

    private struct Chunk {
        var messages: [BatchPipe.Message] = []
        var read = 0
        var clean = true
        var start = 0
        var firstLine = 0
        var error: (any Error)?
    }

    private let condition = NSCondition()
    private var nextChunk = 0
    private var breaks: [Int?]
    private var results: [Int: Chunk] = [:]
    private var handedOver = 0
    private var stopped = false
    private var workersRunning = 0
    /// Emptied batches for the workers to fill again.
    private weak var pipe: BatchPipe?

    /// The split reading of `file`, or nil when it is to be read by one reader: standard input,
    /// not a regular file, compressed, smaller than two chunks, or a header the split reading
    /// does not find in its first MiB (one reader then reports what is wrong with it).
    static func open(file: String, classifier: Classifier, batchSize: Int, chunkBytes: Int) -> SplitCSVReading? {
        guard file != "-", chunkBytes > 0 else { return nil }
        let fd = Glibc.open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) >= 2 * chunkBytes else {
            Glibc.close(fd)
            return nil
        }
        var prefix = [UInt8](repeating: 0, count: min(Int(info.st_size), 1 << 20))
        let n = prefix.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n == prefix.count, !GzipByteSource.isGzip(Array(prefix.prefix(2))),
              let header = try? Self.header(prefix, file: file) else {
            Glibc.close(fd)
            return nil
        }
        return SplitCSVReading(file: file, classifier: classifier, batchSize: batchSize, chunkBytes: chunkBytes, fd: fd,
                               size: Int(info.st_size), header: header, prefix: prefix)
    }

    private init(file: String, classifier: Classifier, batchSize: Int, chunkBytes: Int, fd: Int32, size: Int,
                 header: (dialect: CSVDialect, columns: CanonicalEvents.CSVColumns, end: Int), prefix: [UInt8]) {
        self.file = file
        self.classifier = classifier
        self.batchSize = batchSize
        self.chunkBytes = chunkBytes
        self.fd = fd
        self.size = size
        dialect = header.dialect
        columns = header.columns
        dataOffset = header.end
        dataLine = 1 + prefix.withUnsafeBufferPointer { CSVReader.countNewlines($0.baseAddress!, 0, header.end) }
        chunkCount = max(1, (size - header.end) / chunkBytes)
        breaks = Array(repeating: nil, count: chunkCount)
        fileName = Array(file.utf8)
    }

    deinit { Glibc.close(fd) }

    private struct Found: Error {}

    /// The dialect, the columns and where the header record ends (its line break included),
    /// read as ``CanonicalEvents/readCSV(source:file:fields:reject:)`` reads them; nil when the
    /// header does not end with a line break inside `prefix`.
    private static func header(_ prefix: [UInt8], file: String) throws -> (dialect: CSVDialect, columns: CanonicalEvents.CSVColumns, end: Int)? {
        let reader = CSVReader(source: MemoryByteSource(prefix))
        var offset = 0
        var found: (CanonicalEvents.CSVColumns, Int)?
        do {
            try reader.forEachRecord { record in
                offset += record.raw.count
                if record.isBlank { return }
                guard record.raw.count > record.contentLength, offset < prefix.count else { throw Found() }
                found = (try CanonicalEvents.columns(header: record, file: file), offset)
                throw Found()
            }
        } catch is Found {}
        guard let found, let dialect = reader.dialect else { return nil }
        return (dialect, found.0, found.1 + (reader.hadByteOrderMark ? 3 : 0))
    }

    /// Where chunk `k` starts: just after the first line feed at or after its nominal start
    /// (the end of the file when there is none); chunk 0 at the first record.
    private func boundary(_ k: Int) -> Int {
        if k == 0 { return dataOffset }
        if k >= chunkCount { return size }
        var at = dataOffset + k * chunkBytes
        var window = [UInt8](repeating: 0, count: 64 << 10)
        while at < size {
            let n = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
            guard n > 0 else { return size }
            if let i = window.withUnsafeBytes({ raw -> Int? in
                memchr(raw.baseAddress!, 0x0A, n).map { UnsafeRawPointer($0) - raw.baseAddress! }
            }) {
                return at + i + 1
            }
            at += n
        }
        return size
    }

    /// Reads the file into `pipe` in order; returns how many events were read.
    func run(into pipe: BatchPipe) throws -> Int {
        self.pipe = pipe
        let workers = [Thread { self.work() }, Thread { self.work() }]
        condition.lock()
        workersRunning = workers.count
        condition.unlock()
        for worker in workers {
            worker.stackSize = 8 << 20
            worker.start()
        }
        defer { stopWorkers() }
        var read = 0
        for k in 0..<chunkCount {
            condition.lock()
            while results[k] == nil { condition.wait() }
            let chunk = results.removeValue(forKey: k)!
            condition.unlock()
            if let error = chunk.error { throw error }
            guard chunk.clean else {
                stopWorkers()
                return read + (try readRest(from: chunk.start, firstLine: chunk.firstLine, into: pipe))
            }
            for message in chunk.messages { try pipe.send(message) }
            read += chunk.read
            condition.lock()
            handedOver = k + 1
            condition.broadcast()
            condition.unlock()
        }
        return read
    }

    private func stopWorkers() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while workersRunning > 0 { condition.wait() }
        results.removeAll()
        condition.unlock()
    }

    /// A worker: takes the next chunk, counts its line breaks, parses it once the chunks
    /// before have counted theirs, and leaves the result; at most two chunks ahead of the
    /// one being handed over (each about 8 MB of packed events).
    private func work() {
        defer {
            condition.lock()
            workersRunning -= 1
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while !stopped, nextChunk < chunkCount, nextChunk > handedOver + 1 { condition.wait() }
            guard !stopped, nextChunk < chunkCount else {
                condition.unlock()
                return
            }
            let k = nextChunk
            nextChunk += 1
            condition.unlock()
            var chunk = Chunk()
            chunk.start = boundary(k)
            let end = boundary(k + 1)
            var bytes = [UInt8](repeating: 0, count: end - chunk.start)
            var got = 0
            while got < bytes.count {
                let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(chunk.start + got)) }
                if n <= 0 { break }
                got += n
            }
            let counted = bytes.withUnsafeBufferPointer { b in b.isEmpty ? 0 : CSVReader.countNewlines(b.baseAddress!, 0, b.count) }
            condition.lock()
            breaks[k] = counted
            condition.broadcast()
            while !stopped, breaks[0..<k].contains(where: { $0 == nil }) { condition.wait() }
            let before = breaks[0..<k].reduce(0) { $0 + ($1 ?? 0) }
            let stop = stopped
            condition.unlock()
            if stop { return }
            chunk.firstLine = dataLine + before
            if got < bytes.count {
                chunk.error = InputError.unreadable(path: file, reason: "the file changed while it was read")
            } else {
                parse(bytes, last: end == size, into: &chunk)
            }
            condition.lock()
            results[k] = chunk
            condition.broadcast()
            condition.unlock()
        }
    }

    private struct NotClean: Error {}

    /// Packs one record's fields (source: the file's name and the line); false for an empty address.
    @inline(__always)
    private static func pack(_ f: CanonicalEvents.CSVFields, into batch: inout EventBatch, fileName: UnsafeBufferPointer<UInt8>, classifier: Classifier) -> Bool {
        batch.append(
            address: f.address, timestamp: f.timestamp, type: f.type, replyCode: f.replyCode,
            enhancedCode: f.enhancedCode, diagnostic: f.diagnostic, providerVerdict: nil, message: f.message,
            classifier: classifier, source: EventBatch.Source(text: fileName, line: f.line))
    }

    /// Parses one chunk's records into batches and rejections, as the one reader would.
    private func parse(_ bytes: [UInt8], last: Bool, into chunk: inout Chunk) {
        // A byte-order mark at a chunk's start would be taken off by its reader.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return chunk.clean = false }
        let reader = CSVReader(source: MemoryByteSource(bytes), dialect: dialect, firstLine: chunk.firstLine)
        var batch = pipe?.takeEmptied() ?? EventBatch(reservingEvents: batchSize)
        batch.removeAll()
        var messages: [BatchPipe.Message] = []
        var read = 0
        var consumed = 0
        let columns = columns, file = file, fileName = fileName, classifier = classifier, batchSize = batchSize
        do {
            try fileName.withUnsafeBufferPointer { fileName in try reader.forEachRecord { record in
                consumed += record.raw.count
                let terminated = record.raw.count > record.contentLength
                if record.raw.count >= Self.longRecord || record.error == CSVRecordError.unterminatedQuote
                    || (!terminated && !(last && consumed == bytes.count)) {
                    throw NotClean()
                }
                if record.isBlank { return }
                try CanonicalEvents.readRecord(record, columns: columns, file: file, fields: { f in
                    read += 1
                    if !Self.pack(f, into: &batch, fileName: fileName, classifier: classifier) {
                        messages.append(.rejection(Rejection(file: file, line: f.line, reason: "empty email", raw: "")))
                    }
                    if batch.count >= batchSize {
                        var full = pipe?.takeEmptied() ?? EventBatch(reservingEvents: batchSize)
                        full.removeAll()
                        swap(&full, &batch)
                        messages.append(.events(full))
                    }
                }, reject: { messages.append(.rejection($0)) })
            } }
        } catch is NotClean {
            chunk.clean = false
            return
        } catch {
            chunk.error = error
            return
        }
        if !batch.isEmpty { messages.append(.events(batch)) }
        chunk.messages = messages
        chunk.read = read
    }

    /// Reads from `start` (a record's start, on line `firstLine`) to the end with one reader.
    private func readRest(from start: Int, firstLine: Int, into pipe: BatchPipe) throws -> Int {
        let source = FileRangeSource(fd: fd, from: start, to: size, path: file)
        let reader = CSVReader(source: source, dialect: dialect, firstLine: firstLine)
        var batch = EventBatch(reservingEvents: batchSize)
        var read = 0
        let columns = columns
        try fileName.withUnsafeBufferPointer { fileName in try reader.forEachRecord { record in
            if record.isBlank { return }
            try CanonicalEvents.readRecord(record, columns: columns, file: file, fields: { f in
                read += 1
                if !Self.pack(f, into: &batch, fileName: fileName, classifier: classifier) {
                    try pipe.send(.rejection(Rejection(file: file, line: f.line, reason: "empty email", raw: "")))
                }
                if batch.count >= batchSize {
                    var full = pipe.takeEmptied() ?? EventBatch(reservingEvents: batchSize)
                    full.removeAll()
                    swap(&full, &batch)
                    try pipe.send(.events(full))
                }
            }, reject: { try pipe.send(.rejection($0)) })
        } }
        if !batch.isEmpty { try pipe.send(.events(batch)) }
        return read
    }
}

/// A byte range of an open file, read with `pread` (the file descriptor stays its owner's).
final class FileRangeSource: ByteSource {
    private let fd: Int32
    private var at: Int
    private let end: Int
    private let path: String

    init(fd: Int32, from: Int, to: Int, path: String) {
        self.fd = fd
        at = from
        end = to
        self.path = path
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let want = min(buffer.count, end - at)
        guard want > 0 else { return 0 }
        while true {
            let n = pread(fd, buffer.baseAddress, want, off_t(at))
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            at += n
            return n
        }
    }
}
