/// A classified event with its deterministic id: what the history stores.
public struct EventRecord: Sendable, Equatable {
    /// First 16 bytes of SHA-256 over the event's identity (see ``EventRecord/identity(address:timestamp:type:replyCode:enhancedCode:diagnostic:into:)``).
    public var id: [UInt8]
    /// The matching key with the local part lower-cased too (the history's grouping key).
    public var addressKey: String
    /// The address trimmed, domain lower-cased, local part as received.
    public var address: String
    public var timestamp: Int64
    public var type: EventType
    public var replyCode: Int?
    public var enhancedCode: String?
    public var diagnostic: String
    public var reason: String
    public var kind: BounceKind?
    /// The classifier rule that decided (`status:5.1.1`).
    public var rule: String
    public var providerVerdict: String?
    public var source: String
    /// The message the event is an attempt of (``RawEvent/messageIdentity``), nil when none.
    public var messageIdentity: String?

    /// Classifies a raw event and gives it its id. Returns nil when the address is empty.
    ///
    /// A bounce is classified with its own address masked in the diagnostic (see
    /// ``Classifier/classify(replyCode:enhancedCode:diagnostic:recipient:)``); the stored
    /// diagnostic is the text as received. The event goes through the one path `ingest` takes
    /// (normalized, classified and packed by ``EventBatch``, its id computed as the storing
    /// thread computes it) and is read back from its packed form, so a record is exactly what
    /// the history stores for the same raw event.
    public init?(_ raw: RawEvent, classifier: Classifier) {
        var batch = EventBatch(reservingEvents: 1)
        guard batch.append(raw, classifier: classifier), let record = batch.record(0) else { return nil }
        self = record
    }

    /// The policy engine's view of the event.
    public var policyEvent: PolicyEvent {
        PolicyEvent(timestamp: timestamp, type: type, kind: kind, reason: reason, message: MessageIdentity.hash(messageIdentity))
    }

    /// The reason, kind and rule stored for an event: its classification's for a bounce, its
    /// type's own for the other events (which are not classified).
    static func outcome(type: EventType, _ c: Classification?) -> (reason: String, kind: BounceKind?, rule: String) {
        guard let c else { return (type.rawValue, nil, "event:\(type.rawValue)") }
        return (c.reason.rawValue, c.kind, c.rule)
    }

    /// The address as ``AddressRules`` keys it with a case-sensitive local part (blanks and
    /// invisible characters trimmed, domain lower-cased, an international domain in A-labels),
    /// and that key with the local part lower-cased too; nil when empty.
    /// Returns `address` itself (no copy) when it is already in that form.
    static func normalizedAddress(_ address: String) -> (exact: String, key: String)? {
        var text = address
        return text.withUTF8 { field -> (String, String)? in
            withNormalizedAddress(field) { exact, key in
                let exactText = exact.baseAddress == field.baseAddress && exact.count == field.count
                    ? address : String(decoding: exact, as: UTF8.self)
                return (exactText, key.baseAddress == exact.baseAddress ? exactText : String(decoding: key, as: UTF8.self))
            }
        }
    }

