/// `clean --shard I/N`: which of a list's rows one run of N cleans.
///
/// A row belongs to shard `1 + h mod N`, where `h` is the first 8 bytes of the SHA-256 of the
/// row's address key (``AddressRules/key(_:)``, the key every other stage matches on), read
/// as a big-endian unsigned integer. SHA-256 and byte order are the same on every machine,
/// platform and release, so N machines agree on every row without talking to each other, and
/// every row of one key lands in the same shard (its duplicates are found there). A row
/// without an address (a reject) has no key: it belongs to shard 1, with the list's blank
/// lines, so every row is in exactly one shard's output. See docs/sharding.md.
public struct ShardSpec: Sendable, Equatable {
    /// 1-based: 1 ... ``count``.
    public var index: Int
    public var count: Int

    /// The name of the rule above, as the manifest records it.
    public static let hashName = "sha256-be64-mod"

    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (1 <= I <= N).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard (1-based) of a row with address key `key`, or of a row without one (nil).
    public static func shard(of key: [UInt8]?, count: Int) -> Int {
        guard let key, count > 1 else { return 1 }
        var digest = [UInt8](repeating: 0, count: 32)
        key.withUnsafeBytes { bytes in digest.withUnsafeMutableBytes { SHA256Hasher.digest(bytes, into: $0) } }
        var h: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(digest[i]) }
        return Int(h % UInt64(count)) + 1
    }

    /// Whether this shard cleans a row with address key `key` (nil: a row without an address).
    @inline(__always)
    func owns(key: [UInt8]?) -> Bool { Self.shard(of: key, count: count) == index }

    /// Whether this shard takes what belongs to no address: rejected rows and blank lines.
    var ownsKeylessRows: Bool { index == 1 }
}

extension ShardSpec {
    /// The manifest's `shard` object: which shard, the rule, and how the list was read, so
    /// that `listwash merge` can read it again exactly as the shards did.
    func writeJSON(_ json: inout JSONWriter, request: CleanRequest, listRows: Int) {
        json.beginObject("shard")
        json.int("index", index)
        json.int("count", count)
        json.string("key_hash", Self.hashName)
        json.int("list_rows", listRows)
        json.beginObject("read")
        json.string("delimiter", request.delimiter.map { String(decoding: [$0], as: UTF8.self) })
        json.string("email_column", request.emailColumn)
        json.string("encoding", request.encoding?.rawValue)
        json.string("record", request.recordName)
        json.string("email_field", request.emailField)
        json.endObject()
        json.endObject()
    }
}
