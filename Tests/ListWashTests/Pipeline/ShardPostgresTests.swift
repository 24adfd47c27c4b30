import Foundation
import Testing
@testable import ListWash

/// `clean --shard I/N` against one PostgreSQL history (the shared store shards are made for),
/// through the binary: the merged parts are the unsharded run's set, byte for byte, manifest
/// (naming the server, without its password) included. Skipped, with a line saying so,
/// without a PostgreSQL server (see ``PostgresTestServer``).
@Suite(.serialized) struct ShardPostgresTests {
    typealias Binary = PostgresStoreTests

    @Test func shardsOfOnePostgresHistoryMergeIntoTheUnshardedRun() throws {
        guard let db = try PostgresTestServer.database(for: "ShardPostgresTests") else { return }
        let folder = try TemporaryFolder()
        let asOf = "2026-11-01T00:00:00Z"
        let ingest = Binary.listwash(["ingest", "--history", db.url, "--policy", "Samples/policy.json", "--quiet",
                                      "Samples/events.csv", "Samples/events.jsonl"])
        #expect(ingest.status == 0 || ingest.status == 65, "\(ingest.errors)")
        for list in ["Samples/subscribers.csv", "Samples/subscribers.xml"] {
            let name = list.hasSuffix("xml") ? "xml" : "csv"
            func clean(_ out: String, _ extra: [String] = []) -> Int32 {
                Binary.listwash(["clean", "--history", db.url, "--policy", "Samples/policy.json", "--quiet", "--list", list,
                                 "--out", "\(folder.path)/\(out)", "--as-of", asOf] + extra).status
            }
            #expect(clean("\(name)-whole") == 65)
            for i in 1...3 { #expect(clean("\(name)-part-\(i)", ["--shard", "\(i)/3"]) == (i == 1 ? 65 : 0)) }
            let merge = Binary.listwash(["merge", "--quiet", "--out", "\(folder.path)/\(name)-merged"]
                                        + (1...3).map { "\(folder.path)/\(name)-part-\($0)" })
            #expect(merge.status == 65, "\(merge.errors)")
            for file in ["cleaned.\(name)", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"] {
                let whole = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/\(name)-whole/\(file)"))
                let merged = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/\(name)-merged/\(file)"))
                #expect(whole == merged, "\(list): \(file)")
            }
            let manifest = try String(contentsOfFile: "\(folder.path)/\(name)-merged/manifest.json", encoding: .utf8)
            #expect(manifest.contains(#""store":"postgres""#))
        }
    }
}
