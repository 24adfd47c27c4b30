import Foundation

/// A reader of untrusted input driven from bytes to its end, as `clean` and `ingest` drive it:
/// what the seeded mutation pass in the tests and the libFuzzer targets in `Fuzz/` run.
///
/// A run must never trap. Errors thrown and records rejected are outcomes, not failures;
/// ``FuzzOutcome/violations(input:)`` names what a run got wrong otherwise (a line number
/// outside the input, an address in a message, list segments that do not add up to the input).
/// Streaming readers are fed in chunks whose sizes are picked from the input's own bytes, so a
/// run is reproduced by its input alone.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The subscriber-list CSV reader (``CSVListReader``), encoding and delimiter sniffed.
    case csvList = "csv-list"
    /// The XML subscriber-list reader (``XMLListReader``), record element detected.
    case xmlList = "xml-list"
    /// Canonical event CSV, packed for the history as `ingest` packs it.
    case eventsCSV = "events-csv"
    /// Canonical event JSON Lines.
    case eventsJSONL = "events-jsonl"
    /// Amazon SES notifications (``SESImporter``).
    case ses
    /// SendGrid event batches (``SendGridImporter``).
    case sendgrid
    /// Mailgun events (``MailgunImporter``).
    case mailgun
    /// Postmark bounce webhooks and dumps (``PostmarkImporter``).
    case postmark
    /// Postfix maillog, streamed in chunks (syslog year 2026).
    case postfix
    /// PowerMTA accounting CSV, streamed.
    case powermta
    /// One bounce message.
    case eml
    /// An mbox of bounce messages (written to a temporary file: the mbox reader reads files).
    case mbox
    /// The classifier: line 1 is the reply code, line 2 the enhanced code, line 3 the
    /// recipient, the rest the diagnostic text.
    case classify

    /// Runs the reader over `bytes` to the end.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        var run = FuzzRun(bytes: bytes)
        do {
            // Format detection reads the same untrusted prefix before any reader does.
            let prefix = Array(bytes.prefix(EventFormat.sniffLength))
            _ = IngestFormat.detect(path: "input", prefix: prefix)
            _ = SubscriberListFormat.startsLikeXML(prefix[...])
            try run.read(self)
        } catch {
            run.outcome.error = FuzzOutcome.message(error)
        }
        return run.outcome
    }
}

/// What one ``FuzzTarget/run(_:)`` produced.
public struct FuzzOutcome: Sendable {
    /// A record the reader rejected: its 1-based line and the reason it gave.
    public struct Rejected: Sendable, Equatable {
        /// The line the reader named (1-based).
        public var line: Int
        /// The reason the reader gave (shown to users: no personal data).
        public var reason: String
    }

    /// Events, list records or recipients read.
    public var records = 0
    /// The records rejected.
    public var rejected: [Rejected] = []
    /// The lines that events and list records named as their source.
    public var lines: [Int] = []
    /// The error that ended the run, as the user reads it (`listwash: error: …`).
    public var error: String?
    /// What the harness found wrong beyond lines and messages (list segments that do not add
    /// up to the input, an XML boundary mismatch, a packed event whose id cannot be computed).
    public var problems: [String] = []

    /// What is wrong with this outcome of reading `input`; empty when nothing is.
    ///
    /// Every line named is at least 1 and at most the input's line count (line breaks of any
    /// kind, counted generously); no rejection reason and no error message contains a run of
    /// text around an `@` (an address, or a piece of one) that occurs in the input.
    public func violations(input: [UInt8]) -> [String] {
        var found = problems
        let lineCount = 1 + input.reduce(0) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
        for line in lines where line < 1 || line > lineCount {
            found.append("a record names line \(line) of an input of \(lineCount) lines")
        }
        for r in rejected where r.line < 1 || r.line > lineCount {
            found.append("a rejection names line \(r.line) of an input of \(lineCount) lines")
        }
        let lowered = input.map(Self.lower)
        for text in rejected.map(\.reason) + (error.map { [$0] } ?? []) {
            for token in Self.addressTokens(in: text) where ByteSearch.contains(lowered, Array(token.utf8).map(Self.lower)) {
                found.append("a message repeats the input's '\(token)': \(text)")
            }
        }
        return found
    }

    /// The error as `listwash` prints it, and its localized description when that differs.
    static func message(_ error: Error) -> String {
        let described = String(describing: error)
        guard let localized = (error as? LocalizedError)?.errorDescription, localized != described else { return described }
        return described + " / " + localized
    }

