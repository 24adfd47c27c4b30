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
        var at = hi - 1
        while at >= lo, field[at] != UInt8(ascii: "@") { at -= 1 }  // lo - 1 when there is none
        // The local part (with its `@`) and the domain: whether each holds a capital, and
        // whether either holds a byte ≥ 0x80.
        let split = Swift.max(lo, at + 1)
        let local = scanCase(field, lo, split), domain = scanCase(field, split, hi)
        let localUpper = local.upper, domainUpper = domain.upper
        let trimmed = UnsafeBufferPointer(rebasing: field[lo..<hi])
        if local.nonASCII || domain.nonASCII { return try withUnicodeAddress(trimmed, body) }
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

    /// Whether `field[from..<to]` holds an ASCII capital, and whether it holds a byte ≥ 0x80
    /// (then `upper` means nothing): eight bytes at a time, then one by one. In a word of
    /// ASCII bytes, `b + 0x3F` sets a byte's high bit when `b ≥ 0x41` and `b + 0x25` when
    /// `b ≥ 0x5B`, without carries between bytes.
    @inline(__always)
    static func scanCase(_ field: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> (upper: Bool, nonASCII: Bool) {
        guard let base = field.baseAddress, from < to else { return (false, false) }
        let raw = UnsafeRawPointer(base)
        let highs: UInt64 = 0x8080_8080_8080_8080
        var all: UInt64 = 0, capitals: UInt64 = 0
        var i = from
        while i + 8 <= to {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            all |= w
            capitals |= (w &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(w &+ 0x2525_2525_2525_2525)
            i += 8
        }
        var upper = capitals & highs != 0
        var high = all & highs != 0
        while i < to {
            let b = field[i]
            if b >= 0x80 { high = true }
            if ASCII.isUpper(b) { upper = true }
            i += 1
        }
        return (upper, high)
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
/// how many bytes it wrote (at most 20).
@inline(__always)
func writeDecimal(_ value: Int64, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, filled from the end
    return withUnsafeMutableBytes(of: &digits) { scratch in
        var start = scratch.count
        repeat {
            start -= 1
            scratch[start] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
            magnitude /= 10
        } while magnitude > 0
        var p = 0
        if value < 0 { out[0] = UInt8(ascii: "-"); p = 1 }
        for i in start..<scratch.count {
            out[p] = scratch[i]
            p += 1
        }
        return p
    }
}
