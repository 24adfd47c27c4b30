import Foundation
import Testing
@testable import ListWash

/// A list as people fill it in, cleaned against a history ingested from real-looking logs: the
/// history's keys and the list's meet for every spelling of one address.
@Suite struct AddressListTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    /// A Postfix log (recipients in A-labels, as Postfix logs them without SMTPUTF8) and a
    /// canonical CSV exported from a web tool (a U-label domain, a no-break space pasted after
    /// the address, capitals).
    static let postfixLog = """
    Oct 20 08:14:02 mx1 postfix/smtp[31107]: 5F2A31C0B7: to=<anna@xn--bcher-kva.de>, relay=mx.xn--bcher-kva.de[203.0.113.7]:25, delay=0.9, delays=0.1/0/0.4/0.4, dsn=5.1.1, status=bounced (host mx.xn--bcher-kva.de[203.0.113.7] said: 550 5.1.1 <anna@xn--bcher-kva.de>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command))
    Oct 20 08:14:05 mx1 postfix/smtp[31108]: 6A0B42D1C8: to=<paul@example.com>, relay=mx.example.com[192.0.2.10]:25, delay=0.4, delays=0.01/0/0.2/0.19, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 9E8D7C6B5A)

    """
    static let eventsCSV = """
    email,timestamp,event,smtp_code,enhanced_code,diagnostic
    "Marie.Curie@Café.fr\u{00A0}",2026-10-21T09:00:00Z,bounce,550,5.1.1,"550 5.1.1 <marie.curie@café.fr>: mailbox unavailable"

    """

    func ingest(_ folder: TemporaryFolder) throws -> String {
        let history = "\(folder.path)/h.sqlite"
        let log = try folder.write("maillog", Self.postfixLog)
        let csv = try folder.write("events.csv", Self.eventsCSV)
        var job = IngestJob(historyPath: history, policy: Policy(), logger: silentLogger)
        job.importOptions = EventImportOptions(year: 2026)
        let results = try job.run(files: [log, csv])
        #expect(results.map(\.new) == [2, 1])
        #expect(results.map(\.rejected) == [0, 0])
        return history
    }

    @Test func everySpellingOfAnAddressMeetsItsHistoryAndItsDuplicates() throws {
        let folder = try TemporaryFolder()
        let history = try ingest(folder)
        let rows = [
            "email,first_name",
            "ANNA@BÜCHER.DE,Anna",                    // 2: the log's A-label, typed in capitals as a U-label
            "anna@bücher.de,Anna",                    // 3: duplicate of 2
            "anna@xn--bcher-kva.de,Anna",             // 4: duplicate of 2
            "\"marie.curie@xn--caf-dma.fr\",Marie",   // 5: the CSV's U-label, here in A-labels
            "\u{200B}paul@example.com\u{00A0},Paul",  // 6: delivered: kept, pasted characters and all
            "paul@example.com,Paul",                  // 7: duplicate of 6
            "pa\u{00A0}ul@example.com,Paul",          // 8: a no-break space inside: invalid
            "\u{00A0},Nobody",                        // 9: nothing but a no-break space: no address
        ]
        let list = try folder.write("list.csv", rows.joined(separator: "\r\n") + "\r\n")
        let summary = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out",
                                                         historyPath: history, asOf: asOf, policy: Policy()),
                                   logger: silentLogger).run()
        #expect(summary.suppressed[.hardBounce] == 2)
        #expect(summary.suppressed[.invalidAddress] == 1)
        #expect(summary.duplicates == 3)
        #expect(summary.rejected == 1)
        #expect(summary.kept == 1)
        #expect(try folder.read("out/cleaned.csv") == rows[0] + "\r\n" + rows[5] + "\r\n")
        let suppressed = try folder.read("out/suppressed.csv").split(separator: "\n").dropFirst()
        #expect(suppressed.map { String($0.split(separator: ",")[0...1].joined(separator: ",")) } == [
            "anna@xn--bcher-kva.de,hard_bounce", "marie.curie@xn--caf-dma.fr,hard_bounce", "pa\u{00A0}ul@example.com,invalid_address",
        ])
        let audit = try folder.read("out/audit.jsonl").split(separator: "\n")
        #expect(audit.filter { $0.contains(#""action":"drop_duplicate""#) }.map { $0.contains(#""duplicate_of_line":2"#) } == [true, true, false])
        #expect(try folder.read("out/rejects.csv").contains("list.csv,9,no address,"))
    }

    @Test func anEventWithAnInvisibleCharacterInsideIsKeptUnderTheListsKey() throws {
        let folder = try TemporaryFolder()
        let csv = try folder.write("events.csv", """
            email,timestamp,event,smtp_code,enhanced_code,diagnostic
            pa\u{00A0}ul@example.com,2026-10-21T09:00:00Z,bounce,550,5.1.1,550 5.1.1 user unknown

            """)
        let history = "\(folder.path)/h.sqlite"
        let results = try IngestJob(historyPath: history, policy: Policy(), logger: silentLogger).run(files: [csv])
        #expect(results.map(\.new) == [1])
        let events = try HistoryStore(path: history, create: false)
            .events(forKey: AddressRules().key("pa\u{00A0}ul@example.com"), asOf: asOf, caseSensitive: false)
        #expect(events.map(\.address) == ["pa\u{00A0}ul@example.com"])
    }
}
