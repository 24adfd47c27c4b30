import Foundation
import Testing
@testable import ListWash

/// A list whose encoding nobody named is UTF-8 only when its bytes are: an Excel export in
/// Windows-1252 stops the run with a message naming `--encoding`, and is read right once named.
@Suite struct ListEncodingTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    /// What Excel on German or French Windows writes for "CSV (Trennzeichen-getrennt)":
    /// Windows-1252, `;`, CRLF, no byte-order mark.
    static let excelText = "E-Mail;Vorname;Nachname;Ort\r\nrene.dupont@example.fr;René;Dupont;Genève\r\n"
        + "juergen.mueller@example.de;Jürgen;Müller;München\r\nzoe@example.org;Zoë;Smith;Köln\r\n"
    static var excelBytes: [UInt8] { Array(Self.excelText.data(using: .windowsCP1252)!) }

    static let splits: [[Int]] = [[1 << 20], [1], [2], [3], [5, 1, 2], [7, 3, 11, 1]]

    func clean(_ folder: TemporaryFolder, list: String, encoding: TextEncoding?, history: [RawEvent] = []) throws -> CleanSummary {
        let path = "\(folder.path)/h.sqlite"
        let classifier = try Classifier()
        _ = try HistoryStore(path: path, create: true).insert(history.compactMap { EventRecord($0, classifier: classifier) })
        return try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: path,
                                                  asOf: asOf, policy: Policy(), encoding: encoding), logger: silentLogger).run()
    }

    func write(_ folder: TemporaryFolder, _ name: String, _ bytes: [UInt8]) throws -> String {
        let path = "\(folder.path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func anUndeclaredWindows1252ExportStopsAtItsFirstByteAndNamesEncoding() throws {
        let folder = try TemporaryFolder()
        let list = try write(folder, "export.csv", Self.excelBytes)
        let secondLine = Self.excelBytes.split(separator: 0x0A)[1]
        let column = secondLine.firstIndex(where: { $0 >= 0x80 })! - secondLine.startIndex + 1
        #expect(throws: CleanError.undeclaredEncoding(path: list, line: 2, column: column)) {
            try clean(folder, list: list, encoding: nil)
        }
        for name in ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "manifest.json"] {
            #expect(!FileManager.default.fileExists(atPath: "\(folder.path)/out/\(name)"), "a stopped run writes no output")
        }
        let message = String(describing: CleanError.undeclaredEncoding(path: list, line: 2, column: column))
        #expect(message.contains("--encoding windows-1252"))
        #expect(!message.contains("René") && !message.contains("rene.dupont"), "the message never quotes the data")
    }

    @Test func aNonUTF8HeaderStopsOnLineOne() throws {
        let folder = try TemporaryFolder()
        let list = try write(folder, "export.csv", Array("Adresse électronique;Prénom\r\nli@example.fr;Li\r\n".data(using: .windowsCP1252)!))
        #expect(throws: CleanError.undeclaredEncoding(path: list, line: 1, column: 9)) { try clean(folder, list: list, encoding: nil) }
    }

    @Test func theSameExportDeclaredWindows1252IsCleanedAndKeepsItsBytes() throws {
        let folder = try TemporaryFolder()
        let list = try write(folder, "export.csv", Self.excelBytes)
        let summary = try clean(folder, list: list, encoding: .windows1252,
                                history: [bounce("juergen.mueller@example.de", asOf - 86_400, 550, "5.1.1", "550 5.1.1 user unknown")])
        #expect(summary.kept == 2)
        #expect(summary.suppressed[.hardBounce] == 1)
        let expected = Self.excelText.replacingOccurrences(of: "juergen.mueller@example.de;Jürgen;Müller;München\r\n", with: "")
        let cleaned = try Data(contentsOf: URL(fileURLWithPath: "\(folder.path)/out/cleaned.csv"))
        #expect(cleaned == expected.data(using: .windowsCP1252)!)
    }

    @Test func undeclaredUTF8WithAccentsIsReadAsIs() throws {
        let folder = try TemporaryFolder()
        let list = try folder.write("export.csv", Self.excelText)
        let summary = try clean(folder, list: list, encoding: nil)
        #expect(summary.kept == 3)
        #expect(try folder.read("out/cleaned.csv") == Self.excelText)
    }

    @Test func aByteOrderMarkDeclaresUTF8SoABrokenRowIsRejectedNotTheFile() throws {
        let folder = try TemporaryFolder()
        var bytes = Array("\u{FEFF}email,name\nok@example.com,Zoë\n".utf8)
        bytes += Array("bad@example.com,Zo".utf8) + [0xEB] + Array("\nlast@example.com,Li\n".utf8)
        let list = try write(folder, "export.csv", bytes)
        let summary = try clean(folder, list: list, encoding: nil)
        #expect(summary.kept == 2)
        #expect(summary.rejected == 1)
        #expect(try folder.read("out/rejects.csv").contains("export.csv,3,invalid UTF-8 sequence,"))
    }

    /// The in-place check of undeclared UTF-8 finds what the declared decoder finds, at the
    /// same offsets, however the bytes arrive, and hands the bytes out unchanged.
    @Test(arguments: [
        Array("héllo wörld €𝄞 ok\n".utf8),
        Self.excelBytes,
        [0x61, 0xC3] + [0x62, 0x63],                    // a sequence broken off by ASCII
        [0x61, 0xE2, 0x82] + [0x0A],                    // broken off by a line end
        [0xF0, 0x9D, 0x84],                             // cut off at the end of the file
        [0xC0, 0xAF, 0x61, 0xED, 0xA0, 0x80, 0x62],     // an overlong form, a surrogate
        [0xF4, 0x90, 0x80, 0x80, 0xFF, 0x61],           // past U+10FFFF, a byte UTF-8 never uses
        Array(String(repeating: "abcdefgh", count: 40).utf8) + [0xE9] + Array("xyz".utf8),  // past the sniffed prefix
    ])
    func undeclaredUTF8IsCheckedAsTheDeclaredDecoderChecksIt(_ bytes: [UInt8]) throws {
        let declared = TranscodingByteSource(MemoryByteSource(bytes), declared: .utf8)
        #expect(try drain(declared) == bytes)
        for split in Self.splits {
            let undeclared = TranscodingByteSource(MemoryByteSource(bytes, chunkSizes: split), declared: nil, chunkSize: 16)
            #expect(try drain(undeclared) == bytes)
            #expect(undeclared.isUndeclaredUTF8)
            #expect(undeclared.firstInvalidOffset == declared.firstInvalidOffset)
            #expect((undeclared.invalidSequenceCount == 0) == (declared.invalidSequenceCount == 0))
            #expect(undeclared.takeInvalidSequences(before: bytes.count + 1) == (declared.invalidSequenceCount > 0))
        }
    }

    @Test func declaredOrMarkedTextIsNotUndeclared() throws {
        for (bytes, encoding) in [(Array("\u{FEFF}a\n".utf8), nil), (Array("a\n".utf8), TextEncoding.utf8),
                                  (Array("a\n".utf8), .windows1252), ([0xFF, 0xFE, 0x61, 0x00], nil)] as [([UInt8], TextEncoding?)] {
            let source = TranscodingByteSource(MemoryByteSource(bytes), declared: encoding)
            _ = try drain(source)
            #expect(!source.isUndeclaredUTF8)
        }
    }
}
