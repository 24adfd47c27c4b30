/// The one variable-length integer codec of the stored formats (compact event blocks, grouped
/// runs): LEB128, 7 bits a byte, least significant group first, the high bit set on every
/// byte but the last; at most 10 bytes for a `UInt64`. Signed values go through ``zigzag(_:)``.
enum Varint {
    /// The most bytes a `UInt64` takes.
    static let maxBytes = 10

    @inline(__always)
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        if value < 0x80 { return out.append(UInt8(value)) }
        var bytes: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[..<write(value, to: raw.baseAddress!)]))
        }
    }

    /// Writes `value`'s bytes at `p` (room for ``maxBytes``); returns how many it wrote.
    @inline(__always)
    static func write(_ value: UInt64, to p: UnsafeMutableRawPointer) -> Int {
        var v = value
        var n = 0
        while v >= 0x80 {
            p.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: n, as: UInt8.self)
            n += 1
            v >>= 7
        }
        p.storeBytes(of: UInt8(v), toByteOffset: n, as: UInt8.self)
        return n + 1
    }

    /// The bytes ``append(_:to:)`` writes for `value`.
    @inline(__always)
    static func size(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    /// The value that starts at `at`, moving `at` past it; nil (and `at` anywhere) when the
    /// bytes end inside it or it does not fit 64 bits.
    @inline(__always)
    static func read(_ bytes: UnsafeRawBufferPointer, at: inout Int) -> UInt64? {
        guard at >= 0, at < bytes.count else { return nil }
        let first = bytes[at]
        at += 1
        if first < 0x80 { return UInt64(first) }
        var value = UInt64(first & 0x7F)
        var shift: UInt64 = 7
        while true {
            guard at < bytes.count else { return nil }
            let b = bytes[at]
            at += 1
            // The tenth byte holds the top bit alone.
            guard shift < 63 || b <= 1 else { return nil }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
        }
    }

    /// Signed to unsigned with small magnitudes small: 0, -1, 1, -2 … → 0, 1, 2, 3 …
    @inline(__always)
    static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }

    @inline(__always)
    static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }
}
