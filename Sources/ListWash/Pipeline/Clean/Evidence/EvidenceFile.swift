/// The suppressed history addresses' records in temporary files, one slot each, built during
/// the history scan and read back by slot for the audit.
///
/// The audit shows each suppressed row's evidence events in full, and those events sit in
/// `event_blocks` in arrival order: reading them address by address would be one random read
/// per event. Instead the scan notes each slot's header and (event number, reference, slot)
/// for every evidence event in buckets by number (``NumberBuckets``); the notes come back in
/// number order, the event blocks are read front to back once, and each event's record
/// (``EvidenceEvent``: its fields in binary, the recurring texts named by their entry in a
/// table of texts, ``EvidenceStrings``) goes to buckets by reference (``ReferenceBuckets``),
/// which lay the records out in reference order in the data file. A slot's references are
/// consecutive, its header's first, so its header and evidence are one range, and the slot
/// table says where each slot's range starts: a record is one positioned read (`pread`) of
/// that range. The audit's threads render it to JSON (``appendEvidence(of:to:)``), so the
/// file holds about a seventh of the bytes the JSON takes. Memory holds the two text tables (a
/// few MiB each at most) and the slot table, 8 bytes a suppressed address (23 MB at size L,
/// held once the list pass has freed the 64 MiB verdict table's worth of its peers). With a large list, the
/// pre-pass's filter of the list's keys spares the evidence (and the header) of history
/// addresses the list does not hold.
///
/// `@unchecked Sendable`: built by one ``Builder`` on one thread, then handed whole to the
/// audit thread, which owns it for the rest of the run of `clean`; its files and text tables
/// are no longer written by then, and its methods, ``record(_:)`` and
/// ``appendEvidence(of:to:)``, only read them, so the audit's rendering threads may call them at once.
final class EvidenceFile: @unchecked Sendable {
    private let data: TemporaryFile
    /// Where each slot's range starts in `data`, and one entry more, where the last ends.
    /// In memory: a file here cost every audit line a second `pread`.
    private let slotStarts: [Int64]
    /// The texts the records name by their entry: one table per reading thread of the evidence pass.
    private let tables: (EvidenceStrings, EvidenceStrings)
    /// Evidence events held.
    let referenceCount: Int

    /// Made by ``Builder/finish(history:twoThreads:)`` once the data file is complete.
    init(data: TemporaryFile, slotStarts: [Int64], tables: (EvidenceStrings, EvidenceStrings), referenceCount: Int) {
        self.data = data
        self.slotStarts = slotStarts
        self.tables = tables
        self.referenceCount = referenceCount
    }

    /// The same, its slot table read from a file of 8-byte little-endian starts; a file that is
    /// not whole entries is a ``TemporaryFileError``.
    convenience init(data: TemporaryFile, slotTable: TemporaryFile, tables: (EvidenceStrings, EvidenceStrings), referenceCount: Int) throws {
        try slotTable.flush()
        guard slotTable.size % 8 == 0 else { throw slotTable.corrupt("evidence slot table", "it does not hold whole entries") }
        var bytes: [UInt8] = []
        try slotTable.readExactly(at: 0, count: Int(slotTable.size), into: &bytes, file: "evidence slot table")
        let starts = bytes.withUnsafeBytes { raw in (0..<(raw.count / 8)).map { raw.littleEndian(at: $0 * 8, as: Int64.self) } }
        self.init(data: data, slotStarts: starts, tables: tables, referenceCount: referenceCount)
    }

    /// Appends `record`'s evidence as the audit shows it: its events' JSON objects, commas
    /// between them (safe from any thread). The records must be exactly the record's count of
    /// events, each whole, naming only texts the table holds: anything else is a damaged
    /// file, a ``TemporaryFileError``.
    func appendEvidence<Output: ByteOutput & ~Copyable>(of record: SuppressionRecord, to out: inout Output) throws {
        var rendered = 0
        let whole = record.evidence.withUnsafeBytes { bytes in
            var at = 0
            while at < bytes.count {
                guard rendered < record.evidenceCount else { return false }
                if rendered > 0 { out.append(UInt8(ascii: ",")) }
                guard EvidenceEvent.render(bytes, at: &at, tables: tables, into: &out) else { return false }
                rendered += 1
            }
            return rendered == record.evidenceCount
        }
        guard whole else {
            throw data.corrupt("evidence data", "a slot's evidence does not read back as \(record.evidenceCount) events")
        }
    }

