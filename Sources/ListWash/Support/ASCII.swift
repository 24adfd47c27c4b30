/// ASCII case on bytes: the address keys, stored names and event types fold case this way
/// (letters A–Z only; every other byte, UTF-8 included, is kept as it is).
enum ASCII {
    @inline(__always)
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }

    /// The bytes with A–Z lower-cased.
    @inline(__always)
    static func lowercased<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [UInt8] { bytes.map(lower) }
}
