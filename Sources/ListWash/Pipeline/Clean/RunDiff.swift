import Foundation

/// Two `clean` runs of the ledger compared (`listwash diff A B`): the addresses B removes
/// that A did not, those A removed that B keeps (they came back), those removed by another
/// rule, and why.
///
/// Why is found by changing one thing at a time from run A's view to run B's, deciding the
/// address with ``PolicyEngine/decide(_:asOf:)`` after each step: A's policy → B's policy
/// (*policy change*), A's as-of → B's (*as-of*: events A already had aged out of the stale
/// window or fell inside the new as-of), the events A could see (event blocks up to its
/// `last_block`) → those B could see (*new events*: ingested after run A, whatever their
/// time). A step that changes the decision is a cause. Where the
/// decision from A's view is not what run A recorded, the address was not (as that row) in
/// one run's list: *list*.
public struct RunDiff: Sendable {
    public enum Cause: String, Sendable {
        case policy = "policy change"
        case newEvents = "new events"
        case asOf = "as-of moved"
        case list = "not in the other run's list"
    }

    public struct Change: Sendable, Equatable {
        public var key: String
        public var before: SuppressionRule?
        public var after: SuppressionRule?
        public var causes: [Cause]
    }

    public var a: LedgerEntry
    public var b: LedgerEntry
    /// The policy values that differ, `name: A → B`.
    public var policyChanges: [String]
    /// Events added to the history between the runs (in blocks after A's last block, up to B's).
    public var newEventBlocks: Int64
    public var newlyRemoved: [Change] = []
    public var cameBack: [Change] = []
    public var ruleChanged: [Change] = []

    /// Compares ledger entries `first` and `second` (each a `clean`).
    public static func compare(history: HistoryStore, _ first: Int64, _ second: Int64) throws -> RunDiff {
        guard let a = try history.ledgerEntry(first) else { throw RunDiffError.noSuchRun(first) }
        guard let b = try history.ledgerEntry(second) else { throw RunDiffError.noSuchRun(second) }
        for e in [a, b] where e.command != "clean" { throw RunDiffError.notAClean(e.entry, e.command) }
        let policyA = try a.policy() ?? Policy(), policyB = try b.policy() ?? Policy()
        var diff = RunDiff(a: a, b: b, policyChanges: Self.policyChanges(a, b), newEventBlocks: max(0, b.lastBlock - a.lastBlock))
        try history.reading {
            for (keyBytes, before, after) in try differences(history: history, first, second) {
                let key = String(decoding: keyBytes, as: UTF8.self)
                let events = try history.numberedEvents(forKey: keyBytes, caseSensitive: policyB.address.localPartCaseSensitive)
                func decide(_ policy: Policy, lastBlock: Int64, asOf: Int64) -> SuppressionRule? {
                    guard policy.addressRules.isValid(keyBytes) else { return .invalidAddress }
                    let seen = events.filter { EventBlock.block(of: $0.number) <= lastBlock }.map(\.record.policyEvent)
                    return PolicyEngine(policy: policy).decide(seen, asOf: asOf)?.rule
                }
                let asOfA = a.asOf ?? 0, asOfB = b.asOf ?? 0
                let steps = [decide(policyA, lastBlock: a.lastBlock, asOf: asOfA),
                             decide(policyB, lastBlock: a.lastBlock, asOf: asOfA),
                             decide(policyB, lastBlock: a.lastBlock, asOf: asOfB),
                             decide(policyB, lastBlock: b.lastBlock, asOf: asOfB)]
                var causes: [Cause] = []
                if steps[0] != before || steps[3] != after { causes.append(.list) }
                for (i, cause) in [Cause.policy, .asOf, .newEvents].enumerated() where steps[i] != steps[i + 1] {
                    causes.append(cause)
                }
                let change = Change(key: key, before: before, after: after, causes: causes)
                switch (before, after) {
                case (nil, _?): diff.newlyRemoved.append(change)
                case (_?, nil): diff.cameBack.append(change)
                default: diff.ruleChanged.append(change)
                }
            }
        }
        return diff
    }

    /// The keys the two runs removed differently (one removed and the other kept, or by
    /// another rule), in key order, with each run's rule. Both runs' removals are read side by
    /// side in key order, a piece of each at a time, so the memory is the differences', not
    /// the removals'. Rows whose keys are not in byte order (written by a listwash that sorted
    /// them as strings) are compared in memory instead.
    static func differences(history: HistoryStore, _ first: Int64, _ second: Int64) throws
        -> [(key: [UInt8], before: SuppressionRule?, after: SuppressionRule?)] {
        var out: [(key: [UInt8], before: SuppressionRule?, after: SuppressionRule?)] = []
        let a = try history.removalsCursor(entry: first), b = try history.removalsCursor(entry: second)
        var moreA = try a?.next() ?? false, moreB = try b?.next() ?? false
        while moreA || moreB {
            if a?.inByteOrder == false || b?.inByteOrder == false { return try differencesInMemory(history: history, first, second) }
            if moreA, moreB, a!.key == b!.key {
                if a!.rule != b!.rule { out.append((a!.key, a!.rule, b!.rule)) }
                moreA = try a!.next()
                moreB = try b!.next()
            } else if moreA, !moreB || a!.key.lexicographicallyPrecedes(b!.key) {
                out.append((a!.key, a!.rule, nil))
                moreA = try a!.next()
            } else {
                out.append((b!.key, nil, b!.rule))
                moreB = try b!.next()
            }
        }
        if a?.inByteOrder == false || b?.inByteOrder == false { return try differencesInMemory(history: history, first, second) }
        return out
    }

