import Foundation
import Testing
@testable import ListWash

@Suite struct CleanJobTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    func history(in folder: TemporaryFolder, _ raws: [RawEvent]) throws -> String {
        let path = "\(folder.path)/h.sqlite"
        let classifier = try Classifier()
        _ = try HistoryStore(path: path, create: true).insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        return path
    }

    func run(_ folder: TemporaryFolder, list: String, history: String, out: String = "out", policy: Policy = Policy()) throws -> CleanSummary {
        try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/\(out)", historyPath: history,
                                           asOf: asOf, policy: policy), logger: silentLogger).run()
    }

    @Test func keptRowsAreCopiedByteForByteWithDelimiterLineEndingsAndBom() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [PolicyEvent.hardRaw("gone@example.org", asOf - 86_400)])
        let input = "\u{FEFF}EMAIL;Name;Notes\r\n keep@Example.com ;\"K; \"\"quoted\"\"\";\"multi\r\nline\"\r\ngone@example.org;G;x\r\nlast@example.net;L;no newline"
        let list = try folder.write("list.csv", input)
        let summary = try run(folder, list: list, history: history)
        #expect(summary.kept == 2)
        #expect(summary.suppressed[.hardBounce] == 1)
        let cleaned = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/out/cleaned.csv"))
        let expected = "\u{FEFF}EMAIL;Name;Notes\r\n keep@Example.com ;\"K; \"\"quoted\"\"\";\"multi\r\nline\"\r\nlast@example.net;L;no newline"
        #expect(cleaned == Data(expected.utf8))
    }

    @Test func duplicatesKeepTheFirstRowAndAreAudited() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        let list = try folder.write("list.csv", "email,n\nA@example.com,1\nb@example.com,2\n a@EXAMPLE.com,3\n")
        let summary = try run(folder, list: list, history: history)
        #expect(summary.duplicates == 1)
        #expect(try folder.read("out/cleaned.csv") == "email,n\nA@example.com,1\nb@example.com,2\n")
        // The first record's link is the genesis (64 zeros).
        #expect(try folder.read("out/audit.jsonl") == #"{"prev_sha256":"\#(String(repeating: "0", count: 64))","line":4,"address":"a@example.com","action":"drop_duplicate","duplicate_of_line":2}"# + "\n")
    }

    @Test func invalidAddressesAreSuppressedAndMalformedRowsRejected() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        let list = try folder.write("list.csv", "email,n\nnot-an-address,1\nok@example.com,2,extra\nfine@example.com,3\n")
        let summary = try run(folder, list: list, history: history)
        #expect(summary.suppressed[.invalidAddress] == 1)
        #expect(summary.rejected == 1)
        #expect(try folder.read("out/suppressed.csv") == "email,rule,reason,kind,events,first_seen,last_seen\nnot-an-address,invalid_address,invalid,,0,,\n")
        #expect(try folder.read("out/rejects.csv").hasSuffix("list.csv,3,\"expected 2 fields, found 3\",\"ok@example.com,2,extra\"\n"))
        #expect(try folder.read("out/cleaned.csv") == "email,n\nfine@example.com,3\n")
    }

    @Test func aRowWithABlankAddressIsRejectedNotSuppressed() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        let list = try folder.write("list.csv", "email,n\n,1\n  ,2\n\"\",3\nok@example.com,4\n")
        let summary = try run(folder, list: list, history: history)
        #expect(summary.rejected == 3)
        #expect(summary.suppressedTotal == 0)
        #expect(try folder.read("out/suppressed.csv") == "email,rule,reason,kind,events,first_seen,last_seen\n")
        let rejects = try folder.read("out/rejects.csv").split(separator: "\n").dropFirst()
        #expect(rejects.map { $0.split(separator: ",")[1...2].joined(separator: ",") } == ["2,no address", "3,no address", "4,no address"])
        #expect(try folder.read("out/cleaned.csv") == "email,n\nok@example.com,4\n")
    }

    @Test func aPolicyCanCountABlankAddressAsInvalidAsTheReferenceJobDoes() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        let list = try folder.write("list.csv", "email,n\n,1\n  ,2\nok@example.com,3\n")
        // As a policy file says it (the file's keys are decoded one by one, with defaults).
        let policy = try Policy.decode(Data(#"{"version": 1, "address": {"blank": "invalid"}}"#.utf8))
        #expect(policy.address.blank == .invalid)
        let summary = try run(folder, list: list, history: history, policy: policy)
        #expect(summary.rejected == 0)
        #expect(summary.suppressed[.invalidAddress] == 1)
        #expect(summary.duplicates == 1, "both blank rows have the empty key: the second is the first's duplicate")
        #expect(try folder.read("out/suppressed.csv") == "email,rule,reason,kind,events,first_seen,last_seen\n,invalid_address,invalid,,0,,\n")
    }

    @Test func aHeaderWithoutAnAddressColumnIsReportedWithoutItsText() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        // A list without a header: its first data row is taken for the header.
        let list = try folder.write("list.csv", "ana.secret@example.com,Ana,Denver\nbo@example.com,Bo,Oslo\n")
        let error = #expect(throws: InputError.self) { try run(folder, list: list, history: history) }
        #expect(error == InputError.noAddressColumn(path: list, columns: 3, firstLineHoldsAddress: true))
        let message = String(describing: error!)
        #expect(!message.contains("ana") && !message.contains("Denver") && !message.contains("@"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out/cleaned.csv"))
    }

    @Test func theSameInputsGiveByteIdenticalOutputs() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [
            PolicyEvent.hardRaw("gone@example.org", asOf - 86_400),
            bounce("full@example.org", asOf - 3 * 86_400, 452, "4.2.2", "452 4.2.2 mailbox full"),
        ])
        let list = try folder.write("list.csv", "email\ngone@example.org\nfull@example.org\nok@example.org\nbad\n")
        _ = try run(folder, list: list, history: history, out: "one")
        _ = try run(folder, list: list, history: history, out: "two")
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"] {
            #expect(try folder.read("one/\(name)").replacingOccurrences(of: "/one", with: "") == folder.read("two/\(name)").replacingOccurrences(of: "/two", with: ""))
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(try folder.read("one/manifest.json").utf8)) as? [String: Any]
        let counts = manifest?["counts"] as? [String: Any]
        #expect((counts?["kept"] as? Int) == 2)
        let outputs = manifest?["outputs"] as? [[String: Any]]
        #expect(outputs?.count == 6)
    }

    @Test func aFailedRunLeavesTheOutputFolderAsItWas() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        try FileManager.default.createDirectory(atPath: "\(folder.path)/out", withIntermediateDirectories: true)
        try folder.write("out/cleaned.csv", "previous run\n")
        let list = try folder.write("list.csv", "name,phone\nx,1\n")
        #expect(throws: InputError.self) { try run(folder, list: list, history: history) }
        #expect(try folder.read("out/cleaned.csv") == "previous run\n")
        // Only the folder's lock file is new: no staging folder, no set, no other output.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/out").sorted() == [".listwash.lock", "cleaned.csv"])
    }

    @Test func auditRecordsTheEvidenceAndThePolicyValues() throws {
        let folder = try TemporaryFolder()
        let day: Int64 = 86_400
        let history = try history(in: folder, (0..<5).map {
            bounce("soft@example.org", asOf - Int64(10 - $0) * day, 451, "4.4.1", "451 4.4.1 no answer from host", line: $0 + 1)
        })
        let list = try folder.write("list.csv", "email\nsoft@example.org\n")
        let summary = try run(folder, list: list, history: history)
        #expect(summary.suppressed[.softBounceEscalation] == 1)
        let line = try folder.read("out/audit.jsonl")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(record["rule"] as? String == "soft_bounce_escalation")
        #expect((record["evidence"] as? [[String: Any]])?.count == 5)
        #expect((record["policy"] as? [String: Any])?["soft_bounce.threshold"] as? Int == 5)
        #expect(try folder.read("out/suppressed.csv").contains("soft@example.org,soft_bounce_escalation,"))
    }

    /// An audit line is stitched from its head, its rule's pre-rendered tail and the evidence:
    /// for every rule, with and without evidence, it is one JSON object with the rule's policy
    /// values, and the same bytes whether the tail is passed in or rendered on the spot.
    @Test func auditLinesAreWholeJSONForEveryRule() throws {
        let policy = Policy()
        let evidence = Array(#"{"id":"a"},{"id":"b"}"#.utf8)
        for rule in SuppressionRule.allCases {
            let decision = Decision(rule: rule, reason: "r\"q", kind: "hard", evidence: [], firstSeen: nil, lastSeen: nil, bounces: BounceStats([]))
            for objects in [[], evidence] {
                let tail = AuditLine.tail(rule: rule, policy: policy, asOf: asOf)
                let line = AuditLine.suppression(line: 7, key: Array("x@example.org".utf8), decision: decision, evidence: objects,
                                                 policy: policy, asOf: asOf, newline: true, tail: tail)
                #expect(line == AuditLine.suppression(line: 7, key: Array("x@example.org".utf8), decision: decision, evidence: objects,
                                                      policy: policy, asOf: asOf, newline: true))
                #expect(line.last == 0x0A)
                let record = try #require(try JSONSerialization.jsonObject(with: Data(line.dropLast())) as? [String: Any])
                #expect(record["rule"] as? String == rule.rawValue)
                #expect(record["reason"] as? String == "r\"q")
                #expect(record["as_of"] as? String == Timestamp.format(asOf))
                #expect((record["policy"] as? [String: Any])?.isEmpty == false)
                #expect((record["evidence"] as? [[String: Any]])?.count == (objects.isEmpty ? 0 : 2))
            }
        }
    }

    /// The line's head is written byte by byte: it must be what `JSONWriter` writes for the
    /// same members, for keys that need escaping, keys in UTF-8 beyond ASCII and keys that are
    /// not UTF-8 at all (written as the String they decode to), allowed rows as well.
    @Test func auditLineHeadIsWhatJSONWriterWrites() throws {
        let policy = Policy()
        let keys: [[UInt8]] = [
            Array("x@example.org".utf8), Array("a\"b\\c@example.org".utf8), [0x61, 0x09, 0x01, 0x7F, 0x40, 0x62],
            Array("jörg@bücher.example".utf8), Array("用户@例子.广告".utf8), [0x61, 0xC3, 0x40, 0xFF, 0x62, 0xE2, 0x82],
            [], Array(repeating: UInt8(ascii: "z"), count: 300),
        ]
        for key in keys {
            for allowed in [false, true] {
                for line in [1, 7, 1_234_567_890] {
                    let decision = Decision(rule: .mailboxFull, reason: "r\"é\n", kind: "soft", evidence: [], firstSeen: nil,
                                            lastSeen: nil, bounces: BounceStats([]))
                    var json = JSONWriter()
                    json.beginObject()
                    json.int("line", line)
                    json.string("address", String(decoding: key, as: UTF8.self))
                    json.string("action", allowed ? "allow" : "suppress")
                    json.string(allowed ? "overturns" : "rule", decision.rule.rawValue)
                    json.string("reason", decision.reason)
                    json.string("kind", decision.kind)
                    let expected = json.takeBytes() + AuditLine.tail(rule: .mailboxFull, policy: policy, asOf: asOf) + Array("]}".utf8)
                    #expect(AuditLine.suppression(line: line, key: key, decision: decision, evidence: [], policy: policy, asOf: asOf,
                                                  allowed: allowed) == expected)
                }
            }
        }
    }

    @Test func anXMLListLosesExactlyTheRemovedRecordsAndKeepsEverythingElse() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [PolicyEvent.hardRaw("gone@example.org", asOf - 86_400)])
        let list = try folder.write("list.xml", XMLFixtures.campaignMonitor)
        let summary = try run(folder, list: list, history: history)
        #expect(summary.rowsRead == 4)
        #expect(summary.kept == 2)
        #expect(summary.suppressed[.hardBounce] == 1)
        #expect(summary.rejected == 1)
        let gone = """

                <Subscriber>
                  <EmailAddress>gone@example.org</EmailAddress>
                  <Name>Gone Person</Name>
                  <Date>2024-06-01 10:00:05</Date>
                  <State>Active</State>
                  <CustomFields>
                    <SubscriberCustomField><Key>Note</Key><Value><![CDATA[</Subscriber> <EmailAddress>x]]></Value></SubscriberCustomField>
                  </CustomFields>
                </Subscriber>
            """
        let rejected = """

                <Subscriber>
                  <Name>No Address</Name>
                  <State>Active</State>
                </Subscriber>
            """
        #expect(XMLFixtures.campaignMonitor.contains(gone) && XMLFixtures.campaignMonitor.contains(rejected))
        let expected = XMLFixtures.campaignMonitor.replacingOccurrences(of: gone, with: "").replacingOccurrences(of: rejected, with: "")
        let cleaned = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/out/cleaned.xml"))
        #expect(cleaned == Data(expected.utf8))
        #expect(try folder.read("out/suppressed.csv").contains("gone@example.org,hard_bounce,"))
        #expect(try folder.read("out/rejects.csv").hasPrefix("file,line,error,raw\n\(list),23,the record has no <EmailAddress> element,\"<Subscriber>\n"))
        #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out/cleaned.csv"))
        let manifest = try JSONSerialization.jsonObject(with: Data(try folder.read("out/manifest.json").utf8)) as? [String: Any]
        let input = (manifest?["inputs"] as? [String: Any])?["list"] as? [String: Any]
        #expect(input?["format"] as? String == "xml <Subscriber>")
        #expect(input?["email_column"] as? String == "EmailAddress")
        #expect(input?["bytes"] as? Int == XMLFixtures.campaignMonitor.utf8.count)
        // What is left re-parses, and reading it again keeps every record.
        let again = try run(folder, list: "\(folder.path)/out/cleaned.xml", history: history, out: "again")
        #expect(again.rowsRead == 2 && again.kept == 2)
        #expect(try folder.read("again/cleaned.xml") == expected)
    }

    @Test func anXMLListsDuplicatesInvalidAddressesAndRecordsWithoutAnAddress() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        let input = "<subscribers>\r\n  <subscriber email=\"A@example.com\"/>\r\n  <subscriber email=\"not-an-address\"/>\r\n"
            + "  <subscriber email=\" a@EXAMPLE.com \"><n>dup</n></subscriber>\r\n  <subscriber name=\"x\"/>\r\n"
            + "  <subscriber email=\"b@example.net\"/><!-- last -->\r\n</subscribers>\r\n"
        let list = try folder.write("list.xml", input)
        let summary = try run(folder, list: list, history: history)
        #expect(summary.duplicates == 1)
        #expect(summary.suppressed[.invalidAddress] == 1)
        #expect(summary.rejected == 1)
        #expect(summary.kept == 2)
        #expect(try folder.read("out/cleaned.xml")
            == "<subscribers>\r\n  <subscriber email=\"A@example.com\"/>\r\n  <subscriber email=\"b@example.net\"/><!-- last -->\r\n</subscribers>\r\n")
        #expect(try folder.read("out/audit.jsonl").contains(#""line":4,"address":"a@example.com","action":"drop_duplicate","duplicate_of_line":2}"#))
        #expect(try folder.read("out/rejects.csv").hasSuffix("list.xml,5,the record has no email attribute,\"<subscriber name=\"\"x\"\"/>\"\n"))
        #expect(try folder.read("out/suppressed.csv").contains("not-an-address,invalid_address,invalid,"))
    }

    @Test func anXMLListThatIsNotWellFormedLeavesNoOutput() throws {
        let folder = try TemporaryFolder()
        let history = try history(in: folder, [])
        try FileManager.default.createDirectory(atPath: "\(folder.path)/out", withIntermediateDirectories: true)
        try folder.write("out/cleaned.xml", "previous run\n")
        let list = try folder.write("list.xml", "<s>\n<r email=\"a@example.com\"/>\n<r email=\"b@example.com\">\n</s>\n")
        #expect(throws: XMLListError.self) { try run(folder, list: list, history: history) }
        #expect(try folder.read("out/cleaned.xml") == "previous run\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(folder.path)/out").sorted() == [".listwash.lock", "cleaned.xml"])
    }

    @Test func addressColumnIsFoundByTheNamesExportsUse() {
        #expect(CleanJob.addressColumn(in: ["Record ID", "First Name", "Email"], named: nil) == 2)
        #expect(CleanJob.addressColumn(in: ["CONTACT ID", "EMAIL", "LASTNAME"], named: nil) == 1)
        #expect(CleanJob.addressColumn(in: ["Email Address", "First Name"], named: nil) == 0)
        #expect(CleanJob.addressColumn(in: ["ClientID", "SubscriberKey", "EmailAddress"], named: nil) == 2)
        #expect(CleanJob.addressColumn(in: ["id", "Work E-mail"], named: nil) == 1)
        #expect(CleanJob.addressColumn(in: ["id", "name"], named: nil) == nil)
        #expect(CleanJob.addressColumn(in: ["id", "contact"], named: "Contact") == 1)
    }
}

