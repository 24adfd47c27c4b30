import Foundation
import Testing
@testable import ListWash

@Suite struct OperatorActionTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    func export(_ path: String, at time: Int64) throws -> String {
        var out: [UInt8] = []
        _ = try SuppressionListExport.run(.init(historyPath: path, policy: Policy(), asOf: time, format: .csv)) { out += $0 }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func allowReadmitsUntilNewEvidenceAndSuppressIsManual() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        let day: Int64 = 86_400
        let classifier = try Classifier()
        _ = try HistoryStore(path: path, create: true).insert([
            EventRecord(bounce("ana@example.com", asOf - 30 * day, 550, "5.1.1", "550 5.1.1 user unknown"), classifier: classifier)!,
        ])
        #expect(try export(path, at: asOf).contains("ana@example.com,hard_bounce"))

        #expect(try HistoryStore.record(.allow, address: "Ana@example.com", reason: "ticket 4711: mailbox restored", at: asOf - 20 * day, path: path))
        // The same action again changes nothing.
        #expect(try !HistoryStore.record(.allow, address: "Ana@example.com", reason: "ticket 4711: mailbox restored", at: asOf - 20 * day, path: path))
        #expect(!(try export(path, at: asOf).contains("ana@example.com")))
        // Before the allow, the hard bounce still counted.
        #expect(try export(path, at: asOf - 25 * day).contains("ana@example.com,hard_bounce"))

        // New evidence after the allow suppresses again.
        _ = try HistoryStore(path: path, create: false).insert([
            EventRecord(bounce("ana@example.com", asOf - 10 * day, 550, "5.1.1", "550 5.1.1 user unknown"), classifier: classifier)!,
        ])
        #expect(try export(path, at: asOf).contains("ana@example.com,hard_bounce"))

        #expect(try HistoryStore.record(.suppress, address: "bob@example.org", reason: "asked by phone", at: asOf - day, path: path))
        #expect(try export(path, at: asOf).contains("bob@example.org,manual,manual,\(Timestamp.format(asOf - day))"))
        #expect(try HistoryStore.record(.allow, address: "bob@example.org", reason: "asked again", at: asOf - 3600, path: path))
        #expect(!(try export(path, at: asOf).contains("bob@example.org")))

        #expect(throws: HistoryStore.OperatorActionError.blankReason) {
            _ = try HistoryStore.record(.suppress, address: "x@example.org", reason: "  ", at: asOf, path: path)
        }
        #expect(throws: HistoryStore.OperatorActionError.notAnAction) {
            _ = try HistoryStore.record(.bounce, address: "x@example.org", reason: "r", at: asOf, path: path)
        }
    }

    @Test func aManualSuppressionIsAuditedWithItsReason() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        #expect(try HistoryStore.record(.suppress, address: "bob@example.org", reason: "asked by phone", at: asOf - 60, path: path))
        let list = try folder.write("list.csv", "email\nbob@example.org\nann@example.org\n")
        let summary = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: path,
                                                         asOf: asOf, policy: Policy()), logger: silentLogger).run()
        #expect(summary.suppressed == [.manual: 1])
        let audit = try folder.read("out/audit.jsonl")
        #expect(audit.contains(#""rule":"manual""#))
        #expect(audit.contains("asked by phone"))
        #expect(audit.contains("listwash suppress"))
        #expect(try folder.read("out/manifest.json").contains(#""manual":1"#))
    }

    @Test func inputFilesCannotCarryAnOperatorsEvent() throws {
        #expect(EventType.parse(Array("allow".utf8)) == nil)
        #expect(EventType.parse(Array("Suppress".utf8)) == nil)
        #expect(EventType.parse(Array("unsubscribe".utf8)) == .unsubscribe)
        let folder = try TemporaryFolder()
        let csv = try folder.write("e.csv", "email,timestamp,event\nx@example.org,2026-10-01T00:00:00Z,allow\n")
        let jsonl = try folder.write("e.jsonl", #"{"email":"x@example.org","timestamp":"2026-10-01T00:00:00Z","event":"suppress"}"# + "\n")
        let fromCSV = try IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), format: .csv, logger: silentLogger).run(files: [csv])
        let fromJSONL = try IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), format: .jsonl, logger: silentLogger).run(files: [jsonl])
        #expect((fromCSV + fromJSONL).map(\.new) == [0, 0])
        #expect((fromCSV + fromJSONL).map(\.rejected) == [1, 1])
    }

    @Test func operatorEntriesKeepTheirTypeInTheRuns() {
        for type in [EventType.allow, .suppress, .bounce, .unsubscribe] {
            let entry = AddressEntry(timestamp: 5, id: [UInt8](repeating: 7, count: 16), event: 9, type: type, kind: nil, exactDiffers: true, reason: 3)
            #expect(entry.type == type)
            #expect(entry.exactDiffers)
            #expect(entry.kind == nil)
        }
    }
}
