import Testing
@testable import ListWash

@Suite struct RunLedgerTests {
    @Test func removalsRecordedInListOrderAreStoredSortedAndReadBack() throws {
        var recorder = LedgerEntry.RemovalsRecorder()
        let rows: [(String, SuppressionRule)] = [("zed@example.org", .hardBounce), ("amy@example.com", .complaint),
                                                 ("josé@example.es", .softBounceEscalation), ("bad", .invalidAddress)]
        for (key, rule) in rows { recorder.add(key: Array(key.utf8), rule: rule) }
        let packed = recorder.packed
        let removals = try #require(LedgerEntry.Removals(packed: packed))
        #expect(removals.rules == Dictionary(uniqueKeysWithValues: rows))
        // Sorted by the keys' bytes: "amy…" < "bad" < "jos…" < "zed…".
        #expect(Array(packed.prefix(16)) == [15] + Array("amy@example.com".utf8))
        #expect(LedgerEntry.Removals(packed: Array(packed.dropLast())) == nil, "a cut blob is refused")
    }
}
