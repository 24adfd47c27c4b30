import Foundation
import Testing
@testable import ListWash

@Suite struct PostfixImporterTests {
    private func importer(year: Int? = nil, modified: String? = nil) -> PostfixImporter {
        PostfixImporter(options: EventImportOptions(year: year, fileModified: modified.flatMap { Timestamp.parse($0) }))
    }

    @Test func deliveryLinesMapToEventsAndOtherLinesAreSilentlySkipped() throws {
        let run = try runImporter(importer(year: 2024), EventFixtures.postfixLog, file: "maillog")
        #expect(run.rejections.isEmpty)
        #expect(run.summary.skipped == 0)
        #expect(run.events.count == 4)
        #expect(run.events[0] == RawEvent(
            address: "nobody@example.org", timestamp: Timestamp.parse("2024-06-01T10:00:05Z")!, type: .bounce,
            replyCode: 550, enhancedCode: "5.1.1",
            diagnostic: "host mx.example.org[198.51.100.25] said: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown (in reply to RCPT TO command)",
            providerVerdict: "postfix:bounced", source: EventSource(file: "maillog", line: 2),
            messageIdentity: "postfix:4B1C2A0F3E"))
        // No remote reply: the dsn= field is the enhanced code.
        #expect(run.events[1].address == "slow@example.net")
        #expect(run.events[1].replyCode == nil)
        #expect(run.events[1].enhancedCode == "4.4.1")
        #expect(run.events[1].diagnostic == "connect to mx.example.net[203.0.113.50]:25: Connection timed out")
        #expect(run.events[1].providerVerdict == "postfix:deferred")
        #expect(run.events[2].type == .delivered)
        #expect(run.events[2].replyCode == 250)
        #expect(run.events[2].source.line == 5)
        #expect(run.events[3].replyCode == 450)
        #expect(run.events[3].enhancedCode == "4.7.1")
        #expect(run.events[3].source.line == 8)
        #expect(run.summary.notes.count == 1)
        #expect(run.summary.notes[0].contains("2024 (--year)"))
    }

    @Test func crlfLineEndsGiveTheSameEvents() throws {
        let lf = try runImporter(importer(year: 2024), EventFixtures.postfixLog, file: "maillog")
        let crlf = try runImporter(importer(year: 2024), EventFixtures.postfixLog.replacingOccurrences(of: "\n", with: "\r\n"), file: "maillog")
        #expect(lf.events == crlf.events)
    }

    @Test func givenYearRollsOverFromDecemberToJanuary() throws {
        let log = """
        Dec 31 23:59:50 mx1 postfix/smtp[1]: A1: to=<a@example.org>, relay=none, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.1]:25: Connection refused)
        Jan  1 00:00:10 mx1 postfix/smtp[1]: A2: to=<b@example.org>, relay=none, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.1]:25: Connection refused)
        Dec 31 23:59:59 mx1 postfix/smtp[1]: A3: to=<c@example.org>, relay=none, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.1]:25: Connection refused)
        Jan  1 00:00:20 mx1 postfix/smtp[1]: A4: to=<d@example.org>, relay=none, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.1]:25: Connection refused)
        Feb  3 08:00:00 mx1 postfix/smtp[1]: A5: to=<e@example.org>, relay=none, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.1]:25: Connection refused)
        """
        let run = try runImporter(importer(year: 2023), log)
        #expect(run.events.map { Timestamp.format($0.timestamp) } == [
            "2023-12-31T23:59:50Z", "2024-01-01T00:00:10Z", "2023-12-31T23:59:59Z", "2024-01-01T00:00:20Z", "2024-02-03T08:00:00Z",
        ])
    }

    @Test func missingYearComesFromTheModificationDateAcrossNewYear() throws {
        let log = """
        Dec 30 12:00:00 mx1 postfix/smtp[1]: A1: to=<a@example.org>, relay=none, dsn=5.1.2, status=bounced (Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found)
        Jan  2 08:00:00 mx1 postfix/smtp[1]: A2: to=<b@example.org>, relay=none, dsn=5.1.2, status=bounced (Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found)
        """
        let run = try runImporter(importer(modified: "2025-01-02T09:00:00Z"), log)
        #expect(run.events.map { Timestamp.format($0.timestamp) } == ["2024-12-30T12:00:00Z", "2025-01-02T08:00:00Z"])
        #expect(run.summary.notes == ["syslog timestamps have no year: years taken from the file's modification date (2025-01-02T09:00:00Z)"])
    }

    @Test func missingYearIsReadFromTheFileOnDisk() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("listwash-postfix-\(UUID().uuidString).log")
        let log = "Mar  4 05:06:07 mx1 postfix/smtp[1]: A1: to=<a@example.org>, relay=none, dsn=5.1.1, status=bounced (host x said: 550 no)\n"
        try Data(log.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_720_000_000)], ofItemAtPath: url.path)
        let run = try runImporter(PostfixImporter(), log, file: url.path)
        #expect(run.events.map { Timestamp.format($0.timestamp) } == ["2024-03-04T05:06:07Z"])
    }

    @Test func missingYearWithoutAnySourceStopsWithTheLine() throws {
        let log = "Jun  1 10:00:00 mx1 postfix/qmgr[1]: A1: from=<n@example.com>, size=1, nrcpt=1 (queue active)\n"
            + "Jun  1 10:00:05 mx1 postfix/smtp[1]: A1: to=<a@example.org>, relay=none, dsn=5.1.1, status=bounced (x)\n"
        #expect(throws: EventImportError.yearUnknown(file: "/nonexistent/listwash/maillog", line: 2)) {
            try runImporter(PostfixImporter(), log, file: "/nonexistent/listwash/maillog")
        }
    }

    @Test func isoAndRFC5424TimestampsNeedNoYear() throws {
        let log = """
        2024-06-01T10:00:05.123456+02:00 mx1 postfix/smtp[20411]: 4B1C2A0F3E: to=<nobody@example.org>, relay=mx.example.org[198.51.100.25]:25, delay=1.2, delays=0.05/0.01/0.6/0.54, dsn=5.1.1, status=bounced (host mx.example.org[198.51.100.25] said: 550 5.1.1 User unknown (in reply to RCPT TO command))
        <22>1 2024-06-01T10:00:06.000Z mx1 postfix/smtp 20412 - - 5C2D3B1A55: to=<other@example.org>, relay=none, delay=1, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=example.invalid type=A: Host not found)
        """
        let run = try runImporter(PostfixImporter(), log, file: "/nonexistent/listwash/maillog")
        #expect(run.rejections.isEmpty)
        #expect(run.events.map { Timestamp.format($0.timestamp) } == ["2024-06-01T08:00:05Z", "2024-06-01T10:00:06Z"])
        #expect(run.events[1].address == "other@example.org")
        #expect(run.events[1].enhancedCode == "5.4.4")
        #expect(run.summary.notes.isEmpty)
    }

    @Test func expiredQueueManagerLineJoinsTheDeferredRecipients() throws {
        let log = """
        Jun  1 10:00:00 mx1 postfix/smtp[1]: AAA111: to=<slow@example.net>, relay=mx.example.net[203.0.113.50]:25, delay=1, dsn=4.2.2, status=deferred (host mx.example.net[203.0.113.50] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))
        Jun  1 10:00:00 mx1 postfix/smtp[1]: AAA111: to=<other@example.net>, relay=mx.example.net[203.0.113.50]:25, delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok)
        Jun  6 10:00:00 mx1 postfix/qmgr[2]: AAA111: from=<news@example.com>, status=expired, returned to sender
        Jun  6 10:00:01 mx1 postfix/qmgr[2]: AAA111: removed
        Jun  6 10:00:02 mx1 postfix/qmgr[2]: BBB222: from=<news@example.com>, status=expired, returned to sender
        """
        let run = try runImporter(importer(year: 2024), log)
        #expect(run.events.map(\.type) == [.bounce, .delivered, .bounce])
        #expect(run.events[2] == RawEvent(
            address: "slow@example.net", timestamp: Timestamp.parse("2024-06-06T10:00:00Z")!, type: .bounce,
            replyCode: 452, enhancedCode: "4.2.2",
            diagnostic: "host mx.example.net[203.0.113.50] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)",
            providerVerdict: "postfix:expired", source: EventSource(file: "events.json", line: 3),
            messageIdentity: "postfix:AAA111"))
        #expect(run.summary.skipped == 1)
        #expect(run.summary.notes.contains { $0.hasPrefix("1 status=expired line(s)") })
    }

    @Test func unreadableDeliveryLinesAreRejectedWithTheirLineAndNoAddress() throws {
        let log = """
        Jun  1 10:00:00 mx1 postfix/smtp[1]: A1: to=<ok@example.org>, relay=none, dsn=5.1.1, status=bounced (x)
        Jun 99 10:00:00 mx1 postfix/smtp[1]: A2: to=<baddate@example.org>, relay=none, dsn=5.1.1, status=bounced (x)
        Jun  1 10:00:00 mx1 postfix/smtp[1]: A3: relay=none, dsn=5.1.1, status=bounced (x)
        Jun  1 10:00:00 mx1 postfix/smtp[1]: A4: to=<>, relay=none, dsn=5.1.1, status=bounced (x)
        Jun  1 10:00:00 mx1 postfix/smtp[1]: A5: to=<nostatus@example.org>, relay=none, dsn=5.1.1, status= (x)
        Jun  1 10:00:00 mx1 postfix/smtp[1]: A6: to=<open@example.org, relay=none, dsn=5.1.1, status=bounced (x)
        Jun  1 10:00:00 mx1 postfix/smtp[1]: A7: to=<probe@example.org>, relay=none, dsn=2.1.5, status=deliverable (250 2.1.5 Ok)
        Jun  1 10:00:00 mx1 postfix/smtp[1]: A8: to=<last@example.org>, relay=none, dsn=5.1.1, status=bounced (x)
        """
        let run = try runImporter(importer(year: 2024), log, file: "maillog")
        #expect(run.events.map { $0.source.line ?? 0 } == [1, 8])
        #expect(run.rejections.map(\.line) == [2, 3, 4, 5, 6])
        #expect(run.rejections.allSatisfy { !$0.reason.contains("@") && $0.file == "maillog" })
        #expect(run.rejections[0].reason == "unreadable log timestamp")
        #expect(run.rejections[4].reason == "Postfix delivery line with an unterminated to=<…>")
        // Address-verification probes are well-formed but carry no delivery: skipped.
        #expect(run.summary.skipped == 1)
    }
}

