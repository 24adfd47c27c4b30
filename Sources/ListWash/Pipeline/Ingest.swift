import Foundation
import Logging

/// The event formats `ingest` reads.
public enum IngestFormat: String, Sendable, CaseIterable {
    /// Canonical event CSV (`email,timestamp,event,smtp_code,enhanced_code,diagnostic`).
    case csv
    /// Canonical event JSON Lines (the same keys).
    case jsonl
    /// AWS SES notifications (raw or SNS-wrapped).
    case ses
    /// SendGrid event webhook batches.
    case sendgrid
    /// Mailgun events (API pages, webhooks, JSON Lines).
    case mailgun
    /// Postmark bounce webhooks and bounce API dumps.
    case postmark
    /// Postfix maillog delivery lines.
    case postfix
    /// PowerMTA accounting CSV.
    case powermta
    /// One bounce message (DSN, ARF, an MTA's plain-text bounce).
    case eml
    /// An mbox file of bounce messages.
    case mbox
    /// A maildir (`cur/`, `new/`) of bounce messages.
    case maildir

    /// The mail container behind this format, for bounce messages.
    var mailContainer: MailContainerFormat? { MailContainerFormat(rawValue: rawValue) }

    /// The provider importer behind this format, for the non-canonical ones.
    var provider: EventFormat? { EventFormat(rawValue: rawValue) }

    /// Guesses the format of a file from its first bytes and name: provider formats first
    /// (they are recognised by their own field names), then the canonical ones.
    public static func detect(path: String, prefix: [UInt8]) -> IngestFormat? {
        if prefix.starts(with: Array("From ".utf8)) { return .mbox }
        if let provider = EventFormat.detect(prefix: prefix, fileName: path) { return IngestFormat(rawValue: provider.rawValue) }
        let lower = path.lowercased()
        if lower.hasSuffix(".eml") || looksLikeMessage(prefix) { return .eml }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        let body = prefix.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(prefix.dropFirst(3)) : prefix
        guard let first = body.first(where: { !AddressRules.isBlank($0) }) else { return nil }
        if first == UInt8(ascii: "{") { return .jsonl }
        let text = String(decoding: body.prefix(200), as: UTF8.self).lowercased()
        if text.contains("email"), text.contains("timestamp") { return .csv }
        return nil
    }
}

extension IngestFormat {
    /// Whether the bytes start like an RFC 5322 message: a header field name, a colon, and
    /// one of the fields every bounce has among the first lines.
    static func looksLikeMessage(_ prefix: [UInt8]) -> Bool {
        let head = String(decoding: prefix.prefix(2048), as: UTF8.self)
        let lines = head.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }).prefix(40)
        guard let first = lines.first, let colon = first.firstIndex(of: ":"), colon != first.startIndex,
              first[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return false }
        let names = Set(lines.compactMap { line -> String? in
            guard let c = line.firstIndex(of: ":") else { return nil }
            return line[..<c].lowercased()
        })
        return names.contains("from") && (names.contains("date") || names.contains("subject") || names.contains("received") || names.contains("return-path"))
    }
}

/// The counts of ingesting one file.
public struct IngestFileSummary: Sendable, Equatable {
    public var file: String
    public var format: String
    public var read = 0
    public var new = 0
    public var duplicate = 0
    public var rejected = 0
    /// Records that are not events listwash keeps (auto-replies, opens, clicks, …).
    public var skipped = 0
    /// ``skipped`` by the record's kind, as the format names it (`open`, `click`, `processed`).
    public var skippedKinds: [String: Int] = [:]
}

/// Reads event files, classifies every event and adds the new ones to the history, in
/// one transaction per file (a file is added whole or not at all). Ingesting the same events
/// again adds nothing.
public struct IngestJob {
    public var historyPath: String
    public var policy: Policy
    public var format: IngestFormat?
    public var logger: Logger
    /// Called for every rejected record (file, line, reason, raw text).
    public var onReject: ((Rejection) throws -> Void)?
    public var batchSize = 10_000
    /// Year and zone for syslog timestamps (Postfix logs).
    public var importOptions = EventImportOptions()

    public init(historyPath: String, policy: Policy, format: IngestFormat? = nil, logger: Logger, onReject: ((Rejection) throws -> Void)? = nil) {
        self.historyPath = historyPath
        self.policy = policy
        self.format = format
        self.logger = logger
        self.onReject = onReject
    }

