/// The hash chain of `audit.jsonl`: every record begins with `{"prev_sha256":"<hex>",`, the
/// SHA-256 (lower-case hex) of the previous record's bytes as written, its line feed included;
/// the first record's is that of the genesis, 64 zeros. The manifest carries the number of
/// records and the SHA-256 of the last one (``ManifestEntry``), so `listwash verify` can say
/// which record was altered, removed or moved (``AuditChainCheck``).
///
/// The audit's thread links each record as it writes it, in output order: one SHA-256 of the
/// record's bytes, which it has in hand, and no other pass over the file.
struct AuditChain {
    /// The genesis: what the first record's `prev_sha256` names.
    static let genesis = [UInt8](repeating: 0, count: 32)
    /// The bytes every chained record starts with, up to the hash.
    static let opening = Array("{\"prev_sha256\":\"".utf8)
    /// The length of a record's opening through the hash, its closing quote and the comma.
    static let prefixLength = opening.count + 64 + 2

    /// The SHA-256 of the last record written (the genesis before the first).
    private(set) var last = AuditChain.genesis
    private(set) var records = 0
    /// The link being written (the opening, the hash, its quote and comma).
    private var link: [UInt8] = []

    /// What the manifest records of the chain.
    struct ManifestEntry: Equatable {
        var records: Int
        var lastSHA256: [UInt8]
    }

    var manifestEntry: ManifestEntry { ManifestEntry(records: records, lastSHA256: last) }

    /// Writes one rendered record (a JSON object, `{` first, its line feed last) to `file`
    /// with its link to the record before it: the link, then the record's bytes after its `{`,
    /// hashed as one line without being copied into one.
    mutating func write(_ record: [UInt8], to file: OutputFile) throws {
        precondition(record.first == UInt8(ascii: "{") && record.count >= 2, "an audit record is a JSON object")
        link.removeAll(keepingCapacity: true)
        link += Self.opening
        Self.appendHex(last, to: &link)
        link.append(UInt8(ascii: "\""))
        // An empty object gets no comma after the link.
        if record[1] != UInt8(ascii: "}") { link.append(UInt8(ascii: ",")) }
        try file.write(link)
        try record.withUnsafeBytes { bytes in
            let rest = UnsafeRawBufferPointer(rebasing: bytes[1...])
            try file.write(rest)
            self.link.withUnsafeBytes { link in
                last.withUnsafeMutableBytes { SHA256Hasher.digest(link, rest, into: $0) }
            }
        }
        records += 1
    }

    /// Appends `bytes` as lower-case hex.
    static func appendHex(_ bytes: [UInt8], to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { d in
            for b in bytes {
                out.append(d[Int(b >> 4)])
                out.append(d[Int(b & 0x0F)])
            }
        }
    }
}
