import Foundation
import Logging

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

extension IngestFileSummary {
    /// The counts as a JSON object (the ledger's ingest manifest names the file `file`, a
    /// one-off clean's manifest `path`).
    func write(to json: inout JSONWriter, pathKey: String) {
        json.beginObject()
        json.string(pathKey, file)
        json.string("format", format)
        json.int("read", read)
        json.int("new", new)
        json.int("duplicate", duplicate)
        json.int("rejected", rejected)
        json.int("skipped", skipped)
        json.endObject()
    }
}

/// One file's events on their way into a history: the SQLite store's ``HistoryStore/Load``
/// or the PostgreSQL store's ``PostgresHistory/Load``.
protocol EventLoad {
    func stage(_ batch: EventBatch) throws
    func commit() throws -> (new: Int, duplicate: Int)
    func abandon()
}

extension HistoryStore.Load: EventLoad {}
extension PostgresHistory.Load: EventLoad {}

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
    /// A canonical CSV file of at least two chunks of this many bytes is parsed on two threads
    /// (``SplitCSVReading``); 0 reads every file with one reader. 0 by default: with blocks
    /// compressed, the storing thread bounds an ingest, and on two cores a second reader
    /// only takes CPU from it (S: 0.7 s more CPU, 0.35 s more wall time, 40 MiB more memory;
    /// docs/benchmarks.md).
    public var splitChunkBytes = 0
    /// Year and zone for syslog timestamps (Postfix logs).
    public var importOptions = EventImportOptions()
    /// Called after each batch is staged, with the number of batches staged so far in the
    /// file (a test hook: the end-to-end tests kill an ingest mid-file with it).
    public var afterBatch: ((Int) -> Void)?
    /// Writes a history no one keeps (``HistoryStore/isScratch``): `clean --events`' one-off run.
    var scratchHistory = false

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
        let identity = ClassificationIdentity(policy: policy)
        if case .postgres(let url) = HistoryLocation(historyPath) {
            let history = try PostgresHistory(url: url, create: true)
            var results: [IngestFileSummary] = []
            for file in files {
                results.append(try ingest(file: file, into: try history.beginLoad(classifiedBy: identity), classifier: classifier))
            }
            do { try history.recordIngest(results) } catch {
                logger.warning("the run is not recorded in the history's ledger", metadata: ["error": "\(error)"])
            }
            return results
        }
        let history = try HistoryStore(path: historyPath, create: true, scratch: scratchHistory)
        var results: [IngestFileSummary] = []
        for file in files {
            let load = try history.beginLoad()
            load.classifiedBy = identity
            results.append(try ingest(file: file, into: load, classifier: classifier))
            if let error = load.compactionError {
                logger.warning("the file is stored; merging the history's runs failed and is tried again by the next ingest",
                               metadata: ["file": "\(file)", "error": "\(error)"])
            }
        }
        // The run ledger: a failure to record leaves the events added.
        do { try history.recordIngest(results) } catch {
            logger.warning("the run is not recorded in the history's ledger", metadata: ["error": "\(error)"])
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

    /// The format of one file: `--format`, else a maildir folder, else detected from its first bytes.
    private func format(of file: String) throws -> IngestFormat {
        if let format { return format }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
            guard (try? MailContainer.detect(path: file)) == .maildir else { throw InputError.unknownFormat(path: file) }
            return .mail(.maildir)
        }
        let sniff = try FileByteSource.openDecompressing(path: file)
        var prefix = [UInt8](repeating: 0, count: EventFormat.sniffLength)
        let n = try sniff.read(into: &prefix)
        guard let detected = IngestFormat.detect(path: file, prefix: Array(prefix.prefix(n))) else {
            throw InputError.unknownFormat(path: file)
        }
        return detected
    }

    /// Ingests one file in two stages on the machine's two cores: the reading stage
    /// (``EventReadingStage``, on its own thread) parses and classifies events into batches,
    /// while the storing stage, on this thread, stages the batches into the history's load;
    /// the file is merged and committed when both are done, or rolled back if either fails.
    private func ingest(file: String, into load: some EventLoad, classifier: Classifier) throws -> IngestFileSummary {
        defer { load.abandon() }
        let chosen = try format(of: file)
        var summary = IngestFileSummary(file: file, format: chosen.name)
        let pipe = BatchPipe(capacity: 4)
        var batches = 0
        var stage = EventReadingStage(file: file, format: chosen, options: importOptions, classifier: classifier, batchSize: batchSize)
        stage.splitChunkBytes = splitChunkBytes
        let reading = stage
        let producer = Thread { reading.run(into: pipe) }
        producer.stackSize = 8 << 20
        producer.start()
        do {
            receiving: while true {
                switch pipe.receive() {
                case .events(let batch):
                    try load.stage(batch)
                    pipe.giveBack(batch)
                    batches += 1
                    afterBatch?(batches)
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
        logger.info("ingested", metadata: ["file": "\(file)", "new": "\(summary.new)", "duplicate": "\(summary.duplicate)", "rejected": "\(summary.rejected)"])
        return summary
    }
}
