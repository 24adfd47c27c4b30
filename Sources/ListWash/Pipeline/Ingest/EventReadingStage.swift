import Foundation

/// The first stage of `ingest`, on its reader thread: reads one file in its format, and
/// normalizes, classifies, identifies and packs every event into ``EventBatch``es, which it
/// hands to the storing stage through a ``BatchPipe`` together with the rejected records and,
/// last, the file's counts. No history is touched here.
struct EventReadingStage {
    let file: String
    let format: IngestFormat
    let options: EventImportOptions
    let classifier: Classifier
    /// Events a batch holds before it is handed over.
    let batchSize: Int
    /// A canonical CSV file of at least two chunks of this many bytes is read on two threads
    /// (``SplitCSVReading``); 0: by one reader always.
    var splitChunkBytes = 0

    /// Reads the whole file into `pipe`: `.events` batches and `.rejection`s as they come, then
    /// `.finished` with the counts, or `.failed` with the error that stopped the reading; and
    /// last, whatever happened, tells the pipe the reader is done.
    func run(into pipe: BatchPipe) {
        if case .csv = format,
           let split = SplitCSVReading.open(file: file, classifier: classifier, batchSize: batchSize, chunkBytes: splitChunkBytes) {
            do {
                let read = try split.run(into: pipe)
                try pipe.send(.finished(read: read, skipped: [:], notes: []))
            } catch {
                try? pipe.send(.failed(error))
            }
            return pipe.producerDone()
        }
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
            // The file's name, the start of every event's source text, in memory the whole read.
            let fileName = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: file.utf8.count)
            _ = fileName.initialize(from: file.utf8)
            defer { fileName.deallocate() }
            let (notes, skipped) = try readEvents(emit: { raw in
                try packed(batch.append(raw, classifier: classifier), line: raw.source.line)
            }, csvFields: { f in
                // Canonical CSV, the bulk format: packed from the reader's bytes.
                try packed(batch.append(
                    address: f.address, timestamp: f.timestamp, type: f.type, replyCode: f.replyCode,
                    enhancedCode: f.enhancedCode, diagnostic: f.diagnostic, providerVerdict: nil, message: f.message, classifier: classifier,
                    source: EventBatch.Source(text: UnsafeBufferPointer(fileName), line: f.line)), line: f.line)
            }, reject: { try pipe.send(.rejection($0)) })
            if !batch.isEmpty { try pipe.send(.events(batch)) }
            try pipe.send(.finished(read: read, skipped: skipped, notes: notes))
        } catch {
            try? pipe.send(.failed(error))
        }
        pipe.producerDone()
    }

    /// Reads one file's events in its format (no history involved: this runs on the reader
    /// thread). Returns the importer's notes and the number of messages that were not events.
    /// A canonical CSV goes to `csvFields` (its fields in place, see
    /// ``CanonicalEvents/CSVFields``), every other format to `emit`.
    private func readEvents(emit: (RawEvent) throws -> Void, csvFields: (CanonicalEvents.CSVFields) throws -> Void,
                            reject: (Rejection) throws -> Void) throws -> (notes: [String], skipped: [String: Int]) {
        if case .mail(let container) = format {
            return ([], try Self.readMail(file: file, format: container, emit: emit, reject: reject))
        }
        let source = try FileByteSource.openDecompressing(path: file)
        var summary = EventImportSummary()
        switch format {
        case .mail:
            break
        case .csv: try CanonicalEvents.readCSV(source: source, file: file, fields: csvFields, reject: reject)
        case .jsonl: try CanonicalEvents.readJSONLines(source: source, file: file, emit: emit, reject: reject)
        case .provider(.postfix):
            // Logs are streamed in chunks; everything else from providers is JSON, read whole.
            var options = self.options
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
        case .provider(.powermta):
            // Accounting files can be large: streamed record by record.
            summary = try Self.bridgingErrors(emit: emit, reject: reject) { emitNow, rejectNow, _ in
                try PowerMTAImporter(options: options).read(source: source, file: file, emit: emitNow, reject: rejectNow)
            }
        case .provider(let provider):
            // Provider exports are JSON documents, read whole.
            let bytes = try source.readToEnd()
            let importer = provider.makeImporter(options: options)
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

    /// Reads every message of an .eml, mbox or maildir: one event per recipient; a message
    /// that cannot be parsed is rejected with its file (and mbox line) and the run goes on.
    /// Returns how many messages were not bounces (auto-replies and the like).
    private static func readMail(file: String, format: MailContainerFormat,
                                 emit: (RawEvent) throws -> Void, reject: (Rejection) throws -> Void) throws -> [String: Int] {
        var skipped = 0
        var unaddressed = 0
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
            if events.isEmpty {
                if report.unaddressedNotice != nil { unaddressed += 1 } else { skipped += 1 }
            }
            for event in events { try emit(event) }
        }
        if let error = iterator.error { throw InputError.unreadable(path: file, reason: "\(error)") }
        var counts: [String: Int] = [:]
        if skipped > 0 { counts["message without a bounce (auto-reply or other)"] = skipped }
        if unaddressed > 0 { counts["bounce that names no recipient address"] = unaddressed }
        return counts
    }
}