    /// ``differences(history:_:_:)`` with both runs' removals whole in memory.
    static func differencesInMemory(history: HistoryStore, _ first: Int64, _ second: Int64) throws
        -> [(key: [UInt8], before: SuppressionRule?, after: SuppressionRule?)] {
        let removedA = try history.ledgerEntry(first, removals: true)?.removals?.rules ?? [:]
        let removedB = try history.ledgerEntry(second, removals: true)?.removals?.rules ?? [:]
        return Set(removedA.keys).union(removedB.keys).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { bytes in
            let key = String(decoding: bytes, as: UTF8.self)
            return removedA[key] == removedB[key] ? nil : (bytes, removedA[key], removedB[key])
        }
    }

    /// The last two cleans of `listPath` in the ledger compared (`clean --compare-last`); nil
    /// when the ledger has fewer than two.
    public static func compareLast(history: HistoryStore, listPath: String) throws -> RunDiff? {
        let cleans = try history.ledger().filter { entry in
            // A shard's run (`clean --shard`) is a part of a list's clean, not one to compare with.
            entry.command == "clean" && entry.manifestObject["shard"] == nil
                && ((entry.manifestObject["inputs"] as? [String: Any])?["list"] as? [String: Any])?["path"] as? String == listPath
        }
        guard cleans.count >= 2 else { return nil }
        return try compare(history: history, cleans[cleans.count - 2].entry, cleans[cleans.count - 1].entry)
    }

    /// The policy values that differ between two runs' manifests, `name: A → B`, by name.
    static func policyChanges(_ a: LedgerEntry, _ b: LedgerEntry) -> [String] {
        func flatten(_ value: Any?, _ prefix: String, into out: inout [String: String]) {
            if let object = value as? [String: Any] {
                for (k, v) in object { flatten(v, prefix.isEmpty ? k : "\(prefix).\(k)", into: &out) }
            } else if let value, !(value is NSNull) {
                // A null is a setting left off, as a key an earlier listwash did not print.
                let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])) ?? Data()
                out[prefix] = String(decoding: data, as: UTF8.self)
            }
        }
        var left: [String: String] = [:], right: [String: String] = [:]
        flatten(a.manifestObject["policy"], "", into: &left)
        flatten(b.manifestObject["policy"], "", into: &right)
        return Set(left.keys).union(right.keys).sorted().compactMap { name in
            left[name] == right[name] ? nil : "\(name): \(left[name] ?? "(none)") → \(right[name] ?? "(none)")"
        }
    }

    /// The comparison for people.
    public var text: String {
        func when(_ e: LedgerEntry) -> String {
            let list = ((e.manifestObject["inputs"] as? [String: Any])?["list"] as? [String: Any])?["path"] as? String ?? "?"
            return "run \(e.entry): clean of \(list) as of \(e.asOf.map(Timestamp.format) ?? "?"), recorded \(Timestamp.format(e.recordedAt)), \(e.outcome)"
        }
        var lines = ["A: " + when(a), "B: " + when(b)]
        lines.append(policyChanges.isEmpty ? "policy: the same" : "policy: " + policyChanges.joined(separator: "; "))
        if a.asOf != b.asOf { lines.append("as-of: \(a.asOf.map(Timestamp.format) ?? "?") → \(b.asOf.map(Timestamp.format) ?? "?")") }
        lines.append(newEventBlocks == 0 ? "events: none added between the runs" : "events: added between the runs (\(newEventBlocks) new event block\(newEventBlocks == 1 ? "" : "s"))")
        func section(_ title: String, _ changes: [Change]) {
            lines.append("\(title): \(changes.count)")
            for c in changes {
                lines.append("  \(c.key)  \(c.before?.rawValue ?? "kept") → \(c.after?.rawValue ?? "kept")  because: "
                             + (c.causes.isEmpty ? "unexplained" : c.causes.map(\.rawValue).joined(separator: ", ")))
            }
        }
        section("newly removed", newlyRemoved)
        section("came back", cameBack)
        section("removed by another rule", ruleChanged)
        return lines.joined(separator: "\n")
    }

    /// The comparison as one JSON object.
    public var jsonLine: [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.int("a", a.entry)
        json.int("b", b.entry)
        json.beginArray("policy_changes")
        for c in policyChanges { json.string(nil, c) }
        json.endArray()
        json.string("as_of_a", a.asOf.map(Timestamp.format))
        json.string("as_of_b", b.asOf.map(Timestamp.format))
        json.int("new_event_blocks", newEventBlocks)
        for (name, changes) in [("newly_removed", newlyRemoved), ("came_back", cameBack), ("rule_changed", ruleChanged)] {
            json.beginArray(name)
            for c in changes {
                json.beginObject()
                json.string("address", c.key)
                json.string("before", c.before?.rawValue)
                json.string("after", c.after?.rawValue)
                json.beginArray("causes")
                for cause in c.causes { json.string(nil, cause.rawValue) }
                json.endArray()
                json.endObject()
            }
            json.endArray()
        }
        json.endObject()
        return json.takeLine()
    }
}

/// Errors of `listwash diff`.
public enum RunDiffError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSuchRun(Int64)
    case notAClean(Int64, String)

    public var description: String {
        switch self {
        case .noSuchRun(let n): return "run \(n) is not in the history's ledger ('listwash runs' lists them)"
        case .notAClean(let n, let command): return "run \(n) is an \(command), not a clean: only cleans can be compared"
        }
    }
}