    /// Each run of text around an `@` (up to a blank, a quote, a bracket or a separator) with at
    /// least one byte on each side of the `@`.
    static func addressTokens(in text: String) -> [String] {
        let separators = Set(" \t\r\n\"'`,;<>()[]{}|".utf8)
        let bytes = Array(text.utf8)
        var tokens: [String] = []
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "@") else { i += 1; continue }
            var lo = i, hi = i + 1
            while lo > 0, !separators.contains(bytes[lo - 1]), bytes[lo - 1] >= 0x20 { lo -= 1 }
            while hi < bytes.count, !separators.contains(bytes[hi]), bytes[hi] >= 0x20 { hi += 1 }
            if lo < i, hi > i + 1 { tokens.append(String(decoding: bytes[lo..<hi], as: UTF8.self)) }
            i = hi
        }
        return tokens
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}

/// The state of one fuzz run: the input, the outcome so far, and the events packed as `ingest` packs them.
private struct FuzzRun {
    let bytes: [UInt8]
    var outcome = FuzzOutcome()
    var batch = EventBatch()

    /// The classifier every run shares, as every file of an ingest does (its memo included).
    static let classifier: Classifier = {
        do { return try Classifier() } catch { fatalError("the built-in rules do not compile: \(error)") }
    }()

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Chunk sizes for streaming readers, picked by the input's bytes: whole, byte by byte, or uneven splits.
    var chunkSizes: [Int] {
        let choices: [[Int]] = [[1 << 20], [1], [2, 5, 3], [64], [7, 1, 300], [4096, 1]]
        var hash: UInt32 = 2_166_136_261
        for b in bytes.prefix(64) { hash = (hash ^ UInt32(b)) &* 16_777_619 }
        return choices[Int(hash % UInt32(choices.count))]
    }

    var memory: MemoryByteSource { MemoryByteSource(bytes, chunkSizes: chunkSizes) }

    mutating func read(_ target: FuzzTarget) throws {
        defer { identifyPacked() }
        switch target {
        case .csvList:
            try readList(CSVListReader(path: "list.csv", source: memory, delimiter: nil, emailColumn: nil), exact: false)
        case .xmlList:
            try readList(XMLListReader(path: "list.xml", source: memory, recordName: nil, emailField: nil), exact: true)
        case .eventsCSV:
            let fileName = Array("events.csv".utf8)
            try CanonicalEvents.readCSV(source: memory, file: "events.csv", fields: { f in
                outcome.records += 1
                outcome.lines.append(f.line)
                _ = fileName.withUnsafeBufferPointer { fileName in
                    batch.append(
                        address: f.address, timestamp: f.timestamp, type: f.type, replyCode: f.replyCode,
                        enhancedCode: f.enhancedCode, diagnostic: f.diagnostic, providerVerdict: nil, message: f.message,
                        classifier: Self.classifier, source: EventBatch.Source(text: fileName, line: f.line))
                }
            }, reject: { reject($0) })
        case .eventsJSONL:
            try CanonicalEvents.readJSONLines(source: memory, file: "events.jsonl", emit: { emit($0) }, reject: { reject($0) })
        case .ses, .sendgrid, .mailgun, .postmark, .powermta:
            let format = EventFormat(rawValue: target.rawValue)!
            _ = format.importerType.sniff(prefix: Array(bytes.prefix(EventFormat.sniffLength)), fileName: "events.json")
            if format == .powermta {
                try PowerMTAImporter().read(source: memory, file: "acct.csv", emit: { emit($0) }, reject: { reject($0) })
            } else {
                try format.makeImporter().read(bytes: bytes, file: "events.json", emit: { emit($0) }, reject: { reject($0) })
            }
        case .postfix:
            var stream = PostfixLogStream(file: "maillog", options: EventImportOptions(year: 2026))
            var offset = 0, index = 0
            let sizes = chunkSizes
            while offset < bytes.count {
                let end = min(bytes.count, offset + sizes[index % sizes.count])
                try stream.feed(Array(bytes[offset..<end]), emit: { emit($0) }, reject: { reject($0) })
                offset = end
                index += 1
            }
            _ = try stream.finish(emit: { emit($0) }, reject: { reject($0) })
        case .eml:
            readMessage(bytes, file: "bounce.eml", line: 1)
        case .mbox:
            try readMbox()
        case .classify:
            classify()
        }
    }

    mutating func emit(_ event: RawEvent) {
        outcome.records += 1
        if let line = event.source.line { outcome.lines.append(line) }
        _ = batch.append(event, classifier: Self.classifier)
    }

    mutating func reject(_ rejection: Rejection) {
        outcome.rejected.append(FuzzOutcome.Rejected(line: rejection.line, reason: rejection.reason))
    }