@Suite struct PostfixLogStreamTests {
    private func collect(_ chunks: [[UInt8]]) throws -> ImportRun {
        var run = ImportRun()
        var stream = PostfixLogStream(file: "maillog", options: EventImportOptions(year: 2024))
        for chunk in chunks {
            try stream.feed(chunk, emit: { run.events.append($0) }, reject: { run.rejections.append($0) })
        }
        run.summary = try stream.finish(emit: { run.events.append($0) }, reject: { run.rejections.append($0) })
        return run
    }

    @Test func sameRecordsWhateverTheChunking() throws {
        let text = EventFixtures.postfixLog
            + "\nJun  1 10:09:00 mx1 postfix/smtp[1]: A9: relay=none, status=bounced (x)\r\nJun  1 10:10:00 mx1 postfix/smtp[1]: B1: to=<tail@example.org>, relay=none, dsn=5.1.1, status=bounced (no newline at the end)"
        let bytes = Array(text.utf8)
        let whole = try collect([bytes])
        #expect(whole.events.count == 5)
        #expect(whole.rejections.map(\.line) == [9])
        #expect(whole.events.last?.source.line == 10)
        #expect(try collect(bytes.map { [$0] }).events == whole.events)
        var generator = SplitMix64(seed: 4242)
        for _ in 0..<20 {
            var chunks: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let length = Int(generator.next() % 97)
                let end = min(bytes.count, start + length)
                chunks.append(Array(bytes[start..<end]))
                start = end
            }
            let split = try collect(chunks)
            #expect(split.events == whole.events)
            #expect(split.rejections == whole.rejections)
            #expect(split.summary == whole.summary)
        }
    }
}

/// A small deterministic generator, so the random splits are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D4_9B34_D049_D133
        return z ^ (z >> 31)
    }
}