    /// Ingests the files in order; stops at the first file that cannot be read at all.
    public func run(files: [String]) throws -> [IngestFileSummary] {
        let classifier = try policy.makeClassifier()
        // Every input must be there and readable before the history is created or opened.
        for file in files { try Self.checkReadable(file) }
        let history = try HistoryStore(path: historyPath, create: true)
        var results: [IngestFileSummary] = []
        for file in files {
            results.append(try ingest(file: file, history: history, classifier: classifier))
        }
        return results
    }

    /// Throws ``InputError/missingFile(path:)`` for a path that is not there and
    /// ``InputError/unreadable(path:reason:)`` for a file this process may not read; a
    /// folder (a maildir) must be listable.
    static func checkReadable(_ file: String) throws {
        if file == "-" { return }
        var info = stat()
        guard stat(file, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw InputError.missingFile(path: file) }
            throw InputError.unreadable(path: file, reason: String(cString: strerror(errno)))
        }
        let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
        if access(file, isFolder ? (R_OK | X_OK) : R_OK) != 0 {
            throw InputError.unreadable(path: file, reason: String(cString: strerror(errno)))
        }
    }

    /// Reads every message of an .eml, mbox or maildir: one event per recipient; a message
    /// that cannot be parsed is rejected with its file (and mbox line) and the run goes on.
    /// Returns how many messages were not bounces (auto-replies and the like).
    private static func readMail(file: String, format: MailContainerFormat,
                                 emit: (RawEvent) throws -> Void, reject: (Rejection) throws -> Void) throws -> [String: Int] {
        var skipped = 0
        let container: MailContainer
        do { container = try MailContainer(path: file, format: format) } catch { throw InputError.unreadable(path: file, reason: "\(error)") }
        let reader = BounceReader()
        var iterator = container.makeIterator()
        while let item = iterator.next() {
            let report: BounceReport
            do {
                report = try reader.read(item.bytes, file: item.source)
            } catch {
                try reject(Rejection(file: item.source, line: item.line ?? 1, reason: (error as? MailError)?.reason ?? "cannot parse message", raw: ""))
                continue
            }
            let events = report.events(file: item.source)
            if events.isEmpty { skipped += 1 }
            for event in events { try emit(event) }
        }
        if let error = iterator.error { throw InputError.unreadable(path: file, reason: "\(error)") }
        return skipped > 0 ? ["message without a bounce (auto-reply or other)": skipped] : [:]
    }

    /// The format of one file: `--format`, else a maildir folder, else detected from its first bytes.
    private func format(of file: String) throws -> IngestFormat {
        if let format { return format }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            guard (try? MailContainer.detect(path: file)) == .maildir else { throw InputError.unknownFormat(path: file) }
            return .maildir
        }
        let sniff = try FileByteSource(path: file)
        var prefix = [UInt8](repeating: 0, count: EventFormat.sniffLength)
        let n = try sniff.read(into: &prefix)
        guard let detected = IngestFormat.detect(path: file, prefix: Array(prefix.prefix(n))) else {
            throw InputError.unknownFormat(path: file)
        }
        return detected
    }

    /// Ingests one file in two stages on the machine's two cores: a reader thread parses and
    /// classifies events into batches, while this thread stages the batches into the history;
    /// the file is merged and committed when both are done, or rolled back if either fails.
    private func ingest(file: String, history: HistoryStore, classifier: Classifier) throws -> IngestFileSummary {
        let chosen = try format(of: file)
        var summary = IngestFileSummary(file: file, format: chosen.rawValue)
        let load = try history.beginLoad()
        defer { load.abandon() }
        let pipe = BatchPipe(capacity: 4)
        let options = importOptions
        let batchSize = batchSize
        let producer = Thread {
            var batch = EventBatch(reservingEvents: batchSize)
            var read = 0
            do {
                // Hands the full batch over and carries on in one the writer has emptied: no
                // fresh buffers per batch.
                func handOver() throws {
                    var full = pipe.takeEmptied() ?? EventBatch(reservingEvents: batchSize)
                    swap(&full, &batch)
                    try pipe.send(.events(full))
                    batch.removeAll()
                }
                @inline(__always) func packed(_ done: Bool, line: Int?) throws {
                    read += 1
                    if !done { try pipe.send(.rejection(Rejection(file: file, line: line ?? 0, reason: "empty email", raw: ""))) }
                    if batch.count >= batchSize { try handOver() }
                }
                let fileName = Array(file.utf8)
                let (notes, skipped) = try Self.readEvents(file: file, format: chosen, options: options, emit: { raw in
                    try packed(batch.append(raw, classifier: classifier), line: raw.source.line)
                }, csvFields: { f in
                    // Canonical CSV, the bulk format: packed from the reader's bytes.
                    try packed(batch.append(
                        address: f.address, timestamp: f.timestamp, type: f.type, replyCode: f.replyCode,
                        enhancedCode: f.enhancedCode, diagnostic: f.diagnostic, providerVerdict: nil, classifier: classifier,
                        source: { out in
                            out.append(contentsOf: fileName)
                            EventSource.appendLine(f.line, to: &out)
                        }), line: f.line)
                }, reject: { try pipe.send(.rejection($0)) })
                if !batch.isEmpty { try pipe.send(.events(batch)) }
                try pipe.send(.finished(read: read, skipped: skipped, notes: notes))
            } catch {
                try? pipe.send(.failed(error))
            }
            pipe.producerDone()
        }
        producer.stackSize = 8 << 20
        producer.start()
        do {
            receiving: while true {
                switch pipe.receive() {
                case .events(let batch):
                    try load.stage(batch)
                    pipe.giveBack(batch)
                case .rejection(let rejection):
                    summary.rejected += 1
                    logger.debug("record rejected", metadata: ["file": "\(rejection.file)", "line": "\(rejection.line)", "reason": "\(rejection.reason)"])
                    try onReject?(rejection)
                case .finished(let read, let skipped, let notes):
                    summary.read = read
                    summary.skippedKinds = skipped
                    summary.skipped = skipped.values.reduce(0, +)
                    for note in notes { logger.notice("\(note)", metadata: ["file": "\(file)"]) }
                    break receiving
                case .failed(let error):
                    throw error
                }
            }
        } catch {
            pipe.cancel()
            pipe.waitForProducer()
            throw error
        }
        pipe.waitForProducer()
        let (new, duplicate) = try load.commit()
        summary.new = new
        summary.duplicate = duplicate
        if let error = load.compactionError {
            logger.warning("the file is stored; merging the history's runs failed and is tried again by the next ingest",
                           metadata: ["file": "\(file)", "error": "\(error)"])
        }
        logger.info("ingested", metadata: ["file": "\(file)", "new": "\(summary.new)", "duplicate": "\(summary.duplicate)", "rejected": "\(summary.rejected)"])
        return summary
    }

    /// Reads one file's events in its format (no history involved: this runs on the reader
    /// thread). Returns the importer's notes and the number of messages that were not events.
    /// A canonical CSV goes to `csvFields` (its fields in place, see
    /// ``CanonicalEvents/CSVFields``), every other format to `emit`.
    private static func readEvents(file: String, format chosen: IngestFormat, options importOptions: EventImportOptions,
                                   emit: (RawEvent) throws -> Void, csvFields: (CanonicalEvents.CSVFields) throws -> Void,
                                   reject: (Rejection) throws -> Void) throws -> (notes: [String], skipped: [String: Int]) {
        if let container = chosen.mailContainer {
            return ([], try readMail(file: file, format: container, emit: emit, reject: reject))
        }
        let source = try FileByteSource(path: file)
        var summary = EventImportSummary()
        switch chosen {
        case .eml, .mbox, .maildir:
            break
        case .csv: try CanonicalEvents.readCSV(source: source, file: file, fields: csvFields, reject: reject)
        case .jsonl: try CanonicalEvents.readJSONLines(source: source, file: file, emit: emit, reject: reject)
        case .postfix:
            // Logs are streamed in chunks; everything else from providers is JSON, read whole.
            var options = importOptions
            if options.year == nil, options.fileModified == nil { options.fileModified = FileByteSource.modificationTime(path: file) }
            var stream = PostfixLogStream(file: file, options: options)
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            summary = try Self.bridgingErrors(emit: emit, reject: reject) { emitNow, rejectNow, check in
                while true {
                    let n = try source.read(into: &chunk)
                    if n == 0 { break }
                    try stream.feed(Array(chunk[0..<n]), emit: emitNow, reject: rejectNow)
                    try check()
                }
                return try stream.finish(emit: emitNow, reject: rejectNow)
            }
        case .powermta:
            // Accounting files can be large: streamed record by record.
            summary = try Self.bridgingErrors(emit: emit, reject: reject) { emitNow, rejectNow, _ in
                try PowerMTAImporter(options: importOptions).read(source: source, file: file, emit: emitNow, reject: rejectNow)
            }
        case .ses, .sendgrid, .mailgun, .postmark:
            // Provider exports are JSON documents, read whole.
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = try source.read(into: &chunk)
                if n == 0 { break }
                bytes += chunk[0..<n]
            }
            let importer = chosen.provider!.makeImporter(options: importOptions)
            summary = try Self.bridgingErrors(emit: emit, reject: reject) { emitNow, rejectNow, _ in
                try importer.read(bytes: bytes, file: file, emit: emitNow, reject: rejectNow)
            }
        }
        return (summary.notes, summary.skippedKinds)
    }

    /// Runs an importer whose callbacks cannot throw with our throwing ones: the first error
    /// stops further callbacks and is rethrown when the importer returns (or when `check` is called).
    private static func bridgingErrors<T>(
        emit: (RawEvent) throws -> Void, reject: (Rejection) throws -> Void,
        _ body: (_ emit: (RawEvent) -> Void, _ reject: (Rejection) -> Void, _ check: () throws -> Void) throws -> T
    ) throws -> T {
        try withoutActuallyEscaping(emit) { emit in
            try withoutActuallyEscaping(reject) { reject in
                var failure: Error?
                let result = try body({ event in
                    guard failure == nil else { return }
                    do { try emit(event) } catch { failure = error }
                }, { rejection in
                    guard failure == nil else { return }
                    do { try reject(rejection) } catch { failure = error }
                }, { if let failure { throw failure } })
                if let failure { throw failure }
                return result
            }
        }
    }
}

