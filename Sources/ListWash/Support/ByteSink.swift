/// Where a renderer appends bytes: a byte array, or a ``ByteSink``. Rendering code written
/// against it (JSON escaping, integers, timestamps) serves both without a second copy.
protocol ByteOutput: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(bytes: UnsafeRawBufferPointer)
    mutating func append<T: FixedWidthInteger>(littleEndian value: T)
    mutating func append<T: FixedWidthInteger>(bigEndian value: T)
}

extension Array: ByteOutput where Element == UInt8 {
    @inline(__always)
    mutating func append(bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
}

extension ByteOutput where Self: ~Copyable {
    @inline(__always)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) { append(bytes: UnsafeRawBufferPointer(bytes)) }

    /// Appends a literal's UTF-8 bytes.
    @inline(__always)
    mutating func append(bytes text: StaticString) {
        append(bytes: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends a string's UTF-8 bytes.
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }
}

/// Bytes appended into memory the sink owns: one capacity comparison and one `memcpy` an
/// append. `Array.append(contentsOf:)` checks uniqueness and capacity and copies through the
/// generic collection path on every call, which is a few tens of nanoseconds each: an audit
/// line appends some thirty pieces for every evidence event it shows, and at a million
/// evidence events that was about a fifth of the audit's rendering threads. A line is
/// rendered into a sink and taken out as one array (``takeArray()``).
///
/// Not copyable: it owns its memory, freed when it ends or is taken.
struct ByteSink: ~Copyable, ByteOutput {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes appended so far.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// The bytes appended so far (valid until the next append).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func append(bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Appends an integer's bytes, least significant first (as `Array.append(littleEndian:)`).
    @inline(__always)
    mutating func append<T: FixedWidthInteger>(littleEndian value: T) { store(value.littleEndian) }

    /// Appends an integer's bytes, most significant first (as `Array.append(bigEndian:)`).
    @inline(__always)
    mutating func append<T: FixedWidthInteger>(bigEndian value: T) { store(value.bigEndian) }

    /// Appends an integer's bytes as they are in memory.
    @inline(__always)
    private mutating func store<T: FixedWidthInteger>(_ value: T) {
        let size = MemoryLayout<T>.size
        if count + size > capacity { grow(to: count + size) }
        base.storeBytes(of: value, toByteOffset: count, as: T.self)
        count += size
    }

    /// Empties the sink, keeping its memory.
    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// Grows to at least `needed` bytes (doubling, so appends stay amortized constant).
    private mutating func grow(to needed: Int) {
        let larger = max(needed, capacity * 2)
        let moved = UnsafeMutableRawPointer.allocate(byteCount: larger, alignment: 16)
        moved.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = moved
        capacity = larger
    }

    /// The bytes as an array (one copy), ending the sink.
    consuming func takeArray() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            if count > 0 { UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: base, byteCount: count) }
            initialized = count
        }
    }
}
