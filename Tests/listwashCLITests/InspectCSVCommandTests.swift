import Foundation
import Testing

/// `listwash inspect-csv` run as a binary: JSON Lines on standard output, the rest on standard error.
@Suite struct InspectCSVCommandTests {
    @Test func printsTheSampleRecordsAndReportsItsMalformedRowByLine() throws {
        let result = try SamplesSnapshotTests.run(["inspect-csv", "Samples/subscribers.csv"])
        #expect(result.status == 65)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == #"["Email Address","First Name","Last Name","MEMBER_RATING","OPTIN_TIME","TAGS","NOTES"]"#)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String])
        }
        #expect(result.stderr.contains("Samples/subscribers.csv:24: rejected: text after the closing quote of field 2"))
        #expect(!result.stderr.contains("@"))
    }

    @Test func readsUTF16AndWindows1252Files() throws {
        let folder = try SamplesSnapshotTests.scratch("inspect-csv")
        let root = SamplesSnapshotTests.packageRoot.appendingPathComponent(folder)
        let utf16: [UInt8] = [0xFF, 0xFE] + "email;name\r\nzoë@example.com;Zoë\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        try Data(utf16).write(to: root.appendingPathComponent("utf16.csv"))
        let wide = try SamplesSnapshotTests.run(["inspect-csv", "--lines", "\(folder)/utf16.csv"])
        #expect(wide.status == 0)
        #expect(wide.stdout == "{\"line\":1,\"fields\":[\"email\",\"name\"]}\n{\"line\":2,\"fields\":[\"zoë@example.com\",\"Zoë\"]}\n")
        #expect(wide.stderr.contains("delimiter ';', utf-16le with BOM"))

        try Data([0x6E, 0x0A, 0x80, 0xE9, 0x0A]).write(to: root.appendingPathComponent("cp1252.csv"))
        let latin = try SamplesSnapshotTests.run(["inspect-csv", "--quiet", "--encoding", "cp1252", "\(folder)/cp1252.csv"])
        #expect(latin.status == 0)
        #expect(latin.stdout == "[\"n\"]\n[\"€é\"]\n")
        #expect(latin.stderr.isEmpty)
    }
}
