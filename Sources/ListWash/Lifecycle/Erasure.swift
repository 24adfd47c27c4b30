import Foundation

/// `listwash forget`: erases people from the history while keeping their suppression.
///
/// One transaction, with SQLite's `secure_delete` on (freed space is overwritten with zeros):
/// - every event of a forgotten address (its key as `clean` matches it, case-insensitively)
///   leaves its block and the runs;
/// - every other stored text that holds one of the addresses (a diagnostic or a DSN text
///   quoting it, a source file name, a message identity, a provider verdict, a clean's
///   manifest in the run ledger, a lifecycle log entry) has each occurrence, compared with
///   ASCII letters in either case, replaced by ``forgottenPlaceholder``: the event stays
///   (it is another address's evidence), its classification, id and time unchanged;
/// - the ledger's record of each `clean`'s removals loses the address;
/// - `forgotten` gets the address's keyed hash (``KeyedAddressHash``), so that `clean`
///   still removes it from a list (rule `forgotten`);
/// - `lifecycle_log` records how many addresses and events, never an address.
///
/// Then the file is rewritten without free space (`VACUUM`, after a WAL checkpoint when the
/// history is in WAL mode, and another after it), so no page, free page, journal or WAL
/// holds the addresses' bytes.
extension HistoryStore {
    /// What replaces an occurrence of a forgotten address in the texts kept.
    public static let forgottenPlaceholder = "[forgotten]"

    /// What a forget did.
    public struct ForgetSummary: Sendable, Equatable {
        /// Distinct addresses asked for (by key).
        public var addresses = 0
        /// Of those, the ones whose hash was not kept yet.
        public var newlyForgotten = 0
        /// Events of the addresses removed.
        public var events = 0
        /// Other events whose texts named one of the addresses, scrubbed.
        public var scrubbedEvents = 0
        /// Run ledger entries and lifecycle log entries scrubbed.
        public var scrubbedRecords = 0
        /// Addresses taken out of a run.
        public var runAddressesRemoved = 0

        /// Whether the forget changed the history.
        public var changed: Bool { newlyForgotten + events + scrubbedEvents + scrubbedRecords > 0 }
    }

    /// Errors of a forget request; they never quote an address.
    public enum ForgetError: Error, Equatable, CustomStringConvertible {
        case noAddresses
        /// The n-th address argument (from 1) has no `@` with something on both sides.
        case notAnAddress(argument: Int)
        case notAnAddressInFile(path: String, line: Int)

        public var description: String {
            switch self {
            case .noAddresses: return "no address to forget: give addresses, or --from FILE with one a line"
            case .notAnAddress(let n): return "address argument \(n) is not an address (no '@' between a local part and a domain)"
            case .notAnAddressInFile(let path, let line): return "\(path):\(line): not an address (no '@' between a local part and a domain)"
            }
        }
    }

    /// The addresses of a forget request: the arguments, then `file`'s lines (one address a
    /// line; blank lines and lines starting with `#` are skipped; CRLF is fine).
    public static func forgetRequest(arguments: [String], file: String?) throws -> [String] {
        func isAddress(_ text: some StringProtocol) -> Bool {
            guard let at = text.lastIndex(of: "@") else { return false }
            return at != text.startIndex && text.index(after: at) != text.endIndex
        }
        var out: [String] = []
        for (i, argument) in arguments.enumerated() {
            let trimmed = argument.trimmingCharacters(in: .whitespacesAndNewlines)
            guard isAddress(trimmed) else { throw ForgetError.notAnAddress(argument: i + 1) }
            out.append(trimmed)
        }
        if let file {
            let bytes = try FileByteSource.readAll(path: file)
            for (i, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty || text.hasPrefix("#") { continue }
                guard isAddress(text) else { throw ForgetError.notAnAddressInFile(path: file, line: i + 1) }
                out.append(text)
            }
        }
        guard !out.isEmpty else { throw ForgetError.noAddresses }
        return out
    }

