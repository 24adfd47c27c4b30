/// An open-addressing hash table keyed by ``Fingerprint``: the fingerprint already is a
/// uniform hash, so its low bits pick the slot and no second hash (SipHash) is computed.
/// Keys and values live in flat arrays, 16 bytes of key per slot plus the value, at most
/// 3/4 full. Written because `Dictionary<Fingerprint, …>` spent a tenth of `clean` hashing.
public struct FingerprintTable<Value> {
    private var highs: [UInt64]
    private var lows: [UInt64]
    private var values: [Value?]
    /// Whether a slot is taken, kept apart so that probing never copies a value.
    private var used: [Bool]
    private var mask: Int
    public private(set) var count = 0

    /// An empty table with room for `capacity` keys before it first grows.
    public init(capacity: Int = 1024) {
        var slots = 16
        while slots * 3 / 4 < capacity { slots <<= 1 }
        highs = [UInt64](repeating: 0, count: slots)
        lows = [UInt64](repeating: 0, count: slots)
        values = [Value?](repeating: nil, count: slots)
        used = [Bool](repeating: false, count: slots)
        mask = slots - 1
    }

    @inline(__always) private func slot(of key: Fingerprint) -> (index: Int, found: Bool) {
        var i = Int(truncatingIfNeeded: key.low) & mask
        while used[i] {
            if highs[i] == key.high, lows[i] == key.low { return (i, true) }
            i = (i + 1) & mask
        }
        return (i, false)
    }

    /// The value stored for `key`.
    public subscript(key: Fingerprint) -> Value? {
        let (i, found) = slot(of: key)
        return found ? values[i] : nil
    }

    /// Stores `value` for `key` unless the key is present; returns the value already stored, if any.
    @discardableResult
    public mutating func insertIfAbsent(_ key: Fingerprint, _ value: Value) -> Value? {
        let (i, found) = slot(of: key)
        if found { return values[i] }
        if (count + 1) * 4 > values.count * 3 {
            grow()
            return insertIfAbsent(key, value)
        }
        highs[i] = key.high
        lows[i] = key.low
        values[i] = value
        used[i] = true
        count += 1
        return nil
    }

    private mutating func grow() {
        var bigger = FingerprintTable(capacity: values.count)
        for i in values.indices where used[i] {
            if let value = values[i] { bigger.insertIfAbsent(Fingerprint(high: highs[i], low: lows[i]), value) }
        }
        self = bigger
    }
}

extension Fingerprint {
    /// A fingerprint from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// A fixed-size open-addressing table from ``Fingerprint`` to a 32-bit value, 16 bytes a
/// slot, sized once for a known number of keys (no growing, so no moment with two tables).
/// Keeps the fingerprint's high word and the low word's low 32 bits: two different
/// addresses would have to agree on 96 bits to be confused (for ten million list addresses
/// against ten million history addresses, a chance of about 10⁻¹⁵).
struct CompactFingerprintTable {
    private var slots: [(high: UInt64, packed: UInt64)]
    private let mask: Int
    private(set) var count = 0

    /// Room for `capacity` keys at most 3/4 full.
    init(capacity: Int) {
        var n = 16
        while n * 3 / 4 < capacity { n <<= 1 }
        slots = Array(repeating: (0, 0), count: n)
        mask = n - 1
    }

    /// An empty slot has both words zero; a stored high word always has its low bit set.
    @inline(__always) private static func words(_ key: Fingerprint) -> (UInt64, UInt64) {
        (key.high | 1, key.low << 32)
    }

    /// Stores `value` for `key` unless the key is present (the first value wins).
    mutating func insertIfAbsent(_ key: Fingerprint, _ value: UInt32) {
        precondition(count < slots.count * 3 / 4 + 1, "CompactFingerprintTable sized too small")
        let (high, low) = Self.words(key)
        var i = Int(truncatingIfNeeded: key.low) & mask
        while slots[i].high != 0 {
            if slots[i].high == high, slots[i].packed & 0xFFFF_FFFF_0000_0000 == low { return }
            i = (i + 1) & mask
        }
        slots[i] = (high, low | UInt64(value))
        count += 1
    }

    subscript(key: Fingerprint) -> UInt32? {
        let (high, low) = Self.words(key)
        var i = Int(truncatingIfNeeded: key.low) & mask
        while slots[i].high != 0 {
            if slots[i].high == high, slots[i].packed & 0xFFFF_FFFF_0000_0000 == low {
                return UInt32(truncatingIfNeeded: slots[i].packed)
            }
            i = (i + 1) & mask
        }
        return nil
    }
}
