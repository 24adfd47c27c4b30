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

    /// The canonical form's fast path gives what the general reader gives, on texts of its
    /// shape (valid and not: month 13, 31 April, 29 February of leap and common years, second
    /// 60, a non-digit in a digit's place, lower-case `t`/`z`, a space) and on the other forms.
    @Test func canonicalFastPathAgreesWithTheGeneralReader() {
        var rng = SplitMix64(seed: 20)
        let fixed = [
            "2024-02-29T23:59:60Z", "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2000-02-29T12:00:00Z",
            "2024-04-31T00:00:00Z", "2024-00-10T00:00:00Z", "2024-13-10T00:00:00Z", "2024-06-00T00:00:00Z",
            "2024-06-01T24:00:00Z", "2024-06-01T23:60:00Z", "2024-06-01T23:59:61Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "2024-06-01t10:00:05Z", "2024-06-01T10:00:05z",
            "2024-06-01 10:00:05Z", "2024-06-01T10:00:05+02:00", "2024-06-01T10:00:05.5Z", "2024-06-01T10:00:5Z",
            "2024-06-01T10:00:05ZZ", "1717236005", "2024-06-01", "2024-06-01T10:00Z", "2024-06-01T10:00:05UTC",
        ]
        var texts = fixed.map { Array($0.utf8) }
        let digitPlaces = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        for _ in 0..<20_000 {
            var t = Array("2024-06-01T10:00:05Z".utf8)
            // Plausible values, so that most are valid and the edges are reached often.
            let year = Int.random(in: 0...9999, using: &rng), month = Int.random(in: 0...13, using: &rng)
            let day = Int.random(in: 0...32, using: &rng), hour = Int.random(in: 0...25, using: &rng)
            let minute = Int.random(in: 0...61, using: &rng), second = Int.random(in: 0...62, using: &rng)
            for (value, at, width) in [(year, 0, 4), (month, 5, 2), (day, 8, 2), (hour, 11, 2), (minute, 14, 2), (second, 17, 2)] {
                var v = value
                for k in stride(from: width - 1, through: 0, by: -1) { t[at + k] = UInt8(0x30 + v % 10); v /= 10 }
            }
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: t[digitPlaces.randomElement(using: &rng)!] = UInt8.random(in: 0...255, using: &rng)
            case 1: t[[4, 7, 10, 13, 16, 19].randomElement(using: &rng)!] = UInt8.random(in: 0...255, using: &rng)
            case 2: t.insert(contentsOf: Array(".123".utf8), at: 19)
            case 3: t.replaceSubrange(19..., with: Array(["+02:00", "-0530", "+00", "Z"].randomElement(using: &rng)!.utf8))
            default: break
            }
            texts.append(t)
        }
        var canonical = 0
        for text in texts {
            text.withUnsafeBufferPointer { b in
                for assumeUTC in [false, true] {
                    #expect(Timestamp.parse(bytes: b, assumeUTC: assumeUTC) == Timestamp.parseGeneral(bytes: b, assumeUTC: assumeUTC),
                            "\(String(decoding: text, as: UTF8.self))")
                }
                if let fast = Timestamp.parseCanonical(b) {
                    canonical += 1
                    #expect(fast == Timestamp.parseGeneral(bytes: b))
                }
            }
        }
        // The fast path is taken for most of the valid canonical texts.
        #expect(canonical > 5_000)
    }
}
