import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// What `clean` keeps about one suppressed history address: the decision, the bounce counts
/// and the audit's evidence, already rendered as JSON.
struct SuppressionRecord: Equatable {
    /// nil for an address kept by the policy whose bounce counts clean-v1's layout still needs
    /// (its address fails the syntax check in the list).
    var rule: SuppressionRule?
    var reason: String
    var kind: String
    var firstSeen: Int64?
    var lastSeen: Int64?
    var evidenceCount: Int
    var bounces: BounceStats
    /// The evidence events as JSON objects separated by commas (the inside of the audit's array).
    var evidence: [UInt8]

    var decision: Decision? {
        rule.map { Decision(rule: $0, reason: reason, kind: kind, evidence: [], firstSeen: firstSeen, lastSeen: lastSeen, bounces: bounces) }
    }
}

/// The suppressed history addresses' records in temporary files, one slot each, built during
/// the history scan and read back by slot for the audit.
///
/// The audit shows each suppressed row's evidence events in full, and those events sit in
/// `event_blocks` in arrival order: reading them address by address would be one random read
/// per event. Instead the scan writes each slot's header to the data file and notes (event number,
/// reference, slot) for every evidence event in buckets by number (``NumberBuckets``); the
/// notes come back in number order, the event blocks are read front to back once, and each
/// event's JSON goes to buckets by reference (``ReferenceBuckets``), which lay the objects out
/// in reference order at the end of the data file: a slot's evidence is one range. Memory
/// holds none of it: three unlinked files read back by position (`pread`): the slot index
/// (12 bytes a slot: header offset, first reference), the reference index (8 bytes a
/// reference: where its object starts) and the data. With a large list, the pre-pass's
/// filter of the list's keys spares the evidence of history addresses the list does not hold.
///
/// `@unchecked Sendable`: built by one ``Builder`` on one thread, then handed whole to the
/// audit thread, which owns it for the rest of the run of `clean`; its files are no longer
/// written by then, and its one method, ``record(_:)``, only reads them by position, so the
/// audit's rendering threads may call it at once.
final class EvidenceFile: @unchecked Sendable {
    private let data: TemporaryFile
    private let slotIndex: TemporaryFile
    private let referenceIndex: TemporaryFile
    /// Evidence events held.
    let referenceCount: Int

    fileprivate init(data: TemporaryFile, slotIndex: TemporaryFile, referenceIndex: TemporaryFile, referenceCount: Int) {
        self.data = data
        self.slotIndex = slotIndex
        self.referenceIndex = referenceIndex
        self.referenceCount = referenceCount
    }

    /// The record of one slot (safe from any thread: positioned reads of files no longer
    /// written). Every offset and count read back is checked against what the files hold: a
    /// damaged file is a ``TemporaryFileError``, never a read elsewhere or a wrong record.
    func record(_ slot: UInt32) throws -> SuppressionRecord {
        var index: [UInt8] = []
        try slotIndex.readExactly(at: Int64(slot) * 12, count: 12, into: &index, file: "evidence slot index")
        let (headerOffset, first) = index.withUnsafeBytes {
            ($0.littleEndian(at: 0, as: Int64.self), Int64($0.littleEndian(at: 8, as: UInt32.self)))
        }
        guard headerOffset >= 0, headerOffset < data.size else {
            throw data.corrupt("evidence data", "slot \(slot)'s record lies past its end")
        }
        var header: [UInt8] = []
        try data.read(at: headerOffset, count: Int(min(Int64(Self.maxHeader), data.size - headerOffset)), into: &header)
        var record = try Self.decode(header, file: data)
        guard record.evidenceCount > 0 else { return record }
        guard record.evidenceCount <= referenceCount, first <= Int64(referenceCount - record.evidenceCount) else {
            throw referenceIndex.corrupt("evidence reference index", "slot \(slot)'s references lie past its end")
        }
        // Where its first reference's object starts and where the one after its last starts.
        var bounds: [UInt8] = []
        try referenceIndex.readExactly(at: first * 8, count: (record.evidenceCount + 1) * 8, into: &bounds, file: "evidence reference index")
        let (start, end) = bounds.withUnsafeBytes {
            ($0.littleEndian(at: 0, as: Int64.self), $0.littleEndian(at: record.evidenceCount * 8, as: Int64.self))
        }
        guard start >= 0, start <= end, end - start <= Int64(Int32.max) else {
            throw referenceIndex.corrupt("evidence reference index", "slot \(slot)'s evidence range is \(start)..<\(end)")
        }
        var evidence: [UInt8] = []
        try data.readExactly(at: start, count: Int(end - start), into: &evidence, file: "evidence data")
        record.evidence = evidence
        return record
    }

