import Testing
@testable import ListWash

@Suite struct CanonicalEventsTests {
    func readCSV(_ text: String) throws -> ([RawEvent], [Rejection]) {
        var events: [RawEvent] = [], rejects: [Rejection] = []
        try CanonicalEvents.readCSV(source: MemoryByteSource(Array(text.utf8)), file: "e.csv",
                                    emit: { events.append($0) }, reject: { rejects.append($0) })
        return (events, rejects)
    }

    @Test func columnsAreFoundByNameAndEventDefaultsToBounce() throws {
        let (events, rejects) = try readCSV("""
            diagnostic,enhanced_code,smtp_code,timestamp,email
            "550 5.1.1 user unknown, sorry",5.1.1,550,2024-06-01T10:00:05Z,a@example.com
            ,,,1717236005,b@example.com

            """)
        #expect(rejects.isEmpty)
        #expect(events.count == 2)
        #expect(events[0] == RawEvent(address: "a@example.com", timestamp: 1_717_236_005, type: .bounce, replyCode: 550,
                                      enhancedCode: "5.1.1", diagnostic: "550 5.1.1 user unknown, sorry",
                                      source: EventSource(file: "e.csv", line: 2)))
        #expect(events[1].replyCode == nil && events[1].enhancedCode == nil)
    }

    @Test func badRowsAreRejectedWithTheirLineAndReadingGoesOn() throws {
        let (events, rejects) = try readCSV("""
            email,timestamp,event,smtp_code,enhanced_code,diagnostic
            a@example.com,yesterday,bounce,550,5.1.1,x
            b@example.com,2024-06-01T10:00:05Z,opened,,,
            ,2024-06-01T10:00:05Z,bounce,,,
            c@example.com,2024-06-01T10:00:05Z,bounce
            d@example.com,2024-06-01T10:00:05Z,delivered,250,2.0.0,ok

            """)
        #expect(rejects.map(\.line) == [2, 3, 4, 5])
        #expect(rejects.map(\.reason) == ["timestamp is not ISO 8601 or Unix seconds",
                                          "unknown event type (expected bounce, delivered, complaint or unsubscribe)",
                                          "empty email", "expected 6 fields, found 3"])
        #expect(events.map(\.type) == [.delivered])
        // Reasons never carry the address.
        #expect(!rejects.contains { $0.reason.contains("@") })
    }

    @Test func jsonLinesTakeNumbersOrStrings() throws {
        var events: [RawEvent] = [], rejects: [Rejection] = []
        let text = """
            {"email":"a@example.com","timestamp":1717236005,"smtp_code":"550","enhanced_code":"5.1.1","diagnostic":"x"}

            {"email":"b@example.com","timestamp":"2024-06-01T10:00:05Z","event":"complaint"}
            [1,2]
            {"timestamp":1}
            """
        try CanonicalEvents.readJSONLines(source: MemoryByteSource(Array(text.utf8), chunkSizes: [3]), file: "e.jsonl",
                                          emit: { events.append($0) }, reject: { rejects.append($0) })
        #expect(events.map(\.address) == ["a@example.com", "b@example.com"])
        #expect(events[0].replyCode == 550)
        #expect(events[1].type == .complaint)
        #expect(rejects.map(\.line) == [4, 5])
    }

    @Test func aFileWithoutTheAddressColumnIsAnError() {
        #expect(throws: InputError.self) { try readCSV("when,what\n1,2\n") }
    }

    @Test func aFileWithoutAHeaderLineIsAnErrorThatRepeatsNoneOfItsFirstRecord() {
        do {
            _ = try readCSV("Jane.Doe@example.com,2026-10-01T00:00:00Z,bounce,550,5.1.1,user unknown\n")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".lowercased().contains("jane.doe"))
            #expect(!"\(error)".contains("user unknown"))
            #expect("\(error)".hasPrefix("e.csv:1: the first line holds an address"))
        }
    }

    /// A field read in place (``CanonicalEvents/withValue(_:_:_:)``, its closing quote found
    /// with memchr) has the value the reader's own unquoting gives, for random records of
    /// quoted and unquoted fields: doubled quotes, blanks after the closing quote, text after
    /// it, line breaks inside, an empty quoted field, an unterminated one, CRLF endings.
    @Test func fieldsReadInPlaceAreTheReadersValues() throws {
        var rng = SplitMix64(seed: 11)
        let pieces = ["", "a", "Bob@X.com", "550 5.1.1 user unknown", "é", " ", "\"\"", "x\"\"y", "\r\n", "\n", "\t"]
        var text = "email,diagnostic\n"
        for _ in 0..<2_000 {
            var fields: [String] = []
            for _ in 0..<2 {
                let body = (0..<Int.random(in: 0...4, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: fields.append(body.filter { $0 != "\"" && $0 != "\n" && $0 != "\r\n" && $0 != "\r" && $0 != "," })
                case 1: fields.append("\"\(body)\"  ")
                case 2: fields.append("\"\(body)\"x")
                default: fields.append("\"\(body)\"")
                }
            }
            text += fields.joined(separator: ",") + (Bool.random(using: &rng) ? "\r\n" : "\n")
        }
        let reader = CSVReader(source: MemoryByteSource(Array(text.utf8)))
        var records = 0
        try reader.forEachRecord { record in
            records += 1
            for index in 0..<record.fieldCount {
                let inPlace = CanonicalEvents.withValue(record, index) { Array($0) }
                #expect(inPlace == record.field(index), "record at line \(record.line), field \(index)")
            }
        }
        #expect(records > 1_000)
    }

    /// The word-at-a-time ASCII check says what a byte loop says, for every length up to 80
    /// and a byte ≥ 0x80 at every place.
    @Test func asciiCheckAgreesWithAByteLoop() {
        var rng = SplitMix64(seed: 12)
        for length in 0...80 {
            for _ in 0..<20 {
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...0x7F, using: &rng) }
                if length > 0, Bool.random(using: &rng) { bytes[Int.random(in: 0..<length, using: &rng)] = UInt8.random(in: 0x80...0xFF, using: &rng) }
                let expected = bytes.allSatisfy { $0 < 0x80 }
                #expect(bytes.withUnsafeBufferPointer { CanonicalEvents.isASCII($0) } == expected)
            }
        }
    }
}

@Suite struct IngestFormatDetectionTests {
    @Test func canonicalJsonLinesAreNotMistakenForAProvider() {
        let line = #"{"email":"a@example.com","timestamp":"2026-10-01T00:00:00Z","event":"complaint","diagnostic":"fbl"}"# + "\n"
        #expect(IngestFormat.detect(path: "events.jsonl", prefix: Array(line.utf8)) == .jsonl)
        let sendgrid = #"[{"email":"a@example.com","timestamp":1,"event":"bounce","sg_event_id":"x"}]"#
        #expect(IngestFormat.detect(path: "events.json", prefix: Array(sendgrid.utf8)) == .provider(.sendgrid))
        #expect(IngestFormat.detect(path: "bounces.csv", prefix: Array("email,timestamp,smtp_code\n".utf8)) == .csv)
    }
}