extension PolicyEvent {
    /// A raw hard bounce (user unknown) for tests.
    static func hardRaw(_ address: String, _ ts: Int64) -> RawEvent {
        bounce(address, ts, 550, "5.1.1", "550 5.1.1 <\(address)>: Recipient address rejected: User unknown")
    }
}

@Suite struct CleanV1CompatibilityTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200
    let hour: Int64 = 3600

    func cleanV1Policy() throws -> Policy {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Samples/clean-v1.policy.json")
        return try Policy.load(path: url.path)
    }

    @Test func theCleanV1PolicyClassifiesByCodesOnly() throws {
        let classifier = try cleanV1Policy().makeClassifier()
        func kind(_ code: Int?, _ status: String?, _ text: String = "") -> (String, BounceKind) {
            let c = classifier.classify(replyCode: code, enhancedCode: status, diagnostic: text)
            return (c.reason.rawValue, c.kind)
        }
        #expect(kind(550, "5.1.1") == ("userunknown", .hard))
        #expect(kind(450, "5.1.1") == ("undefined", .soft))                  // 4xx with a hard code counts as soft
        #expect(kind(550, "5.7.1", "550 5.7.1 user unknown") == ("undefined", .ignore))  // text does not decide
        #expect(kind(nil, nil, "550 5.1.1 user unknown") == ("undefined", .ignore))      // codes are not read from text
        #expect(kind(552, "5.2.2") == ("mailboxfull", .ignore))              // mailbox full, not soft
        #expect(kind(452, "4.2.2") == ("mailboxfull", .soft))
        #expect(kind(421, "4.2.2") == ("mailboxfull", .ignore))
        #expect(kind(451, "4.3.0", "Greylisted, come back later") == ("greylisted", .ignore))
        #expect(kind(421, "4.4.2") == ("toomanyconn", .sender))
        #expect(kind(452, "4.5.3") == ("exceedlimit", .sender))
        #expect(kind(451, "4.4.1") == ("undefined", .soft))
    }

    @Test func suppressedInCleanV1LayoutIsSortedWithEveryBounceCounted() throws {
        let folder = try TemporaryFolder()
        let policy = try cleanV1Policy()
        let classifier = try policy.makeClassifier()
        var raws: [RawEvent] = []
        // zed: 5 soft bounces over exactly 72 hours plus a sender-side one; amy: a hard bounce.
        for i in 0..<5 { raws.append(bounce("zed@example.org", asOf - 100 * hour + Int64(i) * 18 * hour, 451, "4.4.1", "timeout")) }
        raws.append(bounce("zed@example.org", asOf - 200 * hour, 550, "5.7.26", "dmarc"))
        raws.append(bounce("amy@example.org", asOf - hour, 550, "5.1.1", "gone"))
        raws.append(bounce("bad@@example.org", asOf - hour, 550, "5.1.1", "gone"))
        let history = "\(folder.path)/h.sqlite"
        _ = try HistoryStore(path: history, create: true).insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        let list = try folder.write("list.csv", "email,n\nzed@example.org,1\nbad@@example.org,2\nkeep@example.org,3\n AMY@example.org,4\n")
        var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: history, asOf: asOf, policy: policy)
        request.suppressedFormat = .cleanV1
        let summary = try CleanJob(request: request, logger: silentLogger).run()
        #expect(summary.kept == 1)
        #expect(try folder.read("out/suppressed.csv") == """
            email,reason,bounce_count,first_seen,last_seen
            amy@example.org,hard,1,2026-10-31T23:00:00Z,2026-10-31T23:00:00Z
            bad@@example.org,invalid,1,2026-10-31T23:00:00Z,2026-10-31T23:00:00Z
            zed@example.org,soft,6,2026-10-23T16:00:00Z,2026-10-30T20:00:00Z

            """)
    }
}

@Suite struct MailboxFullCountingTests {
    @Test func mailboxFullCountsByReasonAndSoftByKind() {
        let asOf: Int64 = 1_793_491_200
        let engine = PolicyEngine(policy: Policy())
        let full = (1...3).map { PolicyEvent(timestamp: asOf - Int64($0) * 86_400, type: .bounce, kind: .ignore, reason: "mailboxfull") }
        #expect(engine.decide(full, asOf: asOf)?.rule == .mailboxFull)
        let five = (1...5).map { PolicyEvent(timestamp: asOf - Int64($0) * 86_400, type: .bounce, kind: .ignore, reason: "mailboxfull") }
        var policy = Policy()
        policy.mailboxFull.threshold = 10
        #expect(PolicyEngine(policy: policy).decide(five, asOf: asOf) == nil)   // kind ignore: not soft
    }
}
