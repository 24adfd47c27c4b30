import Testing
@testable import ListWash

@Suite struct CanonicalEventTypeTests {
    @Test(arguments: [
        "bounce", "Bounce", "BOUNCE", "delivered", "DeLiVeReD", "complaint", "unsubscribe", "allow", "suppress", "Suppress",
        "bounced", "bounc", "", "bogus", "bounçe", "BOUNCE\u{0}", "ｂｏｕｎｃｅ", "deliveredx",
    ])
    func typeNamesReadInPlaceAsParseReadsThem(name: String) {
        let bytes = Array(name.utf8)
        let inPlace = bytes.withUnsafeBufferPointer { CanonicalEvents.eventType($0) }
        #expect(inPlace == EventType.parse(bytes))
    }

    @Test func anInvalidUTF8NameIsNoType() {
        let bytes: [UInt8] = [0x62, 0x6F, 0x75, 0x6E, 0x63, 0xC3]
        #expect(bytes.withUnsafeBufferPointer { CanonicalEvents.eventType($0) } == nil)
        #expect(EventType.parse(bytes) == nil)
    }

    @Test func anEventColumnIsReadTrimmedAndCaseInsensitively() throws {
        let csv = "email,timestamp,event\r\na@example.com,1,\" Delivered \"\r\nb@example.com,2,\r\nc@example.com,3,allow\r\nd@example.com,4,COMPLAINT\n"
        var types: [EventType] = []
        var rejected: [Int] = []
        try CanonicalEvents.readCSV(source: MemoryByteSource(Array(csv.utf8)), file: "e.csv",
                                    emit: { types.append($0.type) }, reject: { rejected.append($0.line) })
        #expect(types == [.delivered, .bounce, .complaint])
        #expect(rejected == [4])
    }
}
