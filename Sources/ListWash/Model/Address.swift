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
    /// ASCII letters lower-cased, and the local part's too unless it is case-sensitive.
    /// Non-ASCII bytes are kept as they are.
    public func key(_ field: UnsafeRawBufferPointer) -> [UInt8] {
        var lo = 0
        var hi = field.count
        while lo < hi, Self.isBlank(field[lo]) { lo += 1 }
        while hi > lo, Self.isBlank(field[hi - 1]) { hi -= 1 }
        var out = [UInt8](UnsafeRawBufferPointer(rebasing: field[lo..<hi]))
        let at = out.lastIndex(of: UInt8(ascii: "@")) ?? -1
        let lowerFrom = localPartCaseSensitive ? at + 1 : 0
        if lowerFrom < out.count {
            for i in lowerFrom..<out.count { out[i] = ASCII.lower(out[i]) }
        }
        return out
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

    static func isLenientValid(_ k: [UInt8]) -> Bool {
        var ats = 0
        var at = -1
        for (i, c) in k.enumerated() {
            if c == UInt8(ascii: "@") { ats += 1; at = i }
            if isBlank(c) { return false }
        }
        guard ats == 1, at > 0, at < k.count - 1 else { return false }
        return k[(at + 1)...].contains(UInt8(ascii: "."))
    }

    /// Characters RFC 5322 allows in an atom, besides letters and digits.
    private static let atomSpecials = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func isStrictValid(_ k: [UInt8]) -> Bool {
        guard let at = k.lastIndex(of: UInt8(ascii: "@")), at > 0, at <= 64, k.count - at - 1 >= 3,
              k.count - at - 1 <= 253, k.count <= 254 else { return false }
        // Local part: dot-atom, no leading, trailing or double dots.
        var previousDot = true
        for i in 0..<at {
            let c = k[i]
            if c == UInt8(ascii: ".") {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c >= 0x80 || atomSpecials.contains(c)
            if !ok { return false }
        }
        if previousDot { return false }
        // Domain: two or more labels of letters, digits, hyphens (or UTF-8), 1–63 bytes,
        // no hyphen at either end; the last label is not all digits.
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
            let ok = isDigit || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "-") || c >= 0x80
            if !ok { return false }
            if !isDigit { allDigits = false }
        }
        return labels >= 2
    }
}
