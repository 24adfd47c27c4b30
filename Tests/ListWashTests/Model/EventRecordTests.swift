import Testing
@testable import ListWash

@Suite struct EventRecordTests {
    let classifier = sharedClassifier

    /// Ids computed by the code before `identity` was rewritten on bytes (ingest of the same
    /// rows with that build): they must never change, or re-ingesting old files would duplicate.
    @Test(arguments: [
        (RawEvent(address: " Bob.Smith@Example.COM ", timestamp: 1_790_000_000, type: .bounce, replyCode: 550,
                  enhancedCode: "5.1.1",
                  diagnostic: "550 5.1.1 <Bob.Smith@example.com>: Recipient address rejected: User unknown",
                  source: EventSource(file: "a.csv", line: 2)),
         "5244af918411dcd6f9c262c1e6f1799c"),
        (RawEvent(address: "ann@example.org", timestamp: 1_790_000_001, type: .delivered,
                  source: EventSource(file: "a.csv", line: 3)),
         "00946a4c6c2633776dd5f9a96a1272e3"),
        (RawEvent(address: "zoë@example.net", timestamp: 0, type: .bounce, diagnostic: "Boîte pleine — quota dépassé",
                  source: EventSource(file: "a.csv", line: 4)),
         "c4ae06d44f3a87ad5904a5aeb09d2448"),
        (RawEvent(address: "neg@example.com", timestamp: -60, type: .bounce, replyCode: 421, enhancedCode: nil,
                  diagnostic: "421 try later", source: EventSource(file: "b.csv", line: 2)),
         "7621cbb5536232343cb34aeacf466328"),
    ])
    func idsAreStable(raw: RawEvent, expected: String) throws {
        let record = try #require(EventRecord(raw, classifier: classifier))
        #expect(record.id.hexString == expected)
        #expect(record.id.count == 16)
        let exact = AddressRules(localPartCaseSensitive: true).key(raw.address)
        // The identity from the fields alone, as documented, gives the same id.
        var id = [UInt8](repeating: 0, count: 16)
        let enhanced = Array((raw.enhancedCode ?? "").utf8)
        let diagnostic = Array(raw.diagnostic.utf8)
        exact.withUnsafeBufferPointer { address in
            enhanced.withUnsafeBufferPointer { enhanced in
                diagnostic.withUnsafeBufferPointer { diagnostic in
                    id.withUnsafeMutableBytes {
                        EventRecord.identity(address: address, timestamp: raw.timestamp, type: raw.type, replyCode: raw.replyCode,
                                             enhancedCode: enhanced, diagnostic: diagnostic, into: $0)
                    }
                }
            }
        }
        #expect(id.hexString == expected)
    }

    @Test func idIgnoresSourceAndEmptyEnhancedCodeEqualsNone() throws {
        let a = RawEvent(address: "a@example.com", timestamp: 5, replyCode: 550, enhancedCode: "", diagnostic: "x",
                         source: EventSource(file: "one", line: 1))
        var b = a
        b.enhancedCode = nil
        b.source = EventSource(file: "two", line: 9, messageID: "m@x")
        #expect(EventRecord(a, classifier: classifier)?.id == EventRecord(b, classifier: classifier)?.id)
        var c = a
        c.timestamp = 6
        #expect(EventRecord(a, classifier: classifier)?.id != EventRecord(c, classifier: classifier)?.id)
    }

    @Test func fieldsAreNormalizedAsBefore() throws {
        let raw = RawEvent(address: "  Bob.Smith@Example.COM\t", timestamp: 7, replyCode: 550, enhancedCode: "5.1.1",
                           diagnostic: "550 5.1.1 user unknown", providerVerdict: "ses:Permanent/General",
                           source: EventSource(file: "f.csv", line: 12, messageID: "id@x"))
        let record = try #require(EventRecord(raw, classifier: classifier))
        #expect(record.address == "Bob.Smith@example.com")
        #expect(record.addressKey == "bob.smith@example.com")
        #expect(record.source == "f.csv:12 <id@x>")
        #expect(record.diagnostic == raw.diagnostic)
        #expect(record.providerVerdict == "ses:Permanent/General")
        #expect(record.reason == "userunknown")
        #expect(EventRecord(RawEvent(address: " \t", timestamp: 1, source: EventSource(file: "f")), classifier: classifier) == nil)
    }