    /// The record of one slot (safe from any thread: a positioned read of a file no longer
    /// written). Every offset and count is checked against what the file holds: a damaged
    /// file is a ``TemporaryFileError``, never a read elsewhere or a wrong record.
    func record(_ slot: UInt32) throws -> SuppressionRecord {
        guard Int(slot) + 1 < slotStarts.count else {
            throw data.corrupt("evidence slot table", "slot \(slot) is past its \(max(slotStarts.count - 1, 0)) slots")
        }
        let start = slotStarts[Int(slot)], end = slotStarts[Int(slot) + 1]
        guard start >= 0, start <= end, end - start <= Int64(Int32.max) else {
            throw data.corrupt("evidence slot table", "slot \(slot)'s range is \(start)..<\(end)")
        }
        var bytes: [UInt8] = []
        try data.readExactly(at: start, count: Int(end - start), into: &bytes, file: "evidence data")
        var (record, headerBytes) = try bytes.withUnsafeBytes { try Self.decode($0, file: data) }
        bytes.removeFirst(headerBytes)
        record.evidence = bytes
        return record
    }

    // MARK: record layout
    //
    // rule:u8 (255 = none) kind:u8-length+bytes reason:u8-length+bytes firstSeen:i64 lastSeen:i64
    // evidenceCount:u32 bounceCount:u32 bounceFirst:i64 bounceLast:i64. Integers little-endian;
    // Int64.min stands for "none". At most 2 + 255 * 2 + 40 bytes.

    static let maxHeader = 552

    static func encodeHeader<Output: ByteOutput & ~Copyable>(_ r: SuppressionRecord, into out: inout Output) {
        out.append(r.rule.map { UInt8($0.index) } ?? 255)
        func text(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                let n = min(bytes.count, 255)
                out.append(UInt8(n))
                out.append(bytes: UnsafeBufferPointer(rebasing: bytes[..<n]))
            }
        }
        text(r.kind)
        text(r.reason)
        out.append(littleEndian: r.firstSeen ?? .min)
        out.append(littleEndian: r.lastSeen ?? .min)
        out.append(littleEndian: UInt32(clamping: r.evidenceCount))
        out.append(littleEndian: UInt32(clamping: r.bounces.count))
        out.append(littleEndian: r.bounces.first ?? .min)
        out.append(littleEndian: r.bounces.last ?? .min)
    }

    /// Decodes a record's header from the front of `bytes` (`file`: the data file it came
    /// from, for the error when the bytes end inside it).
    static func decode(_ bytes: [UInt8], file: TemporaryFile? = nil) throws -> SuppressionRecord {
        try bytes.withUnsafeBytes { try decode($0, file: file).record }
    }

    /// Decodes a record's header from the front of `raw`, and says how many bytes it took.
    static func decode(_ raw: UnsafeRawBufferPointer, file: TemporaryFile?) throws -> (record: SuppressionRecord, bytes: Int) {
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
        let rule = SuppressionRule(index: ruleIndex)
        let kind = try text()
        let reason = try text()
        let firstSeen = try int64()
        let lastSeen = try int64()
        let evidenceCount = try uint32()
        var stats = BounceStats([])
        stats.count = try uint32()
        stats.first = try int64()
        stats.last = try int64()
        return (SuppressionRecord(rule: rule, reason: reason, kind: kind, firstSeen: firstSeen, lastSeen: lastSeen,
                                  evidenceCount: evidenceCount, bounces: stats, evidence: []), at)
    }
}
