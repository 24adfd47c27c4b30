import Foundation

/// `listwash verify`: whether an output set is the one `clean` produced. Every output the
/// manifest lists must have its size and SHA-256, and `audit.jsonl` must hold the manifest's
/// hash chain record by record (``AuditChain``): each record's `prev_sha256` is the SHA-256 of
/// the record before it, the first one's the genesis, and the last record's SHA-256 and the
/// number of records are the manifest's `audit_chain`.
///
/// A finding names the file and, in the audit, the line (1-based) of the record that was
/// altered, removed or moved; findings never quote the files' contents. What it cannot prove:
/// the manifest itself is the anchor, so a set rewritten whole, manifest included, verifies.
public struct SetVerification: Sendable {
    /// One difference from the manifest.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// The file's name in the set (`cleaned.csv`, `audit.jsonl`, `manifest.json`).
        public var file: String
        /// The audit's line, when the finding is about one record.
        public var line: Int?
        public var problem: String

        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)" }
    }

    /// The set's folder that was read (through `DIR/.listwash-current` when there is one).
    public var folder: String
    public var findings: [Finding] = []
    /// Outputs the manifest lists.
    public var files = 0
    /// The audit's records, when the manifest has a chain (nil for a manifest written before it had one).
    public var auditRecords: Int?

    public var isIntact: Bool { findings.isEmpty }

    /// The findings reported at most for one run of broken links.
    static let maxPerRun = 20

    /// Errors that stop the check before it starts (no set to check).
    public enum VerifyError: Error, Equatable, CustomStringConvertible {
        case noManifest(path: String)
        case unreadable(path: String, reason: String)

        public var description: String {
            switch self {
            case .noManifest(let path): return "\(path): no manifest.json: not an output folder of listwash clean"
            case .unreadable(let path, let reason): return "\(path): cannot be read: \(reason)"
            }
        }
    }

    /// Checks the output set in `directory` (an `--out` folder, or one set's folder such as a
    /// refused run's `.listwash-refused-XXXXXX`).
    /// - Complexity: O(*n*) in the set's bytes; the audit is read once more when its chain breaks.
    public static func verify(directory: String) throws -> SetVerification {
        let folder = resolveSet(directory)
        var result = SetVerification(folder: folder)
        let manifestPath = folder + "/manifest.json"
        guard FileManager.default.fileExists(atPath: manifestPath) else { throw VerifyError.noManifest(path: directory) }
        let bytes: [UInt8]
        do { bytes = try FileByteSource.readAll(path: manifestPath) } catch { throw VerifyError.unreadable(path: manifestPath, reason: "\(error)") }
        guard let manifest = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
              let outputs = manifest["outputs"] as? [[String: Any]] else {
            result.findings.append(Finding(file: "manifest.json", problem: "altered: not a listwash manifest (not JSON, or no outputs)"))
            return result
        }
        result.files = outputs.count
        for output in outputs {
            guard let name = output["file"] as? String, !name.isEmpty, !name.contains("/"), name != "..",
                  let sha = output["sha256"] as? String, let size = output["bytes"] as? Int else {
                result.findings.append(Finding(file: "manifest.json", problem: "altered: an output entry without file, sha256 and bytes"))
                continue
            }
            result.findings += checkFile(folder: folder, name: name, size: size, sha256: sha)
        }
        if let chain = manifest["audit_chain"] as? [String: Any] {
            guard let name = chain["file"] as? String, !name.contains("/"),
                  let records = chain["records"] as? Int, let last = chain["last_sha256"] as? String,
                  let genesis = chain["genesis"] as? String, let lastBytes = hexBytes(last), let genesisBytes = hexBytes(genesis) else {
                result.findings.append(Finding(file: "manifest.json", problem: "altered: audit_chain without file, genesis, records and last_sha256"))
                return result
            }
            result.auditRecords = records
            let check = try AuditChainCheck(path: folder + "/" + name, genesis: genesisBytes, records: records, last: lastBytes)
            result.findings += check.findings.map { Finding(file: name, line: $0.line, problem: $0.problem) }
        }
        return result
    }

    /// `DIR/.listwash-current` resolved once (so a later `clean` switching the set cannot mix
    /// two sets), else `DIR` itself.
    static func resolveSet(_ directory: String) -> String {
        let current = directory + "/.listwash-current"
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) {
            return target.hasPrefix("/") ? target : directory + "/" + target
        }
        return directory
    }

    /// One output against its manifest entry.
    static func checkFile(folder: String, name: String, size: Int, sha256: String) -> [Finding] {
        let path = folder + "/" + name
        guard FileManager.default.fileExists(atPath: path) else { return [Finding(file: name, problem: "missing: the manifest lists it")] }
        let hasher = SHA256Hasher()
        var actual = 0
        do {
            let source = try FileByteSource(path: path)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = try source.read(into: &buffer)
                if n == 0 { break }
                actual += n
                buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            }
        } catch {
            return [Finding(file: name, problem: "cannot be read: \(error)")]
        }
        let digest = hasher.finalize().hexString
        if actual != size { return [Finding(file: name, problem: "altered: \(actual) bytes, the manifest says \(size)")] }
        if digest != sha256.lowercased() { return [Finding(file: name, problem: "altered: its SHA-256 is not the manifest's")] }
        return []
    }

    /// 32 bytes from 64 hex digits; nil otherwise.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for i in stride(from: 0, to: 64, by: 2) {
            guard let high = hexValue(digits[i]), let low = hexValue(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}

