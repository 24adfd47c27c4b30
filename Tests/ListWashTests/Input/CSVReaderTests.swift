import Testing
@testable import ListWash

/// An owned copy of a record, for comparing runs.
struct ParsedRecord: Equatable, CustomStringConvertible {
    var line: Int
    var raw: [UInt8]
    var fields: [String]
    var error: CSVRecordError?
    var blank: Bool

    var description: String { "line \(line): \(fields) \(error.map { "\($0)" } ?? "")" }
}

func parse(_ text: String, chunks: [Int] = [1 << 20], dialect: CSVDialect? = nil, maxRecordBytes: Int = 1 << 20) throws -> [ParsedRecord] {
    try parse(Array(text.utf8), chunks: chunks, dialect: dialect, maxRecordBytes: maxRecordBytes)
}

func parse(_ bytes: [UInt8], chunks: [Int] = [1 << 20], dialect: CSVDialect? = nil, maxRecordBytes: Int = 1 << 20) throws -> [ParsedRecord] {
    let reader = CSVReader(source: MemoryByteSource(bytes, chunkSizes: chunks), dialect: dialect,
                           chunkSize: chunks.max() ?? 1, maxRecordBytes: maxRecordBytes)
    var out: [ParsedRecord] = []
    try reader.forEachRecord { r in
        out.append(ParsedRecord(line: r.line, raw: Array(r.raw), fields: (0..<r.fieldCount).map { r.string($0) }, error: r.error, blank: r.isBlank))
    }
    return out
}

/// A deterministic generator for the random splits (no dependence on the system's RNG).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct CSVReaderTests {
    static let tricky = "email,name,notes\r\n"
        + "a@example.com,\"Smith, Jr.\",\"said \"\"hi\"\"\"\r\n"
        + "b@example.com,B,\"two\r\nlines\"\r\n"
        + "c@example.com,C,\"lf\nonly\"\n"
        + "\n"
        + "e@example.com,E,\"ok\"tail\n"
        + "d@example.com,\"unclosed,x\n"
        + "f@example.com,José,ünïcödé\n"
        + "g@example.com,,"

    @Test func quotedFieldsDoubledQuotesAndEmbeddedNewlines() throws {
        let records = try parse(Self.tricky)
        #expect(records[0].fields == ["email", "name", "notes"])
        #expect(records[1].fields == ["a@example.com", "Smith, Jr.", "said \"hi\""])
        #expect(records[2].fields == ["b@example.com", "B", "two\r\nlines"])
        #expect(records[2].line == 3)
        #expect(records[3].fields == ["c@example.com", "C", "lf\nonly"])
        #expect(records[3].line == 5)
        #expect(records[4].blank)
        #expect(records[4].line == 7)
    }

    @Test func unterminatedQuoteRejectsOnlyItsFirstLineAndReadingGoesOn() throws {
        let records = try parse(Self.tricky)
        let unclosed = try #require(records.first { $0.error == .unterminatedQuote })
        #expect(unclosed.line == 9)
        #expect(String(decoding: unclosed.raw, as: UTF8.self) == "d@example.com,\"unclosed,x\n")
        #expect(records.contains { $0.fields.first == "f@example.com" && $0.line == 10 })
    }

    @Test func textAfterClosingQuoteIsAnError() throws {
        let records = try parse(Self.tricky)
        let bad = try #require(records.first { $0.fields.first == "e@example.com" })
        #expect(bad.error == .textAfterClosingQuote(field: 3))
        #expect(bad.line == 8)
    }

    @Test func missingFinalNewlineAndTrailingEmptyField() throws {
        let last = try #require(try parse(Self.tricky).last)
        #expect(last.fields == ["g@example.com", "", ""])
        #expect(last.raw == Array("g@example.com,,".utf8))
    }

    @Test func rawBytesReassembleTheInputExactly() throws {
        let records = try parse(Self.tricky)
        #expect(records.flatMap(\.raw) == Array(Self.tricky.utf8))
    }

    @Test func sameRecordsWholeByteByByteAndInRandomSplits() throws {
        let whole = try parse(Self.tricky)
        #expect(try parse(Self.tricky, chunks: [1]) == whole)
        var rng = SplitMix(state: 42)
        for _ in 0..<50 {
            let splits = (0..<8).map { _ in Int.random(in: 1...17, using: &rng) }
            #expect(try parse(Self.tricky, chunks: splits) == whole)
        }
    }

    @Test func crOnlyLineEndings() throws {
        let records = try parse("email,n\ra@example.com,1\r\"b@example.com\",\"x\ry\"\r")
        #expect(records.map(\.fields) == [["email", "n"], ["a@example.com", "1"], ["b@example.com", "x\ry"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    @Test func byteOrderMarkIsSkippedAndRemembered() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("EMAIL;NAME\nx@example.com;X\n".utf8)
        let reader = CSVReader(source: MemoryByteSource(bytes))
        var headers: [String] = []
        try reader.forEachRecord { r in if headers.isEmpty { headers = (0..<r.fieldCount).map { r.string($0) } } }
        #expect(reader.hadByteOrderMark)
        #expect(headers == ["EMAIL", "NAME"])
        #expect(reader.dialect?.delimiter == UInt8(ascii: ";"))
    }

    @Test(arguments: [(",", ","), (";", ";"), ("\t", "tab"), ("|", "|")])
    func sniffsTheDelimiter(delimiter: String, name: String) throws {
        let text = ["Email Address", "First Name", "Notes"].joined(separator: delimiter) + "\n"
            + ["a@example.com", "A", "\"x, y; z | w\""].joined(separator: delimiter) + "\n"
        let dialect = text.utf8.withContiguousStorageIfAvailable { CSVDialect.sniff(UnsafeRawBufferPointer($0)) }
        #expect(dialect?.delimiterName == name)
        let records = try parse(text)
        #expect(records[1].fields == ["a@example.com", "A", "x, y; z | w"])
    }

    @Test func aQuoteInsideAnUnquotedFieldIsText() throws {
        let records = try parse("email,n\na@example.com,5\"4 tall\n")
        #expect(records[1].fields == ["a@example.com", "5\"4 tall"])
        #expect(records[1].error == nil)
    }

    @Test func recordSizeLimitBoundsMemoryForAStrayQuote() throws {
        let body = "email,n\na@example.com,\"open\n" + String(repeating: "x@example.com,1\n", count: 200)
        let records = try parse(body, chunks: [256], maxRecordBytes: 512)
        #expect(records[1].error == .unterminatedQuote)
        #expect(records[1].line == 2)
        // Reading resumes on the next line; the rows after are read normally.
        #expect(records.count == 202)
        #expect(records[2].fields == ["x@example.com", "1"])
        #expect(records[2].line == 3)
    }
}