    // MARK: record layout
    //
    // rule:u8 (255 = none) kind:u8-length+bytes reason:u8-length+bytes firstSeen:i64 lastSeen:i64
    // evidenceCount:u32 bounceCount:u32 bounceFirst:i64 bounceLast:i64. Integers little-endian;
    // Int64.min stands for "none". At most 2 + 255 * 2 + 40 bytes.

    static let maxHeader = 552

    static func encodeHeader(_ r: SuppressionRecord, into out: inout [UInt8]) {
        out.append(r.rule.map { UInt8(SuppressionRule.allCases.firstIndex(of: $0)!) } ?? 255)
        for text in [r.kind, r.reason] {
            let bytes = Array(text.utf8.prefix(255))
            out.append(UInt8(bytes.count))
            out += bytes
        }
        out.append(littleEndian: r.firstSeen ?? .min)
        out.append(littleEndian: r.lastSeen ?? .min)
        out.append(littleEndian: UInt32(clamping: r.evidenceCount))
        out.append(littleEndian: UInt32(clamping: r.bounces.count))
        out.append(littleEndian: r.bounces.first ?? .min)
        out.append(littleEndian: r.bounces.last ?? .min)
    }

    /// Decodes a record's header (`file`: the data file it came from, for the error when the
    /// bytes end inside it).
    static func decode(_ bytes: [UInt8], file: TemporaryFile? = nil) throws -> SuppressionRecord {
        try bytes.withUnsafeBytes { raw in
            var at = 0
            func need(_ n: Int) throws {
                guard at + n <= raw.count else {
                    throw file?.corrupt("evidence data", "a record is truncated")
                        ?? TemporaryFileError.corrupt(directory: "", file: "evidence data", problem: "a record is truncated")
                }
            }
            func text() throws -> String {
                try need(1)
                let n = Int(raw[at])
                try need(1 + n)
                defer { at += 1 + n }
                return String(decoding: UnsafeRawBufferPointer(rebasing: raw[(at + 1)..<(at + 1 + n)]), as: UTF8.self)
            }
            func int64() throws -> Int64? {
                try need(8)
                defer { at += 8 }
                let v = raw.littleEndian(at: at, as: Int64.self)
                return v == .min ? nil : v
            }
            func uint32() throws -> Int {
                try need(4)
                defer { at += 4 }
                return Int(raw.littleEndian(at: at, as: UInt32.self))
            }
            try need(1)
            let ruleIndex = Int(raw[0])
            at = 1
            let rule = ruleIndex < SuppressionRule.allCases.count ? SuppressionRule.allCases[ruleIndex] : nil
            let kind = try text()
            let reason = try text()
            let firstSeen = try int64()
            let lastSeen = try int64()
            let evidenceCount = try uint32()
            var stats = BounceStats([])
            stats.count = try uint32()
            stats.first = try int64()
            stats.last = try int64()
            return SuppressionRecord(rule: rule, reason: reason, kind: kind, firstSeen: firstSeen, lastSeen: lastSeen,
                                     evidenceCount: evidenceCount, bounces: stats, evidence: [])
        }
    }

    /// The constant parts of an evidence object, in `JSONWriter`'s order.
    private static let parts: [[UInt8]] = [
        "{\"id\":\"", "\",\"timestamp\":\"", "\",\"type\":", ",\"reply_code\":", ",\"enhanced_code\":", ",\"diagnostic\":",
        ",\"reason\":", ",\"kind\":", ",\"classifier_rule\":", ",\"provider_verdict\":", ",\"source\":",
    ].map { Array($0.utf8) }
    private static let null = Array("null".utf8)

