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
