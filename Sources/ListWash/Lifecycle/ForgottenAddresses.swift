import CLibCrypto

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
/// The SHA-256 states after the inner and the outer pad are worked out once: a digest of a
/// key shorter than 56 bytes costs two SHA-256 block compressions, with no allocation (the
/// `clean` list pass computes one per row while any address is forgotten).
struct KeyedAddressHash {
    /// SHA-256 after the 64-byte inner pad (key XOR 0x36), and after the outer pad (XOR 0x5C).
    private let innerState: SHA256_CTX
    private let outerState: SHA256_CTX
    /// The key being hashed, lower-cased.
    private var scratch: [UInt8] = []

    init(secret: [UInt8]) {
        var key = secret.count > 64 ? SHA256Hasher.digest(secret) : secret
        key += [UInt8](repeating: 0, count: 64 - key.count)
        func state(after pad: [UInt8]) -> SHA256_CTX {
            var context = SHA256_CTX()
            SHA256_Init(&context)
            pad.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, 64) }
            return context
        }
        innerState = state(after: key.map { $0 ^ 0x36 })
        outerState = state(after: key.map { $0 ^ 0x5C })
        scratch.reserveCapacity(320)
    }

    /// The digest of a key, its ASCII letters lower-cased first.
    mutating func digest(key: UnsafeRawBufferPointer) -> AddressHash {
        scratch.removeAll(keepingCapacity: true)
        for byte in key { scratch.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
        var inner = innerState
        var outer = outerState
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { digest in
            let out = digest.baseAddress!.assumingMemoryBound(to: UInt8.self)
            scratch.withUnsafeBytes { _ = SHA256_Update(&inner, $0.baseAddress, $0.count) }
            SHA256_Final(out, &inner)
            SHA256_Update(&outer, out, 32)
            SHA256_Final(out, &outer)
        }
        return withUnsafeBytes(of: words) { AddressHash($0) }
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