    /// Renders one event as the audit's evidence object (the same bytes `JSONWriter` writes),
    /// straight from the row's column bytes: this runs once per evidence event, so it makes
    /// no Strings and no arrays.
    static func renderEvent(_ row: HistoryStore.EventRow, into out: inout [UInt8]) {
        func string(_ bytes: UnsafeRawBufferPointer?) {
            guard let bytes else { return out.append(contentsOf: null) }
            JSONWriter.appendString(bytes: bytes.bindMemory(to: UInt8.self), to: &out)
        }
        Self.parts.withUnsafeBufferPointer { parts in
            out.append(contentsOf: parts[0])
            for b in row.id {
                out.append(JSONWriter.hexDigit(b >> 4))
                out.append(JSONWriter.hexDigit(b & 0xF))
            }
            out.append(contentsOf: parts[1])
            Timestamp.append(row.timestamp, to: &out)
            out.append(contentsOf: parts[2])
            string(row.type)
            out.append(contentsOf: parts[3])
            if let code = row.replyCode { JSONWriter.appendInt(code, to: &out) } else { out.append(contentsOf: null) }
            // The text members, each after its constant part.
            func member(_ part: Int, _ bytes: UnsafeRawBufferPointer?) {
                out.append(contentsOf: parts[part])
                string(bytes)
            }
            member(4, row.enhancedCode)
            member(5, row.diagnostic)
            member(6, row.reason)
            member(7, row.kind)
            member(8, row.rule)
            member(9, row.providerVerdict)
            member(10, row.source)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Gathers the records during the history scan (see ``EvidenceFile``).
    final class Builder {
        private let directory: String
        private let memoryBudget: Int
        /// (event number, reference number, slot) of every evidence event, to read the events in number order.
        private let references: NumberBuckets
        private let data: TemporaryFile
        private let slotIndex: TemporaryFile
        /// Per slot: the address's fingerprint and rule (17 bytes), until the verdict table
        /// and the list's key filter are built from them.
        private let slotFile: TemporaryFile
        private var wanted: [Bool]?
        private var referenceCount: UInt32 = 0
        /// Per reference, one bit: set when it is not its slot's first (a comma goes before its object).
        private var continuation: [UInt64] = []
        private(set) var slots = 0
        private var header: [UInt8] = []

        /// `highestEvent`: the history's highest event number (``HistoryStore/highestEventNumber()``),
        /// which sizes the buckets the references are sorted in.
        init(directory: String, memoryBudget: Int, highestEvent: Int64) throws {
            self.directory = directory
            self.memoryBudget = max(memoryBudget, 1 << 16)
            references = try NumberBuckets(directory: directory, highest: highestEvent, memoryBudget: self.memoryBudget / 2)
            data = try TemporaryFile(directory: directory)
            slotIndex = try TemporaryFile(directory: directory)
            slotFile = try TemporaryFile(directory: directory)
        }

        /// Adds one address's record as the next slot; `rows` are the numbers of the address's
        /// events, in the order `decision.evidence` indexes them.
        func add(fingerprint: Fingerprint, decision: Decision?, bounces: BounceStats, rows: [Int64]) throws {
            guard slots < 1 << 28, referenceCount < UInt32.max - 1 << 16 else {
                throw OutputError.writeFailed(path: directory, reason: "too many suppressed addresses for one run of clean")
            }
            let slot = UInt32(slots)
            slots += 1
            header.removeAll(keepingCapacity: true)
            header.append(littleEndian: data.size)
            header.append(littleEndian: referenceCount)
            try slotIndex.append(header)
            let rule = decision.map { UInt8(SuppressionRule.allCases.firstIndex(of: $0.rule)!) } ?? 0x0F
            header.removeAll(keepingCapacity: true)
            header.append(littleEndian: fingerprint.high)
            header.append(littleEndian: fingerprint.low)
            header.append(rule)
            try slotFile.append(header)
            let record = SuppressionRecord(rule: decision?.rule, reason: decision?.reason ?? "", kind: decision?.kind ?? "",
                                           firstSeen: decision?.firstSeen, lastSeen: decision?.lastSeen,
                                           evidenceCount: decision?.evidence.count ?? 0, bounces: bounces, evidence: [])
            header.removeAll(keepingCapacity: true)
            EvidenceFile.encodeHeader(record, into: &header)
            try data.append(header)
            for (i, index) in (decision?.evidence ?? []).enumerated() {
                try references.append(number: rows[index], reference: referenceCount, slot: slot)
                let word = Int(referenceCount >> 6)
                if word == continuation.count { continuation.append(0) }
                if i > 0 { continuation[word] |= 1 << UInt64(referenceCount & 63) }
                referenceCount += 1
            }
        }

        /// The list pass's table (fingerprint → slot << 4 | rule index, see ``Verdict``), sized
        /// once for the slots there are; with `keys`, also notes which slots the list can ask
        /// for (nil: all of them). Reads the slot file back once.
        func verdicts(keys: FingerprintFilter?) throws -> CompactFingerprintTable {
            var table = CompactFingerprintTable(capacity: slots)
            var wanted: [Bool] = []
            if keys != nil { wanted.reserveCapacity(slots) }
            var slot: UInt32 = 0
            try slotFile.forEachRecord(size: 17, name: "evidence slot file") { raw in
                guard Int(slot) < slots, raw[16] <= 0x0F else {
                    throw slotFile.corrupt("evidence slot file", "slot \(slot) does not read back as written")
                }
                let fingerprint = Fingerprint(high: raw.littleEndian(at: 0, as: UInt64.self), low: raw.littleEndian(at: 8, as: UInt64.self))
                table.insertIfAbsent(fingerprint, slot << 4 | UInt32(raw[16]))
                if let keys { wanted.append(keys.mayContain(fingerprint)) }
                slot += 1
            }
            guard Int(slot) == slots else { throw slotFile.corrupt("evidence slot file", "\(slot) slots read back of \(slots)") }
            self.wanted = keys == nil ? nil : wanted
            return table
        }

        /// Reads the evidence events in number order, appends their JSON and hands the files over.
        /// Slots that ``verdicts(keys:)`` ruled out get no evidence (nothing will ask for it).
        ///
        /// The rows are read and rendered on two threads, each on its own connection, a chunk
        /// of the number-ordered references each; the chunks' JSON is appended in order, so the
        /// files are the same as one thread would write (and one thread does, when a waiting
        /// ingest keeps the second connection from its lock).
        /// `twoThreads: false` reads on this thread alone, as when the second connection is refused.
        func finish(history: HistoryStore, twoThreads: Bool = true) throws -> EvidenceFile {
            let second = twoThreads ? history.separateEventRowReader() : nil
            let readers = [try history.eventRowReader()] + (second.map { [$0] } ?? [])
            // Two sets of chunks: one renders in the background while this thread files the
            // set rendered before into the buckets (writing those bytes is as much work as
            // rendering them). The sets share the readers, so one set renders at a time.
            let sets = (0..<2).map { _ in readers.map { EvidenceChunk(reader: $0, path: history.path) } }
            // The rendered objects, by reference range, to be laid out in reference order.
            let placed = try ReferenceBuckets(directory: directory, references: Int(referenceCount), continuation: continuation)
            var current = 0
            var filling = 0
            var rendering: (set: Int, work: BackgroundWork<Void>)?
            // On a failure, the set being rendered is waited for before its readers go.
            defer { _ = try? rendering?.work.wait() }
            func place(_ chunks: [EvidenceChunk]) throws {
                for chunk in chunks {
                    try chunk.check()
                    var start = 0
                    try chunk.bytes.withUnsafeBytes { bytes in
                        for i in chunk.references.indices {
                            let end = chunk.ends[i]
                            try placed.append(reference: chunk.references[i], object: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                            start = end
                        }
                    }
                    chunk.clear()
                }
            }
            /// Starts rendering the set being filled and files the one rendered before.
            func flush() throws {
                let previous = rendering
                if let previous { try previous.work.wait() }
                let chunks = sets[current]
                rendering = (current, BackgroundWork { DispatchQueue.concurrentPerform(iterations: chunks.count) { chunks[$0].render() } })
                if let previous { try place(sets[previous.set]) }
                current = 1 - current
                filling = 0
            }
            try references.forEachInOrder { number, reference, slot in
                guard Int(slot) < slots, reference < referenceCount else {
                    throw references.corrupt("a reference does not read back as written")
                }
                if let wanted, !wanted[Int(slot)] { return }
                let chunks = sets[current]
                chunks[filling].add(event: number, reference: reference)
                if chunks[filling].isFull {
                    filling += 1
                    if filling == chunks.count { try flush() }
                }
            }
            try flush()
            if let last = rendering {
                rendering = nil
                try last.work.wait()
                try place(sets[last.set])
            }
            // Each slot's objects back to back in `data`, commas between them; the reference
            // index says where each reference's object starts (referenceCount + 1 entries, the
            // last where the last one ends), so a slot's evidence is one range.
            let referenceIndex = try TemporaryFile(directory: directory)
            try data.flush()
            try placed.layOut(into: data, index: referenceIndex)
            try data.flush()
            try slotIndex.flush()
            try referenceIndex.flush()
            return EvidenceFile(data: data, slotIndex: slotIndex, referenceIndex: referenceIndex, referenceCount: Int(referenceCount))
        }
    }
}

/// Bytes appended to numbered buckets in any order and read back bucket by bucket, in
/// bounded memory: each bucket keeps a small buffer, full buffers go to one temporary file,
/// and a bucket comes back whole (its spilled buffers in order, then what its buffer holds).
/// ``NumberBuckets`` and ``ReferenceBuckets`` sort their records this way.
final class BucketFile {
    private let file: TemporaryFile
    private let bufferBytes: Int
    private var staging: [[UInt8]]
    /// Per bucket: where its full buffers went in `file` (offset, bytes).
    private var spilled: [[(offset: Int64, count: Int)]]

    init(directory: String, buckets: Int, bufferBytes: Int) throws {
        file = try TemporaryFile(directory: directory)
        self.bufferBytes = bufferBytes
        staging = Array(repeating: [], count: max(buckets, 1))
        spilled = Array(repeating: [], count: max(buckets, 1))
    }

    var count: Int { staging.count }

    /// Appends to a bucket; a record may be appended in parts (they stay contiguous).
    func append(_ bytes: UnsafeRawBufferPointer, to bucket: Int) throws {
        staging[bucket].append(contentsOf: bytes)
        if staging[bucket].count >= bufferBytes {
            spilled[bucket].append((file.size, staging[bucket].count))
            try file.append(staging[bucket])
            staging[bucket].removeAll(keepingCapacity: true)
        }
    }

    /// Writes out the buffers' full part (call before ``read(bucket:into:)``).
    func flush() throws { try file.flush() }

    /// Appends one bucket's bytes to `bytes`. It only reads, so threads may read different
    /// buckets at once, after ``flush()`` and once every append is done.
    func read(bucket: Int, into bytes: inout [UInt8]) throws {
        for (offset, count) in spilled[bucket] {
            try file.readExactly(at: offset, count: count, into: &bytes, file: "evidence bucket")
        }
        bytes += staging[bucket]
    }

    /// The error for a bucket whose bytes do not read back as written.
    func corrupt(_ problem: String) -> TemporaryFileError { file.corrupt("evidence bucket", problem) }

    /// Each bucket's bytes, in bucket order (one bucket in memory at a time).
    func forEachBucket(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try file.flush()
        var bytes: [UInt8] = []
        for bucket in staging.indices {
            bytes.removeAll(keepingCapacity: true)
            try read(bucket: bucket, into: &bytes)
            staging[bucket] = []
            try bytes.withUnsafeBytes { try body($0) }
        }
    }
}

/// Rendered evidence objects gathered in event-number order and laid out in reference
/// order: each goes to the bucket of its reference's range (32,768 references, about 10 MB of
/// JSON), and each bucket is ordered alone.
final class ReferenceBuckets {
    private let buckets: BucketFile
    private let references: Int
    /// Per reference, whether a comma goes before its object (see ``EvidenceFile/Builder``).
    private let continuation: [UInt64]
    /// Per bucket, the bytes it lays out to (its objects and their commas), so that each
    /// bucket's place in the data file is known before any is written.
    private var sizes: [Int]
    private static let span = 32_768

    init(directory: String, references: Int, continuation: [UInt64]) throws {
        buckets = try BucketFile(directory: directory, buckets: references / Self.span + 1, bufferBytes: 32 << 10)
        self.references = references
        self.continuation = continuation
        sizes = Array(repeating: 0, count: buckets.count)
    }

    private func continues(_ reference: UInt32) -> Bool {
        let word = Int(reference >> 6)
        return word < continuation.count && continuation[word] & (1 << UInt64(reference & 63)) != 0
    }

    /// One object: `reference:u32 length:u32` and its bytes (whether a comma goes before it
    /// comes from `continuation`, so its slot is not kept).
    func append(reference: UInt32, object: UnsafeRawBufferPointer) throws {
        let bucket = min(Int(reference) / Self.span, buckets.count - 1)
        let header = (reference.littleEndian, UInt32(object.count).littleEndian)
        try withUnsafeBytes(of: header) { try buckets.append($0, to: bucket) }
        try buckets.append(object, to: bucket)
        sizes[bucket] += object.count + (continues(reference) ? 1 : 0)
    }

    /// Writes the objects at the end of `data` in reference order, a comma before each one that
    /// continues its slot, and the reference index to `index`: where each reference's object
    /// starts (a reference without one: where the next object would start), and one entry
    /// more, where the last ends. Each bucket's place is known from the sizes, so two threads
    /// lay out alternate buckets at once (writing the bytes is most of the work).
    func layOut(into data: TemporaryFile, index: TemporaryFile) throws {
        try buckets.flush()
        var starts: [Int64] = []
        var end = data.size
        for size in sizes {
            starts.append(end)
            end += Int64(size)
        }
        let work = { [self] (bucket: Int) throws in try layOut(bucket: bucket, at: starts[bucket], into: data, index: index) }
        let count = buckets.count
        let other = BackgroundWork { for bucket in stride(from: 1, to: count, by: 2) { try work(bucket) } }
        var failure: (any Error)?
        do { for bucket in stride(from: 0, to: count, by: 2) { try work(bucket) } } catch { failure = error }
        do { try other.wait() } catch { failure = failure ?? error }
        if let failure { throw failure }
        var last: [UInt8] = []
        last.append(littleEndian: UInt64(end))
        try last.withUnsafeBytes { try index.write($0, at: Int64(references) * 8) }
        data.markWritten(through: end)
        index.markWritten(through: Int64(references + 1) * 8)
    }

    private func layOut(bucket: Int, at start: Int64, into data: TemporaryFile, index: TemporaryFile) throws {
        var bytes: [UInt8] = []
        try buckets.read(bucket: bucket, into: &bytes)
        let first = bucket * Self.span
        let last = bucket == buckets.count - 1 ? references : min(first + Self.span, references)
        var out: [UInt8] = []
        out.reserveCapacity(sizes[bucket])
        var entries: [UInt8] = []
        entries.reserveCapacity(max(last - first, 0) * 8)
        func entry() { entries.append(littleEndian: UInt64(start + Int64(out.count))) }
        var next = first
        try bytes.withUnsafeBytes { raw in
            for (reference, at) in try order(raw) {
                guard Int(reference) >= next, Int(reference) < last else {
                    throw buckets.corrupt("reference \(reference) is out of its bucket's range")
                }
                while next < Int(reference) {
                    entry()
                    next += 1
                }
                if continues(reference) { out.append(UInt8(ascii: ",")) }
                entry()
                let length = Int(raw.littleEndian(at: at + 4, as: UInt32.self))
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(at + 8)..<(at + 8 + length)]))
                next += 1
            }
        }
        while next < last {
            entry()
            next += 1
        }
        guard out.count == sizes[bucket] else {
            throw buckets.corrupt("a bucket laid out to \(out.count) bytes, not \(sizes[bucket])")
        }
        try out.withUnsafeBytes { try data.write($0, at: start) }
        try entries.withUnsafeBytes { try index.write($0, at: Int64(first) * 8) }
    }