    /// `listwash forget`: opens the history at `path` (which must exist; an older one is
    /// migrated first) and forgets `addresses` at `time`.
    public static func forget(path: String, addresses: [String], at time: Int64) throws -> ForgetSummary {
        try HistoryStore.requireExisting(path)
        return try HistoryStore.using(path, create: true, writes: true) { try $0.forget(addresses, at: time) }
    }

    /// Forgets `addresses` (see the extension's summary), recording `time` as when. Forgetting
    /// an address the history never held still keeps its hash (an erasure request from a
    /// person never mailed is honoured by suppressing them if they come); forgetting one
    /// already forgotten, with nothing of it left, changes nothing and records nothing. The
    /// file is compacted (`VACUUM`) every time, so a forget interrupted after its commit is
    /// finished by running it again.
    /// - Complexity: one read of every event block, run row, ledger and log entry; then a
    ///   rewrite of the whole file.
    public func forget(_ addresses: [String], at time: Int64) throws -> ForgetSummary {
        var keys = Set<[UInt8]>()
        var needles = Set<[UInt8]>()
        for address in addresses {
            let key = KeyedAddressHash.key(of: address)
            guard !key.isEmpty else { continue }
            keys.insert(key)
            needles.insert(key)
            // The address as typed (an international domain in U-labels, say), lower-cased.
            let typed = ASCII.lowercased(address.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
            if !typed.isEmpty { needles.insert(typed) }
        }
        guard !keys.isEmpty else { throw ForgetError.noAddresses }
        let scrubber = TextScrubber(needles: needles.sorted { $0.lexicographicallyPrecedes($1) })
        var summary = ForgetSummary()
        summary.addresses = keys.count
        let rules = AddressRules(localPartCaseSensitive: false, syntax: .lenient)
        try db.execute("PRAGMA secure_delete=ON")
        // Later writes on this connection need not pay for zeroing what they free.
        defer { try? db.execute("PRAGMA secure_delete=OFF") }
        try db.transaction {
            runsCache = nil
            // The hashes first: they are what must survive.
            var hasher = KeyedAddressHash(secret: try erasureSecret())
            let exists = try db.cached("SELECT 1 FROM forgotten WHERE hash = ?1")
            let insert = try db.cached("INSERT INTO forgotten (hash, forgotten_at) VALUES (?1, ?2)")
            for key in keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let hash = hasher.digest(key: key).bytes
                exists.reset()
                exists.bind(1, hash)
                let known = try exists.step()
                exists.reset()
                guard !known else { continue }
                insert.reset()
                insert.bind(1, hash)
                insert.bind(2, time)
                _ = try insert.step()
                insert.reset()
                summary.newlyForgotten += 1
            }

            // The events: the addresses' own go, the others' texts are scrubbed.
            var scrubbed = 0
            let rewrite = try rewriteEventBlocks { slot, raw, out in
                let row = try EventRow(raw)
                if keys.contains(rules.key(row.address)) { return false }
                if let event = scrubber.scrub(row, slot: slot) {
                    out += event
                    scrubbed += 1
                } else {
                    EventBlock.append(slot: slot, event: raw, to: &out)
                }
                return true
            }
            summary.events = rewrite.removed.count
            summary.scrubbedEvents = scrubbed
            if !rewrite.removed.isEmpty { summary.runAddressesRemoved = try removeRunEntries(rewrite.removed) }

            summary.scrubbedRecords = try scrubLedger(keys: keys, rules: rules, scrubber: scrubber)
                + scrubLifecycleLog(scrubber: scrubber)

            guard summary.changed else { return }
            let log = try db.cached("INSERT INTO lifecycle_log (at, action, detail) VALUES (?1, 'forget', ?2)")
            defer { log.reset() }
            log.bind(1, time)
            log.bind(2, "\(summary.addresses) addresses forgotten (\(summary.newlyForgotten) new): \(summary.events) events removed, "
                + "\(summary.scrubbedEvents) other events and \(summary.scrubbedRecords) ledger or log records scrubbed")
            _ = try log.step()
        }
        try wipeFreeSpace()
        return summary
    }

