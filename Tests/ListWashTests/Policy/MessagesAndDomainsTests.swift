import Foundation
import Testing
@testable import ListWash

/// What counts in real traffic: one message however often the MTA retried it, and a
/// domain-level failure judged once for its domain. Each scenario is ingested from the log
/// lines an MTA writes and cleaned as `clean` does.
@Suite struct MessagesAndDomainsTests {
    /// 2026-11-10T00:00:00Z
    let asOf: Int64 = 1_794_268_800

    /// Ingests `files` (name, text) with the default policy and cleans `list` as of `asOf`.
    func ingestAndClean(_ folder: TemporaryFolder, files: [(String, String)], list: String, policy: Policy = Policy())
        throws -> (summary: CleanSummary, suppressed: String, audit: String) {
        let paths = try files.map { try folder.write($0.0, $0.1) }
        var job = IngestJob(historyPath: "\(folder.path)/h.sqlite", policy: policy, logger: silentLogger)
        job.importOptions.year = 2026
        _ = try job.run(files: paths)
        let listPath = try folder.write("list.csv", list)
        let summary = try CleanJob(request: CleanRequest(listPath: listPath, outputDirectory: "\(folder.path)/out",
                                                         historyPath: "\(folder.path)/h.sqlite", asOf: asOf, policy: policy),
                                   logger: silentLogger).run()
        return (summary, try folder.read("out/suppressed.csv"), try folder.read("out/audit.jsonl"))
    }

    static func deferred(_ day: Int, _ hour: Int, _ queue: String, _ rcpt: String) -> String {
        "Nov \(day < 10 ? " " : "")\(day) \(hour < 10 ? "0" : "")\(hour):00:00 mx1 postfix/smtp[1201]: \(queue): to=<\(rcpt)>, relay=none, delay=30, "
            + "delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to mx.example.org[192.0.2.10]:25: Connection timed out)"
    }

    /// Section 1's log: one message deferred six times over five days, then expired by qmgr.
    static let retriedMessage = [
        deferred(1, 10, "4ABC123DEF", "anna@example.org"), deferred(1, 22, "4ABC123DEF", "anna@example.org"),
        deferred(2, 10, "4ABC123DEF", "anna@example.org"), deferred(3, 10, "4ABC123DEF", "anna@example.org"),
        deferred(4, 10, "4ABC123DEF", "anna@example.org"), deferred(5, 10, "4ABC123DEF", "anna@example.org"),
        "Nov  6 10:00:05 mx1 postfix/qmgr[990]: 4ABC123DEF: from=<news@sender.example>, status=expired, returned to sender",
    ].joined(separator: "\n") + "\n"