    /// A bucket's objects by reference: each one's reference and where its record starts.
    func order(_ raw: UnsafeRawBufferPointer) throws -> [(reference: UInt32, start: Int)] {
        var order: [(reference: UInt32, start: Int)] = []
        var at = 0
        while at < raw.count {
            guard raw.count - at >= 8 else { throw buckets.corrupt("a record is truncated") }
            let length = Int(raw.littleEndian(at: at + 4, as: UInt32.self))
            guard length <= raw.count - at - 8 else { throw buckets.corrupt("a record runs past its bucket") }
            order.append((raw.littleEndian(at: at, as: UInt32.self), at))
            at += 8 + length
        }
        order.sort { $0.reference < $1.reference }
        return order
    }
}

/// (event number, reference, slot) records gathered in any order and read back in number
/// order: each record goes to the bucket of its number's range, and each bucket is sorted
/// alone. A history holds at most one event per number, so a bucket of `memoryBudget / 16`
/// numbers never holds more records than that, however the references fall. Cheaper than an
/// external merge sort for fixed-size numeric keys: one copy on the way in, one read and one
/// in-memory sort per bucket on the way out.
final class NumberBuckets {
    private struct Record {
        var number: Int64
        var reference: UInt32
        var slot: UInt32
    }

    private let buckets: BucketFile
    /// Numbers per bucket.
    private let span: Int64

