/// How strictly address syntax is checked.
public enum AddressSyntax: String, Sendable, Codable, CaseIterable {
    /// RFC 5321/5322 dot-atom local part (UTF-8 allowed, RFC 6531), a host name of at least
    /// two labels with letters, digits and hyphens (UTF-8 allowed for IDNs), length limits.
    case strict
    /// Exactly one `@`, non-empty local part, a domain with a dot, no blanks.
    case lenient
}

/// The address normalization and validation rules of one run.
public struct AddressRules: Sendable, Equatable {
    public var localPartCaseSensitive: Bool
    public var syntax: AddressSyntax

    public init(localPartCaseSensitive: Bool = false, syntax: AddressSyntax = .strict) {
        self.localPartCaseSensitive = localPartCaseSensitive
        self.syntax = syntax
    }

    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    /// The matching key of an address field: blanks trimmed from both ends, the domain's
    /// letters lower-cased, and the local part's ASCII letters too unless it is case-sensitive.
    ///
    /// A field of ASCII bytes (nearly every address) takes the byte path and nothing else. A
    /// field holding a byte ≥ 0x80 is re-read by ``unicodeExactForm(_:)``: invisible
    /// characters (no-break and other Unicode spaces, zero-width characters, byte-order marks)
    /// are trimmed from both ends too, and an international domain becomes its A-labels
    /// (`bücher.de` → `xn--bcher-kva.de`), so both spellings of one domain share a key.
    public func key(_ field: UnsafeRawBufferPointer) -> [UInt8] {
        var lo = 0
        var hi = field.count
        while lo < hi, Self.isBlank(field[lo]) { lo += 1 }
        while hi > lo, Self.isBlank(field[hi - 1]) { hi -= 1 }
        var high: UInt8 = 0
        for i in lo..<hi { high |= field[i] }
        if high & 0x80 != 0 { return unicodeKey(UnsafeRawBufferPointer(rebasing: field[lo..<hi])) }
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: field[lo..<hi]))
        let at = out.lastIndex(of: UInt8(ascii: "@")) ?? -1
        let lowerFrom = localPartCaseSensitive ? at + 1 : 0
        if lowerFrom < out.count {
            for i in lowerFrom..<out.count { out[i] = ASCII.lower(out[i]) }
        }
        return out
    }

    /// ``key(_:)`` for a field (ASCII blanks trimmed) holding a byte ≥ 0x80.
    @inline(never)
    private func unicodeKey(_ field: UnsafeRawBufferPointer) -> [UInt8] {
        var exact = field.withMemoryRebound(to: UInt8.self) { Self.unicodeExactForm($0) }
        if !localPartCaseSensitive, let at = exact.lastIndex(of: UInt8(ascii: "@")) {
            for i in 0..<at { exact[i] = ASCII.lower(exact[i]) }
        }
        return exact
    }

    /// The matching key of an address field's bytes.
    public func key(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { key($0) }
    }

    /// The matching key of an address string.
    public func key(_ address: String) -> [UInt8] {
        key(Array(address.utf8))
    }

    /// Whether a key (as returned by ``key(_:)-swift.method``) is a syntactically valid address.
    public func isValid(_ key: [UInt8]) -> Bool {
        switch syntax {
        case .lenient: return Self.isLenientValid(key)
        case .strict: return Self.isStrictValid(key)
        }
    }

    /// One `@`, something before it, a dot after it, no blanks. One pass, one comparison for
    /// most bytes (letters and digits above `@` are neither): it runs for every list row and
    /// every history address `clean` decides.
    static func isLenientValid(_ k: [UInt8]) -> Bool {
        k.withUnsafeBufferPointer { k in
            var ats = 0
            var at = -1
            var lastDot = -1
            var high: UInt8 = 0
            for i in 0..<k.count {
                let c = k[i]
                high |= c
                guard c <= UInt8(ascii: "@") else { continue }
                if c == UInt8(ascii: "@") {
                    ats += 1
                    at = i
                } else if c == UInt8(ascii: ".") {
                    lastDot = i
                } else if isBlank(c) {
                    return false
                }
            }
            guard ats == 1, at > 0, at < k.count - 1, lastDot > at else { return false }
            // Unicode spaces and invisible characters count as blanks (only a key with a byte ≥ 0x80 can hold one).
            return high < 0x80 || !holdsInvisible(k, allowingJoiners: false)
        }
    }

    /// Characters RFC 5322 allows in an atom, besides letters and digits.
    private static let atomSpecials = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func isStrictValid(_ k: [UInt8]) -> Bool {
        guard let at = k.lastIndex(of: UInt8(ascii: "@")), at > 0, at <= 64, k.count - at - 1 >= 3,
              k.count - at - 1 <= 253, k.count <= 254 else { return false }
        // Local part: dot-atom, no leading, trailing or double dots; UTF-8 (RFC 6531) but no
        // invisible characters and no malformed sequences.
        var previousDot = true
        var i = 0
        while i < at {
            let c = k[i]
            if c == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
                i += 1
                continue
            }
            previousDot = false
            if c >= 0x80 {
                let (scalar, length) = Self.scalar(at: i, in: k)
                guard let scalar, !Self.isInvisible(scalar), i + length <= at else { return false }
                i += length
                continue
            }
            let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || atomSpecials.contains(c)
            if !ok { return false }
            i += 1
        }
        if previousDot { return false }
        // Domain (in a key an international domain is already in A-labels, so any byte
        // ≥ 0x80 left is one libidn2 refused): two or more labels of letters, digits and
        // hyphens, 1–63 bytes, no hyphen at either end; the last label is not all digits.
        var labels = 0
        var labelStart = at + 1
        var allDigits = true
        for i in (at + 1)...k.count {
            if i == k.count || k[i] == UInt8(ascii: ".") {
                let length = i - labelStart
                guard length >= 1, length <= 63, k[labelStart] != UInt8(ascii: "-"), k[i - 1] != UInt8(ascii: "-") else { return false }
                labels += 1
                if i == k.count, allDigits { return false }
                labelStart = i + 1
                allDigits = true
                continue
            }
            let c = k[i]
            let isDigit = c >= 0x30 && c <= 0x39
            let ok = isDigit || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "-")
            if !ok { return false }
            if !isDigit { allDigits = false }
        }
        return labels >= 2
    }
}