    /// Rewrites every event block through `body`, which appends what it keeps of an event
    /// (in the expanded layout, with its slot) to `out` and returns false to remove it. A block
    /// whose bytes change is written again (compact), one left empty is deleted. Returns the
    /// numbers of the events removed. Inside the caller's transaction.
    /// - Complexity: one read of every block.
    func rewriteEventBlocks(_ body: (_ slot: Int, _ event: UnsafeRawBufferPointer, _ out: inout [UInt8]) throws -> Bool) throws
        -> (removed: Set<Int64>, rewritten: Int, deleted: Int) {
        var removed = Set<Int64>()
        var rewritten = 0, deleted = 0
        let select = try db.prepare("SELECT block, events FROM event_blocks WHERE block > ?1 ORDER BY block LIMIT 256")
        let update = try db.cached("UPDATE event_blocks SET events = ?2 WHERE block = ?1")
        let delete = try db.cached("DELETE FROM event_blocks WHERE block = ?1")
        var encoder = try CompactBlock.Encoder(newestDictionaryIn: db)
        var last: Int64 = .min
        var pending: [(block: Int64, bytes: [UInt8]?)] = []
        var original: [UInt8] = []
        var kept: [UInt8] = []
        while true {
            select.reset()
            select.bind(1, last)
            var any = false
            while try select.step() {
                any = true
                let block = select.int64(0)
                last = block
                original.removeAll(keepingCapacity: true)
                kept.removeAll(keepingCapacity: true)
                var count = 0
                do {
                    try EventBlock.expand(select.bytes(1), into: &original)
                    try original.withUnsafeBytes { raw in
                        try EventBlock.forEachExpanded(in: raw) { slot, event in
                            if try body(slot, event, &kept) {
                                count += 1
                            } else {
                                removed.insert(EventBlock.number(block: block, slot: slot))
                            }
                        }
                    }
                } catch is EventBlockError {
                    throw HistoryError.sqlite(path: path, code: 11, message: "event block \(block) is damaged")
                }
                guard kept != original else { continue }
                if count == 0 {
                    pending.append((block, nil))
                } else {
                    var compact: [UInt8] = []
                    try kept.withUnsafeBytes { try encoder.encode($0, into: &compact) }
                    pending.append((block, compact))
                }
            }
            select.reset()
            for (block, bytes) in pending {
                let statement = bytes == nil ? delete : update
                statement.reset()
                statement.bind(1, block)
                if let bytes { statement.bind(2, bytes) }
                _ = try statement.step()
                statement.reset()
                if bytes == nil { deleted += 1 } else { rewritten += 1 }
            }
            pending.removeAll()
            if !any { break }
        }
        return (removed, rewritten, deleted)
    }

    /// Takes the keys out of each `clean`'s recorded removals and scrubs the manifests;
    /// returns how many ledger entries changed. The removals are read a piece at a time
    /// (``LedgerEntry/RemovalsCursor``); an entry that held one of the keys has the others
    /// written to a temporary file, then streamed back into its row: never whole in memory.
    private func scrubLedger(keys: Set<[UInt8]>, rules: AddressRules, scrubber: TextScrubber) throws -> Int {
        let select = try db.prepare("SELECT entry, manifest FROM ledger ORDER BY entry")
        var manifests: [(entry: Int64, manifest: [UInt8])] = []
        while try select.step() { manifests.append((select.int64(0), Array(select.bytes(1)))) }
        select.reset()
        let update = try db.cached("UPDATE ledger SET manifest = ?2 WHERE entry = ?1")
        let replace = try db.cached("UPDATE ledger SET removals = zeroblob(?2) WHERE entry = ?1")
        var changed = 0
        for (entry, manifest) in manifests {
            let scrubbedManifest = scrubber.scrub(manifest)
            var kept: TemporaryFile?
            if let cursor = try removalsCursor(entry: entry) {
                var holdsKey = false
                while !holdsKey, try cursor.next() { holdsKey = keys.contains(rules.key(cursor.key)) }
                if holdsKey, let again = try removalsCursor(entry: entry) {
                    let file = try TemporaryFile(directory: ScratchFolder.systemTemporaryFolder)
                    var record: [UInt8] = []
                    while try again.next() {
                        if keys.contains(rules.key(again.key)) { continue }
                        record.removeAll(keepingCapacity: true)
                        Varint.append(UInt64(again.key.count), to: &record)
                        record += again.key
                        record.append(UInt8(again.rule.index))
                        try file.append(record)
                    }
                    try file.flush()
                    kept = file
                }
            }
            guard scrubbedManifest != nil || kept != nil else { continue }
            if let scrubbedManifest {
                update.reset()
                update.bind(1, entry)
                update.bindText(2, scrubbedManifest)
                _ = try update.step()
                update.reset()
            }
            if let kept {
                replace.reset()
                replace.bind(1, entry)
                replace.bind(2, kept.size)
                _ = try replace.step()
                replace.reset()
                if kept.size > 0 {
                    try db.fillBlob(table: "ledger", column: "removals", row: entry) { put in
                        var offset: Int64 = 0
                        var piece: [UInt8] = []
                        while offset < kept.size {
                            piece.removeAll(keepingCapacity: true)
                            try kept.readExactly(at: offset, count: Int(min(Int64(1 << 20), kept.size - offset)), into: &piece, file: "scrubbed removals")
                            try piece.withUnsafeBytes(put)
                            offset += Int64(piece.count)
                        }
                    }
                }
            }
            changed += 1
        }
        return changed
    }