    init(directory: String, highest: Int64, memoryBudget: Int) throws {
        span = max(Int64(max(memoryBudget, 1 << 16) / MemoryLayout<Record>.stride), 1)
        buckets = try BucketFile(directory: directory, buckets: Int(max(highest, 0) / span) + 1,
                                 bufferBytes: 4_096 * MemoryLayout<Record>.stride)
    }

    /// The error for records that do not read back as written.
    func corrupt(_ problem: String) -> TemporaryFileError { buckets.corrupt(problem) }

    func append(number: Int64, reference: UInt32, slot: UInt32) throws {
        let bucket = min(Int(max(number, 0) / span), buckets.count - 1)
        try withUnsafeBytes(of: Record(number: number, reference: reference, slot: slot)) { try buckets.append($0, to: bucket) }
    }

    /// Every record in number order.
    func forEachInOrder(_ body: (_ number: Int64, _ reference: UInt32, _ slot: UInt32) throws -> Void) throws {
        var records: [Record] = []
        let size = MemoryLayout<Record>.stride
        try buckets.forEachBucket { raw in
            guard raw.count % size == 0 else { throw buckets.corrupt("a bucket holds part of a record") }
            records.removeAll(keepingCapacity: true)
            for i in 0..<(raw.count / size) { records.append(raw.loadUnaligned(fromByteOffset: i * size, as: Record.self)) }
            // Numbers are unique (an event is the evidence of one slot at most).
            records.sort { $0.number < $1.number }
            for record in records { try body(record.number, record.reference, record.slot) }
        }
    }
}

