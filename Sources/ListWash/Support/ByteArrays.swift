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
