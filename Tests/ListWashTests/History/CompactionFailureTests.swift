import Testing
@testable import ListWash

@Suite struct CompactionFailureTests {
    @Test func aFailedCompactionLeavesTheLoadCommittedAndIsTriedAgain() throws {
        let folder = try TemporaryFolder()
        let classifier = try Classifier()
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: true)
        store.maxRuns = 1
        func load(_ address: String, _ ts: Int64) throws -> HistoryStore.Load {
            let load = try store.beginLoad()
            try load.stage([bounce(address, ts, 550, "5.1.1", "550 5.1.1 user unknown")].compactMap { EventRecord($0, classifier: classifier) })
            _ = try load.commit()
            return load
        }
        #expect(try load("a@example.com", 100).compactionError == nil)
        // Compaction deletes the merged runs' lines from `runs`; a load alone never does.
        try store.db.execute("CREATE TEMP TRIGGER refuse BEFORE DELETE ON runs BEGIN SELECT RAISE(ABORT, 'refused'); END;")
        let second = try load("b@example.com", 200)
        #expect(second.compactionError != nil)
        var keys: [String] = []
        _ = try store.forEachAddress(asOf: 1_000, caseSensitive: false) { key, _ in keys.append(String(decoding: key, as: UTF8.self)) }
        #expect(keys == ["a@example.com", "b@example.com"])
        #expect(try store.runs().count == 2)
        try store.db.execute("DROP TRIGGER refuse")
        #expect(try load("c@example.com", 300).compactionError == nil)
        #expect(try store.runs().count == 1)
        #expect(try store.count() == 3)
    }
}
