import Foundation
import Testing
@testable import ListWash

@Suite struct RetractionTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    func ingest(_ folder: TemporaryFolder, _ files: [String]) throws -> [IngestFileSummary] {
        try IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), logger: silentLogger).run(files: files)
    }

    func suppressed(_ folder: TemporaryFolder) throws -> String {
        var out: [UInt8] = []
        _ = try SuppressionListExport.run(.init(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), asOf: asOf, format: .sendgrid)) { out += $0 }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func retractingAFileTakesOutItsEventsAndOnlyThem() throws {
        let folder = try TemporaryFolder()
        // Many addresses, so that runs hold groups and a group's first address can go.
        var good = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        for i in 0..<40 { good += "keep\(i)@example.org,2026-10-01T00:00:00Z,bounce,550,5.1.1,user unknown\n" }
        var bad = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        for i in 0..<40 where i % 3 == 0 { bad += "keep\(i)@example.org,2026-10-02T00:00:00Z,delivered,250,2.0.0,ok\n" }
        for i in 0..<30 { bad += "wrong\(i)@example.org,2026-10-02T00:00:00Z,bounce,550,5.1.1,user unknown\n" }
        // The same event as one of the good file's: stored once, from the good file.
        bad += "keep1@example.org,2026-10-01T00:00:00Z,bounce,550,5.1.1,user unknown\n"
        let goodPath = try folder.write("good.csv", good)
        let badPath = try folder.write("bad.csv", bad)
        _ = try ingest(folder, [goodPath, badPath])
        let store = try HistoryStore(path: "\(folder.path)/h.sqlite", create: false)
        #expect(try store.count() == 40 + 14 + 30)
        #expect(try suppressed(folder).contains("wrong0@example.org"))

        let summary = try HistoryStore.retract(path: "\(folder.path)/h.sqlite", source: badPath)
        #expect(summary.events == 44)
        // 30 addresses had only the retracted file's events; 14 others had some in its run.
        #expect(summary.runAddressesRemoved == 44)
        // Each file's events start a block of their own: the file's one block goes whole.
        #expect(summary.blocksDeleted == 1 && summary.blocksRewritten == 0)
        let after = try HistoryStore(path: "\(folder.path)/h.sqlite", create: false)
        #expect(try after.count() == 40)
        let list = try suppressed(folder)
        #expect(!list.contains("wrong"))
        #expect(list.split(separator: "\n").count == 41)  // header and the 40 kept hard bounces
        var perAddress: [String: Int] = [:]
        _ = try after.reading {
            try after.forEachAddress(asOf: asOf, caseSensitive: false) { key, events in
                perAddress[String(decoding: key, as: UTF8.self)] = events.count
            }
        }
        #expect(perAddress.count == 40)
        #expect(perAddress.values.allSatisfy { $0 == 1 })
        let log = try after.lifecycleLog()
        #expect(log.map(\.action) == ["retract"])
        #expect(log[0].detail == "source \(badPath): 44 events removed")

        // Nothing left to take out: nothing changes, nothing is recorded.
        let nothing = try HistoryStore.retract(path: "\(folder.path)/h.sqlite", source: badPath)
        #expect(nothing.events == 0 && nothing.blocksRewritten == 0 && nothing.blocksDeleted == 0)
        #expect(try HistoryStore(path: "\(folder.path)/h.sqlite", create: false).lifecycleLog().count == 1)
        // The file can be ingested again: its events are new again.
        let again = try ingest(folder, [badPath])
        #expect(again.map(\.new) == [44])
    }

    @Test func sourcesMatchTheWholeFileName() {
        func matches(_ stored: String, _ file: String) -> Bool {
            Array(stored.utf8).withUnsafeBytes { HistoryStore.source($0, isFrom: Array(file.utf8)) }
        }
        #expect(matches("logs/a.csv:12", "logs/a.csv"))
        #expect(matches("bounces.mbox <abc@example.com>", "bounces.mbox"))
        #expect(matches("x.eml", "x.eml"))
        #expect(!matches("logs/a.csv.1:12", "logs/a.csv"))
        #expect(!matches("logs/a.csvx", "logs/a.csv"))
        #expect(!matches("logs/a.csv:", "logs/a.csv"))
    }
}
