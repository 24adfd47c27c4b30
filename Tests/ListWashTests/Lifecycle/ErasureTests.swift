import Foundation
import Testing
@testable import ListWash

@Suite struct ErasureTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200
    /// The person who asks to be forgotten, as the files spell them.
    let person = "Alice.Forget@Example.com"

    /// A folder with the history alone in `hist/` (so every file there is the history's), the
    /// inputs beside it.
    struct Setup {
        let folder: TemporaryFolder
        var history: String { "\(folder.path)/hist/h.sqlite" }
        var historyFolder: String { "\(folder.path)/hist" }
    }

    func setUp() throws -> Setup {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: "\(folder.path)/hist", withIntermediateDirectories: false)
        let setup = Setup(folder: folder)
        // A CSV whose file name holds the address (an export named after the person), with
        // the person's events, and two other people's bounces quoting the address (lower-case
        // and upper-case).
        let csv = """
            email,timestamp,event,smtp_code,enhanced_code,diagnostic
            \(person),2026-09-01T10:00:00Z,delivered,250,2.0.0,250 2.0.0 OK
            \(person),2026-09-14T10:00:05Z,bounce,550,5.1.1,"550 5.1.1 <\(person)>: Recipient address rejected: User unknown"
            bob@example.org,2026-09-15T10:00:00Z,bounce,550,5.1.1,"550 5.1.1 <bob@example.org>: user unknown (forwarding to alice.forget@example.com failed)"
            carol@example.net,2026-09-15T10:00:00Z,bounce,550,5.1.1,550 5.1.1 user unknown (group member ALICE.FORGET@EXAMPLE.COM)

            """
        let csvPath = try folder.write("export-\(person).csv", csv)
        // A DSN about the person, quoting the address in its diagnostic.
        let dsn = """
            From: MAILER-DAEMON@mx.example.net
            To: news@sender.example
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <report-1@mx.example.net>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered.
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net

            Final-Recipient: rfc822; ALICE.FORGET@EXAMPLE.COM
            Action: failed
            Status: 5.2.1
            Diagnostic-Code: smtp; 550 5.2.1 The account alice.forget@example.com is disabled

            --B
            Content-Type: text/rfc822-headers

            From: news@sender.example
            Message-ID: <campaign-7@sender.example>
            Subject: News

            --B--

            """.replacingOccurrences(of: "\n", with: "\r\n")
        let dsnPath = try folder.write("b.eml", dsn)
        _ = try IngestJob(historyPath: setup.history, policy: Policy(), logger: silentLogger).run(files: [csvPath, dsnPath])
        return setup
    }

    func clean(_ setup: Setup, list rows: [String], out: String) throws -> (summary: CleanSummary, suppressed: String, audit: String) {
        let list = try setup.folder.write("\(out)-list.csv", "email,name\n" + rows.map { "\($0),x\n" }.joined())
        let summary = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(setup.folder.path)/\(out)",
                                                         historyPath: setup.history, asOf: asOf, policy: Policy()),
                                   logger: silentLogger).run()
        return (summary, try setup.folder.read("\(out)/suppressed.csv"), try setup.folder.read("\(out)/audit.jsonl"))
    }

    /// The files of the history's folder that hold `needle`'s bytes.
    func filesHolding(_ needle: String, in folder: String) throws -> [String] {
        let bytes = Array(needle.utf8)
        return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().filter { name in
            let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name)")))
            return data.withUnsafeBytes { raw in
                guard raw.count >= bytes.count else { return false }
                return (0...(raw.count - bytes.count)).contains { i in
                    raw[i] == bytes[0] && bytes.indices.allSatisfy { raw[i + $0] == bytes[$0] }
                }
            }
        }
    }

    var forms: [String] { [person, person.lowercased(), person.uppercased()] }

    /// Every text of every event the history's blocks hold, read back through the history's
    /// own reader (compressed blocks hold no clear bytes a look at the file would find).
    func blockTexts(_ path: String) throws -> [String] {
        let store = try HistoryStore(path: path, create: false)
        let select = try store.db.prepare("SELECT events FROM event_blocks ORDER BY block")
        defer { select.reset() }
        var texts: [String] = []
        while try select.step() {
            try EventBlock.forEach(in: select.bytes(0)) { _, raw in
                let row = try HistoryStore.EventRow(raw)
                for field in [row.address, row.type, row.reason, row.diagnostic, row.rule, row.source]
                    + [row.kind, row.enhancedCode, row.providerVerdict, row.message].compactMap({ $0 }) {
                    texts.append(String(decoding: field, as: UTF8.self))
                }
            }
        }
        return texts
    }

    /// Whether the history at `path` holds `form`: in its files' bytes or in an event's text.
    func historyHolds(_ form: String, _ setup: Setup) throws -> Bool {
        try !filesHolding(form, in: setup.historyFolder).isEmpty || blockTexts(setup.history).contains { $0.contains(form) }
    }

    @Test func forgettingLeavesNoByteOfTheAddressInTheHistoryFiles() throws {
        let setup = try setUp()
        // A clean first, so that the ledger holds the address among its removals.
        let before = try clean(setup, list: [person.lowercased(), "bob@example.org", "erin@example.com"], out: "out1")
        #expect(before.suppressed.contains("alice.forget@example.com"))
        for form in forms {
            #expect(try historyHolds(form, setup), "the history holds \(form) before the forget")
        }
        // The events' texts hold the address in each spelling (whatever the blocks' stored form).
        let textsBefore = try blockTexts(setup.history)
        for form in forms {
            #expect(textsBefore.contains { $0.contains(form) }, "an event holds \(form) before the forget")
        }

        let summary = try HistoryStore.forget(path: setup.history, addresses: [person], at: asOf)
        #expect(summary.addresses == 1)
        #expect(summary.newlyForgotten == 1)
        #expect(summary.events == 3)  // the delivery and the bounce of the CSV, the DSN's bounce
        #expect(summary.scrubbedEvents == 2)  // bob's and carol's diagnostics and sources (the file's name)
        #expect(summary.scrubbedRecords == 2)  // the ingest's manifest (file names) and the clean's removals

        for form in forms {
            #expect(try filesHolding(form, in: setup.historyFolder).isEmpty, "the history still holds \(form)")
        }
        let textsAfter = try blockTexts(setup.history)
        #expect(!textsAfter.isEmpty)
        #expect(!textsAfter.contains { $0.lowercased().contains(person.lowercased()) }, "an event still holds the address")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: setup.historyFolder)
        #expect(leftovers == ["h.sqlite"])

        // The other people's events stay, scrubbed.
        let store = try HistoryStore(path: setup.history, create: false)
        #expect(try store.count() == 2)
        let bob = try store.reading { try store.events(forKey: Array("bob@example.org".utf8), asOf: asOf, caseSensitive: false) }
        #expect(bob.count == 1)
        #expect(bob[0].diagnostic == "550 5.1.1 <bob@example.org>: user unknown (forwarding to [forgotten] failed)")
        #expect(bob[0].reason == "userunknown")
        #expect(bob[0].source.hasPrefix("\(setup.folder.path)/export-[forgotten].csv:"))

        // The erasure is recorded without the address.
        let log = try store.lifecycleLog()
        #expect(log.map(\.action) == ["forget"])
        #expect(log[0].at == asOf)
        #expect(!log[0].detail.lowercased().contains("alice"))
        #expect(log[0].detail.hasPrefix("1 addresses forgotten (1 new): 3 events removed"))
    }

    @Test func cleanStillRemovesAForgottenAddressWithoutEvidence() throws {
        let setup = try setUp()
        _ = try HistoryStore.forget(path: setup.history, addresses: [person], at: asOf)
        let run = try clean(setup, list: ["ALICE.forget@example.com", "bob@example.org", "erin@example.com"], out: "out")
        #expect(run.summary.suppressed[.forgotten] == 1)
        #expect(run.summary.suppressed[.hardBounce] == 1)
        #expect(run.summary.kept == 1)
        let row = run.suppressed.split(separator: "\n").first { $0.lowercased().hasPrefix("alice.forget@") }
        #expect(row == "alice.forget@example.com,forgotten,forgotten,,0,,")
        let audit = run.audit.split(separator: "\n").first { $0.contains("\"forgotten\"") }
        #expect(audit != nil)
        #expect(audit?.contains("\"evidence\":[]") == true)
        let cleaned = try setup.folder.read("out/cleaned.csv")
        #expect(cleaned == "email,name\nerin@example.com,x\n")

        // explain says it was forgotten, from the hash alone.
        let store = try HistoryStore(path: setup.history, create: false)
        var explanations = try store.reading {
            try DecisionExplanation.explain(addresses: [person, "erin@example.com"], history: store, policy: Policy(), asOf: asOf)
        }
        #expect(explanations[0].decision == nil && explanations[0].events.isEmpty)
        try store.applyErasures(to: &explanations)
        #expect(explanations[0].decision == .forgotten(at: asOf))
        #expect(explanations[0].text.contains("removed by forgotten"))
        #expect(explanations[1].decision == nil)

        // export-suppressions cannot name it: it is left out, and counted.
        var out: [UInt8] = []
        let export = try SuppressionListExport.run(.init(historyPath: setup.history, policy: Policy(), asOf: asOf, format: .csv)) { out += $0 }
        #expect(!String(decoding: out, as: UTF8.self).lowercased().contains("alice"))
        #expect(export.forgottenNotExported == 1)
    }

    @Test func forgettingTwiceChangesNothing() throws {
        let setup = try setUp()
        _ = try HistoryStore.forget(path: setup.history, addresses: [person], at: asOf)
        func state() throws -> (events: String, log: Int, forgotten: Int) {
            var out: [UInt8] = []
            let store = try HistoryStore(path: setup.history, create: false)
            _ = try HistoryExport(format: .csv).run(history: store) { out += $0 }
            return (String(decoding: out, as: UTF8.self), try store.lifecycleLog().count, try store.forgottenCount())
        }
        let first = try state()
        let again = try HistoryStore.forget(path: setup.history, addresses: [person.uppercased(), " \(person) "], at: asOf + 60)
        #expect(again == HistoryStore.ForgetSummary(addresses: 1))
        #expect(!again.changed)
        let second = try state()
        #expect(first.events == second.events)
        #expect(first.log == second.log && first.log == 1)
        #expect(first.forgotten == second.forgotten && first.forgotten == 1)
    }

    @Test func anAddressNeverSeenIsHashedAndSuppressedLater() throws {
        let setup = try setUp()
        let summary = try HistoryStore.forget(path: setup.history, addresses: ["never.mailed@example.org"], at: asOf)
        #expect(summary.newlyForgotten == 1 && summary.events == 0 && summary.changed)
        let store = try HistoryStore(path: setup.history, create: false)
        #expect(try store.lifecycleLog().map(\.action) == ["forget"])
        #expect(try store.forgottenAt("Never.Mailed@EXAMPLE.org") == asOf)
        #expect(try store.forgottenAt("someone.else@example.org") == nil)
        let run = try clean(setup, list: ["never.mailed@example.org", "erin@example.com"], out: "out")
        #expect(run.summary.suppressed[.forgotten] == 1)
        #expect(run.summary.kept == 1)
    }

    @Test func anAllowReadmitsAForgottenAddress() throws {
        let setup = try setUp()
        _ = try HistoryStore.forget(path: setup.history, addresses: [person], at: asOf - 86_400)
        #expect(try HistoryStore.record(.allow, address: person, reason: "subscribed again", at: asOf - 3_600, path: setup.history))
        let store = try HistoryStore(path: setup.history, create: false)
        #expect(try store.forgottenAt(person) == nil)
        let run = try clean(setup, list: [person, "erin@example.com"], out: "out")
        #expect(run.summary.suppressed[.forgotten] == nil)
        #expect(run.summary.kept == 2)
    }

    @Test func aWALHistoryKeepsNoCopyInItsLog() throws {
        let setup = try setUp()
        let store = try HistoryStore(path: setup.history, create: false)
        try store.db.execute("PRAGMA journal_mode=WAL")
        // A write in WAL mode, on this connection, which stays open: the pages go to the -wal file.
        let raw = bounce(person.lowercased(), asOf - 10, 550, "5.1.1", "550 5.1.1 <\(person.lowercased())> unknown")
        #expect(try store.insert([try #require(EventRecord(raw, classifier: try Classifier()))]).new == 1)
        #expect(try filesHolding(person.lowercased(), in: setup.historyFolder).contains("h.sqlite-wal"))
        // On the same connection (opening another to write would try to leave WAL mode while
        // this one holds the file, which SQLite refuses).
        _ = try store.forget([person], at: asOf)
        // The connection is still open: the WAL file stays, emptied by the checkpoint.
        #expect(FileManager.default.fileExists(atPath: setup.history + "-wal"))
        for form in forms {
            #expect(try filesHolding(form, in: setup.historyFolder).isEmpty, "the history still holds \(form)")
        }
        #expect(!(try blockTexts(setup.history)).contains { $0.lowercased().contains(person.lowercased()) }, "an event still holds the address")
        withExtendedLifetime(store) {}
    }

    @Test func requestsAreCheckedWithoutQuotingThem() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("req.txt", "# erasure requests\r\nalice@example.com\r\n\r\n  bob@example.org  \nnot-an-address\n")
        #expect(throws: HistoryStore.ForgetError.notAnAddressInFile(path: file, line: 5)) {
            try HistoryStore.forgetRequest(arguments: [], file: file)
        }
        let good = try folder.write("ok.txt", "# erasure requests\r\nalice@example.com\r\n\r\n  bob@example.org  \n")
        #expect(try HistoryStore.forgetRequest(arguments: ["carol@example.net"], file: good)
                == ["carol@example.net", "alice@example.com", "bob@example.org"])
        #expect(throws: HistoryStore.ForgetError.notAnAddress(argument: 2)) {
            try HistoryStore.forgetRequest(arguments: ["a@b.c", "@example.com"], file: nil)
        }
        let comments = try folder.write("none.txt", "# nothing yet\n\n")
        #expect(throws: HistoryStore.ForgetError.noAddresses) { try HistoryStore.forgetRequest(arguments: [], file: comments) }
        #expect(throws: InputError.self) { try HistoryStore.forgetRequest(arguments: [], file: "\(folder.path)/missing.txt") }
        // The messages name the file and line, never the text.
        #expect(!HistoryStore.ForgetError.notAnAddressInFile(path: file, line: 5).description.contains("not-an-address"))
    }

    @Test func theKeyedHashIsHMACSHA256OfTheLowerCasedKey() throws {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        var hasher = KeyedAddressHash(secret: Array("Jefe".utf8))
        #expect(hasher.digest(key: Array("what do ya want for nothing?".utf8)).bytes.hexString
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // A key longer than a block is hashed first (RFC 2104), as OpenSSL does.
        let longKey = [UInt8](repeating: 0xAA, count: 131)
        var long = KeyedAddressHash(secret: longKey)
        #expect(long.digest(key: Array("someone@example.org".utf8)).bytes
                == AddressDigest.hmacSHA256.digest(Array("someone@example.org".utf8), key: longKey))
        // The same as OpenSSL's HMAC over the lower-cased key, for every spelling of one address.
        let secret = Array("a secret of the history".utf8)
        var ours = KeyedAddressHash(secret: secret)
        let expected = AddressDigest.hmacSHA256.digest(Array("alice.forget@example.com".utf8), key: secret)
        for spelling in [person, person.uppercased(), "  \(person)\t"] {
            #expect(ours.digest(key: KeyedAddressHash.key(of: spelling)).bytes == expected)
        }
        #expect(KeyedAddressHash.key(of: "user@Bücher.de") == Array("user@xn--bcher-kva.de".utf8))
    }
}
