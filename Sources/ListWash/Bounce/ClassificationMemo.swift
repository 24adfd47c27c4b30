import Foundation

/// Replaces an event's own recipient address in its diagnostic by a placeholder, so that the
/// same reply template classifies the same whoever it was sent to, and so that words inside an
/// address (`spam@…`, `quota-team@…`) or digits (`x-550@…`) are never read as the reply's words
/// or codes.
enum RecipientMask {
    /// The byte that stands for the recipient: ASCII SUB, which occurs in no phrase, no code and
    /// no command marker, and is neither a blank nor a word character.
    static let placeholder: UInt8 = 0x1A

    /// Copies `text` into `out` with every occurrence of `recipient` (ASCII letters compared
    /// case-insensitively, other bytes exactly; left to right, not overlapping) replaced by
    /// ``placeholder``. Returns the bytes written, at most `text.count`.
    static func write(_ text: UnsafeBufferPointer<UInt8>, masking recipient: UnsafeBufferPointer<UInt8>,
                      into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let n = text.count, m = recipient.count
        guard let source = text.baseAddress, n > 0 else { return 0 }
        let target = out.baseAddress!
        guard m > 0, m <= n else {
            target.update(from: source, count: n)
            return n
        }
        // Candidates are found by one byte of the address, its `@` when it has one (rare in
        // replies, so memchr skips most of the text), else its first byte.
        var anchor = 0
        if let at = memchr(recipient.baseAddress!, Int32(UInt8(ascii: "@")), m) {
            anchor = recipient.baseAddress!.distance(to: at.assumingMemoryBound(to: UInt8.self))
        }
        let anchorByte = ASCII.lower(recipient[anchor])
        let anchorIsLetter = anchorByte >= 0x61 && anchorByte <= 0x7A
        var written = 0
        var copied = 0  // text[..<copied] has been handled
        var i = anchor
        while i + (m - anchor) <= n {
            if anchorIsLetter {
                guard ASCII.lower(text[i]) == anchorByte else { i += 1; continue }
            } else {
                guard let hit = memchr(source + i, Int32(anchorByte), n - i) else { break }
                i = source.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if i + (m - anchor) > n { break }
            }
            let start = i - anchor
            if matches(text, at: start, recipient) {
                let length = start - copied
                (target + written).update(from: source + copied, count: length)
                written += length
                target[written] = placeholder
                written += 1
                copied = start + m
                i = copied + anchor
            } else {
                i += 1
            }
        }
        (target + written).update(from: source + copied, count: n - copied)
        return written + n - copied
    }

    @inline(__always)
    private static func matches(_ text: UnsafeBufferPointer<UInt8>, at start: Int, _ recipient: UnsafeBufferPointer<UInt8>) -> Bool {
        // Mostly the address is quoted as it was sent: the same bytes.
        if memcmp(text.baseAddress! + start, recipient.baseAddress!, recipient.count) == 0 { return true }
        for j in 0..<recipient.count where ASCII.lower(text[start + j]) != ASCII.lower(recipient[j]) { return false }
        return true
    }
}

/// A bounded memo of classifications: (reply code, enhanced code, masked diagnostic) → result.
///
/// Bounce logs repeat a small set of reply templates, so most events are classified by one
/// lookup. The memo is exact (a classification depends on nothing else), so whether an entry is
/// present never changes a result, only how fast it comes. Memory stays flat however many
/// distinct texts a file holds: two generations of at most `maxEntries` entries and `maxBytes`
/// key bytes each; when the young generation is full it becomes the old one and the old one is
/// dropped, and a hit in the old generation moves the entry back to the young one (recently
/// used templates survive). Keys longer than `maxKeyBytes` are not memoized. Thread-safe.
final class ClassificationMemo: @unchecked Sendable {
    let maxEntries: Int
    let maxBytes: Int
    let maxKeyBytes: Int
    private var young: Table
    private var old: Table
    private let lock = NSLock()

    init(maxEntries: Int = 8192, maxBytes: Int = 2 << 20, maxKeyBytes: Int = 1024) {
        self.maxEntries = max(0, maxEntries)
        self.maxBytes = maxBytes
        self.maxKeyBytes = maxKeyBytes
        var slots = 8
        while slots < 2 * self.maxEntries { slots <<= 1 }
        young = Table(slots: self.maxEntries == 0 ? 1 : slots)
        old = Table(slots: self.maxEntries == 0 ? 1 : slots)
    }

