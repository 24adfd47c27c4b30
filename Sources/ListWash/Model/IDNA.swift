import CIDN2

/// International domain names, through libidn2: IDNA2008 with the Unicode TR46 (UTS #46)
/// non-transitional mapping, as mail software and browsers resolve a typed domain.
///
/// The only user is the address key's slow path (``AddressRules``), taken by addresses that
/// hold a byte ≥ 0x80; pure-ASCII domains never come here.
enum IDNA {
    /// TR46 non-transitional mapping (case folding, NFC, width and full-stop variants mapped;
    /// `ß` and ZWJ/ZWNJ kept as IDNA2008 keeps them). Not `IDN2_USE_STD3_ASCII_RULES`: with
    /// libidn2 2.3.3 it drops a disallowed ASCII character (`bü cher.de`, `bü_cher.de` →
    /// `xn--bcher-kva.de`) instead of refusing the domain, which would merge distinct
    /// addresses; the letters-digits-hyphen rule is the strict syntax check's, on the result.
    private static let flags = Int32(IDN2_NONTRANSITIONAL.rawValue)

    /// The domain's A-label form (`bücher.de` → `xn--bcher-kva.de`), lower-case ASCII; nil
    /// when libidn2 refuses it (a disallowed character, a label over 63 bytes, bad bidi or
    /// joiner context, malformed UTF-8, a NUL byte).
    /// - Complexity: O(n) in the domain's length.
    static func aLabels(_ domain: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard !domain.isEmpty, !domain.contains(0) else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: domain.count + 1) { input -> [UInt8]? in
            let base = input.baseAddress!
            base.update(from: domain.baseAddress!, count: domain.count)
            base[domain.count] = 0
            var output: UnsafeMutablePointer<UInt8>?
            let rc = idn2_lookup_u8(base, &output, flags)
            // libidn2 allocates the result; it is freed here, before anything else can see it.
            defer { if let output { idn2_free(output) } }
            guard rc == IDN2_OK.rawValue, let output else { return nil }
            var n = 0
            while output[n] != 0 { n += 1 }
            return Array(UnsafeBufferPointer(start: output, count: n))
        }
    }
}
