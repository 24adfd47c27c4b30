import CLibCrypto

/// Digests of addresses for sharing a suppression list without the addresses: SHA-256, MD5,
/// or HMAC-SHA-256 with a shared key, over the *normalised* address, as lower-case hex.
///
/// Normalisation, exactly: the address's UTF-8 bytes, with spaces, tabs, CR and LF removed at
/// both ends and the ASCII letters `A`–`Z` lower-cased everywhere (local part included);
/// nothing else changes (no dot or `+tag` removal, no IDNA, no Unicode case folding).
public enum AddressDigest: String, Sendable, CaseIterable {
    case sha256
    case md5
    case hmacSHA256 = "hmac-sha256"

    /// The normalised form of `address` that is hashed.
    public static func normalize(_ address: some Collection<UInt8>) -> [UInt8] {
        var bytes = Array(address)
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        while let last = bytes.last, blank(last) { bytes.removeLast() }
        let start = bytes.firstIndex { !blank($0) } ?? bytes.endIndex
        return bytes[start...].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    /// The lower-case hex digest of the normalised `address`; `key` is the HMAC key (ignored by
    /// the plain digests).
    public func hex(_ address: some Collection<UInt8>, key: [UInt8] = []) -> String {
        Self.hex(digest(Self.normalize(address), key: key))
    }

    /// The raw digest of bytes already normalised.
    func digest(_ bytes: [UInt8], key: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256:
            return SHA256Hasher.digest(bytes)
        case .md5:
            var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            bytes.withUnsafeBytes { input in
                _ = EVP_Digest(input.baseAddress, input.count, &out, &length, EVP_md5(), nil)
            }
            return Array(out.prefix(Int(length)))
        case .hmacSHA256:
            var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            key.withUnsafeBytes { k in
                bytes.withUnsafeBytes { input in
                    _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), input.baseAddress?.assumingMemoryBound(to: UInt8.self),
                             input.count, &out, &length)
                }
            }
            return Array(out.prefix(Int(length)))
        }
    }

    /// Lower-case hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
