import Foundation
import Testing
@testable import ListWash

@Suite struct BatchPipeTests {
    let classifier = try! Classifier()

    func batch(_ n: Int) -> EventBatch {
        var batch = EventBatch()
        let packed = batch.append(RawEvent(address: "u\(n)@example.com", timestamp: Int64(n), type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
                                           diagnostic: "550 5.1.1 user unknown", source: EventSource(file: "t.csv", line: n)), classifier: classifier)
        #expect(packed)
        return batch
    }

    @Test func storedBatchesComeBackToTheReaderUpToTheCapacity() {
        let pipe = BatchPipe(capacity: 2)
        #expect(pipe.takeEmptied() == nil)
        for n in 0..<3 { pipe.giveBack(batch(n)) }
        // Two kept (the capacity), the last given back first; the third was dropped.
        #expect(pipe.takeEmptied()?.items.map(\.timestamp) == [1])
        #expect(pipe.takeEmptied()?.items.map(\.timestamp) == [0])
        #expect(pipe.takeEmptied() == nil)
    }

    @Test func aCancelledPipeKeepsNoBatches() {
        let pipe = BatchPipe(capacity: 2)
        pipe.giveBack(batch(1))
        pipe.cancel()
        #expect(pipe.takeEmptied() == nil)
        pipe.giveBack(batch(2))
        #expect(pipe.takeEmptied() == nil)
    }

    /// Every stored field of every event, in number order, and the runs' content.
    func dump(_ path: String) throws -> [String] {
        let store = try HistoryStore(path: path, create: false)
        var rows: [String] = []
        let blocks = try store.db.prepare("SELECT block, events FROM event_blocks ORDER BY block")
        while try blocks.step() {
            let block = blocks.int64(0)
            try EventBlock.forEach(in: blocks.bytes(1)) { slot, bytes in
                let e = try HistoryStore.EventRow(bytes)
                func text(_ b: UnsafeRawBufferPointer?) -> String { b.map { String(decoding: $0, as: UTF8.self) } ?? "NULL" }
                rows.append([String(EventBlock.number(block: block, slot: slot)), Array(e.id).hexString, String(e.timestamp),
                             text(e.address), text(e.type), text(e.kind), text(e.reason), e.replyCode.map(String.init) ?? "NULL",
                             text(e.enhancedCode), text(e.diagnostic), text(e.rule), text(e.providerVerdict), text(e.source)]
                    .joined(separator: "|"))
            }
        }
        // Each address of each run, whatever the run's layout.
        for run in try store.runs() {
            let cursor = try RunCursor(db: store.db, run: run.run, layout: run.layout)
            while cursor.isLive {
                rows.append("\(run.run)|\(String(decoding: cursor.key, as: UTF8.self))|\(Array(cursor.entries).hexString)")
                try cursor.advance()
            }
        }
        return rows
    }

    @Test func smallRecycledBatchesStoreWhatOneBatchStores() throws {
        let folder = try TemporaryFolder()
        // Repeated addresses in mixed case, and the first 30 events repeated at the end.
        let lines = (0..<2_000).map { i in
            "User\(i % 150)@Example.com,2026-10-01T00:\(String(format: "%02d", i % 60)):00Z,550,5.1.1,550 5.1.1 unknown \(i % 7)\n"
        }
        let text = "email,timestamp,smtp_code,enhanced_code,diagnostic\n" + (lines + lines.prefix(30)).joined()
        let file = try folder.write("e.csv", text)
        var small = IngestJob(historyPath: "\(folder.path)/small.sqlite", policy: Policy(), logger: silentLogger)
        small.batchSize = 7
        var whole = IngestJob(historyPath: "\(folder.path)/whole.sqlite", policy: Policy(), logger: silentLogger)
        whole.batchSize = 100_000
        let a = try small.run(files: [file])
        let b = try whole.run(files: [file])
        #expect(a.map(\.new) == b.map(\.new))
        #expect(a.map(\.duplicate) == b.map(\.duplicate))
        #expect(a.first?.duplicate ?? 0 > 0)
        let stored = try dump("\(folder.path)/small.sqlite")
        #expect(stored.count > 2_000 - (a.first?.duplicate ?? 0))
        #expect(stored == (try dump("\(folder.path)/whole.sqlite")))
    }

    @Test func theCanonicalCSVPathStoresWhatTheRecordPathStores() throws {
        let folder = try TemporaryFolder()
        let rows = [
            " User@Example.COM ,2026-10-01T00:00:00Z,bounce,550,5.1.1,550 5.1.1 <User@example.com>: user unknown",
            "b@example.com,1759276800,complaint,,,",
            "\"q\"\"x@example.com\",2026-10-02T00:00:00Z,,452, 4.2.2 ,\"452 4.2.2 mailbox full,\nsecond line\"",
            "c@EXAMPLE.com,2026-10-03T00:00:00Z,Delivered,250,,ok",
            "ü@exämple.com,2026-10-04T00:00:00Z,bounce,550,,550 Benutzer unbekannt",
            "  ,2026-10-04T00:00:00Z,bounce,550,,no address",
            "d@example.com,yesterday,bounce,550,,bad time",
            "e@example.com,2026-10-05T00:00:00Z,opened,,,unknown type",
        ]
        let file = "\(folder.path)/e.csv"
        var bytes = Array(("email,timestamp,event,smtp_code,enhanced_code,diagnostic\n" + rows.joined(separator: "\n") + "\n").utf8)
        // A Latin-1 row: ill-formed UTF-8 in the address, the status and the diagnostic, which
        // a String reads as U+FFFD, so the packed path must store the same.
        bytes += Array("jos".utf8) + [0xE9] + Array("@example.com,2026-10-06T00:00:00Z,bounce,550,5.1.".utf8) + [0xB9]
            + Array(",550 Benutzer unbekannt ".utf8) + [0xFC, 0x0A]
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        var rejected: [String] = []
        var job = IngestJob(historyPath: "\(folder.path)/packed.sqlite", policy: Policy(), logger: silentLogger)
        job.onReject = { rejected.append("\($0.line) \($0.reason)") }
        let summary = try job.run(files: [file])
        #expect(summary.map(\.new) == [6])
        // Line numbers count the quoted newline in the third row.
        #expect(rejected == ["8 empty email", "9 timestamp is not ISO 8601 or Unix seconds",
                             "10 unknown event type (expected bounce, delivered, complaint or unsubscribe)"])
        // The same rows as RawEvents and EventRecords, stored through insert.
        let classifier = try Policy().makeClassifier()
        var records: [EventRecord] = []
        try CanonicalEvents.readCSV(source: FileByteSource(path: file), file: file,
                                    emit: { records.append(EventRecord($0, classifier: classifier)!) }, reject: { _ in })
        #expect(records.count == 6)
        #expect(records.last?.address == "jos\u{FFFD}@example.com")
        _ = try HistoryStore(path: "\(folder.path)/records.sqlite", create: true).insert(records)
        let packed = try dump("\(folder.path)/packed.sqlite")
        #expect(packed.count == 6 + 6)  // six events, six keys
        #expect(packed == (try dump("\(folder.path)/records.sqlite")))
    }
}
