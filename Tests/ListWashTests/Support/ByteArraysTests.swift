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

@Suite struct ByteSinkTests {
    /// Random pieces of every size, bytes, literals and strings, appended to a sink from its
    /// smallest size (so it grows many times) and to an array: the same bytes.
    @Test func appendsWhatAnArrayAppends() {
        var random = SystemRandomNumberGenerator()
        for round in 0..<50 {
            var sink = ByteSink(capacity: round % 3 == 0 ? 0 : 100)
            var expected: [UInt8] = []
            for _ in 0..<Int.random(in: 0...400, using: &random) {
                switch Int.random(in: 0..<6, using: &random) {
                case 0:
                    let b = UInt8.random(in: 0...255, using: &random)
                    sink.append(b)
                    expected.append(b)
                case 1:
                    let piece = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    piece.withUnsafeBytes { sink.append(bytes: $0) }
                    expected += piece
                case 3:
                    let v = UInt64.random(in: 0...UInt64.max, using: &random)
                    sink.append(littleEndian: v)
                    expected.append(littleEndian: v)
                case 4:
                    let v = UInt32.random(in: 0...UInt32.max, using: &random)
                    sink.append(bigEndian: v)
                    expected.append(bigEndian: v)
                case 2:
                    sink.append(bytes: "é\"literal\\" as StaticString)
                    expected += Array("é\"literal\\".utf8)
                default:
                    let text = String(repeating: "ü-x", count: Int.random(in: 0...40, using: &random))
                    sink.append(utf8: text)
                    expected += Array(text.utf8)
                }
                #expect(sink.count == expected.count)
            }
            #expect(Array(sink.bytes) == expected)
            #expect(sink.takeArray() == expected)
        }
    }

    /// JSON strings, integers and timestamps written into a sink are the bytes the array path writes.
    @Test func jsonIntoASinkIsJSONIntoAnArray() {
        let texts = ["", "plain", "quote \" and \\ back", "line\nfeed\r\ttab", "\u{1}\u{1F}\u{7F}", "ünï©ødé", "550 5.1.1 <a@b.c>: no"]
        let numbers: [Int64] = [0, 7, -1, 550, Int64.max, Int64.min + 1, 1_234_567_890]
        var sink = ByteSink(capacity: 0)
        var array: [UInt8] = []
        for text in texts {
            JSONWriter.appendString(text, into: &sink)
            JSONWriter.appendString(text, to: &array)
        }
        for number in numbers {
            JSONWriter.appendInt(number, into: &sink)
            JSONWriter.appendInt(number, to: &array)
            Timestamp.append(number % 400_000_000_000, into: &sink)
            Timestamp.append(number % 400_000_000_000, to: &array)
        }
        #expect(sink.takeArray() == array)
        var json = JSONWriter()
        json.string(nil, texts[2])
        #expect(Array(json.bytes) == Array(#""quote \" and \\ back""#.utf8))
    }
}
