import Foundation
@testable import ListWash

/// The seeds each reader's mutation pass starts from: the tests' own fixtures, a few inputs
/// written here for the cases they lack, and the repository's `Samples/` (read through
/// `#filePath`; missing files are skipped, so the seeds never depend on anything outside the
/// repository).
enum FuzzSeeds {
    static func seeds(for target: FuzzTarget) -> [[UInt8]] {
        texts(for: target).map { Array($0.utf8) } + extraBytes(for: target) + samples(for: target)
    }

    private static func texts(for target: FuzzTarget) -> [String] {
        switch target {
        case .csvList:
            return [
                "email,name\nana@example.com,Ana\n\nbob@example.org,\"Bob, \"\"B\"\"\"\n",
                "\u{FEFF}Name;E-Mail;Notes\r\n\"Ruiz; Ana\";ana@example.com;\"two\r\nlines\"\r\nBob;bob@example.org;x\r\n",
                "id\temail\n1\tana@example.com\n2\t\"bad\"x@example.org\n3\n",
                "email\n\"unterminated@example.com\n next@example.com\n",
            ]
        case .xmlList:
            return [XMLFixtures.campaignMonitor, XMLFixtures.generic, XMLFixtures.tricky,
                    "<list><s email=\"a@example.com\"/><s email=\"b&amp;@example.org\"/><s/></list>",
                    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>\n  <p><mail>caf\u{E9}@example.com</mail></p>\n  <p><mail><![CDATA[x@example.org]]></mail></p>\n</r>\n"]
        case .eventsCSV:
            return ["email,timestamp,event,smtp_code,enhanced_code,diagnostic\nnobody@example.org,2026-06-01T10:00:05Z,bounce,550,5.1.1,\"550 5.1.1 <nobody@example.org>: User unknown\"\nfine@example.com,1780000000,delivered,250,,ok\n",
                    "Recipient;Date;Status;Reason\r\nx@example.net;2026-06-01 10:00:05+02:00;4.2.2;\"mailbox full; try later\"\r\n"]
        case .eventsJSONL:
            return [#"{"email":"nobody@example.org","timestamp":"2026-06-01T10:00:05Z","event":"bounce","smtp_code":550,"enhanced_code":"5.1.1","diagnostic":"550 5.1.1 user unknown"}"# + "\n"
                    + #"{"recipient":"x@example.net","time":1780000000,"type":"complaint"}"# + "\r\n[1,2]\n{\"email\":\"\",\"timestamp\":0}\n"]
        case .ses:
            return [EventFixtures.sesBounceTwoRecipients, EventFixtures.sesSNSComplaint, EventFixtures.sesEventLines]
        case .sendgrid:
            return [EventFixtures.sendGridBatch]
        case .mailgun:
            return [EventFixtures.mailgunWebhookFailed, EventFixtures.mailgunEventsPage, EventFixtures.mailgunEventLines]
        case .postmark:
            return [EventFixtures.postmarkWebhook, EventFixtures.postmarkAPIDump, EventFixtures.postmarkOtherWebhooks]
        case .postfix:
            return [EventFixtures.postfixLog]
        case .powermta:
            return [PowerMTAFixtures.deliveredAndBounced, PowerMTAFixtures.unionOfColumns]
        case .eml:
            return [MailFixtures.dsnTwoRecipients, MailFixtures.arf, MailFixtures.vacation, MailFixtures.exim, MailFixtures.qmail]
        case .mbox:
            return ["From MAILER-DAEMON Mon Jun  1 10:00:05 2024\n" + MailFixtures.exim + "\n\nFrom MAILER-DAEMON Mon Jun  1 10:00:06 2024\n"
                + MailFixtures.dsnTwoRecipients.replacingOccurrences(of: "\nFrom", with: "\n>From") + "\n",
                    "From x\n" + MailFixtures.qmail + "\nFrom y\n" + MailFixtures.arf]
        case .classify:
            return [
                "550\n5.1.1\nnobody@example.org\n550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown",
                "450\n4.7.1\ngrey@example.net\n450 4.7.1 Greylisted, see http://postgrey.example/ (in reply to RCPT TO command)",
                "\n\n\n421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to user complaints",
                "552\n\nfull@example.com\nmailbox full: full@example.com is over quota",
                "554\n5.7.1\n\nspamhaus.org listed; DMARC policy reject; SPF fail",
            ]
        }
    }

    /// Seeds that are not UTF-8 text.
    private static func extraBytes(for target: FuzzTarget) -> [[UInt8]] {
        switch target {
        case .csvList:
            let utf16 = "email,name\r\nana@example.com,J\u{F6}rg\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            return [[0xFF, 0xFE] + utf16, Array("email,name\nx@example.com,caf".utf8) + [0xE9, 0x0A]]
        default:
            return []
        }
    }

    private static let samplesFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    private static func samples(for target: FuzzTarget) -> [[UInt8]] {
        let names: [String]
        switch target {
        case .csvList: names = ["subscribers.csv"]
        case .xmlList: names = ["subscribers.xml"]
        case .eventsCSV: names = ["events.csv"]
        case .eventsJSONL: names = ["events.jsonl"]
        default: names = []
        }
        return names.compactMap { FileManager.default.contents(atPath: samplesFolder.appendingPathComponent($0).path).map { Array($0) } }
    }
}
