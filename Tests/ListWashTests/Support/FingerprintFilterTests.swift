import Testing
@testable import ListWash

@Suite struct FingerprintFilterTests {
    @Test func everyInsertedKeyIsFoundAndFewOthersAre() {
        var filter = FingerprintFilter(expected: 20_000)
        let inside = (0..<20_000).map { Fingerprint(Array("member\($0)@example.com".utf8)) }
        for f in inside { filter.insert(f) }
        #expect(inside.allSatisfy { filter.mayContain($0) })
        let outside = (0..<20_000).filter { i in filter.mayContain(Fingerprint(Array("stranger\(i)@example.org".utf8))) }.count
        // 10+ bits a key and three probes: about 2% false positives; 5% leaves room for chance.
        #expect(outside < 1_000)
        #expect(!FingerprintFilter(expected: 10).mayContain(inside[0]))
    }
}
