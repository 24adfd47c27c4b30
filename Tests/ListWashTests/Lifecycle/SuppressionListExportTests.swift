import Foundation
import Testing
@testable import ListWash

@Suite struct SuppressionListExportTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    /// A history of a hard bounce, a complaint, one soft bounce (not enough to suppress), a
    /// delivery, an unsubscribe after `asOf`, and the hard bounce of an address written in capitals.
    func history(_ folder: TemporaryFolder) throws -> String {
        let path = "\(folder.path)/h.sqlite"
        let t = asOf - 86_400 * 10
        let raws = [
            bounce("ana.ruiz@example.com", t, 550, "5.1.1", "550 5.1.1 user unknown"),
            RawEvent(address: "angry@example.org", timestamp: t + 60, type: .complaint, source: EventSource(file: "fbl", line: 1)),
            bounce("once@example.org", t, 452, "4.2.2", "452 4.2.2 mailbox full"),
            RawEvent(address: "fine@example.org", timestamp: t, type: .delivered, source: EventSource(file: "log", line: 2)),
            RawEvent(address: "later@example.org", timestamp: asOf + 60, type: .unsubscribe, source: EventSource(file: "u", line: 1)),
            bounce("Li.Wei@Example.NET", t + 120, 550, "5.1.1", "550 5.1.1 no such user"),
        ]
        let classifier = try Classifier()
        _ = try HistoryStore(path: path, create: true).insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        return path
    }

    func export(_ path: String, _ format: SuppressionListExport.Format, key: [UInt8] = [], asOf: Int64? = nil) throws -> (String, SuppressionListExport.Summary) {
        var out: [UInt8] = []
        let summary = try SuppressionListExport.run(.init(historyPath: path, policy: Policy(), asOf: asOf ?? self.asOf, format: format, key: key)) {
            out += $0
        }
        return (String(decoding: out, as: UTF8.self), summary)
    }

    @Test func csvListsWhatCleanRemovesWithRuleReasonAndSince() throws {
        let folder = try TemporaryFolder()
        let path = try history(folder)
        let (csv, summary) = try export(path, .csv)
        let t = asOf - 86_400 * 10
        #expect(csv == """
            address,rule,reason,since
            ana.ruiz@example.com,hard_bounce,userunknown,\(Timestamp.format(t))
            angry@example.org,complaint,complaint,\(Timestamp.format(t + 60))
            li.wei@example.net,hard_bounce,userunknown,\(Timestamp.format(t + 120))

            """)
        #expect(summary.addresses == 3)
        #expect(summary.byRule == [.hardBounce: 2, .complaint: 1])
        // The unsubscribe after --as-of counts once the time has come.
        let (later, _) = try export(path, .sendgrid, asOf: asOf + 3600)
        #expect(later.contains("later@example.org\n"))

        // The same addresses as clean removes from a list holding all of them.
        let list = try folder.write("list.csv", "email\nana.ruiz@example.com\nangry@example.org\nonce@example.org\nfine@example.org\nLI.WEI@example.net\n")
        let cleaned = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: path,
                                                         asOf: asOf, policy: Policy()), logger: silentLogger).run()
        #expect(cleaned.suppressed.values.reduce(0, +) == summary.addresses)
    }

    @Test func espFormats() throws {
        let folder = try TemporaryFolder()
        let path = try history(folder)
        #expect(try export(path, .mailchimp).0 == "Email Address\nana.ruiz@example.com\nangry@example.org\nli.wei@example.net\n")
        #expect(try export(path, .sendgrid).0 == "email\nana.ruiz@example.com\nangry@example.org\nli.wei@example.net\n")
        #expect(try export(path, .ses).0 == """
            {"EmailAddress":"ana.ruiz@example.com","Reason":"BOUNCE"}
            {"EmailAddress":"angry@example.org","Reason":"COMPLAINT"}
            {"EmailAddress":"li.wei@example.net","Reason":"BOUNCE"}

            """)
    }

    /// The documented test vectors (docs/commands.md; computed with Python's hashlib and hmac).
    @Test func hashedFormatsMatchTheDocumentedVectors() throws {
        #expect(AddressDigest.sha256.hex(Array(" Ana.Ruiz@Example.COM\r\n".utf8)) == "539dba384e7bad34cfe11197def7787e078172956b42bdfbb3e529537d6e0267")
        #expect(AddressDigest.md5.hex(Array("ana.ruiz@example.com".utf8)) == "f9fd01239e5b9e0d9f9d739c6dce53ea")
        #expect(AddressDigest.hmacSHA256.hex(Array("ana.ruiz@example.com".utf8), key: Array("partner-secret".utf8))
            == "26fe6e5a234c1094788671d8cd6021f2a0d4fd9d2f9a1c1dd762db4bb8041e95")
        let folder = try TemporaryFolder()
        let path = try history(folder)
        let (sha, _) = try export(path, .sha256)
        let lines = sha.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines == lines.sorted())
        #expect(lines.contains("539dba384e7bad34cfe11197def7787e078172956b42bdfbb3e529537d6e0267"))
        #expect(lines.contains("297f0c0ebd43f1f2debf2a38309c6b956812b6dd66eff65ec8133942ffddc61a"))
        let (hmac, _) = try export(path, .hmacSHA256, key: Array("partner-secret".utf8))
        #expect(hmac.contains("9358963044069001acfa01f1645d092417a5ea1aacfcac5d34d56b269fcbb028\n"))
        #expect(throws: SuppressionListExport.ExportError.keyMismatch(format: "hmac-sha256")) { _ = try export(path, .hmacSHA256) }
        #expect(throws: SuppressionListExport.ExportError.keyMismatch(format: "md5")) { _ = try export(path, .md5, key: [1]) }
    }
}

@Suite struct HashedSuppressionListTests {
    @Test func cleanRemovesRowsOnAHashedListAndAuditsThem() throws {
        let folder = try TemporaryFolder()
        let history = "\(folder.path)/h.sqlite"
        _ = try HistoryStore(path: history, create: true)
        // SHA-256 of "li.wei@example.net" (a documented vector), upper-case, and a blank line.
        let hashed = try folder.write("partner.txt", "297F0C0EBD43F1F2DEBF2A38309C6B956812B6DD66EFF65EC8133942FFDDC61A\r\n\n")
        let list = try folder.write("list.csv", "email,name\n LI.WEI@Example.net,Li\nother@example.org,O\n")
        var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: history,
                                   asOf: 1_793_491_200, policy: Policy())
        request.suppressHashed = hashed
        let summary = try CleanJob(request: request, logger: silentLogger).run()
        #expect(summary.suppressed == [.hashedList: 1])
        #expect(try folder.read("out/cleaned.csv") == "email,name\nother@example.org,O\n")
        #expect(try folder.read("out/suppressed.csv").contains("li.wei@example.net,hashed_list,hashed_list,,0,,"))
        #expect(try folder.read("out/audit.jsonl").contains(#""suppress_hashed":true"#))
    }

    @Test func hmacListsNeedTheirKeyAndBadLinesAreNamedByLine() throws {
        let hmac = "9358963044069001acfa01f1645d092417a5ea1aacfcac5d34d56b269fcbb028\n"
        let keyed = try HashedSuppressionList(bytes: Array(hmac.utf8), path: "p", key: Array("partner-secret".utf8))
        #expect(keyed.digest == .hmacSHA256)
        #expect(keyed.contains(Array("Li.Wei@example.NET".utf8)))
        #expect(!keyed.contains(Array("ana.ruiz@example.com".utf8)))
        let unkeyed = try HashedSuppressionList(bytes: Array(hmac.utf8), path: "p", key: [])
        #expect(!unkeyed.contains(Array("li.wei@example.net".utf8)))
        let md5 = try HashedSuppressionList(bytes: Array("6ae0a7d14e77ddee10cfad3a375283ff\n".utf8), path: "p", key: [])
        #expect(md5.digest == .md5)
        #expect(md5.contains(Array("li.wei@example.net".utf8)))
        #expect(throws: HashedSuppressionList.LoadError.notHex(path: "p", line: 2)) {
            _ = try HashedSuppressionList(bytes: Array((hmac + "li.wei@example.net\n").utf8), path: "p", key: [])
        }
        #expect(throws: HashedSuppressionList.LoadError.mixedLengths(path: "p", line: 2)) {
            _ = try HashedSuppressionList(bytes: Array((hmac + "6ae0a7d14e77ddee10cfad3a375283ff\n").utf8), path: "p", key: [])
        }
        #expect(throws: HashedSuppressionList.LoadError.wrongLength(path: "p", line: 1, digits: 4)) {
            _ = try HashedSuppressionList(bytes: Array("abcd\n".utf8), path: "p", key: [])
        }
    }
}
