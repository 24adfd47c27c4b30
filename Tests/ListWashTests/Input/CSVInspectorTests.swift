import Testing
@testable import ListWash

@Suite struct CSVInspectorTests {
    func inspect(_ bytes: [UInt8], _ inspector: CSVInspector = CSVInspector()) throws -> (String, CSVInspection, [Rejection]) {
        var out: [UInt8] = []
        var rejections: [Rejection] = []
        let result = try inspector.run(source: MemoryByteSource(bytes, chunkSizes: [3]), file: "list.csv",
                                       output: { out += $0 }, reject: { rejections.append($0) })
        return (String(decoding: out, as: UTF8.self), result, rejections)
    }

    @Test func printsEveryRecordAsAJSONArrayAndSkipsBlankLinesLikeClean() throws {
        let (out, result, rejections) = try inspect(Array("a;b\r\n\"x;\"\"y\"\"\";\"two\nlines\"\r\n\r\n;\t\r\n".utf8))
        #expect(out == "[\"a\",\"b\"]\n[\"x;\\\"y\\\"\",\"two\\nlines\"]\n[\"\",\"\\t\"]\n")
        #expect(result.records == 3)
        #expect(result.blankLines == 1)
        #expect(result.delimiter == ";")
        #expect(result.fieldCounts.map(\.fields) == [2])
        #expect(rejections.isEmpty)
    }

    @Test func blankLinesAndLineNumbersOnRequestMalformedRecordsReportedWithoutData() throws {
        let bytes = Array("email,n\n\nok@example.com,\"1\"x\nlast@example.com,2".utf8)
        let (out, result, rejections) = try inspect(bytes, CSVInspector(keepBlankLines: true, withLines: true))
        #expect(out == """
            {"line":1,"fields":["email","n"]}
            {"line":2,"fields":[""]}
            {"line":3,"error":"text after the closing quote of field 2","fields":["ok@example.com","1x"]}
            {"line":4,"fields":["last@example.com","2"]}

            """)
        #expect(result.malformed == 1)
        #expect(result.fieldCounts.map(\.records) == [1, 2])
        #expect(rejections.map(\.line) == [3])
        #expect(rejections.allSatisfy { !$0.reason.contains("example") })
    }

    @Test func readsOtherEncodingsAsClean() throws {
        let (out, result, _) = try inspect([0xFF, 0xFE] + utf16Bytes("email|name\nzoë@example.com|Zoë\n"))
        #expect(out == "[\"email\",\"name\"]\n[\"zoë@example.com\",\"Zoë\"]\n")
        #expect(result.encoding == .utf16LE)
        #expect(result.byteOrderMark)
        #expect(result.delimiter == "|")
        let (latin, _, _) = try inspect([0x6E, 0x0A, 0xE9, 0x0A], CSVInspector(encoding: .windows1252))
        #expect(latin == "[\"n\"]\n[\"é\"]\n")
    }
}