/// The audit's chain checked record by record (see ``AuditChain``).
///
/// Link *p* joins record *p − 1* to record *p*: it holds when record *p*'s `prev_sha256` is the
/// SHA-256 of record *p − 1* (the genesis for *p* = 1); link *N + 1* holds when the last
/// record's SHA-256 is the manifest's. A record whose bytes changed breaks the link after it;
/// one whose `prev_sha256` changed breaks both its links; a removed record breaks one link and
/// shortens the file; a moved record names, in its `prev_sha256`, a record that is elsewhere.
/// Runs of consecutive broken links are explained that way, the smallest change first.
struct AuditChainCheck {
    struct Finding: Equatable {
        var line: Int?
        var problem: String
    }

    private(set) var findings: [Finding] = []

    init(path: String, genesis: [UInt8], records expected: Int, last: [UInt8]) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }  // the file check says it is missing
        // Pass 1: every link, and each broken one's claimed predecessor.
        var previous = genesis
        var count = 0
        var broken: [(link: Int, claimed: [UInt8]?)] = []
        var brokenTotal = 0
        try Self.forEachRecord(path: path) { record, hash in
            count += 1
            let claimed = Self.link(of: record)
            if claimed != previous {
                brokenTotal += 1
                if broken.count < 10_000 { broken.append((count, claimed)) }
            }
            previous = hash
        }
        if previous != last {
            brokenTotal += 1
            broken.append((count + 1, last))
        }
        guard !broken.isEmpty || count != expected else { return }
        if broken.isEmpty {
            findings.append(Finding(line: nil, problem: "altered: \(count) records, the manifest says \(expected)"))
            return
        }
        // Pass 2: where the claimed predecessors are now.
        var wanted: [[UInt8]: Int] = [:]
        for b in broken { if let claimed = b.claimed { wanted[claimed] = 0 } }
        var line = 0
        try Self.forEachRecord(path: path) { _, hash in
            line += 1
            if wanted[hash] == 0 { wanted[hash] = line }
        }
        let short = count < expected
        if count != expected {
            findings.append(Finding(line: nil, problem: "altered: \(count) records, the manifest says \(expected)"))
        }
        // Runs of consecutive broken links.
        var runs: [[(link: Int, claimed: [UInt8]?)]] = []
        for b in broken {
            if let lastLink = runs.last?.last?.link, lastLink + 1 == b.link { runs[runs.count - 1].append(b) } else { runs.append([b]) }
        }
        for run in runs {
            var reported: [Finding] = []
            let moved = run.compactMap { b -> Finding? in
                guard let claimed = b.claimed, let at = wanted[claimed], at > 0 else { return nil }
                if b.link == count + 1 {
                    return Finding(line: at, problem: "altered: the manifest's last record is this one; the records after it were added")
                }
                return Finding(line: b.link, problem: "out of place: this record was written after the one now at line \(at) (records were reordered or inserted)")
            }
            if !moved.isEmpty {
                reported = moved
            } else if run.count == 1 {
                let link = run[0].link
                if short {
                    reported = [Finding(line: link <= count ? link : count,
                                        problem: link <= count ? "a record is missing before this line (the chain breaks here)"
                                            : "records are missing after this line, the last one (the chain breaks here)")]
                } else if link == 1 {
                    reported = [Finding(line: 1, problem: "altered: the first record does not start the chain")]
                } else {
                    reported = [Finding(line: link - 1, problem: link == count + 1
                                        ? "altered: the last record's SHA-256 is not the manifest's last_sha256"
                                        : "altered: the next record's prev_sha256 is not this record's SHA-256")]
                }
            } else {
                // Records whose both links broke: their own prev_sha256, or more, changed.
                reported = run.dropLast().map { Finding(line: $0.link, problem: "altered: neither of its links holds") }
            }
            findings += reported.prefix(SetVerification.maxPerRun)
            if reported.count > SetVerification.maxPerRun {
                findings.append(Finding(line: nil, problem: "\(reported.count - SetVerification.maxPerRun) more findings in the same place"))
            }
        }
        if brokenTotal > broken.count {
            findings.append(Finding(line: nil, problem: "\(brokenTotal - broken.count) more broken links not examined"))
        }
    }

    /// The 32 bytes a record's `prev_sha256` names; nil when it does not start with one.
    static func link(of record: UnsafeRawBufferPointer) -> [UInt8]? {
        let opening = AuditChain.opening
        guard record.count >= AuditChain.prefixLength - 1, record.starts(with: opening) else { return nil }
        let hex = record[opening.count..<(opening.count + 64)]
        guard record[opening.count + 64] == UInt8(ascii: "\"") else { return nil }
        return SetVerification.hexBytes(String(decoding: hex, as: UTF8.self))
    }

    /// Each record (a line, its line feed included; a last line without one is a record too)
    /// with its SHA-256.
    static func forEachRecord(path: String, _ body: (UnsafeRawBufferPointer, [UInt8]) throws -> Void) throws {
        let source = try FileByteSource(path: path)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var pending: [UInt8] = []
        var hash = [UInt8](repeating: 0, count: 32)
        func emit(_ record: UnsafeRawBufferPointer) throws {
            hash.withUnsafeMutableBytes { SHA256Hasher.digest(record, into: $0) }
            try body(record, hash)
        }
        while true {
            let n = try source.read(into: &buffer)
            if n == 0 { break }
            try buffer.withUnsafeBytes { all in
                let chunk = UnsafeRawBufferPointer(rebasing: all[..<n])
                var start = 0
                while let end = chunk[start...].firstIndex(of: 0x0A) {
                    let piece = UnsafeRawBufferPointer(rebasing: chunk[start...end])
                    if pending.isEmpty {
                        try emit(piece)
                    } else {
                        pending += piece
                        try pending.withUnsafeBytes { try emit($0) }
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = end + 1
                }
                pending += chunk[start...]
            }
        }
        if !pending.isEmpty { try pending.withUnsafeBytes { try emit($0) } }
    }
}
