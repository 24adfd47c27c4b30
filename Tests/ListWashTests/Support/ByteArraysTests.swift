import Testing
@testable import ListWash

@Suite struct ByteArraysTests {
    @Test func rawBytesAreAppendedAfterWhatIsThere() {
        var out: [UInt8] = [7]
        withUnsafeBytes(of: UInt32(0x0403_0201).littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(-2).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: UnsafeRawBufferPointer(start: nil, count: 0))
        let text = Array("é@x".utf8)
        text.withUnsafeBytes { out.append(contentsOf: $0) }
        #expect(out == [7, 1, 2, 3, 4, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + text)
    }
}
