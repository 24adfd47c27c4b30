import Foundation
import Testing
@testable import ListWash

@Suite struct SplitCSVReadingTests {
    /// A canonical CSV that is hard to cut: quoted diagnostics with commas, doubled quotes and
    /// line breaks (LF, CRLF, lone CR) inside, CRLF record ends in places, blank lines,
    /// records to reject (a bad time, an empty address, a wrong field count), and a message
    /// column. Lines repeat so that some events are duplicates of earlier ones.
    func eventsCSV(count: Int, strayQuoteAt: Int? = nil) -> String {
        var text = "email,timestamp,smtp_code,enhanced_code,diagnostic,message_id\n"
        for i in 0..<count {
            let address = "user\(i % 900)@example\(i % 11).com"
            let time = "2026-\(String(format: "%02d", 1 + i % 9))-\(String(format: "%02d", 1 + i % 27))T\(String(format: "%02d", i % 24)):\(String(format: "%02d", i % 60)):07Z"
            if i == strayQuoteAt {
                text += "\(address),\(time),550,5.1.1,\"550 a quote that is never closed\n"
                continue
            }
            switch i % 9 {
            case 0: text += "\(address),\(time),550,5.1.1,550 5.1.1 <\(address)>: user unknown,<m\(i)@x>\n"
            case 1: text += "\(address),\(time),452,4.2.2,\"452 4.2.2 mailbox full,\ntry later \"\"soon\"\"\",\n"
            case 2: text += "\(address),\(time),451,,\"451 greylisted\r\nsee https://example.com/\(i)\",m\(i)\r\n"
            case 3: text += "\(address),not-a-time,550,5.1.1,x,\n"
            case 4: text += ",\(time),550,5.1.1,no address,\n"
            case 5: text += "\n\(address),\(time),421,4.4.2,\"421 lost\rconnection\",\n"
            case 6: text += "\(address),\(time),550\n"
            case 7: text += "user\((i - 7) % 900)@example\((i - 7) % 11).com,\(String(format: "2026-%02d-%02dT%02d:%02d:07Z", 1 + (i - 7) % 9, 1 + (i - 7) % 27, (i - 7) % 24, (i - 7) % 60)),550,5.1.1,550 5.1.1 <user\((i - 7) % 900)@example\((i - 7) % 11).com>: user unknown,<m\(i - 7)@x>\n"
            default: text += " \(address.uppercased()) ,\(time),554,5.7.1,\"554 5.7.1 blocked, see \"\"list\"\"\",m\n"
            }
        }
        return text
    }

    struct Outcome: Equatable {
        var summaries: [IngestFileSummary]
        var rejections: [String]
        var blocks: [[UInt8]]
        var runs: [[UInt8]]
    }

    func ingest(_ file: String, into path: String, chunkBytes: Int) throws -> Outcome {
        let box = RejectionBox()
        var job = IngestJob(historyPath: path, policy: Policy(), logger: silentLogger, onReject: { box.add("\($0.file):\($0.line) \($0.reason) \($0.raw)") })
        job.batchSize = 700
        job.splitChunkBytes = chunkBytes
        let summaries = try job.run(files: [file])
        let rejections = box.lines
        let db = try SQLiteConnection(path: path, readOnly: true)
        func rows(_ sql: String) throws -> [[UInt8]] {
            let select = try db.prepare(sql)
            var out: [[UInt8]] = []
            while try select.step() { out.append(Array(select.bytes(0))) }
            return out
        }
        return Outcome(summaries: summaries.map { var s = $0; s.file = ""; return s }, rejections: rejections,
                       blocks: try rows("SELECT events FROM event_blocks ORDER BY block"),
                       runs: try rows("SELECT entries FROM address_runs ORDER BY run, address_key"))
    }

    final class RejectionBox: @unchecked Sendable {
        var lines: [String] = []
        func add(_ line: String) { lines.append(line) }
    }

    @Test func aSplitReadingStoresTheSameHistoryAsOneReader() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("events.csv", eventsCSV(count: 9_000))
        let one = try ingest(file, into: "\(folder.path)/one.sqlite", chunkBytes: 0)
        #expect(one.summaries.first?.rejected ?? 0 > 2_000)
        #expect(one.summaries.first?.duplicate ?? 0 > 500)
        for chunk in [40_000, 65_536, 100_003] {
            let split = try ingest(file, into: "\(folder.path)/split-\(chunk).sqlite", chunkBytes: chunk)
            #expect(split == one, "chunks of \(chunk) bytes")
        }
    }

    @Test func aCutInsideAQuotedFieldFallsBackToOneReader() throws {
        let folder = try TemporaryFolder()
        // A quote opened and never closed: one reader rejects its first line and reads on; the
        // chunk that holds it is read again from its start by one reader.
        let file = try folder.write("events.csv", eventsCSV(count: 6_000, strayQuoteAt: 3_001))
        let one = try ingest(file, into: "\(folder.path)/one.sqlite", chunkBytes: 0)
        let split = try ingest(file, into: "\(folder.path)/split.sqlite", chunkBytes: 30_000)
        #expect(split == one)
    }

    @Test func smallGzippedAndStandardInputFilesAreReadByOneReader() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("events.csv", eventsCSV(count: 50))
        #expect(SplitCSVReading.open(file: file, classifier: try Classifier(), batchSize: 10, chunkBytes: 1 << 20) == nil)
        #expect(SplitCSVReading.open(file: file, classifier: try Classifier(), batchSize: 10, chunkBytes: 64) != nil)
        #expect(SplitCSVReading.open(file: "-", classifier: try Classifier(), batchSize: 10, chunkBytes: 64) == nil)
        let gzip = "\(folder.path)/events.csv.gz"
        #expect(FileManager.default.createFile(atPath: gzip, contents: Data([0x1F, 0x8B] + Array(repeating: 0x41, count: 400))))
        #expect(SplitCSVReading.open(file: gzip, classifier: try Classifier(), batchSize: 10, chunkBytes: 64) == nil)
    }
}
