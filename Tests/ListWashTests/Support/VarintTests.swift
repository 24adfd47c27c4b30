import Testing
@testable import ListWash

@Suite struct VarintTests {
    /// `size` is the length `append` writes, at every group boundary, and `read` gives the value back.
    @Test func sizeIsWhatAppendWritesAndReadGivesTheValueBack() {
        var values: [UInt64] = [0, 1, UInt64.max, UInt64.max - 1]
        for bits in 1..<64 { values += [(1 << UInt64(bits)) - 1, 1 << UInt64(bits)] }
        for value in values {
            var bytes: [UInt8] = []
            Varint.append(value, to: &bytes)
            #expect(Varint.size(value) == bytes.count, "value \(value)")
            var at = 0
            #expect(bytes.withUnsafeBytes { Varint.read($0, at: &at) } == value)
            #expect(at == bytes.count)
        }
    }
}

@Suite struct MemoryReturnTests {
    #if canImport(Glibc)
    /// glibc accepts the fixed mmap threshold (mallopt returns 1); on other C libraries nothing is set.
    @Test func theAllocatorAcceptsTheFixedThreshold() {
        #expect(MemoryReturn.configure())
    }
    #endif
}
