import Foundation

/// Which classifier and rules classified the history's events, and re-deriving every
/// bounce's reason and kind with today's (``HistoryStore/reclassify(classifier:identity:)``).
extension HistoryStore {
    /// One ingest's (or one reclassify's) record in `classifications`.
    public struct ClassificationRecord: Sendable, Equatable {
        public var firstBlock: Int64
        public var lastBlock: Int64
        public var identity: ClassificationIdentity
    }

    /// Records that the blocks `first...last` were classified by `identity` (inside the
    /// caller's transaction).
    func recordClassification(first: Int64, last: Int64, identity: ClassificationIdentity) throws {
        guard last >= first else { return }
        let insert = try db.cached("""
            INSERT OR REPLACE INTO classifications (first_block, last_block, classifier, rules, classified_at)
            VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        defer { insert.reset() }
        insert.bind(1, first)
        insert.bind(2, last)
        insert.bind(3, identity.classifier)
        insert.bind(4, identity.rules)
        insert.bind(5, Int64(Date().timeIntervalSince1970))
        _ = try insert.step()
    }

    /// Every record, oldest blocks first.
    public func classificationRecords() throws -> [ClassificationRecord] {
        let select = try db.cached("SELECT first_block, last_block, classifier, rules FROM classifications ORDER BY first_block")
        defer { select.reset() }
        var out: [ClassificationRecord] = []
        while try select.step() {
            out.append(ClassificationRecord(firstBlock: select.int64(0), lastBlock: select.int64(1),
                                            identity: ClassificationIdentity(classifier: select.string(2) ?? "", rules: select.string(3) ?? "")))
        }
        return out
    }

    /// What `clean` says when the history's events were classified otherwise than `current`
    /// would classify them (another classifier version, other rules, or events stored by a
    /// listwash that did not record it); nil when they all match.
    public func classificationMismatch(current: ClassificationIdentity) throws -> String? {
        let records = try classificationRecords()
        let select = try db.cached("SELECT min(block) FROM event_blocks")
        defer { select.reset() }
        guard try select.step(), !select.isNull(0) else { return nil }  // no events
        let firstBlock = select.int64(0)
        var found: [String] = []
        if records.isEmpty || firstBlock < records[0].firstBlock {
            found.append("events ingested by an earlier listwash (classifier unrecorded)")
        }
        var seen = Set<ClassificationIdentity>()
        for record in records where record.identity != current && seen.insert(record.identity).inserted {
            found.append(record.identity.classifier == current.classifier
                ? "events classified with other policy rules (\(record.identity.rules))"
                : "events classified by \(record.identity.classifier) (\(record.identity.rules))")
        }
        guard !found.isEmpty else { return nil }
        return found.joined(separator: "; ") + "; this listwash classifies with \(current.classifier) (\(current.rules)):"
            + " run 'listwash reclassify' with this policy to apply it to them"
    }

    /// What ``reclassify(classifier:identity:)`` did.
    public struct ReclassifySummary: Sendable, Equatable {
        public var events = 0
        public var bounces = 0
        /// Bounces whose reason changed (some of them changed kind too).
        public var reasonChanged = 0
        public var kindChanged = 0
        /// Bounces whose deciding rule changed only (same reason and kind).
        public var ruleChanged = 0
        public var blocksRewritten = 0
        public var runRowsRewritten = 0

        mutating func add(_ other: ReclassifySummary) {
            events += other.events
            bounces += other.bounces
            reasonChanged += other.reasonChanged
            kindChanged += other.kindChanged
            ruleChanged += other.ruleChanged
            blocksRewritten += other.blocksRewritten
            runRowsRewritten += other.runRowsRewritten
        }
    }

    /// Re-derives reason, kind and rule of every stored bounce from its stored fields (reply
    /// code, enhanced code, diagnostic, with its own address masked, as at ingest) with
    /// `classifier`, in one transaction: the blocks whose events changed are rewritten, and the
    /// run entries of those events get their new kind and reason. The history then records
    /// `identity` for every block. Running it twice changes nothing the second time.
    /// - Complexity: one read of every block and every run row; writes only what changed.
    public func reclassify(classifier: Classifier, identity: ClassificationIdentity) throws -> ReclassifySummary {
        var summary = ReclassifySummary()
        try db.transaction {
            runsCache = nil
            // Event number → (kind code, reason code) of the events whose entry must change.
            var changed: [Int64: (kind: UInt8, reason: UInt8)] = [:]
            let select = try db.prepare("SELECT block, events FROM event_blocks WHERE block > ?1 ORDER BY block LIMIT 256")
            let update = try db.cached("UPDATE event_blocks SET events = ?2 WHERE block = ?1")
            var last: Int64 = .min
            var firstBlock: Int64?
            // Two stages on the two cores: this thread reads a batch of blocks and writes back
            // the previous batch's changes (the connection is this thread's), while the other
            // decodes, classifies and re-encodes the batch before.
            var working: BackgroundWork<ReclassifiedBatch>?
            // Blocks rewritten are compressed against the history's newest dictionary.
            let dictionary = try CompactBlock.Encoder(newestDictionaryIn: db).dictionary
            func apply(_ batch: ReclassifiedBatch) throws {
                summary.add(batch.summary)
                for (block, bytes) in batch.blocks {
                    update.reset()
                    update.bind(1, block)
                    update.bind(2, bytes)
                    _ = try update.step()
                    update.reset()
                }
                for change in batch.changes {
                    changed[change.number] = (change.kind, try reasons.code(for: change.reason, db: db))
                }
            }
            while true {
                select.reset()
                select.bind(1, last)
                var blocks: [(block: Int64, bytes: [UInt8])] = []
                while try select.step() {
                    last = select.int64(0)
                    if firstBlock == nil { firstBlock = last }
                    blocks.append((last, Array(select.bytes(1))))
                }
                select.reset()
                if let previous = working { try apply(try previous.wait()) }
                working = nil
                guard !blocks.isEmpty else { break }
                let path = path
                working = BackgroundWork { try ReclassifiedBatch(blocks, classifier: classifier, dictionary: dictionary, path: path) }
            }
            if !changed.isEmpty { summary.runRowsRewritten = try patchRunEntries(changed) }
            try db.execute("DELETE FROM classifications")
            if let firstBlock { try recordClassification(first: firstBlock, last: last, identity: identity) }
        }
        return summary
    }

    /// Gives the entries of the changed events their new kind and reason (each row that holds
    /// one is written again in its own layout); returns how many rows were rewritten.
    private func patchRunEntries(_ changed: [Int64: (kind: UInt8, reason: UInt8)]) throws -> Int {
        var rewritten = 0
        for (run, _, layout) in try runs() {
            let select = try db.prepare("SELECT address_key, entries FROM address_runs WHERE run = ?1 ORDER BY address_key")
            select.bind(1, run)
            var updates: [([UInt8], [UInt8])] = []
            while try select.step() {
                var members: [(key: [UInt8], entries: [AddressEntry])]
                do { members = try RunGroup.decodeRow(select.bytes(1), rowKey: select.bytes(0), layout: layout) } catch {
                    throw HistoryError.sqlite(path: path, code: 11, message: "address run \(run) is damaged")
                }
                var touched = false
                for m in members.indices {
                    for e in members[m].entries.indices {
                        guard let c = changed[members[m].entries[e].event] else { continue }
                        members[m].entries[e].flags = members[m].entries[e].flags & ~0x1C | (c.kind << 2)
                        members[m].entries[e].reason = c.reason
                        touched = true
                    }
                }
                if touched { updates.append((Array(select.bytes(0)), RunGroup.encodeRow(members, layout: layout))) }
            }
            select.reset()
            let update = try db.cached("UPDATE address_runs SET entries = ?3 WHERE run = ?1 AND address_key = ?2")
            for (key, blob) in updates {
                update.reset()
                update.bind(1, run)
                update.bindText(2, key)
                update.bind(3, blob)
                _ = try update.step()
                update.reset()
                rewritten += 1
            }
        }
        return rewritten
    }
}

extension HistoryStore {
    /// `listwash reclassify`: opens the history at `path` (which must exist; an older one is
    /// migrated first) and reclassifies it with `policy`'s classifier and rules.
    public static func reclassify(path: String, policy: Policy) throws -> ReclassifySummary {
        try HistoryStore.requireExisting(path)
        let classifier = try policy.makeClassifier()
        return try HistoryStore.using(path, create: true, writes: true) {
            try $0.reclassify(classifier: classifier, identity: ClassificationIdentity(policy: policy))
        }
    }
}

/// One batch of blocks classified again (``HistoryStore/reclassify(classifier:identity:)``'s
/// second stage): the blocks that changed, re-encoded, and the events whose entries change.
/// Made on the worker thread from blocks copied out of SQLite, handed back whole.
struct ReclassifiedBatch: Sendable {
    var blocks: [(Int64, [UInt8])] = []
    var changes: [(number: Int64, kind: UInt8, reason: String)] = []
    var summary = HistoryStore.ReclassifySummary()

    init(_ stored: [(block: Int64, bytes: [UInt8])], classifier: Classifier, dictionary: CompressedBlock.Dictionary?, path: String) throws {
        var encoder = CompactBlock.Encoder()
        encoder.dictionary = dictionary
        var rewritten: [UInt8] = []
        for (block, bytes) in stored {
            rewritten.removeAll(keepingCapacity: true)
            var blockChanged = false
            do {
                try bytes.withUnsafeBytes { blob in
                    try EventBlock.forEach(in: blob) { slot, raw in
                        summary.events += 1
                        let row = try HistoryStore.EventRow(raw)
                        guard EventType(storedName: row.type) == .bounce else {
                            return EventBlock.append(slot: slot, event: raw, to: &rewritten)
                        }
                        summary.bounces += 1
                        let c = classifier.classify(replyCode: row.replyCode.map { Int($0) }, enhancedCode: row.enhancedCode?.bindMemory(to: UInt8.self),
                                                    diagnostic: row.diagnostic.bindMemory(to: UInt8.self),
                                                    recipientKey: row.address.bindMemory(to: UInt8.self))
                        var reason = c.reason.rawValue, kind = c.kind.rawValue, rule = c.rule
                        let sameReason = reason.withUTF8 { row.reason.elementsEqual($0) }
                        let sameKind = kind.withUTF8 { k in row.kind.map { $0.elementsEqual(k) } ?? false }
                        let sameRule = rule.withUTF8 { row.rule.elementsEqual($0) }
                        guard !(sameReason && sameKind && sameRule) else {
                            return EventBlock.append(slot: slot, event: raw, to: &rewritten)
                        }
                        if !sameReason { summary.reasonChanged += 1 }
                        if !sameKind { summary.kindChanged += 1 }
                        if sameReason, sameKind { summary.ruleChanged += 1 }
                        blockChanged = true
                        // The event again with its new kind, reason and rule, every other byte as stored.
                        let lengthAt = EventBlock.beginEvent(slot: slot, id: row.id, timestamp: row.timestamp,
                                                             replyCode: row.replyCode, to: &rewritten)
                        EventBlock.appendString(row.address, to: &rewritten)
                        EventBlock.appendString(row.type, to: &rewritten)
                        kind.withUTF8 { EventBlock.appendString(UnsafeRawBufferPointer($0), to: &rewritten) }
                        reason.withUTF8 { EventBlock.appendString(UnsafeRawBufferPointer($0), to: &rewritten) }
                        EventBlock.appendString(row.enhancedCode, to: &rewritten)
                        EventBlock.appendString(row.diagnostic, to: &rewritten)
                        rule.withUTF8 { EventBlock.appendString(UnsafeRawBufferPointer($0), to: &rewritten) }
                        EventBlock.appendString(row.providerVerdict, to: &rewritten)
                        EventBlock.appendString(row.source, to: &rewritten)
                        EventBlock.appendString(row.message, to: &rewritten)
                        EventBlock.endEvent(lengthAt: lengthAt, in: &rewritten)
                        if !(sameReason && sameKind) {
                            changes.append((EventBlock.number(block: block, slot: slot), AddressEntry.kindCode(c.kind), reason))
                        }
                    }
                }
            } catch is EventBlockError {
                throw HistoryError.sqlite(path: path, code: 11, message: "event block \(block) is damaged")
            }
            if blockChanged {
                var compact: [UInt8] = []
                try rewritten.withUnsafeBytes { try encoder.encode($0, into: &compact) }
                blocks.append((block, compact))
                summary.blocksRewritten += 1
            }
        }
    }
}