    /// Scrubs the lifecycle log's details (a retracted file's name may hold an address).
    private func scrubLifecycleLog(scrubber: TextScrubber) throws -> Int {
        let select = try db.prepare("SELECT entry, detail FROM lifecycle_log ORDER BY entry")
        var updates: [(Int64, [UInt8])] = []
        while try select.step() {
            if let detail = scrubber.scrub(select.bytes(1)) { updates.append((select.int64(0), detail)) }
        }
        select.reset()
        let update = try db.cached("UPDATE lifecycle_log SET detail = ?2 WHERE entry = ?1")
        for (entry, detail) in updates {
            update.reset()
            update.bind(1, entry)
            update.bindText(2, detail)
            _ = try update.step()
            update.reset()
        }
        return updates.count
    }

    /// Rewrites the file without free space: a WAL checkpoint (TRUNCATE) when the history is in
    /// WAL mode, `VACUUM`, and a checkpoint again; in the default rollback-journal mode SQLite
    /// deletes the journal at each commit.
    func wipeFreeSpace() throws {
        let mode = try db.cached("PRAGMA journal_mode")
        let wal = try mode.step() && (mode.string(0) ?? "").lowercased() == "wal"
        mode.reset()
        if wal { try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        try db.execute("VACUUM")
        if wal { try db.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// The history's erasure secret (made by migration `0009-erasure`).
    func erasureSecret() throws -> [UInt8] {
        let select = try db.cached("SELECT value FROM secret WHERE purpose = 'erasure'")
        defer { select.reset() }
        guard try select.step(), select.bytes(0).count >= 16 else {
            throw HistoryError.sqlite(path: path, code: 1, message: "the history has no erasure secret")
        }
        return Array(select.bytes(0))
    }

    /// The forgotten addresses' hashes for `clean`'s list pass; nil when there is none (the
    /// list pass then computes no hash at all).
    func forgottenAddresses() throws -> ForgottenAddresses? {
        let select = try db.cached("SELECT hash FROM forgotten")
        defer { select.reset() }
        var hashes = Set<AddressHash>()
        while try select.step() {
            let bytes = select.bytes(0)
            if bytes.count == 32 { hashes.insert(AddressHash(bytes)) }
        }
        guard !hashes.isEmpty else { return nil }
        return ForgottenAddresses(secret: try erasureSecret(), hashes: hashes)
    }

    /// When the address was forgotten; nil when it is not (never, or re-admitted since).
    public func forgottenAt(_ address: String) throws -> Int64? {
        let key = KeyedAddressHash.key(of: address)
        guard !key.isEmpty else { return nil }
        var hasher = KeyedAddressHash(secret: try erasureSecret())
        let select = try db.cached("SELECT forgotten_at FROM forgotten WHERE hash = ?1")
        defer { select.reset() }
        select.bind(1, hasher.digest(key: key).bytes)
        return try select.step() ? select.int64(0) : nil
    }

    /// How many addresses are forgotten.
    public func forgottenCount() throws -> Int {
        let select = try db.cached("SELECT count(*) FROM forgotten")
        defer { select.reset() }
        _ = try select.step()
        return Int(select.int64(0))
    }

    /// Takes the address off the forgotten ones (an operator's `allow` re-admits a person who
    /// asked to be erased and came back); returns whether it was forgotten. Inside or outside
    /// a transaction.
    @discardableResult
    func unforget(_ address: String) throws -> Bool {
        let key = KeyedAddressHash.key(of: address)
        guard !key.isEmpty else { return false }
        var hasher = KeyedAddressHash(secret: try erasureSecret())
        let hash = hasher.digest(key: key).bytes
        let select = try db.cached("SELECT 1 FROM forgotten WHERE hash = ?1")
        select.bind(1, hash)
        let known = try select.step()
        select.reset()
        guard known else { return false }
        let delete = try db.cached("DELETE FROM forgotten WHERE hash = ?1")
        defer { delete.reset() }
        delete.bind(1, hash)
        _ = try delete.step()
        return true
    }

    /// Turns the explanation of a kept address that is forgotten into the `forgotten`
    /// decision `clean` takes for it (an address the history's events remove keeps that
    /// decision, as in `clean`).
    public func applyErasures(to explanations: inout [DecisionExplanation]) throws {
        for i in explanations.indices where explanations[i].decision == nil {
            if let time = try forgottenAt(explanations[i].key) { explanations[i].decision = .forgotten(at: time) }
        }
    }
}

/// Finds the forgotten addresses in stored texts, their ASCII letters in either case, and
/// replaces each occurrence by ``HistoryStore/forgottenPlaceholder``.
struct TextScrubber {
    /// The addresses' forms, lower-cased; every one holds an `@`.
    let needles: [[UInt8]]
    private let placeholder = Array(HistoryStore.forgottenPlaceholder.utf8)

    init(needles: [[UInt8]]) {
        self.needles = needles.filter { !$0.isEmpty }
    }

    /// The text with every occurrence replaced; nil when it holds none.
    func scrub(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.contains(UInt8(ascii: "@")) else { return nil }
        let lower = ASCII.lowercased(text)
        var mask: [Bool]?
        for needle in needles where needle.count <= lower.count {
            var start = 0
            while start + needle.count <= lower.count {
                guard let at = Self.find(needle, in: lower, from: start) else { break }
                if mask == nil { mask = [Bool](repeating: false, count: lower.count) }
                for i in at..<(at + needle.count) { mask![i] = true }
                start = at + 1
            }
        }
        guard let mask else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if mask[i] {
                out += placeholder
                while i < text.count, mask[i] { i += 1 }
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    func scrub(_ text: [UInt8]) -> [UInt8]? { text.withUnsafeBytes { scrub($0) } }

    /// An event (in the expanded layout, with its slot) with every text but its address
    /// scrubbed; nil when none holds an address.
    func scrub(_ row: HistoryStore.EventRow, slot: Int) -> [UInt8]? {
        let texts: [UnsafeRawBufferPointer?] = [row.type, row.kind, row.reason, row.enhancedCode, row.diagnostic, row.rule,
                                                row.providerVerdict, row.source, row.message]
        let scrubbed = texts.map { $0.flatMap(scrub) }
        guard scrubbed.contains(where: { $0 != nil }) else { return nil }
        var out: [UInt8] = []
        let lengthAt = EventBlock.beginEvent(slot: slot, id: row.id, timestamp: row.timestamp, replyCode: row.replyCode, to: &out)
        EventBlock.appendString(row.address, to: &out)
        for (i, text) in texts.enumerated() {
            // The message identity, the tenth string, is written only when the event has one.
            if i == texts.count - 1, text == nil { break }
            if let replaced = scrubbed[i] {
                replaced.withUnsafeBytes { EventBlock.appendString($0, to: &out) }
            } else {
                EventBlock.appendString(text, to: &out)
            }
        }
        EventBlock.endEvent(lengthAt: lengthAt, in: &out)
        return out
    }

    /// Where `needle` first occurs in `haystack` at or after `from`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
