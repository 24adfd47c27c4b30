/// `listwash merge`'s pass over the list: reads it once, as the shards read it, and takes
/// every row from the part its key hashes to (``ShardSpec``), writing the merged cleaned list,
/// `suppressed.csv`, `audit.jsonl` (linked again into one chain) and `rejects.csv`, and
/// counting what `clean`'s list pass and audit writer count.
///
/// Which part's audit record is a row's: the part's next record, when it names the row's line
/// and key. Several XML records can share a line; a record that names the row as the duplicate
/// of its own line then belongs to a later row exactly when the part kept this one (the part's
/// next cleaned bytes are this row's: a later row with the same bytes has the same key and is
/// a duplicate, never kept).
struct MergeStage {
    let parts: [ShardPart]
    let list: SubscriberListReader
    let request: CleanRequest
    private let rules: AddressRules
    private let cleaned: OutputFile
    private let suppressed: OutputFile
    private let audit: OutputFile
    private let rejects: OutputFile
    private let format: SuppressedFormat
    private let cleanedParts: [PartReader]
    private let auditParts: [PartReader]
    private let suppressedParts: [PartReader]
    private var pending: [PartAuditRecord?]
    private(set) var chain = AuditChain()
    private(set) var removedByReason: [String: Int] = [:]
    private(set) var removedByDeadDomain: [String: Int] = [:]
    private var deadDomains: Set<String>

    /// The four list outputs, in the order the manifest lists them.
    var outputs: [OutputFile] { [cleaned, suppressed, audit, rejects] }

    init(parts: [ShardPart], out: OutputDirectory, list: SubscriberListReader, request: CleanRequest) throws {
        self.parts = parts
        self.list = list
        self.request = request
        rules = request.policy.addressRules
        let header = parts[0].suppressedHeader
        guard let format = SuppressedFormat.allCases.first(where: { CSVText.line($0.header) == header }) else {
            throw MergeError.notAShard(path: parts[0].path, reason: "suppressed.csv has a layout this listwash does not write")
        }
        self.format = format
        cleaned = try out.create(list.cleanedFileName)
        suppressed = try out.create("suppressed.csv")
        audit = try out.create("audit.jsonl")
        rejects = try out.create("rejects.csv")
        try rejects.write(CSVText.line(["file", "line", "error", "raw"]))
        try suppressed.write(header)
        if parts[0].cleanedName != list.cleanedFileName {
            throw MergeError.partsDisagree(path: parts[0].path, field: "cleaned list's format (the list reads as \(list.cleanedFileName))")
        }
        cleanedParts = try parts.map { try PartReader(path: $0.file($0.cleanedName)) }
        auditParts = try parts.map { try PartReader(path: $0.file("audit.jsonl")) }
        suppressedParts = try parts.map { part in
            let reader = try PartReader(path: part.file("suppressed.csv"))
            _ = try reader.nextRecord(quoted: true)
            return reader
        }
        pending = Array(repeating: nil, count: parts.count)
        deadDomains = Set((parts[0].value("domain_findings.dead") as? [[String: Any]] ?? []).compactMap { $0["domain"] as? String })
    }

    /// Part `i`'s next audit record, read once.
    private mutating func peek(_ i: Int) throws -> PartAuditRecord? {
        if let record = pending[i] { return record }
        guard let bytes = try auditParts[i].nextRecord(quoted: false) else { return nil }
        guard let record = PartAuditRecord(linked: bytes) else {
            throw MergeError.partInconsistent(path: parts[i].path, file: "audit.jsonl", line: nil, reason: "a record is not one clean writes")
        }
        pending[i] = record
        return record
    }

