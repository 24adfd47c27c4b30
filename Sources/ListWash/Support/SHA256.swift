import CLibCrypto

/// SHA-256 from OpenSSL: streaming (EVP interface) for manifests, one-shot for event ids.
public final class SHA256Hasher {
    private let context: OpaquePointer

    public init() {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        context = ctx
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the digest.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds bytes to the digest.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes and returns the 32-byte digest; the hasher must not be used afterwards.
    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return out
    }

    /// The SHA-256 digest of `bytes`.
    public static func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            digest(bytes, into: UnsafeMutableRawBufferPointer(buffer))
            count = 32
        }
    }

    /// Writes the SHA-256 digest of `bytes` into the first 32 bytes of `out`, with no allocation:
    /// OpenSSL's low-level SHA-256 on a stack context, which skips the EVP layer's per-call
    /// algorithm fetch and context allocation (the cost that dominates for the short inputs of
    /// event ids).
    public static func digest(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32, "a SHA-256 digest needs 32 bytes")
        let target = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // An empty input may have no base address; any valid pointer does for zero bytes.
        listwash_sha256(bytes.baseAddress ?? UnsafeRawPointer(target), bytes.count, target)
    }

    /// Writes the SHA-256 digest of `first` followed by `second` (as one input) into the first
    /// 32 bytes of `out`, with no allocation and no copy of the two parts into one.
    public static func digest(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32, "a SHA-256 digest needs 32 bytes")
        let target = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
        listwash_sha256_parts(first.baseAddress ?? UnsafeRawPointer(target), first.count,
                              second.baseAddress ?? UnsafeRawPointer(target), second.count, target)
    }

    /// The SHA-256 digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0) }
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