    /// Computes the id of every packed event, as the history's storing thread does.
    mutating func identifyPacked() {
        batch.bytes.withUnsafeBytes { all in
            for item in batch.items {
                let event = UnsafeRawBufferPointer(rebasing: all[item.start..<(item.start + item.length)])
                do { _ = try EventBatch.identity(of: event, type: item.type) } catch {
                    outcome.problems.append("a packed event cannot be read back: \(error)")
                }
            }
        }
    }

    /// Reads a subscriber list as `clean` does; with `exact`, the segments must be the input
    /// byte for byte, else (CSV: blank lines dropped) they must follow the input in order.
    mutating func readList(_ reader: SubscriberListReader, exact: Bool) throws {
        var out: [UInt8] = []
        let rules = AddressRules()
        var followed = 0
        var outOfOrder = false
        // Each segment starts where the one before ended, or after line breaks (blank lines are dropped).
        func follow(_ segment: UnsafeRawBufferPointer) {
            guard !exact, !outOfOrder else { return }
            var at = followed
            while !bytes[at...].starts(with: segment) {
                guard at < bytes.count, AddressRules.isBlank(bytes[at]) else { outOfOrder = true; return }
                at += 1
            }
            followed = at + segment.count
        }
        do {
            try reader.read { segment in
                switch segment {
                case .passthrough(let b):
                    out.append(contentsOf: b)
                    follow(b)
                case .record(let r):
                    outcome.records += 1
                    outcome.lines.append(r.line)
                    out.append(contentsOf: r.raw)
                    follow(r.raw)
                    if let error = r.error {
                        outcome.rejected.append(FuzzOutcome.Rejected(line: r.line, reason: error))
                    } else if let address = r.address {
                        let key = address.withUnsafeBytes { rules.key($0) }
                        _ = rules.isValid(key)
                        _ = Fingerprint(key)
                    } else {
                        outcome.problems.append("line \(r.line): a record with neither an address nor an error")
                    }
                }
            }
        } catch let error as XMLListError {
            if case .boundaryMismatch = error { outcome.problems.append("internal error: \(error)") }
            throw error
        }
        if exact, out != bytes {
            outcome.problems.append("the list's segments (\(out.count) bytes) are not the input (\(bytes.count) bytes)")
        }
        // A list read as UTF-16 (by its byte-order mark or its zero bytes) is transcoded: its segments are re-encoded text.
        if !exact, outOfOrder, (reader as? CSVListReader)?.encoding.needsTranscoding == false {
            outcome.problems.append("the list's segments do not follow the input in order")
        }
    }

    mutating func readMessage(_ message: [UInt8], file: String, line: Int) {
        let report: BounceReport
        do {
            report = try BounceReader().read(message, file: file)
        } catch {
            // As ingest does: the message is rejected, the run goes on.
            reject(Rejection(file: file, line: line, reason: (error as? MailError)?.reason ?? "cannot parse message", raw: ""))
            return
        }
        for event in report.events(file: file) { emit(event) }
        _ = report.classifiedLines(classifier: Self.classifier)
    }

    mutating func readMbox() throws {
        var template = Array("\(NSTemporaryDirectory())/listwash-fuzz-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw InputError.unreadable(path: "mbox", reason: "cannot create a temporary file") }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(path) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n <= 0 { break }
            written += n
        }
        close(fd)
        var iterator = try MailContainer(path: path, format: .mbox).makeIterator()
        while let item = iterator.next() {
            readMessage(item.bytes, file: "mbox", line: item.line ?? 1)
        }
        if let error = iterator.error { throw error }
    }

    mutating func classify() {
        let parts = bytes.split(separator: 0x0A, maxSplits: 3, omittingEmptySubsequences: false)
        func part(_ i: Int) -> ArraySlice<UInt8> { i < parts.count ? parts[i] : [] }
        let reply = Int(String(decoding: part(0), as: UTF8.self))
        let enhanced = part(1).isEmpty ? nil : String(decoding: part(1), as: UTF8.self)
        let recipient = String(decoding: part(2), as: UTF8.self)
        let diagnostic = String(decoding: part(3), as: UTF8.self)
        outcome.records += 1
        let classifier = Self.classifier
        _ = classifier.classify(replyCode: reply, enhancedCode: enhanced, diagnostic: diagnostic)
        _ = classifier.classify(replyCode: reply, enhancedCode: enhanced, diagnostic: diagnostic, recipient: recipient)
        _ = batch.append(RawEvent(address: recipient, timestamp: 0, type: .bounce, replyCode: reply, enhancedCode: enhanced,
                                  diagnostic: diagnostic, source: EventSource(file: "classify", line: 1)),
                         classifier: classifier)
    }
}
