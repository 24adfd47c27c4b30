/// The keyed hash a forgotten address leaves in the history: HMAC-SHA-256 (RFC 2104) of the
/// address's key with the history's own secret (`secret`, purpose `erasure`, 32 random bytes
/// made by migration `0009-erasure`).
///
/// The hashed bytes are the address's matching key as `clean` computes it with a
/// case-insensitive local part (``AddressRules/key(_:)-swift.method``: blanks and invisible
/// characters trimmed, an international domain in A-labels), with the ASCII letters of the
/// whole key lower-cased; so `Alice@Example.COM`, `alice@example.com` and
/// `alice@EXAMPLE.com ` leave one hash, whatever the policy's `local_part_case_sensitive`.
///
/// The pads are worked out once: a digest costs two SHA-256 of a block and the key, with no
/// allocation (the `clean` list pass computes one per row while any address is forgotten).
struct KeyedAddressHash {
    /// The 64-byte inner pad, then the message of the digest being computed.
    private var inner: [UInt8]
    /// The 64-byte outer pad, then the inner digest.
    private var outer: [UInt8]

    init(secret: [UInt8]) {
        var key = secret.count > 64 ? SHA256Hasher.digest(secret) : secret
        key += [UInt8](repeating: 0, count: 64 - key.count)
        inner = key.map { $0 ^ 0x36 }
        inner.reserveCapacity(64 + 320)
        outer = key.map { $0 ^ 0x5C } + [UInt8](repeating: 0, count: 32)
    }

    /// The digest of a key, its ASCII letters lower-cased first.
    mutating func digest(key: UnsafeRawBufferPointer) -> AddressHash {
        inner.removeSubrange(64...)
        for byte in key { inner.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
        inner.withUnsafeBytes { message in
            outer.withUnsafeMutableBytes { out in
                SHA256Hasher.digest(message, into: UnsafeMutableRawBufferPointer(rebasing: out[64...]))
            }
        }
        return outer.withUnsafeBytes { message in
            withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { digest in
                SHA256Hasher.digest(message, into: digest)
                return AddressHash(UnsafeRawBufferPointer(digest))
            }
        }
    }

    mutating func digest(key: [UInt8]) -> AddressHash {
        key.withUnsafeBytes { digest(key: $0) }
    }

    /// The key of an address as forget hashes it (see the type's summary).
    static func key(of address: String) -> [UInt8] {
        ASCII.lowercased(AddressRules(localPartCaseSensitive: false, syntax: .lenient).key(address))
    }
}

/// A 32-byte HMAC-SHA-256 digest, as four words (a set element without an array).
struct AddressHash: Hashable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64)

    init(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == 32, "an address hash is 32 bytes")
        words = (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    var bytes: [UInt8] { withUnsafeBytes(of: words) { Array($0) } }

    static func == (a: AddressHash, b: AddressHash) -> Bool { a.words == b.words }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}

/// The forgotten addresses, for `clean`'s list pass: their hashes in memory, and the hasher
/// that tells whether a list row's key is one of them. Built only when the history holds a
/// forgotten address (``HistoryStore/forgottenAddresses()`` is nil otherwise), so a history
/// without one costs the list pass nothing.
///
/// Not thread-safe (the hasher's buffers are reused): the list pass's thread only.
final class ForgottenAddresses {
    private var hasher: KeyedAddressHash
    private let hashes: Set<AddressHash>

    init(secret: [UInt8], hashes: Set<AddressHash>) {
        hasher = KeyedAddressHash(secret: secret)
        self.hashes = hashes
    }

    var count: Int { hashes.count }

    /// Whether the list row's key (as the run's address rules made it) is forgotten.
    func contains(key: [UInt8]) -> Bool {
        hashes.contains(key.withUnsafeBytes { hasher.digest(key: $0) })
    }
}

extension Decision {
    /// The decision for an address forgotten by `listwash forget`: no evidence (the history
    /// holds none), `lastSeen` the time it was forgotten when known.
    public static func forgotten(at time: Int64? = nil) -> Decision {
        Decision(rule: .forgotten, reason: "forgotten", kind: "", evidence: [], firstSeen: nil, lastSeen: time)
    }

    /// The decision of a rule that stands without events of the history (`invalid_address`,
    /// `hashed_list`, `forgotten`), for the audit; nil for the rules the history's events decide.
    static func withoutEvents(_ rule: SuppressionRule) -> Decision? {
        switch rule {
        case .invalidAddress: return .invalid
        case .hashedList: return .hashedList
        case .forgotten: return .forgotten()
        default: return nil
        }
    }
}
