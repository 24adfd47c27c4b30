import Foundation
import Testing
@testable import ListWash

@Suite struct MailContainerTests {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "listwash-mail-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func splitsMboxAndUnescapesFromLines() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let mbox = dir + "/box.mbox"
        let text = """
        From MAILER-DAEMON Mon Jun  1 10:00:00 2024
        Subject: one

        >From the start
        >>From kept once

        From MAILER-DAEMON Mon Jun  1 10:00:01 2024
        Subject: two

        body two

        """
        try Data(text.utf8).write(to: URL(fileURLWithPath: mbox))
        #expect(try MailContainer.detect(path: mbox) == .mbox)
        let items = Array(try MailContainer(path: mbox))
        #expect(items.count == 2)
        #expect(String(decoding: items[0].bytes, as: UTF8.self) == "Subject: one\n\nFrom the start\n>From kept once\n")
        #expect(items[0].line == 1 && items[1].line == 7)
        #expect(String(decoding: items[1].bytes, as: UTF8.self) == "Subject: two\n\nbody two\n")
    }

    @Test func readsMaildirInSortedOrder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for sub in ["cur", "new", "tmp"] { try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true) }
        for (name, subject) in [("new/300.b", "c"), ("cur/200.x", "b"), ("cur/100.x", "a"), ("tmp/000", "ignored")] {
            try Data("Subject: \(subject)\n\nx\n".utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        #expect(try MailContainer.detect(path: dir) == .maildir)
        let subjects = try MailContainer(path: dir).map { try MIME.parseMessage($0.bytes, file: $0.source).headers["Subject"] }
        #expect(subjects == ["a", "b", "c"])
    }

    @Test func singleFileIsEml() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/one.eml"
        try Data(MailFixtures.exim.utf8).write(to: URL(fileURLWithPath: file))
        #expect(try MailContainer.detect(path: file) == .eml)
        #expect(Array(try MailContainer(path: file)).count == 1)
        #expect(throws: MailError.unknownContainer(file: dir)) { try MailContainer.detect(path: dir) }
    }
}

@Suite struct MboxLineEndingTests {
    private func messages(_ text: String) throws -> [(line: Int?, report: BounceReport)] {
        let dir = NSTemporaryDirectory() + "listwash-mbox-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/box.mbox"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try MailContainer(path: path).map { ($0.line, try BounceReader().read($0.bytes, file: $0.source)) }
    }

    @Test func mboxGivesTheSameMessagesWithLFOrCRLF() throws {
        let body = [MailFixtures.dsnTwoRecipients, MailFixtures.exim, MailFixtures.qmail]
            .map { "From MAILER-DAEMON Mon Jun  1 10:00:00 2024\n" + $0.replacingOccurrences(of: "\nFrom ", with: "\n>From ") }
            .joined(separator: "\n")
        let lf = try messages(body)
        let crlf = try messages(body.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(lf.count == 3)
        #expect(lf.map(\.line) == crlf.map(\.line))
        #expect(lf.map(\.report.agent) == crlf.map(\.report.agent))
        #expect(lf.map(\.report.recipients) == crlf.map(\.report.recipients))
        #expect(lf.allSatisfy { !$0.report.recipients.isEmpty })
    }
}
