import Testing
@testable import ListWash

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2024-06-01T10:00:05Z", Int64(1_717_236_005)),
        ("2024-06-01T10:00:05.123Z", 1_717_236_005),
        ("2024-06-01T12:00:05+02:00", 1_717_236_005),
        ("2024-06-01T05:00:05-0500", 1_717_236_005),
        ("2024-06-01 10:00:05Z", 1_717_236_005),
        ("1717236005", 1_717_236_005),
        ("1717236005.12", 1_717_236_005),
        ("2024-06-01", 1_717_200_000),
        ("2000-02-29T00:00:00Z", 951_782_400),
    ])
    func parsesTheFormsSourcesUse(text: String, expected: Int64) {
        #expect(Timestamp.parse(text) == expected)
    }

    @Test(arguments: ["", "yesterday", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-06-01T25:00:00Z", "2024-06-01T10:00:05+0x"])
    func rejectsWhatIsNotATime(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func localTimeNeedsAnExplicitAssumption() {
        #expect(Timestamp.parse("2024-06-01 10:00:05") == nil)
        #expect(Timestamp.parse("2024-06-01 10:00:05", assumeUTC: true) == 1_717_236_005)
    }

    @Test func formatsAsIso8601AndRoundTrips() {
        #expect(Timestamp.format(1_717_236_005) == "2024-06-01T10:00:05Z")
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(-1) == "1969-12-31T23:59:59Z")
        for t: Int64 in [951_782_400, 4_102_444_800, 1_790_000_000] {
            #expect(Timestamp.parse(Timestamp.format(t)) == t)
        }
    }
}
