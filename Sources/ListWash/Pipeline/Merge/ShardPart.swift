import Foundation

/// One part given to `listwash merge`: the current set of an output folder that
/// `clean --shard I/N` wrote, checked against its own manifest (as `listwash verify` does),
/// with what its manifest says about the run.
struct ShardPart {
    /// The folder as given.
    var path: String
    /// The set's folder (through `.listwash-current`).
    var folder: String
    var shard: ShardSpec
    /// The whole manifest, decoded.
    var manifest: [String: Any]
    /// `cleaned.csv` or `cleaned.xml`.
    var cleanedName: String
    /// The first line of `suppressed.csv` (it says the layout).
    var suppressedHeader: [UInt8]

    init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw InputError.missingFile(path: path) }
        let verification: SetVerification
        do {
            verification = try SetVerification.verify(directory: path)
        } catch SetVerification.VerifyError.noManifest {
            throw MergeError.notAShard(path: path, reason: "no manifest.json")
        }
        if let finding = verification.findings.first { throw MergeError.partAltered(path: path, finding: finding.description) }
        folder = verification.folder
        let bytes = try FileByteSource.readAll(path: folder + "/manifest.json")
        guard let manifest = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw MergeError.notAShard(path: path, reason: "manifest.json is not a JSON object")
        }
        self.manifest = manifest
        guard let object = manifest["shard"] as? [String: Any] else {
            throw MergeError.notAShard(path: path, reason: "its manifest names no shard (a clean without --shard)")
        }
        guard object["key_hash"] as? String == ShardSpec.hashName,
              let index = object["index"] as? Int, let count = object["count"] as? Int,
              let shard = ShardSpec(index: index, count: count) else {
            throw MergeError.notAShard(path: path, reason: "its manifest's shard is not one this listwash reads")
        }
        self.shard = shard
        if (manifest["inputs"] as? [String: Any])?["events"] != nil {
            throw MergeError.notAShard(path: path, reason: "a one-off run (--events)")
        }
        let outputs = (manifest["outputs"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        guard let cleaned = outputs.first(where: { $0.hasPrefix("cleaned.") }) else {
            throw MergeError.notAShard(path: path, reason: "its manifest lists no cleaned list")
        }
        cleanedName = cleaned
        let suppressed = try PartReader(path: folder + "/suppressed.csv")
        suppressedHeader = try suppressed.nextRecord(quoted: true) ?? []
    }

    func file(_ name: String) -> String { folder + "/" + name }

    /// A member of the manifest by its path (`inputs.list.sha256`).
    func value(_ path: String) -> Any? {
        var node: Any? = manifest
        for part in path.split(separator: ".") { node = (node as? [String: Any])?[String(part)] }
        return node
    }

    /// The members every part of one run has alike (checked in this order, named in the refusal).
    static let sameInEveryPart = [
        "tool", "version", "inputs.list.sha256", "inputs.list.bytes", "inputs.list.format", "inputs.list.email_column",
        "shard.count", "shard.key_hash", "shard.list_rows", "shard.read", "as_of", "inputs.history", "domain_findings.outages", "domain_findings.sender_side_faults",
        "domain_findings.isolated_failures_not_counted", "policy",
    ]

    /// Refuses `other` when it is not a part of the same run as this one.
    func checkSameRun(as other: ShardPart) throws {
        for field in Self.sameInEveryPart where !Self.equal(value(field), other.value(field)) {
            throw MergeError.partsDisagree(path: other.path, field: field)
        }
        let dead = { (part: ShardPart) in
            (part.value("domain_findings.dead") as? [[String: Any]] ?? []).map { $0.filter { $0.key != "list_rows_removed" } }
        }
        if !Self.equal(dead(self), dead(other)) { throw MergeError.partsDisagree(path: other.path, field: "domain_findings.dead") }
        if cleanedName != other.cleanedName { throw MergeError.partsDisagree(path: other.path, field: "cleaned list's format") }
        if suppressedHeader != other.suppressedHeader { throw MergeError.partsDisagree(path: other.path, field: "suppressed.csv layout") }
    }

    private static func equal(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?):
            // Compared as canonical JSON (sorted keys), the way the run ledger's comparison does.
            let data = { (v: Any) in try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed, .sortedKeys]) }
            guard let x = data(a), let y = data(b) else { return false }
            return x == y
        default: return false
        }
    }

    /// The parts in shard order: all of one run, every shard once.
    static func load(_ paths: [String]) throws -> [ShardPart] {
        let parts = try paths.map(ShardPart.init(path:))
        guard let first = parts.first else { throw MergeError.shardMissing(index: 1, count: 1) }
        for part in parts.dropFirst() { try first.checkSameRun(as: part) }
        var byIndex: [Int: ShardPart] = [:]
        for part in parts {
            if let earlier = byIndex[part.shard.index] {
                throw MergeError.shardRepeated(index: part.shard.index, first: earlier.path, second: part.path)
            }
            byIndex[part.shard.index] = part
        }
        let count = first.shard.count
        return try (1...count).map { i in
            guard let part = byIndex[i] else { throw MergeError.shardMissing(index: i, count: count) }
            return part
        }
    }
}
