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

    /// Reads the list to its end; throws the audit thread's error if it has failed. A CSV list
    /// whose rows the duplicate pre-pass noted (``DuplicateIndex/rows``) is not parsed again:
    /// its bytes are cut at the noted lengths (same outputs, same digest).
    /// - Complexity: O(*n*) in the list's bytes.
    func run() throws -> Output {
        var summary = CleanSummary()
        var domains = DomainTally()
        var lastProgress = 0
        var row = 0

        /// Counts a row of this shard (and reports progress now and then).
        func counted(bytesRead: Int) {
            summary.rowsRead += 1
            if let p = progress, summary.rowsRead - lastProgress >= 65_536 {
                lastProgress = summary.rowsRead
                p(Progress(rows: summary.rowsRead, bytes: bytesRead))
            }
        }

        func reject(line: Int, reason: String, text: String) throws {
            summary.rejected += 1
            try rejects.write(CSVText.line([path, String(line), reason, text]))
            rejects.countRow()
            onReject?(Rejection(file: path, line: line, reason: reason, raw: text))
        }

        /// A row of this shard with an address: duplicate, removed or kept.
        func decide(line: Int, raw: UnsafeRawBufferPointer, key: [UInt8]) throws {
            let fingerprint = Fingerprint(key)
            if let first = try duplicates.firstLine(row: row, line: line, fingerprint: fingerprint) {
                summary.duplicates += 1
                domains.count(key: key)
                return try removed.send(.duplicate(line: line, key: key, firstLine: first))
            }
            let verdict = verdicts[fingerprint].map(Verdict.init(packed:))
            var found = rules.isValid(key) ? verdict?.rule : .invalidAddress
            if found == nil, let forgotten, forgotten.contains(key: key) { found = .forgotten }
            if found == nil, let hashed, hashed.contains(key) { found = .hashedList }
            domains.count(key: key, removedBy: found)
            guard let rule = found else {
                summary.kept += 1
                try cleaned.write(raw)
                cleaned.countRow()
                // Kept against the policy by the operator's allow: the audit says so.
                if let verdict, verdict.allowed {
                    summary.keptByAllow += 1
                    try removed.send(.allowed(line: line, key: key, slot: verdict.slot))
                }
                return
            }
            summary.suppressed[rule, default: 0] += 1
            try removals?.add(key: key, rule: rule)
            try removed.send(.suppress(line: line, key: key, rule: rule, slot: verdict?.slot))
        }

        if let rows = duplicates.rows {
            let bytes = try ListBytes(path: path)
            try rows.forEach { kind, length, line, extra in
                switch kind {
                case .gap:
                    _ = try bytes.take(length)
                case .passthrough:
                    try cleaned.write(try bytes.take(length))
                case .otherShard:
                    row += 1
                    _ = try bytes.take(length)
                case .record:
                    row += 1
                    let raw = try bytes.take(length)
                    counted(bytesRead: bytes.bytesRead)
                    try decide(line: line, raw: raw, key: Array(extra))
                case .rejected:
                    row += 1
                    _ = try bytes.take(length)
                    if let shard, !shard.owns(key: nil) { return }
                    counted(bytesRead: bytes.bytesRead)
                    let reasonLength = Int(UInt32(littleEndian: extra.loadUnaligned(as: UInt32.self)))
                    try reject(line: line, reason: String(decoding: extra[4..<(4 + reasonLength)], as: UTF8.self),
                               text: String(decoding: extra[(4 + reasonLength)...], as: UTF8.self))
                }
            }
            try bytes.drain()
            summary.bytesRead = bytes.bytesRead
            summary.format = rows.dialectDescription
            summary.emailColumn = rows.addressField
            if shard?.ownsKeylessRows ?? true { summary.blankLines = rows.blankLines }
            return Output(summary: summary, listDigest: bytes.digest(), domains: domains, listRows: row)
        }

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
            counted(bytesRead: list.bytesRead)
            guard let key else {
                return try reject(line: record.line, reason: record.error ?? "malformed record", text: record.text)
            }
            try decide(line: record.line, raw: record.raw, key: key)
        }
        summary.bytesRead = list.bytesRead
        summary.format = list.dialectDescription
        summary.emailColumn = list.addressField
        if let csv = list as? CSVListReader, shard?.ownsKeylessRows ?? true { summary.blankLines = csv.blankLines }
        // The digest can be taken once (it finalizes the hash).
        return Output(summary: summary, listDigest: list.digest(), domains: domains, listRows: row)
    }
}