/// One thread's share of the evidence events: a run of number-ordered references, rendered to
/// JSON through the thread's own row reader.
///
/// `@unchecked Sendable`: owned by ``EvidenceFile/Builder/finish(history:twoThreads:)``,
/// which fills it, hands it to one rendering thread (``render()``) and touches it again only
/// after waiting for that thread; its row reader's connection is used by one thread at a time.
private final class EvidenceChunk: @unchecked Sendable {
    static let capacity = 4_096
    private let reader: HistoryStore.EventRowReader
    private let path: String
    private var events: [Int64] = []
    private(set) var references: [UInt32] = []
    /// The rendered objects, back to back; `ends[i]` is where the i-th one ends.
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []
    private var failure: (any Error)?

    init(reader: HistoryStore.EventRowReader, path: String) {
        self.reader = reader
        self.path = path
    }

    var isFull: Bool { events.count >= Self.capacity }

    func add(event: Int64, reference: UInt32) {
        events.append(event)
        references.append(reference)
    }

    /// Renders the chunk's rows (on any one thread at a time); an error waits for ``check()``.
    func render() {
        do {
            for event in events {
                guard try reader.read(event, { EvidenceFile.renderEvent($0, into: &bytes) }) else {
                    throw HistoryError.sqlite(path: path, code: 1, message: "an event of the history is missing (number \(event))")
                }
                ends.append(bytes.count)
            }
        } catch {
            failure = error
        }
    }

    func check() throws {
        if let failure { throw failure }
    }

    func clear() {
        events.removeAll(keepingCapacity: true)
        references.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }
}