// MARK: - The slow path: addresses with bytes ≥ 0x80

extension AddressRules {
    /// Whether a non-ASCII character is invisible in an address as people type and paste it:
    /// Unicode white space (no-break space U+00A0, U+2000–U+200A, U+3000, …), a control or
    /// format character (zero-width space U+200B, byte-order mark U+FEFF, bidi marks, soft
    /// hyphen), or a default-ignorable code point (variation selectors, Hangul fillers). The
    /// Unicode character database decides (the properties White_Space,
    /// Default_Ignorable_Code_Point, and general categories Cc and Cf).
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let p = scalar.properties
        if p.isWhitespace || p.isDefaultIgnorableCodePoint { return true }
        switch p.generalCategory {
        case .control, .format: return true
        default: return false
        }
    }

    /// The zero-width joiner and non-joiner, which IDNA2008 allows inside a domain label in
    /// the scripts that need them (its CONTEXTJ rule, checked by libidn2).
    private static func isJoiner(_ scalar: Unicode.Scalar) -> Bool { scalar.value == 0x200C || scalar.value == 0x200D }

    /// The UTF-8 scalar starting at `i` and its length in bytes; nil (length 1) for a
    /// malformed sequence.
    static func scalar<Bytes: RandomAccessCollection<UInt8>>(at i: Bytes.Index, in bytes: Bytes) -> (Unicode.Scalar?, Int)
        where Bytes.Index == Int
    {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length: Int
        var value: UInt32
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0: length = 3; value = 0; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xED: length = 3; value = 0x0D; hi = 0x9F
        case 0xF0: length = 4; value = 0; lo = 0x90
        case 0xF1...0xF3: length = 4; value = UInt32(b0 & 0x07)
        case 0xF4: length = 4; value = 4; hi = 0x8F
        default: return (nil, 1)
        }
        guard i + length <= bytes.endIndex else { return (nil, 1) }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b >= (k == 1 ? lo : 0x80), b <= (k == 1 ? hi : 0xBF) else { return (nil, 1) }
            value = value << 6 | UInt32(b & 0x3F)
        }
        return (Unicode.Scalar(value), length)
    }

    /// The start of the UTF-8 scalar that ends at `end` (exclusive), not before `start`, and
    /// the scalar; nil when the bytes there are not one well-formed scalar.
    private static func scalar(endingAt end: Int, from start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int)? {
        var j = end - 1
        while j > start, end - j < 4, bytes[j] & 0xC0 == 0x80 { j -= 1 }
        let (scalar, length) = scalar(at: j, in: bytes)
        guard let scalar, j + length == end else { return nil }
        return (scalar, j)
    }

    /// Whether `bytes` (an address field) are empty once blanks and invisible characters are
    /// trimmed: a field of no-break spaces holds no address.
    public static func isBlankField<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes) -> Bool where Bytes.Index == Int {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if isBlank(c) { i += 1; continue }
            guard c >= 0x80 else { return false }
            let (scalar, length) = scalar(at: i, in: bytes)
            guard let scalar, isInvisible(scalar) else { return false }
            i += length
        }
        return true
    }

    /// The address in its compared form, for a field (ASCII blanks already trimmed) that holds
    /// a byte ≥ 0x80: blanks and invisible characters trimmed from both ends; then, unless the
    /// domain holds an invisible character of its own, the domain as libidn2's A-labels
    /// (lower-case ASCII), or, when libidn2 refuses it, with its ASCII letters lower-cased.
    /// The local part is kept as it is (an invisible character inside it stays, and makes the
    /// address invalid). Empty when nothing but blanks and invisible characters is left.
    ///
    /// `ingest` (``EventRecord/withNormalizedAddress(_:_:)``) and `clean` (``key(_:)``) both
    /// come here, so an address has one key in the history and in the list.
    /// - Complexity: O(n) in the field's length.
    @inline(never)  // kept out of the ASCII path's callers
    static func unicodeExactForm(_ field: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var lo = 0, hi = field.count
        while lo < hi {
            let c = field[lo]
            if isBlank(c) { lo += 1; continue }
            guard c >= 0x80 else { break }
            let (scalar, length) = scalar(at: lo, in: field)
            guard let scalar, isInvisible(scalar) else { break }
            lo += length
        }
        while hi > lo {
            let c = field[hi - 1]
            if isBlank(c) { hi -= 1; continue }
            guard c >= 0x80, let (scalar, start) = scalar(endingAt: hi, from: lo, in: field), isInvisible(scalar) else { break }
            hi = start
        }
        guard lo < hi else { return [] }
        var at = hi - 1
        while at >= lo, field[at] != UInt8(ascii: "@") { at -= 1 }  // lo - 1 when there is none
        var out = Array(UnsafeBufferPointer(rebasing: field[lo..<(at + 1)]))
        let domain = UnsafeBufferPointer(rebasing: field[(at + 1)..<hi])
        var mapped: [UInt8]?
        // A field without an "@" has no domain to map: it stays as typed (less its ASCII case),
        // as an ASCII one does, and is reported as typed as an invalid address.
        if at >= lo, domain.contains(where: { $0 >= 0x80 }), !Self.holdsInvisible(domain, allowingJoiners: true) {
            mapped = IDNA.aLabels(domain)
        }
        out += mapped ?? domain.map(ASCII.lower)
        return out
    }

    /// Whether `bytes` hold an invisible character (``isInvisible(_:)``); with
    /// `allowingJoiners`, ZWJ and ZWNJ do not count (IDNA2008 judges them in a domain).
    static func holdsInvisible(_ bytes: UnsafeBufferPointer<UInt8>, allowingJoiners: Bool) -> Bool {
        var i = 0
        while i < bytes.count {
            guard bytes[i] >= 0x80 else { i += 1; continue }
            let (scalar, length) = scalar(at: i, in: bytes)
            if let scalar, isInvisible(scalar), !(allowingJoiners && isJoiner(scalar)) { return true }
            i += length
        }
        return false
    }
}
