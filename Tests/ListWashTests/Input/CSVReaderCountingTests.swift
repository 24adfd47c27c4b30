import Testing
@testable import ListWash

/// Line numbers and field values as the reader works them out without a second pass over the
/// record: line breaks counted inside quoted fields only, a field with doubled quotes unquoted
/// into temporary memory.
@Suite struct CSVReaderCountingTests {
    /// Line breaks as a reader of the whole text counts them: LF, CRLF (one), lone CR.
    static func breaks(_ bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x0A {
                count += 1
            } else if bytes[i] == 0x0D, !(i + 1 < bytes.endIndex && bytes[i + 1] == 0x0A) {
                count += 1
            }
            i += 1
        }
        return count
    }

    /// Records whose quoted fields hold LF, CRLF, lone CR (also just before the closing quote
    /// and around doubled quotes), ended by LF, CRLF or CR.
    static func records(seed: UInt64, count: Int) -> [UInt8] {
        var rng = SplitMix(state: seed)
        let inner = ["a", "b c", ",", "\"\"", "\r", "\n", "\r\n", "é", "\r\"\"\n", " "]
        let terminators = ["\n", "\r\n", "\r"]
        var text = "email,diagnostic,n\n"
        for k in 0..<count {
            text += "a\(k)@example.com,"
            if Bool.random(using: &rng) {
                text += "\""
                for _ in 0..<Int.random(in: 0...6, using: &rng) { text += inner.randomElement(using: &rng)! }
                text += "\""
            } else {
                text += "plain \(k)"
            }
            text += ",\(k)" + terminators.randomElement(using: &rng)!
        }
        return Array(text.utf8)
    }

    @Test func aRecordsLineIsOnePlusTheBreaksBeforeIt() throws {
        for seed in UInt64(1)...20 {
            let bytes = Self.records(seed: seed, count: 60)
            let whole = try parse(bytes)
            var before = 0
            for record in whole {
                #expect(record.line == 1 + Self.breaks(bytes[0..<before]))
                #expect(record.error == nil)
                before += record.raw.count
            }
            #expect(before == bytes.count)
            // The same whatever the reads' sizes.
            var rng = SplitMix(state: seed)
            let splits = (0..<6).map { _ in Int.random(in: 1...23, using: &rng) }
            #expect(try parse(bytes, chunks: splits) == whole)
        }
    }

    @Test func countNewlinesCountsLikeAByteLoop() {
        var rng = SplitMix(state: 7)
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x0D, 0x41, 0x22, 0x2C]
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBufferPointer { b in
                guard let base = b.baseAddress else { return }
                for from in [0, length / 3] {
                    for to in [length, max(from, length - 1), from] {
                        #expect(CSVReader.countNewlines(base, from, to) == Self.breaks(bytes[from..<to]))
                    }
                }
            }
        }
    }

    @Test(arguments: [
        "\"a\"\"b\"", "\"\"\"\"", "\"x\"  ", "\"x\"\t ", "\"\"", "plain", "", "\"said \"\"hi\"\"\"", "\"é\"\"ü\"",
    ])
    func withFieldGivesTheFieldsValue(field: String) throws {
        let reader = CSVReader(source: MemoryByteSource(Array("h,\(field),t\n".utf8)), dialect: CSVDialect(delimiter: 0x2C))
        var checked = 0
        try reader.forEachRecord { record in
            #expect(record.withField(1) { Array($0) } == record.field(1))
            #expect(record.withField(0) { Array($0) } == Array("h".utf8))
            checked += 1
        }
        #expect(checked == 1)
    }

    @Test func aMalformedFieldKeepsTheTextAfterItsClosingQuote() throws {
        let reader = CSVReader(source: MemoryByteSource(Array("h,\"a\"\"b\"tail  ,t\n".utf8)), dialect: CSVDialect(delimiter: 0x2C))
        try reader.forEachRecord { record in
            #expect(record.error == .textAfterClosingQuote(field: 2))
            #expect(record.field(1) == Array("a\"btail".utf8))
            #expect(record.withField(1) { Array($0) } == record.field(1))
        }
    }
}

@Suite struct CSVReaderStopTests {
    /// The first delimiter, LF or CR, byte by byte.
    static func firstStop(_ bytes: [UInt8], from: Int, delimiter: UInt8) -> Int {
        var i = from
        while i < bytes.count, bytes[i] != delimiter, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
        return i
    }

    @Test func nextStopFindsWhatAByteLoopFinds() {
        var rng = SplitMix(state: 11)
        // Bytes next to the stops in value (0x0B, 0x0C, 0x0E, 0x2B, 0x2D, 0x3A, 0x3C), high bytes, and the stops.
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x2C, 0x3B, 0x09, 0x0B, 0x0C, 0x0E, 0x2B, 0x2D, 0x3A, 0x3C, 0x41, 0x80, 0x8A, 0xFF, 0x00]
        for length in 0..<80 {
            for _ in 0..<20 {
                // Mostly plain bytes, so stops come at every distance.
                let bytes = (0..<length).map { _ in
                    Int.random(in: 0..<8, using: &rng) == 0 ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0x20...0x7E, using: &rng)
                }
                for delimiter: UInt8 in [0x2C, 0x3B, 0x09, 0x7C] {
                    for from in [0, length / 2] {
                        let found = bytes.withUnsafeBufferPointer { b in
                            CSVReader.nextStop(b.baseAddress ?? UnsafePointer(bitPattern: 8)!, from: from, to: length, delimiter: delimiter)
                        }
                        #expect(found == Self.firstStop(bytes, from: from, delimiter: delimiter))
                    }
                }
            }
        }
    }
}