    /// Reads the list to its end and writes the four list outputs; returns the list pass's counts.
    mutating func run() throws -> CleanSummary {
        var summary = CleanSummary()
        var domains = DomainTally()
        try list.read { segment in
            let record: ListRecord
            switch segment {
            case .passthrough(let bytes):
                for (i, part) in cleanedParts.enumerated() {
                    if try part.take(bytes) { continue }
                    throw MergeError.partInconsistent(path: parts[i].path, file: parts[i].cleanedName, line: nil,
                                                      reason: "does not hold the list's header or the bytes between its records")
                }
                return try cleaned.write(bytes)
            case .record(let r):
                record = r
            }
            summary.rowsRead += 1
            guard let address = record.address else {
                summary.rejected += 1
                try rejects.write(CSVText.line([request.listPath, String(record.line), record.error ?? "malformed record", record.text]))
                rejects.countRow()
                return
            }
            let key = rules.key(address)
            let s = ShardSpec.shard(of: key, count: parts.count) - 1
            var taken: PartAuditRecord?
            if let head = try peek(s), head.line == record.line, head.address.elementsEqual(PartAuditRecord.escaped(key)) {
                var mine = true
                if case .duplicate(let firstLine) = head.action, firstLine == record.line {
                    mine = try !cleanedParts[s].hasPrefix(record.raw)
                }
                if mine {
                    taken = head
                    pending[s] = nil
                }
            }
            switch taken?.action {
            case nil, .allow?:
                guard try cleanedParts[s].take(record.raw) else {
                    throw MergeError.partInconsistent(path: parts[s].path, file: parts[s].cleanedName, line: record.line,
                                                      reason: "the row is neither in the part's cleaned list nor in its audit")
                }
                summary.kept += 1
                if taken != nil { summary.keptByAllow += 1 }
                try cleaned.write(record.raw)
                cleaned.countRow()
                domains.count(key: key, removedBy: nil)
            case .duplicate?:
                summary.duplicates += 1
                domains.count(key: key)
            case .suppress(let rule, let reason)?:
                summary.suppressed[rule, default: 0] += 1
                domains.count(key: key, removedBy: rule)
                removedByReason[reason, default: 0] += 1
                if !deadDomains.isEmpty, rule == .hardBounce, DomainJudge.reasonClass(reason) == .nonexistence,
                   let at = key.lastIndex(of: UInt8(ascii: "@")) {
                    let domain = String(decoding: key[(at + 1)...], as: UTF8.self)
                    if deadDomains.contains(domain) { removedByDeadDomain[domain, default: 0] += 1 }
                }
                if format == .listwash {
                    guard let row = try suppressedParts[s].nextRecord(quoted: true) else {
                        throw MergeError.partInconsistent(path: parts[s].path, file: "suppressed.csv", line: record.line,
                                                          reason: "has fewer rows than the audit's suppressions")
                    }
                    try suppressed.write(row)
                }
                suppressed.countRow()
            }
            if let taken {
                try chain.write(taken.body, to: audit)
                audit.countRow()
            }
        }
        summary.bytesRead = list.bytesRead
        summary.format = list.dialectDescription
        summary.emailColumn = list.addressField
        if let csv = list as? CSVListReader { summary.blankLines = csv.blankLines }
        summary.domains = domains.counts
        for i in parts.indices {
            if try peek(i) != nil {
                throw MergeError.partInconsistent(path: parts[i].path, file: "audit.jsonl", line: pending[i]?.line,
                                                  reason: "a record matches no row of the list in its shard")
            }
            if try !cleanedParts[i].isAtEnd() {
                throw MergeError.partInconsistent(path: parts[i].path, file: parts[i].cleanedName, line: nil,
                                                  reason: "holds more than the list's rows of its shard")
            }
        }
        switch format {
        case .listwash:
            for i in parts.indices {
                if try suppressedParts[i].nextRecord(quoted: true) == nil { continue }
                throw MergeError.partInconsistent(path: parts[i].path, file: "suppressed.csv", line: nil,
                                                  reason: "has more rows than the audit's suppressions")
            }
        case .cleanV1:
            try mergeSortedSuppressed()
        }
        return summary
    }

    /// clean-v1's `suppressed.csv` is sorted by address: the parts' rows are merged by it
    /// (an address is in one shard only, so no two parts share one).
    private func mergeSortedSuppressed() throws {
        var heads: [(row: [UInt8], key: [UInt8])?] = try suppressedParts.map { reader in
            try reader.nextRecord(quoted: true).map { ($0, Self.firstField($0)) }
        }
        while let i = heads.indices.filter({ heads[$0] != nil }).min(by: { heads[$0]!.key.lexicographicallyPrecedes(heads[$1]!.key) }) {
            try suppressed.write(heads[i]!.row)
            heads[i] = try suppressedParts[i].nextRecord(quoted: true).map { ($0, Self.firstField($0)) }
        }
    }

    /// A CSV row's first field, unquoted (the address, as ``CSVText`` wrote it).
    static func firstField(_ row: [UInt8]) -> [UInt8] {
        guard row.first == UInt8(ascii: "\"") else {
            return Array(row.prefix { $0 != UInt8(ascii: ",") && $0 != 0x0A && $0 != 0x0D })
        }
        var out: [UInt8] = []
        var i = 1
        while i < row.count {
            if row[i] == UInt8(ascii: "\"") {
                guard i + 1 < row.count, row[i + 1] == UInt8(ascii: "\"") else { break }
                i += 1
            }
            out.append(row[i])
            i += 1
        }
        return out
    }

    /// Refuses a merge whose counts are not the sum of the parts' (a part of another list's rows).
    func checkCounts(_ summary: CleanSummary) throws {
        func total(_ path: String) -> Int { parts.reduce(0) { $0 + ($1.value(path) as? Int ?? 0) } }
        var checks: [(String, Int)] = [
            ("counts.rows_read", summary.rowsRead), ("counts.kept", summary.kept), ("counts.duplicates", summary.duplicates),
            ("counts.rejected", summary.rejected), ("counts.blank_lines", summary.blankLines),
            ("counts.kept_by_allow", summary.keptByAllow),
        ]
        for rule in SuppressionRule.allCases { checks.append(("counts.suppressed.\(rule.rawValue)", summary.suppressed[rule] ?? 0)) }
        for (path, merged) in checks where total(path) != merged {
            throw MergeError.partInconsistent(path: parts[0].path, file: "manifest.json", line: nil,
                                              reason: "the parts' \(path) add up to \(total(path)), the list's rows to \(merged)")
        }
        if parts[0].value("shard.list_rows") as? Int != summary.rowsRead {
            throw MergeError.partsDisagree(path: parts[0].path, field: "shard.list_rows")
        }
    }
}