@Suite struct CSVReaderBlankAfterQuoteTests {
    @Test func blanksAfterAClosingQuoteAreToleratedAndNotPartOfTheValue() throws {
        let records = try parse("email,n\n\"a@example.com\" ,\"x\"\t\n\"b@example.com\"  \n")
        #expect(records[1].fields == ["a@example.com", "x"])
        #expect(records[1].error == nil)
        #expect(records[2].fields == ["b@example.com"])
        #expect(try parse("email,n\n\"a@example.com\" ,\"x\"\t\n\"b@example.com\"  \n", chunks: [1]) == records)
    }

    @Test func otherTextAfterAClosingQuoteIsStillAnError() throws {
        #expect(try parse("email,n\n\"a@example.com\" x,1\n")[1].error == .textAfterClosingQuote(field: 1))
    }
}

@Suite struct CSVListReaderTests {
    @Test func aListWithoutAHeaderLineIsAnErrorThatRepeatsNoneOfItsFirstRecord() {
        let reader = CSVListReader(path: "list.csv", source: MemoryByteSource(Array("Jane.Doe@example.com,Jane,Doe\n".utf8)),
                                   delimiter: nil, emailColumn: nil)
        do {
            try reader.read { _ in }
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "list.csv:1: the first line holds an address, so it is a record, not a header naming the 3 columns; add a header line, or name the column with --email-column")
            #expect(!"\(error)".contains("Jane"))
        }
    }

    @Test func aHeaderWithoutAnAddressColumnIsNamedInTheError() {
        let reader = CSVListReader(path: "list.csv", source: MemoryByteSource(Array("name,city\nJane,Oslo\n".utf8)),
                                   delimiter: nil, emailColumn: nil)
        #expect(throws: InputError.noAddressColumn(path: "list.csv", columns: 2, firstLineHoldsAddress: false)) { try reader.read { _ in } }
    }
}
