import Foundation
import Testing
@testable import ListWash

@Suite struct IngestJobTests {
    struct Stop: Error {}

    func eventsCSV(rows: Int, badAt: Int? = nil) -> String {
        var text = "email,timestamp,smtp_code,enhanced_code,diagnostic\n"
        for i in 0..<rows {
            text += i == badAt ? "x\(i)@example.com,not-a-time,550,5.1.1,x\n"
                               : "x\(i)@example.com,2026-10-01T00:00:00Z,550,5.1.1,550 5.1.1 user unknown\n"
        }
        return text
    }

    @Test func aFileIsAddedWholeAndCountedOnce() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("e.csv", eventsCSV(rows: 25_000, badAt: 10))
        var job = IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), logger: silentLogger)
        job.batchSize = 1000
        let first = try job.run(files: [file])
        #expect(first.map(\.new) == [24_999])
        #expect(first.map(\.rejected) == [1])
        let again = try job.run(files: [file])
        #expect(again.map(\.new) == [0])
        #expect(again.map(\.duplicate) == [24_999])
    }

    @Test func aFailureWhileStoringRollsTheWholeFileBack() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("e.csv", eventsCSV(rows: 25_000, badAt: 20_000))
        var job = IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), logger: silentLogger,
                            onReject: { _ in throw Stop() })
        job.batchSize = 500
        #expect(throws: Stop.self) { try job.run(files: [file]) }
        #expect(try HistoryStore(path: "\(folder.path)/h.sqlite", create: false).count() == 0)
    }

    @Test func aFileThatCannotBeReadStopsWithItsError() throws {
        let folder = try TemporaryFolder()
        let job = IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), format: .csv, logger: silentLogger)
        #expect(throws: InputError.missingFile(path: "\(folder.path)/none.csv")) { try job.run(files: ["\(folder.path)/none.csv"]) }
        let headerless = try folder.write("bad.csv", "when,what\n1,2\n")
        #expect(throws: InputError.self) { try job.run(files: [headerless]) }
        #expect(try HistoryStore(path: "\(folder.path)/h.sqlite", create: false).count() == 0)
    }

    @Test func recordsThatAreNotEventsAreCountedByKind() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("sg.json", """
            [{"email":"a@example.com","timestamp":1717236041,"event":"processed","sg_event_id":"p1"},
             {"email":"a@example.com","timestamp":1717236042,"event":"open","sg_event_id":"o1"},
             {"email":"a@example.com","timestamp":1717236043,"event":"open","sg_event_id":"o2"},
             {"email":"a@example.com","timestamp":1717236044,"event":"click","sg_event_id":"c1"},
             {"email":"a@example.com","timestamp":1717236045,"event":"secret@example.com","sg_event_id":"x1"},
             {"email":"a@example.com","timestamp":1717236046,"event":"delivered","sg_event_id":"d1"}]
            """)
        let job = IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), logger: silentLogger)
        let result = try #require(try job.run(files: [file]).first)
        #expect(result.new == 1)
        #expect(result.skipped == 5)
        // A kind that is not a plain name (here an address) is counted as "other", never shown.
        #expect(result.skippedKinds == ["processed": 1, "open": 2, "click": 1, "other": 1])
    }

    @Test func noHistoryIsCreatedWhenAnInputIsMissing() throws {
        let folder = try TemporaryFolder()
        let good = try folder.write("e.csv", eventsCSV(rows: 3))
        let job = IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), logger: silentLogger)
        #expect(throws: InputError.missingFile(path: "\(folder.path)/none.csv")) { try job.run(files: [good, "\(folder.path)/none.csv"]) }
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/h.sqlite"))
        #expect(throws: HistoryError.notAFile(path: folder.path)) {
            try IngestJob(historyPath: folder.path, policy: Policy(), logger: silentLogger).run(files: [good])
        }
    }
}
