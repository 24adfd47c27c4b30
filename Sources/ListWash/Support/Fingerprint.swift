/// A 128-bit fingerprint of an address key (MurmurHash3 x64-128).
///
/// `clean` keeps fingerprints instead of address bytes: one per distinct address of a small
/// list (for duplicates, ``FingerprintTable``) and 96 bits of one per suppressed history
/// address (``CompactFingerprintTable``). At 128 bits, the chance that two of ten million
/// distinct addresses collide is about 10⁻²⁵.
public struct Fingerprint: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64

    /// Hashes the bytes.
    public init(_ bytes: UnsafeRawBufferPointer) {
        (high, low) = Fingerprint.murmur3(bytes, seed: 0x6c69_7374)
    }

    /// Hashes the bytes.
    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { Fingerprint($0) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(low)
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always) private static func fmix(_ k0: UInt64) -> UInt64 {
        var k = k0
        k ^= k >> 33
        k &*= 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k &*= 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    static func murmur3(_ data: UnsafeRawBufferPointer, seed: UInt64) -> (UInt64, UInt64) {
        let len = data.count
        let nblocks = len / 16
        var h1 = seed, h2 = seed
        let c1: UInt64 = 0x87c3_7b91_1142_53d5
        let c2: UInt64 = 0x4cf5_ad43_2745_937f
        for i in 0..<nblocks {
            var k1 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: i * 16, as: UInt64.self))
            var k2 = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: i * 16 + 8, as: UInt64.self))
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
            h1 = rotl(h1, 27); h1 &+= h2; h1 = h1 &* 5 &+ 0x52dc_e729
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
            h2 = rotl(h2, 31); h2 &+= h1; h2 = h2 &* 5 &+ 0x3849_5ab5
        }
        let tail = nblocks * 16
        var k1: UInt64 = 0, k2: UInt64 = 0
        let rest = len & 15
        if rest > 8 {
            for i in stride(from: rest - 1, through: 8, by: -1) { k2 ^= UInt64(data[tail + i]) << UInt64((i - 8) * 8) }
            k2 &*= c2; k2 = rotl(k2, 33); k2 &*= c1; h2 ^= k2
        }
        if rest > 0 {
            for i in stride(from: min(rest, 8) - 1, through: 0, by: -1) { k1 ^= UInt64(data[tail + i]) << UInt64(i * 8) }
            k1 &*= c1; k1 = rotl(k1, 31); k1 &*= c2; h1 ^= k1
        }
        h1 ^= UInt64(len); h2 ^= UInt64(len)
        h1 &+= h2; h2 &+= h1
        h1 = fmix(h1); h2 = fmix(h2)
        h1 &+= h2; h2 &+= h1
        return (h1, h2)
    }
}

/// A Bloom filter of fingerprints: "certainly not in the set" or "probably in it" (about 2%
/// false positives at 10 bits a key), in a fixed number of bits.
struct FingerprintFilter {
    private var words: [UInt64]
    private let mask: UInt64

    /// A filter sized for about `expected` keys (at least 2^16 bits).
    init(expected: Int) {
        var bits = 1 << 16
        while bits < expected * 10, bits < 1 << 34 { bits <<= 1 }
        words = [UInt64](repeating: 0, count: bits / 64)
        mask = UInt64(bits - 1)
    }

    @inline(__always) private func positions(_ f: Fingerprint) -> (UInt64, UInt64, UInt64) {
        (f.high & mask, f.low & mask, (f.high >> 32 ^ f.low << 7 ^ f.low >> 41) & mask)
    }

    mutating func insert(_ f: Fingerprint) {
        let (a, b, c) = positions(f)
        // Three statements, not a loop over an array of three: an array a key costs an allocation.
        words[Int(a >> 6)] |= 1 << (a & 63)
        words[Int(b >> 6)] |= 1 << (b & 63)
        words[Int(c >> 6)] |= 1 << (c & 63)
    }

    func mayContain(_ f: Fingerprint) -> Bool {
        let (a, b, c) = positions(f)
        return words[Int(a >> 6)] & (1 << (a & 63)) != 0
            && words[Int(b >> 6)] & (1 << (b & 63)) != 0
            && words[Int(c >> 6)] & (1 << (c & 63)) != 0
    }
}
