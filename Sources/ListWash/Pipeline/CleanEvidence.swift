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

/// The suppressed history addresses' records in a temporary file, one slot each, built during
/// the history scan and read back by slot for the audit.
///
/// The audit shows each suppressed row's evidence events in full, and those rows sit in
/// `events` in arrival order: reading them address by address would be one random read per
/// event. Instead the scan writes each slot's header to the file and notes (rowid, reference)
/// for every evidence event; an external sort puts the notes in rowid order, the rows are read
/// front to back once and each event's JSON is appended to the file. Memory holds 8 bytes per
/// reference and 12 per slot (28 while the file is built); the file is read back by position
/// (`pread`). With a large list, the pre-pass's filter of the list's keys spares the evidence
/// of history addresses the list does not hold.
final class EvidenceFile: @unchecked Sendable {
    private let fd: Int32
    /// Where each slot's header starts, and its first reference.
    private let headers: [Int64]
    private let firstReference: [UInt32]
    /// Each reference's JSON: offset << 24 | length.
    private let references: [UInt64]

    var slots: Int { headers.count }
    /// Evidence events held.
    var referenceCount: Int { references.count }

    fileprivate init(fd: Int32, headers: [Int64], firstReference: [UInt32], references: [UInt64]) {
        self.fd = fd
        self.headers = headers
        self.firstReference = firstReference
        self.references = references
    }

    deinit { close(fd) }

    private func read(at offset: Int64, count: Int, into bytes: inout [UInt8]) throws {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        var done = 0
        try bytes.withUnsafeMutableBytes { raw in
            while done < count {
                let n = pread(fd, raw.baseAddress! + start + done, count - done, off_t(offset) + off_t(done))
                if n < 0, errno == EINTR { continue }
                guard n >= 0 else { throw OutputError.writeFailed(path: "(evidence)", reason: String(cString: strerror(errno))) }
                if n == 0 { break }
                done += n
            }
        }
        bytes.removeLast(count - done)
    }

    /// The record of one slot (safe from any thread: positioned reads of a file no longer written).
    func record(_ slot: UInt32) throws -> SuppressionRecord {
        let index = Int(slot)
        var header: [UInt8] = []
        try read(at: headers[index], count: Self.maxHeader, into: &header)
        var record = try Self.decode(header)
        var evidence: [UInt8] = []
        let first = Int(firstReference[index])
        for r in first..<(first + record.evidenceCount) {
            if r > first { evidence.append(UInt8(ascii: ",")) }
            try read(at: Int64(references[r] >> 24), count: Int(references[r] & 0xFF_FFFF), into: &evidence)
        }
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
        func int64(_ v: Int64?) { withUnsafeBytes(of: (v ?? .min).littleEndian) { out += $0 } }
        func uint32(_ v: Int) { withUnsafeBytes(of: UInt32(clamping: v).littleEndian) { out += $0 } }
        int64(r.firstSeen)
        int64(r.lastSeen)
        uint32(r.evidenceCount)
        uint32(r.bounces.count)
        int64(r.bounces.first)
        int64(r.bounces.last)
    }