    /// Whether a key of `count` bytes can be memoized.
    func accepts(keyBytes count: Int) -> Bool { maxEntries > 0 && count <= maxKeyBytes }

    /// Entries held in both generations (at most `2 * maxEntries`).
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return young.count + old.count
    }

    /// Key bytes held in both generations (at most `2 * maxBytes`).
    var keyBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return young.bytes + old.bytes
    }

    func lookup(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Classification? {
        lock.lock()
        defer { lock.unlock() }
        if let slot = young.find(key, hash: hash) { return young.values[slot] }
        guard let slot = old.find(key, hash: hash), let value = old.values[slot] else { return nil }
        add(key, hash: hash, value)
        return value
    }

    func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, _ value: Classification) {
        lock.lock()
        defer { lock.unlock() }
        guard young.find(key, hash: hash) == nil else { return }
        add(key, hash: hash, value)
    }

    /// Adds to the young generation, turning it into the old one first when it is full.
    private func add(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, _ value: Classification) {
        if young.count >= maxEntries || young.bytes + key.count > maxBytes {
            swap(&young, &old)
            young.removeAll()
        }
        _ = young.insert(key, hash: hash, value)
    }

    /// The hash of a key (not seeded: the memo's results do not depend on it). Two lanes of
    /// eight bytes each, independent of each other so that their multiplications overlap, and
    /// the last bytes read in one load when the key has eight or more.
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let base = key.baseAddress else { return h | 1 }
        let raw = UnsafeRawPointer(base)
        let n = key.count
        var g: UInt64 = 0x6A09_E667_F3BC_C908
        var i = 0
        while i + 16 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            g = (g ^ raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 32
            g ^= g >> 29
            i += 16
        }
        if i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        if i < n, n >= 8 {
            // The last eight bytes, shifted so that the ones not hashed yet are the low ones.
            tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) >> UInt64(8 * (8 - (n - i)))
        } else {
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(key[i]) << shift
                shift += 8
                i += 1
            }
        }
        h = (h ^ tail ^ (g &* 0x9E37_79B9_7F4A_7C15)) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h == 0 ? 1 : h
    }

    /// Open addressing with linear probing; a probe sequence is cut short (the entry is then not
    /// stored), so a run of colliding keys costs a bounded number of comparisons. The keys lie
    /// back to back in one array, each slot holding its hash and where its key is: a lookup
    /// reads one slot and one key, and an insert allocates nothing once the arrays have grown.
    private struct Table {
        static let maxProbes = 32
        struct Slot {
            /// 0: empty.
            var hash: UInt64 = 0
            var keyStart: Int32 = 0
            var keyLength: Int32 = 0
        }
        var slots: [Slot]
        var keys: [UInt8] = []
        var values: [Classification?]
        var count = 0
        var bytes: Int { keys.count }
        let mask: Int

        init(slots count: Int) {
            slots = [Slot](repeating: Slot(), count: count)
            values = [Classification?](repeating: nil, count: count)
            mask = count - 1
        }

        func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
            guard count > 0 else { return nil }
            return slots.withUnsafeBufferPointer { slots in
                keys.withUnsafeBufferPointer { keys -> Int? in
                    var index = Int(truncatingIfNeeded: hash) & mask
                    for _ in 0..<Self.maxProbes {
                        let slot = slots[index]
                        if slot.hash == 0 { return nil }
                        if slot.hash == hash, Int(slot.keyLength) == key.count,
                           key.count == 0 || memcmp(keys.baseAddress! + Int(slot.keyStart), key.baseAddress!, key.count) == 0
                        {
                            return index
                        }
                        index = (index + 1) & mask
                    }
                    return nil
                }
            }
        }

        mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, _ value: Classification) -> Bool {
            var index = Int(truncatingIfNeeded: hash) & mask
            for _ in 0..<Self.maxProbes {
                if slots[index].hash == 0 {
                    slots[index] = Slot(hash: hash, keyStart: Int32(keys.count), keyLength: Int32(key.count))
                    keys.append(contentsOf: key)
                    values[index] = value
                    count += 1
                    return true
                }
                index = (index + 1) & mask
            }
            return false
        }

        mutating func removeAll() {
            guard count > 0 else { return }
            for i in slots.indices where slots[i].hash != 0 {
                slots[i] = Slot()
                values[i] = nil
            }
            keys.removeAll(keepingCapacity: true)
            count = 0
        }
    }
}