    /// An address's shape read eight bytes at a time (its last `@`, capitals on either side,
    /// bytes ≥ 0x80) is what a byte-by-byte look gives, for every range of random fields
    /// (letters of both cases, the bytes around `A`–`Z` and `@`, blanks, bytes ≥ 0x80).
    @Test func addressShapeAgreesWithBytewiseScan() {
        var rng = SplitMix64(seed: 8)
        let alphabet = Array("aZzAbY@@.-_+ \t0189".utf8) + [0x3F, 0x41, 0x5A, 0x5B, 0x60, 0x7B, 0x7F, 0x80, 0xC0, 0xC3, 0xA9, 0xFF]
        for _ in 0..<20_000 {
            let field = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let lo = Int.random(in: 0...field.count, using: &rng), hi = Int.random(in: lo...field.count, using: &rng)
            let at = field[lo..<hi].lastIndex(of: UInt8(ascii: "@")) ?? lo - 1
            let nonASCII = field[lo..<hi].contains { $0 >= 0x80 }
            let shape = field.withUnsafeBufferPointer { EventRecord.addressShape($0, lo, hi) }
            #expect(shape.at == at, "\(field) \(lo)..<\(hi)")
            #expect(shape.nonASCII == nonASCII, "\(field) \(lo)..<\(hi)")
            if !nonASCII {
                #expect(shape.localUpper == field[lo..<(at + 1)].contains(where: ASCII.isUpper), "\(field) \(lo)..<\(hi)")
                #expect(shape.domainUpper == field[(at + 1)..<hi].contains(where: ASCII.isUpper), "\(field) \(lo)..<\(hi)")
            }
        }
    }

    /// Address normalization as it was written byte by byte (blanks trimmed, the domain's
    /// capitals lowered in the exact form, all of them in the key; a non-ASCII address by the
    /// list's Unicode form), against which the word-at-a-time scan is checked.
    private static func referenceNormalized(_ field: [UInt8]) -> (exact: [UInt8], key: [UInt8])? {
        var lo = 0, hi = field.count
        while lo < hi, AddressRules.isBlank(field[lo]) { lo += 1 }
        while hi > lo, AddressRules.isBlank(field[hi - 1]) { hi -= 1 }
        guard lo < hi else { return nil }
        let trimmed = Array(field[lo..<hi])
        if trimmed.contains(where: { $0 >= 0x80 }) {
            let exact = trimmed.withUnsafeBufferPointer { AddressRules.unicodeExactForm($0) }
            guard !exact.isEmpty else { return nil }
            let at = exact.lastIndex(of: UInt8(ascii: "@")) ?? -1
            return (exact, exact.enumerated().map { $0.offset < at ? ASCII.lower($0.element) : $0.element })
        }
        let at = trimmed.lastIndex(of: UInt8(ascii: "@")) ?? -1
        let exact = trimmed.enumerated().map { $0.offset > at ? ASCII.lower($0.element) : $0.element }
        return (exact, exact.map(ASCII.lower))
    }

    @Test func normalizedAddressAgreesWithBytewiseReference() {
        var rng = SplitMix64(seed: 9)
        let alphabet = Array("abcxyzABCXYZ@@..-_+  \t\r\n019".utf8) + [0x40, 0x5B, 0x60, 0x7B, 0xC3, 0xA9, 0xFF]
        var fields = ["", " ", "Bob.Smith@Example.COM", "  BOB@EXAMPLE.COM\t", "no-at-sign", "NO-AT-SIGN",
                      "a@b@C.example", "@Example.com", "Local@", "zoë@Example.net", "ZOË@EXAMPLE.NET",
                      "verylongLocalPartWithCapitals.AndMore@sub.Domain.Example.ORG"].map { Array($0.utf8) }
        for _ in 0..<5_000 {
            fields.append((0..<Int.random(in: 0...48, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        }
        for field in fields {
            let got = field.withUnsafeBufferPointer { f in
                EventRecord.withNormalizedAddress(f) { exact, key in (Array(exact), Array(key)) }
            }
            let expected = Self.referenceNormalized(field)
            #expect(got?.0 == expected?.exact, "\(field)")
            #expect(got?.1 == expected?.key, "\(field)")
        }
    }

    /// Decimal digits written two at a time read as `String(value)` writes them.
    @Test func decimalsAreWrittenAsStringWritesThem() {
        var rng = SplitMix64(seed: 10)
        var values: [Int64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, -1, -9, -10, -99, -100, .max, .min, .max - 1, .min + 1]
        for digits in 1...18 {
            let p = (0..<digits).reduce(Int64(1)) { r, _ in r * 10 }
            values += [p - 1, p, p + 1, -(p - 1), -p]
        }
        for _ in 0..<10_000 { values.append(Int64.random(in: .min ... .max, using: &rng) >> Int64.random(in: 0...62, using: &rng)) }
        for value in values {
            let written = [UInt8](unsafeUninitializedCapacity: 24) { buffer, count in count = writeDecimal(value, into: buffer) }
            #expect(String(decoding: written, as: UTF8.self) == String(value))
        }
    }
}