    /// ``normalizedAddress(_:)`` on bytes: calls `body` with the exact form and the key (each the
    /// input's own bytes where unchanged, else a temporary copy, the key `exact` itself when the
    /// local part has no capital); nil when the trimmed field is empty.
    ///
    /// An ASCII address stays on bytes here. One holding a byte ≥ 0x80 takes the list's slow
    /// path (``AddressRules/unicodeExactForm(_:)``), so an event's key is the key `clean` gives
    /// the same typed address: invisible characters trimmed from the ends, the domain in
    /// A-labels. An event address with an invisible character inside is stored under the key
    /// that keeps it, as the list keys it (where it is an `invalid_address` whatever the
    /// history says); ingest does not judge syntax.
    @inline(__always)
    static func withNormalizedAddress<R>(
        _ field: UnsafeBufferPointer<UInt8>,
        _ body: (_ exact: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R? {
        var lo = 0, hi = field.count
        while lo < hi, AddressRules.isBlank(field[lo]) { lo += 1 }
        while hi > lo, AddressRules.isBlank(field[hi - 1]) { hi -= 1 }
        guard lo < hi else { return nil }
        let (at, localUpper, domainUpper, nonASCII) = addressShape(field, lo, hi)  // at: lo - 1 when there is no `@`
        let trimmed = UnsafeBufferPointer(rebasing: field[lo..<hi])
        if nonASCII { return try withUnicodeAddress(trimmed, body) }
        if !domainUpper, !localUpper { return try body(trimmed, trimmed) }
        let n = hi - lo
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * n) { scratch in
            let base = scratch.baseAddress!
            var exact = trimmed
            if domainUpper {
                for i in lo..<hi {
                    let b = field[i]
                    base[i - lo] = i > at ? ASCII.lower(b) : b
                }
                exact = UnsafeBufferPointer(start: base, count: n)
            }
            guard localUpper else { return try body(exact, exact) }
            for i in lo..<hi {
                let b = field[i]
                base[n + i - lo] = ASCII.lower(b)
            }
            return try body(exact, UnsafeBufferPointer(start: base + n, count: n))
        }
    }

    /// The shape of a trimmed ASCII address `field[lo..<hi]`: where its last `@` is (`lo - 1`
    /// when none), whether its local part (up to and with the `@`) and its domain hold an
    /// ASCII capital, and whether it holds a byte ≥ 0x80 (then the rest means nothing).
    ///
    /// Eight bytes at a time when the address has eight or more, the last word overlapping the
    /// one before it (every answer is an "any", so a byte seen twice changes nothing). In a
    /// word of ASCII bytes, with no carry between bytes: `((w & 0x7F…) + 0x7F…) | w` sets a
    /// byte's high bit unless the byte is zero (so `w ^ "@…@"` marks the `@`s exactly), and
    /// `(w + 0x3F…) & ~(w + 0x25…)` sets it for `0x41 ≤ b ≤ 0x5A`.
    @inline(__always)
    static func addressShape(_ field: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int)
        -> (at: Int, localUpper: Bool, domainUpper: Bool, nonASCII: Bool)
    {
        guard hi - lo >= 8, let base = field.baseAddress else {
            var at = hi - 1
            while at >= lo, field[at] != UInt8(ascii: "@") { at -= 1 }
            var localUpper = false, domainUpper = false, nonASCII = false
            for i in lo..<hi {
                let b = field[i]
                if b >= 0x80 { nonASCII = true }
                if ASCII.isUpper(b) {
                    if i > at { domainUpper = true } else { localUpper = true }
                }
            }
            return (at, localUpper, domainUpper, nonASCII)
        }
        let raw = UnsafeRawPointer(base)
        let highs: UInt64 = 0x8080_8080_8080_8080, lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let ats: UInt64 = 0x4040_4040_4040_4040
        @inline(__always) func word(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        // The last `@`: words from the end.
        var at = lo - 1
        var o = hi - 8
        while true {
            let v = word(o) ^ ats
            let zeros = ~(((v & lows) &+ lows) | v) & highs
            if zeros != 0 {
                at = o + (63 - zeros.leadingZeroBitCount) / 8
                break
            }
            if o == lo { break }
            o = Swift.max(lo, o - 8)
        }
        // Capitals on either side of it, and bytes ≥ 0x80.
        let split = at + 1  // the local part is field[lo..<split]
        var all: UInt64 = 0, local: UInt64 = 0, domain: UInt64 = 0
        o = lo
        while true {
            let w = word(o)
            all |= w
            let capitals = (w &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(w &+ 0x2525_2525_2525_2525) & highs
            let localBytes = split - o
            let localMask: UInt64 = localBytes >= 8 ? ~0 : localBytes <= 0 ? 0 : (1 &<< UInt64(8 * localBytes)) &- 1
            local |= capitals & localMask
            domain |= capitals & ~localMask
            if o + 8 >= hi { break }
            o = Swift.min(o + 8, hi - 8)
        }
        return (at, local != 0, domain != 0, all & highs != 0)
    }

    /// ``withNormalizedAddress(_:_:)`` for a trimmed field holding a byte ≥ 0x80 (kept out of
    /// line: the ASCII path does not carry it).
    @inline(never)
    private static func withUnicodeAddress<R>(
        _ trimmed: UnsafeBufferPointer<UInt8>,
        _ body: (_ exact: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R? {
        let exact = AddressRules.unicodeExactForm(trimmed)
        guard !exact.isEmpty else { return nil }
        let at = exact.lastIndex(of: UInt8(ascii: "@")) ?? -1
        return try exact.withUnsafeBufferPointer { exact in
            guard at > 0, exact[..<at].contains(where: ASCII.isUpper) else { return try body(exact, exact) }
            let key = exact.enumerated().map { $0.offset < at ? ASCII.lower($0.element) : $0.element }
            return try key.withUnsafeBufferPointer { try body(exact, $0) }
        }
    }

    private static let identityPrefix: [UInt8] = Array("listwash-event-v1".utf8)

    /// The deterministic event id: the same event read twice, from any file, gets the same id.
    /// Covers the address, time, type, codes and diagnostic; not the source or the classification.
    /// SHA-256 over `listwash-event-v1`, then each field preceded by a zero byte: the address, the
    /// time in decimal, the type, the reply code in decimal (empty when none), the enhanced code
    /// and the diagnostic; the first 16 bytes of the digest.
    ///
    /// The identity's 16 bytes written to `out`, from the fields' bytes (an absent enhanced code
    /// hashes as an empty one): the input is laid out in one temporary buffer (on the stack when
    /// small) and hashed in one shot.
    static func identity(address: UnsafeBufferPointer<UInt8>, timestamp: Int64, type: EventType, replyCode: Int?,
                         enhancedCode enhanced: UnsafeBufferPointer<UInt8>, diagnostic: UnsafeBufferPointer<UInt8>,
                         into out: UnsafeMutableRawBufferPointer) {
        var typeName = type.rawValue
        typeName.withUTF8 { type in
            let capacity = identityPrefix.count + 6 + address.count + 20 + type.count + 20
                + enhanced.count + diagnostic.count
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
                var p = 0
                func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
                    (buffer.baseAddress! + p).update(from: base, count: bytes.count)
                    p += bytes.count
                }
                func separator() { buffer[p] = 0; p += 1 }
                identityPrefix.withUnsafeBufferPointer { put($0) }
                separator(); put(address)
                separator(); p += writeDecimal(timestamp, into: UnsafeMutableBufferPointer(rebasing: buffer[p...]))
                separator(); put(type)
                separator()
                if let code = replyCode {
                    p += writeDecimal(Int64(code), into: UnsafeMutableBufferPointer(rebasing: buffer[p...]))
                }
                separator(); put(enhanced)
                separator(); put(diagnostic)
                var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                withUnsafeMutableBytes(of: &digest) { digestBytes in
                    SHA256Hasher.digest(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<p])), into: digestBytes)
                    out.copyMemory(from: UnsafeRawBufferPointer(rebasing: digestBytes[..<16]))
                }
            }
        }
    }
}

/// Writes `value` in decimal as `String(value)` does (a leading `-` when negative) and returns
/// how many bytes it wrote (at most 20). Two digits per division.
@inline(__always)
func writeDecimal(_ value: Int64, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, filled from the end
    return withUnsafeMutableBytes(of: &digits) { scratch in
        let s = scratch.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var start = scratch.count
        while magnitude >= 100 {
            let q = magnitude / 100
            let r = magnitude &- q &* 100
            start -= 2
            s[start] = UInt8(truncatingIfNeeded: r / 10) &+ 0x30
            s[start + 1] = UInt8(truncatingIfNeeded: r % 10) &+ 0x30
            magnitude = q
        }
        if magnitude >= 10 {
            start -= 2
            s[start] = UInt8(truncatingIfNeeded: magnitude / 10) &+ 0x30
            s[start + 1] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 0x30
        } else {
            start -= 1
            s[start] = UInt8(truncatingIfNeeded: magnitude) &+ 0x30
        }
        var p = 0
        if value < 0 { out[0] = UInt8(ascii: "-"); p = 1 }
        let count = scratch.count - start
        (out.baseAddress! + p).update(from: s + start, count: count)
        return p + count
    }
}
