import Foundation
import Testing

/// `clean` on an Excel export saved in Windows-1252 without `--encoding`: exit 79 (nothing written), one line
/// naming the position and `--encoding`, no outputs; with `--encoding windows-1252`, a normal run.
@Suite struct ListEncodingCommandTests {
    typealias Samples = SamplesSnapshotTests

    @Test func anUndeclaredWindows1252ListStopsWithExit79AndNamesEncoding() throws {
        let dir = try Samples.scratch("list-encoding")
        let text = "E-Mail;Vorname;Nachname\r\nrene.dupont@example.fr;René;Dupont\r\njuergen@example.de;Jürgen;Müller\r\n"
        let list = Samples.packageRoot.appendingPathComponent("\(dir)/export.csv")
        try text.data(using: .windowsCP1252)!.write(to: list)
        try Data("email,timestamp,event,smtp_code,enhanced_code,diagnostic\njuergen@example.de,2026-10-01T00:00:00Z,delivered,250,,250 ok\n".utf8)
            .write(to: Samples.packageRoot.appendingPathComponent("\(dir)/events.csv"))
        #expect(try Samples.run(["ingest", "--history", "\(dir)/h.sqlite", "--quiet", "\(dir)/events.csv"]).status == 0)
        let stopped = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--list", "\(dir)/export.csv", "--out", "\(dir)/out",
                                       "--as-of", "2026-11-01T00:00:00Z"])
        #expect(stopped.status == 79)
        #expect(stopped.stderr.hasPrefix("listwash: error: \(dir)/export.csv:2:27: the list is not UTF-8"))
        #expect(stopped.stderr.contains("--encoding windows-1252"))
        #expect(!stopped.stderr.contains("Ren"), "the error never quotes the row")
        #expect(!FileManager.default.fileExists(atPath: Samples.packageRoot.appendingPathComponent("\(dir)/out/cleaned.csv").path))

        let declared = try Samples.run(["clean", "--history", "\(dir)/h.sqlite", "--list", "\(dir)/export.csv", "--out", "\(dir)/out",
                                        "--as-of", "2026-11-01T00:00:00Z", "--encoding", "windows-1252", "--quiet"])
        #expect(declared.status == 0)
        let cleaned = try Data(contentsOf: Samples.packageRoot.appendingPathComponent("\(dir)/out/cleaned.csv"))
        #expect(cleaned == text.data(using: .windowsCP1252)!)
    }
}
