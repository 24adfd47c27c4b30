#if canImport(Glibc)
import Glibc
#endif

/// Compares byte keys as SQLite's BINARY collation does: bytes as unsigned, then length (a
/// key before its extensions). The one key order of the sort runs, the spilled chunks and the
/// history's address runs.
@inline(__always) func compareKeys(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int32 {
    let n = min(a.count, b.count)
    if n > 0 {
        let c = memcmp(a.baseAddress!, b.baseAddress!, n)
        if c != 0 { return c }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

/// A key's first 8 bytes as a big-endian word, zero-padded: where two prefixes differ they
/// order their keys as ``compareKeys(_:_:)`` does, so most comparisons never read the keys.
@inline(__always) func keyPrefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
    if key.count >= 8 { return UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)) }
    var p: UInt64 = 0
    for i in 0..<8 { p = p << 8 | UInt64(i < key.count ? key[i] : 0) }
    return p
}

/// One sorted run as ``KWayMerge`` reads it: its current key, until it is read to the end.
protocol MergeSource: AnyObject {
    /// False once the run is read to its end.
    var isLive: Bool { get }
    /// The current key (only while ``isLive``), valid until ``advance()``.
    var key: UnsafeRawBufferPointer { get }
    /// Moves to the next key, which is not before the current one.
    func advance() throws
}

/// The one k-way merge of the spill toolkit: sorted runs (sort runs on disk, spilled chunks,
/// the history's address runs) read together in key order, with a binary heap ordered by
/// (key, run index). Equal keys come out in run order, so a merge of runs in the order they
/// were written is stable. Comparisons look at the keys' 8-byte prefixes first (kept per run).
///
/// - Complexity: O(log k) comparisons per key read, for k runs.
struct KWayMerge<Source: MergeSource> {
    let sources: [Source]
    /// Indices of the live sources, as a binary min-heap.
    private var heap: [Int] = []
    /// Per source, ``keyPrefix(_:)`` of its current key.
    private var prefixes: [UInt64]

    /// `sources`: each at its first key (or read to its end already), in run order.
    init(_ sources: [Source]) {
        self.sources = sources
        prefixes = sources.map { $0.isLive ? keyPrefix($0.key) : 0 }
        heap.reserveCapacity(sources.count)
        for i in sources.indices where sources[i].isLive {
            heap.append(i)
            siftUp(heap.count - 1)
        }
    }

    /// The run at the smallest key (the first of them in run order); nil once every run is read.
    var top: Source? { heap.isEmpty ? nil : sources[heap[0]] }

    /// Moves ``top`` to its next key and restores the order.
    mutating func advanceTop() throws {
        let i = heap[0]
        let source = sources[i]
        try source.advance()
        if source.isLive {
            prefixes[i] = keyPrefix(source.key)
        } else {
            let last = heap.removeLast()
            guard !heap.isEmpty else { return }
            heap[0] = last
        }
        siftDown(0)
    }

    /// Takes the smallest key: copies it to `key` and calls `body` with every run positioned
    /// at it, in run order, moving each on after. False, without calling `body`, once every
    /// run is read.
    mutating func nextGroup(key: inout [UInt8], _ body: (Source) throws -> Void) throws -> Bool {
        guard !heap.isEmpty else { return false }
        let first = heap[0]
        let prefix = prefixes[first]
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: sources[first].key)
        try body(sources[first])
        try advanceTop()
        while !heap.isEmpty {
            let next = heap[0]
            guard prefixes[next] == prefix,
                  key.withUnsafeBytes({ compareKeys(sources[next].key, $0) }) == 0 else { break }
            try body(sources[next])
            try advanceTop()
        }
        return true
    }

    @inline(__always)
    private func less(_ a: Int, _ b: Int) -> Bool {
        let pa = prefixes[a], pb = prefixes[b]
        if pa != pb { return pa < pb }
        let c = compareKeys(sources[a].key, sources[b].key)
        return c != 0 ? c < 0 : a < b
    }

    private mutating func siftUp(_ index: Int) {
        var i = index
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(heap[i], heap[parent]) else { return }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var i = index
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < n, less(heap[l], heap[smallest]) { smallest = l }
            if r < n, less(heap[r], heap[smallest]) { smallest = r }
            if smallest == i { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }
}
