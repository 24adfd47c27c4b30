/// FNV-1a, 64 bits: a small, fast hash for short byte strings (domain names, message
/// identities) where no adversary chooses the input and a rare collision costs little.
enum FNV1a {
    static func hash64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
