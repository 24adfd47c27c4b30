import Foundation
import Testing
@testable import ListWash

/// PowerMTA accounting fixtures written from FORMATS.md §11; every address is fictional.
enum PowerMTAFixtures {
    static let header = "type,timeLogged,timeQueued,orig,rcpt,orcpt,dsnAction,dsnStatus,dsnDiag,dsnMta,bounceCat,srcType,srcMta,dlvType,dlvSourceIp,dlvDestinationIp,dlvEsmtpAvailable,dlvSize,vmta,jobId,envId\r\n"

    /// The documented default `d`/`b` file, CRLF.
    static let deliveredAndBounced = header
        + "b,1717236005,1717236000,bounces@example.com,nobody@example.org,,failed,5.1.1 (bad destination mailbox address),\"smtp;550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown\",mx.example.org (198.51.100.25),bad-mailbox,smtp,app1.example.com,smtp,203.0.113.9,198.51.100.25,\"PIPELINING,8BITMIME,STARTTLS\",2048,vmta-news,june-2024,\r\n"
        + "d,1717236007,1717236000,bounces@example.com,ok@example.net,,relayed,2.0.0 (success),smtp;250 2.0.0 OK,mx.example.net (203.0.113.50),,smtp,app1.example.com,smtp,203.0.113.9,203.0.113.50,\"PIPELINING,STARTTLS\",2048,vmta-news,june-2024,\r\n"

    /// Several record types in one file: the header is the union of their columns, and each
    /// row leaves the fields it does not use empty. ISO times, a feedback record, a deferral,
    /// a remote bounce, a remote status, a received record, and an unknown type.
    static let unionOfColumns = "type,timeLogged,orig,rcpt,dsnAction,dsnStatus,dsnDiag,bounceCat,feedbackType,format,userAgent,header_Subject\r\n"
        + "t,2024-06-01 10:01:00+0000,bounces@example.com,slow@example.org,delayed,4.4.1 (no answer from host),smtp;451 4.4.1 try again later,no-answer-from-host,,,,\r\n"
        + "tq,2024-06-01T10:02:00Z,bounces@example.com,slow@example.org,delayed,4.2.2 (mailbox full),\"smtp;452 4.2.2 Mailbox full, try later\",quota-issues,,,,\r\n"
        + "f,1717236300,bounces@example.com,angry@example.net,,,,,abuse,arf,ExampleFBL/1.0,June news\r\n"
        + "rb,1717236400,bounces@example.com,moved@example.org,failed,5.1.6 (destination mailbox has moved),smtp;550 5.1.6 mailbox has moved,inactive-mailbox,,,,\r\n"
        + "rs,1717236500,bounces@example.com,late@example.org,delivered,2.0.0 (success),,,,,,\r\n"
        + "r,1717236600,someone@example.com,inbound@example.com,,,,,,,,\r\n"
        + "x,1717236700,bounces@example.com,odd@example.org,,,,,,,,\r\n"
}

@Suite struct PowerMTAImporterTests {
    func read(_ text: String, chunks: [Int] = [1 << 20]) throws -> ImportRun {
        var run = ImportRun()
        run.summary = try PowerMTAImporter().read(source: MemoryByteSource(Array(text.utf8), chunkSizes: chunks), file: "acct.csv",
                                                  emit: { run.events.append($0) }, reject: { run.rejections.append($0) })
        return run
    }

