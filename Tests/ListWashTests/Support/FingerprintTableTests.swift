import Testing
@testable import ListWash

@Suite struct FingerprintTableTests {
    @Test func keepsTheFirstValueAndGrowsWithoutLosingKeys() {
        var table = FingerprintTable<Int32>(capacity: 4)
        for i in 0..<10_000 {
            #expect(table.insertIfAbsent(Fingerprint(Array("a\(i)@example.com".utf8)), Int32(i)) == nil)
        }
        #expect(table.count == 10_000)
        for i in stride(from: 0, to: 10_000, by: 7) {
            #expect(table[Fingerprint(Array("a\(i)@example.com".utf8))] == Int32(i))
            #expect(table.insertIfAbsent(Fingerprint(Array("a\(i)@example.com".utf8)), -1) == Int32(i))
        }
        #expect(table[Fingerprint(Array("absent@example.com".utf8))] == nil)
    }

    @Test func keysThatShareLowBitsStayDistinct() {
        var table = FingerprintTable<Int>(capacity: 4)
        table.insertIfAbsent(Fingerprint(high: 1, low: 5), 1)
        table.insertIfAbsent(Fingerprint(high: 2, low: 5), 2)
        table.insertIfAbsent(Fingerprint(high: 1, low: 21), 3)
        #expect(table[Fingerprint(high: 1, low: 5)] == 1)
        #expect(table[Fingerprint(high: 2, low: 5)] == 2)
        #expect(table[Fingerprint(high: 1, low: 21)] == 3)
        #expect(table[Fingerprint(high: 3, low: 5)] == nil)
    }

    @Test func fingerprintsOfDifferentKeysDiffer() {
        #expect(Fingerprint(Array("a@example.com".utf8)) != Fingerprint(Array("b@example.com".utf8)))
        #expect(Fingerprint(Array("".utf8)) != Fingerprint(Array("\u{0}".utf8)))
        #expect(Fingerprint(Array("same".utf8)) == Fingerprint(Array("same".utf8)))
    }
}