    static func decode(_ bytes: [UInt8]) throws -> SuppressionRecord {
        try bytes.withUnsafeBytes { raw in
            var at = 0
            func need(_ n: Int) throws {
                guard at + n <= raw.count else { throw OutputError.writeFailed(path: "(evidence)", reason: "truncated record") }
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
                let v = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self))
                return v == .min ? nil : v
            }
            func uint32() throws -> Int {
                try need(4)
                defer { at += 4 }
                return Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
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
        "{\"id\":\"", "\",\"timestamp\":", ",\"type\":", ",\"reply_code\":", ",\"enhanced_code\":", ",\"diagnostic\":",
        ",\"reason\":", ",\"kind\":", ",\"classifier_rule\":", ",\"provider_verdict\":", ",\"source\":",
    ].map { Array($0.utf8) }
    private static let null = Array("null".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Renders one event as the audit's evidence object (the same bytes `JSONWriter` writes).
    static func renderEvent(_ row: HistoryStore.EventRow, into out: inout [UInt8]) {
        func string(_ bytes: UnsafeRawBufferPointer?) {
            guard let bytes else { return out.append(contentsOf: null) }
            JSONWriter.appendString(bytes: bytes.bindMemory(to: UInt8.self), to: &out)
        }
        let parts = Self.parts
        out.append(contentsOf: parts[0])
        for b in row.id {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
        out.append(contentsOf: parts[1])
        JSONWriter.appendString(Timestamp.format(row.timestamp), to: &out)
        out.append(contentsOf: parts[2])
        string(row.type)
        out.append(contentsOf: parts[3])
        if let code = row.replyCode {
            if code < 0 { out.append(UInt8(ascii: "-")) }
            var digits: [UInt8] = []
            var v = code.magnitude
            repeat {
                digits.append(0x30 + UInt8(v % 10))
                v /= 10
            } while v > 0
            out.append(contentsOf: digits.reversed())
        } else {
            out.append(contentsOf: null)
        }
        out.append(contentsOf: parts[4])
        string(row.enhancedCode)
        out.append(contentsOf: parts[5])
        string(row.diagnostic)
        out.append(contentsOf: parts[6])
        string(row.reason)
        out.append(contentsOf: parts[7])
        string(row.kind)
        out.append(contentsOf: parts[8])
        string(row.rule)
        out.append(contentsOf: parts[9])
        string(row.providerVerdict)
        out.append(contentsOf: parts[10])
        string(row.source)
        out.append(UInt8(ascii: "}"))
    }

    /// Gathers the records during the history scan (see ``EvidenceFile``).
    final class Builder {
        private let directory: String
        /// (rowid → reference number) of every evidence event, to read the rows in rowid order.
        private let sorter: ExternalSorter
        private let fd: Int32
        private var buffer: [UInt8] = []
        private var written: Int64 = 0
        private var headers: [Int64] = []
        private var firstReference: [UInt32] = []
        private var referenceCount: UInt32 = 0
        /// Per slot: the address's fingerprint and rule (17 bytes), kept in a second temporary
        /// file until the verdict table and the list's key filter are built from them.
        private let slotFile: TemporaryFile
        private var wanted: [Bool]?
        private var finished = false

        init(directory: String, memoryBudget: Int) throws {
            self.directory = directory
            sorter = ExternalSorter(directory: directory, memoryBudget: max(memoryBudget, 1 << 16))
            // An unlinked temporary file: it disappears with its descriptor, whatever happens.
            var template = Array("\(directory)/.evidence-XXXXXX".utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw OutputError.cannotCreate(path: directory, reason: String(cString: strerror(errno))) }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            buffer.reserveCapacity(1 << 20)
            slotFile = try TemporaryFile(directory: directory)
        }

        deinit { if !finished { close(fd) } }

        var slots: Int { headers.count }

        private var position: Int64 { written + Int64(buffer.count) }

        private func flushIfFull(force: Bool = false) throws {
            guard force || buffer.count >= 1 << 20 else { return }
            var done = 0
            try buffer.withUnsafeBytes { raw in
                while done < raw.count {
                    let n = write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0, errno == EINTR { continue }
                    guard n > 0 else { throw OutputError.writeFailed(path: directory, reason: String(cString: strerror(errno))) }
                    done += n
                }
            }
            written += Int64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
        }

        /// Adds one address's record; `rows` are the rowids of the address's events, in the
        /// order `decision.evidence` indexes them. Returns its slot.
        func add(fingerprint: Fingerprint, decision: Decision?, bounces: BounceStats, rows: [Int64]) throws -> UInt32 {
            guard headers.count < 1 << 28 else {
                throw HistoryError.sqlite(path: directory, code: 1, message: "more than 2^28 suppressed addresses in one run of clean")
            }
            let slot = UInt32(headers.count)
            headers.append(position)
            try slotFile.append(fingerprint: fingerprint, byte: decision.map { UInt8(SuppressionRule.allCases.firstIndex(of: $0.rule)!) } ?? 0x0F)
            firstReference.append(referenceCount)
            let record = SuppressionRecord(rule: decision?.rule, reason: decision?.reason ?? "", kind: decision?.kind ?? "",
                                           firstSeen: decision?.firstSeen, lastSeen: decision?.lastSeen,
                                           evidenceCount: decision?.evidence.count ?? 0, bounces: bounces, evidence: [])
            EvidenceFile.encodeHeader(record, into: &buffer)
            var key = [UInt8](repeating: 0, count: 8)
            var value = [UInt8](repeating: 0, count: 8)
            withUnsafeBytes(of: slot.bigEndian) { raw in for i in 0..<4 { value[4 + i] = raw[i] } }
            for index in decision?.evidence ?? [] {
                withUnsafeBytes(of: UInt64(bitPattern: rows[index]).bigEndian) { raw in for i in 0..<8 { key[i] = raw[i] } }
                withUnsafeBytes(of: referenceCount.bigEndian) { raw in for i in 0..<4 { value[i] = raw[i] } }
                try sorter.append(key: key, value: value)
                referenceCount += 1
            }
            try flushIfFull()
            return slot
        }

        /// The list pass's table (fingerprint → slot << 4 | rule index, see ``Verdict``), sized
        /// once for the slots there are; with `keys`, also notes which slots the list can ask
        /// for (nil: all of them). Reads the slot file back once.
        func verdicts(keys: FingerprintFilter?) throws -> CompactFingerprintTable {
            var table = CompactFingerprintTable(capacity: headers.count)
            var wanted: [Bool] = []
            if keys != nil { wanted.reserveCapacity(headers.count) }
            var slot: UInt32 = 0
            try slotFile.forEach { fingerprint, rule in
                table.insertIfAbsent(fingerprint, slot << 4 | UInt32(rule))
                if let keys { wanted.append(keys.mayContain(fingerprint)) }
                slot += 1
            }
            self.wanted = keys == nil ? nil : wanted
            return table
        }

        /// Reads the evidence rows in rowid order, appends their JSON and hands the file over.
        /// Slots that ``select(keys:)`` ruled out get no evidence (nothing will ask for it).
        func finish(history: HistoryStore) throws -> EvidenceFile {
            var references = [UInt64](repeating: 0, count: Int(referenceCount))
            let rows = try history.eventRowReader()
            try sorter.finish().forEach { key, value in
                let rowid = Int64(bitPattern: UInt64(bigEndian: key.loadUnaligned(fromByteOffset: 0, as: UInt64.self)))
                let reference = Int(UInt32(bigEndian: value.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
                if let wanted, !wanted[Int(UInt32(bigEndian: value.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))] { return }
                let start = position
                guard try rows.read(rowid, { EvidenceFile.renderEvent($0, into: &buffer) }) else {
                    throw HistoryError.sqlite(path: history.path, code: 1, message: "an event of the history is missing (row \(rowid))")
                }
                let length = min(position - start, 0xFF_FFFF)
                references[reference] = UInt64(start) << 24 | UInt64(length)
                try flushIfFull()
            }
            try flushIfFull(force: true)
            finished = true
            return EvidenceFile(fd: fd, headers: headers, firstReference: firstReference, references: references)
        }
    }
}

/// An unlinked temporary file of 17-byte records (a fingerprint and a byte), written once in
/// order and read back in order.
final class TemporaryFile {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []

    init(directory: String) throws {
        var template = Array("\(directory)/.slots-XXXXXX".utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        path = directory
        guard fd >= 0 else { throw OutputError.cannotCreate(path: directory, reason: String(cString: strerror(errno))) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { close(fd) }

    func append(fingerprint: Fingerprint, byte: UInt8) throws {
        withUnsafeBytes(of: fingerprint.high.littleEndian) { buffer += $0 }
        withUnsafeBytes(of: fingerprint.low.littleEndian) { buffer += $0 }
        buffer.append(byte)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        var done = 0
        try buffer.withUnsafeBytes { raw in
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Every record in the order written.
    func forEach(_ body: (Fingerprint, UInt8) throws -> Void) throws {
        try flush()
        var chunk = [UInt8](repeating: 0, count: 17 * 61_681)
        var offset: off_t = 0
        while true {
            let n = try chunk.withUnsafeMutableBytes { raw -> Int in
                while true {
                    let n = pread(fd, raw.baseAddress!, raw.count, offset)
                    if n < 0, errno == EINTR { continue }
                    guard n >= 0 else { throw OutputError.writeFailed(path: path, reason: String(cString: strerror(errno))) }
                    return n
                }
            }
            if n == 0 { return }
            offset += off_t(n)
            try chunk.withUnsafeBytes { raw in
                var at = 0
                while at + 17 <= n {
                    try body(Fingerprint(high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                                         low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))),
                             raw[at + 16])
                    at += 17
                }
            }
        }
    }
}
