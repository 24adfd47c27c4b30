#if canImport(Glibc)
import Glibc
#endif

/// Rows and removals per receiving domain (the part of the key after its last `@`), counted
/// by `clean`'s list pass for the summary and the blast-radius guard.
///
/// An open-addressing table keyed by the domain's bytes (kept once per distinct domain in one
/// byte pool), so counting a row allocates nothing: one FNV-1a hash of a few bytes and, almost
/// always, one probe. A list has few distinct domains next to its rows.
public struct DomainTally: Sendable, Equatable {
    /// One domain's counts.
    public struct Count: Sendable, Equatable {
        /// The domain (`example.com`; empty for a key without `@`).
        public var domain: String
        /// The list's rows of the domain with an address (duplicates included).
        public var rows: Int
        /// Of those, the rows suppressed (duplicates are not removals of a subscriber).
        public var removed: Int
        /// Suppressed rows per rule.
        public var byRule: [SuppressionRule: Int]

        public init(domain: String, rows: Int, removed: Int, byRule: [SuppressionRule: Int] = [:]) {
            self.domain = domain
            self.rows = rows
            self.removed = removed
            self.byRule = byRule
        }

        /// The share of the domain's rows removed (0 when it has none).
        public var removedShare: Double { rows == 0 ? 0 : Double(removed) / Double(rows) }
    }

    private var pool: [UInt8] = []
    /// Per slot: 0 empty, else the index in `entries` plus one.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)
    private var hashes: [UInt64] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var rows: [Int] = []
    private var removed: [[Int]] = []

    public init() {}

    public static func == (a: DomainTally, b: DomainTally) -> Bool { a.counts == b.counts }

    /// Counts one row of the list with address key `key`, and its removal by `rule`, if any.
    public mutating func count(key: [UInt8], removedBy rule: SuppressionRule? = nil) {
        key.withUnsafeBufferPointer { buffer in
            var start = buffer.count
            while start > 0, buffer[start - 1] != UInt8(ascii: "@") { start -= 1 }
            if start == 0 { start = buffer.count }
            let domain = UnsafeBufferPointer(rebasing: buffer[start...])
            let index = entry(for: domain)
            rows[index] += 1
            if let rule {
                if removed[index].isEmpty { removed[index] = Array(repeating: 0, count: SuppressionRule.allCases.count) }
                removed[index][rule.index] += 1
            }
        }
    }

    /// Every domain's counts, most removed first, then most rows, then by name.
    /// - Complexity: O(*d* log *d*) in the distinct domains.
    public var counts: [Count] {
        var out: [Count] = []
        out.reserveCapacity(rows.count)
        for i in rows.indices {
            var byRule: [SuppressionRule: Int] = [:]
            for (r, n) in removed[i].enumerated() where n > 0 { byRule[SuppressionRule.allCases[r]] = n }
            out.append(Count(domain: String(decoding: pool[starts[i]..<starts[i] + lengths[i]], as: UTF8.self),
                             rows: rows[i], removed: byRule.values.reduce(0, +), byRule: byRule))
        }
        return out.sorted { ($0.removed, $0.rows, $1.domain) > ($1.removed, $1.rows, $0.domain) }
    }

    private mutating func entry(for domain: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in domain { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
        while slots[slot] != 0 {
            let i = Int(slots[slot]) - 1
            if hashes[i] == hash, lengths[i] == domain.count,
               domain.isEmpty || pool.withUnsafeBufferPointer({ p in memcmp(p.baseAddress! + starts[i], domain.baseAddress!, domain.count) == 0 }) {
                return i
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        let index = rows.count
        hashes.append(hash)
        starts.append(pool.count)
        lengths.append(domain.count)
        pool.append(contentsOf: domain)
        rows.append(0)
        removed.append([])
        slots[slot] = Int32(index + 1)
        if rows.count * 2 > slots.count { grow() }
        return index
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for i in hashes.indices {
            var slot = Int(truncatingIfNeeded: hashes[i]) & (slots.count - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(i + 1)
        }
    }
}

