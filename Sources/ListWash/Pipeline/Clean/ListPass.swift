/// `clean`'s list pass, on the driver's thread: streams the list once, writes the kept rows to
/// the cleaned list and the malformed ones to `rejects.csv`, and hands every removed row
/// (duplicate or suppressed) to the audit, in list order.
///
/// Input: the opened list, the address rules, the duplicates (``DuplicateIndex``), the
/// history's verdict table (``HistoryVerdicts/table(listKeys:)``), the two outputs it writes
/// and the ``AuditQueue`` to the audit's thread. Output: the run's counts and how the list
/// was read (``Output``).
struct ListPass {
    struct Output {
        /// Every count but the history's.
        var summary: CleanSummary
        /// SHA-256 of the list's bytes as this pass read them.
        var listDigest: [UInt8]
        /// Rows and removals per receiving domain.
        var domains: DomainTally
        /// The list's records, this shard's or not (``summary``'s `rowsRead` counts this shard's).
        var listRows = 0
    }

    let list: SubscriberListReader
    /// The list's path, as `rejects.csv` names it.
    let path: String
    let rules: AddressRules
    let duplicates: DuplicateIndex
    /// Fingerprint → ``Verdict`` (packed).
    let verdicts: CompactFingerprintTable
    /// `--suppress-hashed`: rows the history keeps but this list names are removed.
    var hashed: HashedSuppressionList? = nil
    /// The history's forgotten addresses (nil when it has none: no hash is computed).
    var forgotten: ForgottenAddresses? = nil
    /// `clean --shard I/N`: the rows of other shards are read past, not counted (``ShardSpec``).
    var shard: ShardSpec? = nil
    let cleaned: OutputFile
    let rejects: OutputFile
    let removed: AuditQueue
    /// The removed keys and their rules, for the run ledger (nil: not recorded, a dry run).
    var removals: LedgerEntry.RemovalsRecorder? = nil
    let progress: ((Progress) -> Void)?
    let onReject: ((Rejection) -> Void)?

    /// Reads the list to its end; throws the audit thread's error if it has failed.
    /// - Complexity: O(*n*) in the list's bytes.
    func run() throws -> Output {
        var summary = CleanSummary()
        var domains = DomainTally()
        var lastProgress = 0
        var row = 0
        try list.read { segment in
            let record: ListRecord
            switch segment {
            case .passthrough(let bytes):
                return try cleaned.write(bytes)
            case .record(let r):
                record = r
            }
            row += 1
            let key = record.address.map { rules.key($0) }
            if let shard, !shard.owns(key: key) { return }
            summary.rowsRead += 1
            if let p = progress, summary.rowsRead - lastProgress >= 65_536 {
                lastProgress = summary.rowsRead
                p(Progress(rows: summary.rowsRead, bytes: list.bytesRead))
            }
            guard let key else {
                let reason = record.error ?? "malformed record"
                summary.rejected += 1
                try rejects.write(CSVText.line([path, String(record.line), reason, record.text]))
                rejects.countRow()
                onReject?(Rejection(file: path, line: record.line, reason: reason, raw: record.text))
                return
            }
            let fingerprint = Fingerprint(key)
            if let first = try duplicates.firstLine(row: row, line: record.line, fingerprint: fingerprint) {
                summary.duplicates += 1
                domains.count(key: key)
                return try removed.send(.duplicate(line: record.line, key: key, firstLine: first))
            }
            let verdict = verdicts[fingerprint].map(Verdict.init(packed:))
            var found = rules.isValid(key) ? verdict?.rule : .invalidAddress
            if found == nil, let forgotten, forgotten.contains(key: key) { found = .forgotten }
            if found == nil, let hashed, hashed.contains(key) { found = .hashedList }
            domains.count(key: key, removedBy: found)
            guard let rule = found else {
                summary.kept += 1
                try cleaned.write(record.raw)
                cleaned.countRow()
                // Kept against the policy by the operator's allow: the audit says so.
                if let verdict, verdict.allowed {
                    summary.keptByAllow += 1
                    try removed.send(.allowed(line: record.line, key: key, slot: verdict.slot))
                }
                return
            }
            summary.suppressed[rule, default: 0] += 1
            try removals?.add(key: key, rule: rule)
            try removed.send(.suppress(line: record.line, key: key, rule: rule, slot: verdict?.slot))
        }
        summary.bytesRead = list.bytesRead
        summary.format = list.dialectDescription
        summary.emailColumn = list.addressField
        if let csv = list as? CSVListReader, shard?.ownsKeylessRows ?? true { summary.blankLines = csv.blankLines }
        // The digest can be taken once (it finalizes the hash).
        return Output(summary: summary, listDigest: list.digest(), domains: domains, listRows: row)
    }
}