    @Test func bouncesAndDeliveriesKeepTheVerdictAndTheRawReply() throws {
        let run = try read(PowerMTAFixtures.deliveredAndBounced)
        #expect(run.rejections.isEmpty)
        #expect(run.events == [
            RawEvent(address: "nobody@example.org", timestamp: 1_717_236_005, type: .bounce, replyCode: 550, enhancedCode: "5.1.1",
                     diagnostic: "smtp;550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown",
                     providerVerdict: "powermta:b/bad-mailbox", source: EventSource(file: "acct.csv", line: 2),
                     messageIdentity: "pmta:june-2024/"),
            RawEvent(address: "ok@example.net", timestamp: 1_717_236_007, type: .delivered, replyCode: 250, enhancedCode: "2.0.0",
                     diagnostic: "smtp;250 2.0.0 OK", providerVerdict: "powermta:d", source: EventSource(file: "acct.csv", line: 3),
                     messageIdentity: "pmta:june-2024/"),
        ])
    }

    @Test func everyRecordTypeOfAUnionOfColumnsFile() throws {
        for chunks in [[1 << 20], [1], [7, 3]] {
            let run = try read(PowerMTAFixtures.unionOfColumns, chunks: chunks)
            #expect(run.events.map(\.type) == [.bounce, .bounce, .complaint, .bounce, .delivered])
            #expect(run.events.map(\.providerVerdict) == [
                "powermta:t/no-answer-from-host", "powermta:tq/quota-issues", "powermta:f/abuse", "powermta:rb/inactive-mailbox", "powermta:rs",
            ])
            #expect(run.events.map(\.timestamp) == [1_717_236_060, 1_717_236_120, 1_717_236_300, 1_717_236_400, 1_717_236_500])
            #expect(run.events[1].replyCode == 452)
            #expect(run.events[1].enhancedCode == "4.2.2")
            #expect(run.events[1].diagnostic == "smtp;452 4.2.2 Mailbox full, try later")
            #expect(run.summary.skipped == 1)
            #expect(run.rejections.map(\.line) == [8])
            #expect(run.rejections.first?.reason == "unknown PowerMTA record type (expected d, b, t, tq, f, rb, rs or r)")
        }
    }

    @Test func malformedRowsAreRejectedWithTheirLineAndTheRunGoesOn() throws {
        let text = PowerMTAFixtures.header
            + "b,1717236005,1717236000,bounces@example.com,short@example.org\r\n"
            + "b,yesterday,1717236000,bounces@example.com,when@example.org,,failed,5.1.1 (bad destination mailbox address),smtp;550 5.1.1 unknown,,bad-mailbox,,,,,,,,,,\r\n"
            + "b,1717236005,1717236000,bounces@example.com,,,failed,5.1.1 (bad destination mailbox address),smtp;550 5.1.1 unknown,,bad-mailbox,,,,,,,,,,\r\n"
            + "b,1717236005,1717236000,bounces@example.com,\"quote@example.org\"x,,failed,,,,,,,,,,,,,,\r\n"
            + PowerMTAFixtures.deliveredAndBounced.split(separator: "\r\n")[1] + "\r\n"
        let run = try read(text)
        #expect(run.rejections.map(\.line) == [2, 3, 4, 5])
        #expect(run.rejections.map(\.reason) == [
            "expected 21 fields, found 5",
            "PowerMTA record without a readable timeLogged (Unix seconds or ISO 8601)",
            "PowerMTA record without rcpt",
            "text after the closing quote of field 5",
        ])
        #expect(run.rejections.allSatisfy { !$0.reason.contains("@") })
        #expect(run.events.map(\.address) == ["nobody@example.org"])
        #expect(run.summary.rejected == 4)
    }

    @Test func aHeaderLineInTheMiddleStartsANewColumnSet() throws {
        let text = PowerMTAFixtures.deliveredAndBounced + "type,rcpt,timeLogged,dsnStatus\r\nd,again@example.net,1717236900,2.0.0 (success)\r\n"
        let run = try read(text)
        #expect(run.rejections.isEmpty)
        #expect(run.events.map(\.address) == ["nobody@example.org", "ok@example.net", "again@example.net"])
        #expect(run.events.last?.enhancedCode == "2.0.0")
    }

    @Test func detectedByItsHeaderAndNotConfusedWithOtherCSV() {
        func detect(_ text: String, _ name: String = "acct.csv") -> EventFormat? {
            EventFormat.detect(prefix: Array(text.utf8), fileName: name)
        }
        #expect(detect(PowerMTAFixtures.deliveredAndBounced) == .powermta)
        #expect(detect(PowerMTAFixtures.unionOfColumns, "acct-2024-06-01.csv") == .powermta)
        #expect(detect("\u{FEFF}type,rcpt,timeLogged\nd,a@example.com,1717236005\n") == .powermta)
        #expect(detect("type,email,timestamp\nbounce,a@example.com,1717236005\n") == nil)
        #expect(detect("email,timestamp,type\na@example.com,1717236005,bounce\n") == nil)
        #expect(IngestFormat.detect(path: "acct.csv", prefix: Array(PowerMTAFixtures.deliveredAndBounced.utf8)) == .provider(.powermta))
    }

    @Test func ingestStoresPowerMTAEventsAndTheClassifierDecides() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("acct.csv", PowerMTAFixtures.deliveredAndBounced + PowerMTAFixtures.unionOfColumns)
        var rejections: [Rejection] = []
        let job = IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: Policy(), logger: silentLogger, onReject: { rejections.append($0) })
        let results = try job.run(files: [file])
        #expect(results.first?.format == "powermta")
        #expect(results.first?.new == 7)
        #expect(rejections.map(\.line) == [11])
        let stored = try HistoryStore(path: "\(folder.path)/h.sqlite", create: false)
            .events(forKey: Array("nobody@example.org".utf8), asOf: 1_800_000_000, caseSensitive: false)
        #expect(stored.first?.providerVerdict == "powermta:b/bad-mailbox")
        #expect(stored.first?.kind == .hard)
    }
}