/// A bounded hand-over from the reader thread to the storing thread: the reader blocks when
/// `capacity` messages wait, so memory stays bounded whatever the file's size.
///
/// `@unchecked Sendable`: one per ingested file, shared by its reader thread (which sends)
/// and its storing thread (which receives and returns emptied batches); every stored
/// property but the lets is read and written only under `condition`'s lock.
final class BatchPipe: @unchecked Sendable {
    enum Message: Sendable {
        case events(EventBatch)
        case rejection(Rejection)
        case finished(read: Int, skipped: [String: Int], notes: [String])
        case failed(any Error)
    }

    /// Thrown to the reader when the storing side has given up.
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var queue: [Message] = []
    /// Batches the writer has stored, returned for the reader to refill (at most `capacity`).
    private var emptied: [EventBatch] = []
    private let capacity: Int
    private var cancelled = false
    private var producerFinished = false

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Hands a message over, waiting while the pipe is full; throws once cancelled.
    func send(_ message: Message) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(message)
        condition.broadcast()
    }

    /// The next message, waiting for one.
    func receive() -> Message {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty { condition.wait() }
        let message = queue.removeFirst()
        condition.broadcast()
        return message
    }

    /// Returns a stored batch for reuse; the reader empties it (see ``takeEmptied()``).
    func giveBack(_ batch: consuming EventBatch) {
        condition.lock()
        let keep = emptied.count < capacity && !cancelled
        if keep { emptied.append(batch) }
        condition.unlock()
        // A batch not kept is freed here, outside the lock.
    }

    /// A batch the writer has stored (its events still in it, for the caller to remove with
    /// ``EventBatch/removeAll()``), or nil when none is waiting.
    func takeEmptied() -> EventBatch? {
        condition.lock()
        defer { condition.unlock() }
        return emptied.popLast()
    }

    /// Stops the reader at its next hand-over.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        emptied.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Called by the reader thread as its last act.
    func producerDone() {
        condition.lock()
        producerFinished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the reader thread has finished.
    func waitForProducer() {
        condition.lock()
        while !producerFinished { condition.wait() }
        condition.unlock()
    }
}