    @Test func anMTAsRetriesOfOneMessageCountOnce() throws {
        let folder = try TemporaryFolder()
        let run = try ingestAndClean(folder, files: [("mail.log", Self.retriedMessage)], list: "email\nanna@example.org\n")
        #expect(run.summary.kept == 1)
        #expect(run.summary.suppressedTotal == 0)
        // Without the message identity the same seven events escalate (they are five soft bounces or more over 72 h).
        let csv = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n" + (0..<7).map {
            "anna@example.org,2026-11-0\($0 + 1)T10:00:00Z,bounce,451,4.2.1,451 4.2.1 mailbox temporarily unavailable"
        }.joined(separator: "\n") + "\n"
        let other = try TemporaryFolder()
        #expect(try ingestAndClean(other, files: [("b.csv", csv)], list: "email\nanna@example.org\n").summary.suppressed[.softBounceEscalation] == 1)
        // With one: seven attempts of one message are one send; five messages escalate, and the
        // audit lists every attempt, message by message.
        let one = try TemporaryFolder()
        let oneMessage = csv.replacingOccurrences(of: "diagnostic\n", with: "diagnostic,message_id\n")
            .replacingOccurrences(of: "unavailable\n", with: "unavailable,<m1@sender.example>\n")
        #expect(try ingestAndClean(one, files: [("b.csv", oneMessage)], list: "email\nanna@example.org\n").summary.suppressedTotal == 0)
        let five = try TemporaryFolder()
        var lines = ["email,timestamp,event,smtp_code,enhanced_code,diagnostic,message_id"]
        for m in 0..<5 {
            for attempt in 0..<2 {
                lines.append("anna@example.org,2026-11-0\(m + 1)T\(10 + attempt):00:00Z,bounce,451,4.2.1,451 4.2.1 mailbox temporarily unavailable,m\(m)")
            }
        }
        let escalated = try ingestAndClean(five, files: [("b.csv", lines.joined(separator: "\n") + "\n")], list: "email\nanna@example.org\n")
        #expect(escalated.summary.suppressed[.softBounceEscalation] == 1)
        #expect(escalated.suppressed.contains("anna@example.org,soft_bounce_escalation,suspend,soft,10,"))
        let messages = escalated.audit.components(separatedBy: "\"message_id\":\"").dropFirst().map { $0.prefix(2) }
        #expect(messages == ["m0", "m0", "m1", "m1", "m2", "m2", "m3", "m3", "m4", "m4"])
    }

    @Test func theLastAttemptIsTheMessagesOutcome() throws {
        // Deferred twice, then delivered: the message was delivered, and a delivery resets the count.
        let events = [
            PolicyEvent(timestamp: 100, type: .bounce, kind: .soft, reason: "suspend", message: 7),
            PolicyEvent(timestamp: 200, type: .bounce, kind: .soft, reason: "suspend", message: 7),
            PolicyEvent(timestamp: 300, type: .delivered, message: 7),
        ]
        #expect(PolicyEngine.outcomes(events, asOf: 1_000) == [2, 2, 2])
        // As of a time before the delivery, the second deferral is the outcome so far.
        #expect(PolicyEngine.outcomes(events, asOf: 250) == [1, 1, 2])
        // A complaint is never an attempt, and events without a message count one each.
        let mixed = [PolicyEvent(timestamp: 1, type: .bounce, kind: .soft, message: 0), PolicyEvent(timestamp: 2, type: .complaint, message: 9),
                     PolicyEvent(timestamp: 3, type: .delivered, message: 9)]
        #expect(PolicyEngine.outcomes(mixed, asOf: 10) == [0, 1, 2])
        #expect(PolicyEngine.outcomes([PolicyEvent(timestamp: 1, type: .bounce)], asOf: 10) == nil)
    }

    /// Section 2's log: gmail.com and yahoo.com accepted mail on Nov 8; on Nov 9 our resolver
    /// broke and every recipient there bounced with 5.4.4; gmial.com never existed.
    static func resolverOutageLog() -> String {
        var lines: [String] = []
        var queue = 0x5A000
        func next() -> String { queue += 1; return String(queue, radix: 16, uppercase: true) }
        let users = ["anna", "bob", "carl", "dora", "emil", "fritz", "gina", "hans"]
        for (i, u) in users.enumerated() {
            for d in ["gmail.com", "yahoo.com"] {
                lines.append("Nov  8 09:0\(i):00 mx1 postfix/smtp[2000]: \(next()): to=<\(u).x@\(d)>, relay=mx.\(d)[198.51.100.7]:25, delay=1, "
                    + "delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 OK 1700000000 x - gsmtp)")
            }
        }
        lines.append("Nov  9 08:00:00 mx1 postfix/smtp[2002]: \(next()): to=<jan@gmial.com>, relay=none, delay=0.5, delays=0/0/0.5/0, "
            + "dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=gmial.com type=MX: Host not found)")
        for (i, u) in users.enumerated() {
            for d in ["gmail.com", "yahoo.com"] {
                lines.append("Nov  9 14:1\(i):00 mx1 postfix/smtp[2001]: \(next()): to=<\(u)@\(d)>, relay=none, delay=0.5, delays=0/0/0.5/0, "
                    + "dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=\(d) type=MX: Host not found)")
            }
        }
        // Later that day, one timeout at gmail.com: an isolated failure of a live domain.
        lines.append("Nov  9 20:00:00 mx1 postfix/smtp[2003]: \(next()): to=<zoe@gmail.com>, relay=none, delay=30, delays=0/0/30/0, "
            + "dsn=4.4.1, status=deferred (connect to gmail-smtp-in.l.google.com[192.0.2.27]:25: Connection timed out)")
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aResolverOutageRemovesNobodyAndADeadDomainGoes() throws {
        let folder = try TemporaryFolder()
        let list = "email\n" + ["anna@gmail.com", "bob@yahoo.com", "hans@gmail.com", "jan@gmial.com", "anna.x@gmail.com"].joined(separator: "\n") + "\n"
        let run = try ingestAndClean(folder, files: [("mail.log", Self.resolverOutageLog())], list: list)
        #expect(run.summary.kept == 4)
        #expect(run.summary.suppressed[.hardBounce] == 1)
        #expect(run.suppressed == "email,rule,reason,kind,events,first_seen,last_seen\njan@gmial.com,hard_bounce,hostunknown,hard,1,2026-11-09T08:00:00Z,2026-11-09T08:00:00Z\n")
        let findings = run.summary.domainFindings
        #expect(findings.dead.map(\.domain) == ["gmial.com"])
        #expect(findings.outages.map(\.domain) == ["gmail.com", "yahoo.com"])
        #expect(findings.outages.allSatisfy { $0.addresses == 8 && $0.why == .domainAlive && $0.reasons == ["hostunknown"] })
        #expect(findings.isolated == [DomainFindings.Isolated(domain: "gmail.com", failures: 1, addresses: 1,
                                                              first: 1_794_254_400, last: 1_794_254_400)])
        let manifest = try folder.read("out/manifest.json")
        #expect(manifest.contains(#""domain_findings":{"dead":[{"domain":"gmial.com","addresses":1,"list_rows_removed":1,"#))
        #expect(findings.dead.first?.listRowsRemoved == 1)
        #expect(manifest.contains(#"{"domain":"gmail.com","start":"2026-11-09T14:10:00Z","end":"2026-11-09T14:17:00Z","addresses":8,"failures":8,"reasons":["hostunknown"],"why":"domain_alive"}"#))
        // The report shows the findings to people (report.json holds the same figures).
        let report = try folder.read("out/report.json")
        #expect(report.contains(#""dead_domains":1,"outages_total":2,"isolated_failures_not_counted":1"#))
        #expect(report.contains(#""dead":[{"domain":"gmial.com","list_rows_removed":1,"addresses":1}]"#))
        #expect(try folder.read("out/report.html").contains(#"data-figure="domain_findings.outages.0.domain">gmail.com<"#))
        // Judged per address, as before, the outage removes all of them.
        var perAddress = Policy()
        perAddress.domains.judge = false
        let other = try TemporaryFolder()
        #expect(try ingestAndClean(other, files: [("mail.log", Self.resolverOutageLog())], list: list, policy: perAddress).summary.suppressed[.hardBounce] == 4)
    }

    @Test func manyAddressesFailingAtOnceWithoutSignOfLifeIsAnOutageUntilConfirmed() throws {
        // No deliveries in the history: 6 addresses of one domain fail within minutes.
        func bounce(_ address: String, _ time: String) -> String {
            "\(address),\(time),bounce,550,5.1.2,550 5.1.2 Host unknown (Name server: corp.example: host not found)"
        }
        let burst = (0..<6).map { bounce("u\($0)@corp.example", "2026-11-09T10:0\($0):00Z") }
        let header = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        let list = "email\n" + (0..<6).map { "u\($0)@corp.example" }.joined(separator: "\n") + "\n"
        let once = try ingestAndClean(try TemporaryFolder(), files: [("b.csv", header + burst.joined(separator: "\n") + "\n")], list: list)
        #expect(once.summary.suppressedTotal == 0)
        #expect(once.summary.domainFindings.outages.first?.why == .manyAddressesAtOnce)
        #expect(once.summary.domainFindings.outages.first?.addresses == 6)
        // A failure a day later confirms it: the domain is dead and every address goes.
        let confirmed = burst + [bounce("u0@corp.example", "2026-11-09T09:00:00Z"), bounce("u1@corp.example", "2026-11-08T09:00:00Z")]
        let twice = try ingestAndClean(try TemporaryFolder(), files: [("b.csv", header + confirmed.joined(separator: "\n") + "\n")], list: list)
        #expect(twice.summary.suppressed[.hardBounce] == 6)
        #expect(twice.summary.domainFindings.dead.map(\.domain) == ["corp.example"])
        #expect(twice.summary.domainFindings.dead.first?.listRowsRemoved == 6)
    }

    @Test func sideFaultsOfTheSenderAreTalliedPerReceivingDomain() throws {
        let header = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        let lines = [
            "a@big.example,2026-11-01T10:00:00Z,bounce,550,5.7.26,550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
            "b@big.example,2026-11-02T10:00:00Z,bounce,550,5.7.26,550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy",
            "c@big.example,2026-11-02T11:00:00Z,bounce,452,4.5.3,452 4.5.3 Too many recipients",
            "d@small.example,2026-11-03T10:00:00Z,bounce,554,5.7.1,554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org",
        ]
        let run = try ingestAndClean(try TemporaryFolder(), files: [("b.csv", header + lines.joined(separator: "\n") + "\n")],
                                     list: "email\na@big.example\nd@small.example\n")
        #expect(run.summary.suppressedTotal == 0)
        let faults = run.summary.domainFindings.senderFaults
        #expect(faults.map(\.domain) == ["big.example", "small.example"])
        #expect(faults.map(\.bounces) == [3, 1])
        #expect(faults.first?.byReason.first?.bounces == 2)
    }

    @Test func timeoutsAtADomainWithoutLifeStaySoftPerMessage() throws {
        // One address, five messages timing out over five days at a domain that never answered:
        // soft, per message, so they escalate; a timeout never makes a domain dead.
        let lines = (0..<5).map {
            "solo@quiet.example,2026-11-0\($0 + 1)T10:00:00Z,bounce,451,4.4.1,451 4.4.1 Connection timed out,m\($0)"
        }
        let csv = "email,timestamp,event,smtp_code,enhanced_code,diagnostic,message_id\n" + lines.joined(separator: "\n") + "\n"
        let run = try ingestAndClean(try TemporaryFolder(), files: [("b.csv", csv)], list: "email\nsolo@quiet.example\n")
        #expect(run.summary.suppressed[.softBounceEscalation] == 1)
        #expect(run.summary.domainFindings.dead.isEmpty)
        #expect(run.summary.domainFindings.outages.isEmpty)
    }

    @Test func messageIdentitiesComeFromEachSource() throws {
        #expect(MessageIdentity.normalized("  <abc@example.org> ") == "abc@example.org")
        #expect(MessageIdentity.normalized(" ") == nil)
        #expect(MessageIdentity.hash("m1") == MessageIdentity.hash("m1"))
        #expect(MessageIdentity.hash("m1") != MessageIdentity.hash("m2"))
        #expect(MessageIdentity.hash(nil) == 0)
        // A bounce message names the original message.
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
            Original-Envelope-Id: env-42

            Final-Recipient: rfc822; gone@example.net
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 User unknown

            --B
            Content-Type: text/rfc822-headers

            From: news@sender.example
            Message-ID: <campaign-7@sender.example>
            Subject: News

            --B--

            """.replacingOccurrences(of: "\n", with: "\r\n")
        let report = try BounceReader().read(Array(dsn.utf8), file: "b.eml")
        #expect(report.events(file: "b.eml").map(\.messageIdentity) == ["mid:campaign-7@sender.example"])
        let withoutHeaders = dsn.replacingOccurrences(of: "Message-ID: <campaign-7@sender.example>\r\n", with: "")
        #expect(try BounceReader().read(Array(withoutHeaders.utf8), file: "b.eml").events(file: "b.eml").map(\.messageIdentity) == ["envid:env-42"])
    }
}
