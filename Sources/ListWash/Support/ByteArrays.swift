extension Array where Element == UInt8 {
    /// Appends raw bytes in one copy. The standard library's generic `append(contentsOf:)`
    /// copies an `UnsafeRawBufferPointer` one byte at a time (it offers no contiguous storage
    /// as `UInt8`s); ingest appends ten fields per event this way, and the generic loop was
    /// about a tenth of its reader thread. Being the more specific overload, this one is chosen
    /// wherever raw bytes are appended to a byte array.
    @inline(__always)
    mutating func append(contentsOf raw: UnsafeRawBufferPointer) {
        raw.withMemoryRebound(to: UInt8.self) { append(contentsOf: $0) }
    }
}

extension Array where Element == UInt8 {
    /// Appends an integer's bytes, least significant first (the spill files' and stored
    /// layouts' byte order).
    @inline(__always)
    mutating func append<T: FixedWidthInteger>(littleEndian value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends an integer's bytes, most significant first (ids and keys that compare as bytes).
    @inline(__always)
    mutating func append<T: FixedWidthInteger>(bigEndian value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian integer at `offset` (any alignment; the caller has checked the bounds).
    @inline(__always)
    func littleEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The big-endian integer at `offset` (any alignment; the caller has checked the bounds).
    @inline(__always)
    func bigEndian<T: FixedWidthInteger>(at offset: Int, as type: T.Type) -> T {
        T(bigEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes at the end: up to `maximum` bytes at the pointer it is
    /// given, returning how many it wrote (those must be initialized, the rest are not kept).
    /// One capacity check and one count update for a whole record, where a record appended
    /// field by field through the generic `append(contentsOf:)` paid for both per field (with
    /// a uniqueness check each time). Storage grows geometrically, as `append` grows it.
    @inline(__always)
    mutating func appendBytes(upTo maximum: Int, _ body: (UnsafeMutableRawPointer) -> Int) {
        if capacity - count < maximum { reserveCapacity(Swift.max(2 * capacity, count + maximum)) }
        append(addingCapacity: maximum) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                let written = body(UnsafeMutableRawPointer(buffer.baseAddress!))
                precondition(written >= 0 && written <= maximum, "appendBytes wrote past its room")
                initialized = written
            }
        }
    }
}

/// Writes bytes front to back into memory its caller made room for (``Array/appendBytes(upTo:_:)``).
struct ByteWriter {
    private(set) var p: UnsafeMutableRawPointer
    let start: UnsafeMutableRawPointer

    @inline(__always)
    init(_ p: UnsafeMutableRawPointer) {
        self.p = p
        start = p
    }

    /// Bytes written so far.
    @inline(__always) var count: Int { p - start }

    @inline(__always)
    mutating func byte(_ v: UInt8) {
        p.storeBytes(of: v, as: UInt8.self)
        p += 1
    }

    @inline(__always)
    mutating func bytes(_ b: UnsafeRawBufferPointer) {
        if let base = b.baseAddress, b.count > 0 { p.copyMemory(from: base, byteCount: b.count) }
        p += b.count
    }

    /// A ``Varint`` (at most ``Varint/maxBytes``).
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        p += Varint.write(value, to: p)
    }
}
