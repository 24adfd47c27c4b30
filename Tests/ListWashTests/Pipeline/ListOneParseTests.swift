import Foundation
import Testing
@testable import ListWash

/// A large CSV list is parsed once: the duplicate pre-pass notes its segments (``ListRowStream``)
/// and the list pass cuts the bytes at them. Every output must be the in-memory way's, byte for
/// byte, for every shape of CSV file, every shard and every encoding; a list changed between
/// the two reads fails the run.
@Suite struct ListOneParseTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    func history(_ folder: TemporaryFolder) throws -> String {
        let path = "\(folder.path)/h.sqlite"
        let classifier = try Classifier()
        var raws: [RawEvent] = []
        for i in 0..<30 { raws.append(bounce("gone\(i)@example.org", asOf - 86_400 - Int64(i), 550, "5.1.1", "550 5.1.1 user unknown")) }
        _ = try HistoryStore(path: path, create: true).insert(raws.compactMap { EventRecord($0, classifier: classifier) })
        return path
    }

    static let outputs = ["cleaned.csv", "suppressed.csv", "audit.jsonl", "rejects.csv", "report.json", "report.html", "manifest.json"]

    /// `budget`: the pre-pass's sort budget (small: many spilled runs).
    func clean(_ folder: TemporaryFolder, list: String, history: String, out: String, prepass: Bool, shard: ShardSpec? = nil,
               encoding: TextEncoding? = nil, budget: Int = 512, progress: ((ListWash.Progress) -> Void)? = nil) throws -> CleanSummary {
        var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/\(out)", historyPath: history, asOf: asOf,
                                   policy: Policy(), encoding: encoding)
        request.largeListBytes = prepass ? 0 : Int.max
        request.sortMemoryBudget = prepass ? budget : 1 << 20
        request.shard = shard
        return try CleanJob(request: request, logger: silentLogger, progress: progress).run()
    }

    /// Rows of every kind: kept, suppressed, duplicates (in case and blanks), invalid, a
    /// field-count reject, a blank address, multi-line quoted fields.
    func rows(_ n: Int, end: String) -> String {
        (0..<n).map { i -> String in
            switch i % 9 {
            case 0: return "user\(i % 40)@example.com,\"two\(end)lines\"\(end)"
            case 1: return " GONE\(i % 30)@Example.org ,g\(end)"
            case 2: return "not-an-address,n\(end)"
            case 3: return "too,many,fields\(end)"
            case 4: return ",blank address\(end)"
            case 5: return "\(end)"
            default: return "keep\(i)@example.net,k\(end)"
            }
        }.joined()
    }

    /// BOM or none, LF, CRLF or CR, blank lines before the first row and at the end, a last row
    /// without its line end: the cleaned file and every other output are the in-memory way's.
    @Test(arguments: [("\n", false, true), ("\r\n", true, false), ("\r", false, false), ("\n", true, true)])
    func everyShapeOfCSVFileWritesWhatTheInMemoryWayWrites(end: String, bom: Bool, finalEnd: Bool) throws {
        let folder = try TemporaryFolder()
        let history = try history(folder)
        var text = (bom ? "\u{FEFF}" : "") + "email,notes\(end)\(end)" + rows(400, end: end) + "\(end)\(end)last@example.com,x"
        if finalEnd { text += end }
        let list = try folder.write("list.csv", text)
        let inMemory = try clean(folder, list: list, history: history, out: "memory", prepass: false)
        let once = try clean(folder, list: list, history: history, out: "once", prepass: true)
        #expect(inMemory == once)
        #expect(once.duplicates > 50)
        #expect(once.rejected > 50)
        #expect(once.suppressedTotal > 10)
        for name in Self.outputs {
            #expect(try folder.readBytes("memory/\(name)") == folder.readBytes("once/\(name)"), "\(name) differs")
        }
    }

    /// Each shard of three, read once, writes what the in-memory way writes for that shard
    /// (rows of other shards, and rows without an address outside shard 1, are read past).
    @Test(arguments: [1, 2, 3])
    func everyShardWritesWhatTheInMemoryWayWrites(index: Int) throws {
        let folder = try TemporaryFolder()
        let history = try history(folder)
        let list = try folder.write("list.csv", "email,notes\n" + rows(500, end: "\n"))
        let shard = ShardSpec(index: index, count: 3)!
        let inMemory = try clean(folder, list: list, history: history, out: "memory", prepass: false, shard: shard)
        let once = try clean(folder, list: list, history: history, out: "once", prepass: true, shard: shard)
        #expect(inMemory == once)
        #expect(once.rowsRead > 0 && once.rowsRead < 500)
        #expect((once.rejected > 0) == (index == 1))
        for name in Self.outputs {
            #expect(try folder.readBytes("memory/\(name)") == folder.readBytes("once/\(name)"), "\(name) differs")
        }
    }

    /// A transcoded list (UTF-16 by its byte-order mark, Windows-1252 declared) is read twice,
    /// as before, with the same outputs.
    @Test func transcodedListsAreReadAgainWithTheSameOutputs() throws {
        let folder = try TemporaryFolder()
        let history = try history(folder)
        let text = "email,notes\r\n" + rows(200, end: "\r\n")
        let lists: [(String, [UInt8], TextEncoding?)] = [
            ("utf16.csv", [0xFF, 0xFE] + utf16Bytes(text), nil),
            ("cp1252.csv", Array(text.utf8) + Array("ren".utf8) + [0xE9] + Array("@example.com,x\r\n".utf8), .windows1252),
        ]
        for (name, bytes, encoding) in lists {
            let list = try folder.write(name, bytes: bytes)
            let inMemory = try clean(folder, list: list, history: history, out: "memory-\(name)", prepass: false, encoding: encoding)
            let prepass = try clean(folder, list: list, history: history, out: "prepass-\(name)", prepass: true, encoding: encoding)
            #expect(inMemory == prepass)
            #expect(prepass.duplicates > 20)
            for output in Self.outputs {
                #expect(try folder.readBytes("memory-\(name)/\(output)") == folder.readBytes("prepass-\(name)/\(output)"), "\(output) differs")
            }
        }
    }

    /// The list is changed after the pre-pass read it, while the list pass reads it: made
    /// shorter (a segment runs past its end), or changed in place at the same size (the digest
    /// differs). Either way the run fails and no output set is made.
    @Test(arguments: [true, false])
    func aListChangedBetweenTheTwoReadsFailsTheRun(truncate: Bool) throws {
        let folder = try TemporaryFolder()
        let history = try history(folder)
        // More than 65,536 rows (the first progress report comes from the list pass) and
        // several MiB (the list pass has not read the end yet when it comes).
        var text = "email,notes\n"
        for i in 0..<150_000 { text += "someone\(i)@example.com,some notes to make the row longer\n" }
        let list = try folder.write("list.csv", text)
        var changed = false
        let change = { (_: ListWash.Progress) in
            guard !changed else { return }
            changed = true
            let handle = FileHandle(forUpdatingAtPath: list)!
            if truncate {
                handle.truncateFile(atOffset: UInt64(text.utf8.count / 2))
            } else {
                handle.seek(toFileOffset: UInt64(text.utf8.count - 40))
                handle.write(Data("X".utf8))
            }
            handle.closeFile()
        }
        #expect(throws: InputError.unreadable(path: list, reason: "the file changed while it was being read")) {
            _ = try clean(folder, list: list, history: history, out: "out", prepass: true, budget: 1 << 20, progress: change)
        }
        #expect(changed)
        #expect(OutputDirectory.currentSet(in: "\(folder.path)/out") == nil)
    }

    /// The pre-pass keeps the rows of a CSV list read as it is, and of no other: a transcoded
    /// list and an XML list are read twice.
    @Test func onlyAPlainCSVFilesRowsAreKept() throws {
        let folder = try TemporaryFolder()
        let text = "email\r\na@example.com\r\n\r\nA@example.com\r\n"
        let files: [(String, [UInt8], Bool)] = [
            ("plain.csv", Array(text.utf8), true),
            ("bom.csv", [0xEF, 0xBB, 0xBF] + Array(text.utf8), true),
            ("utf16.csv", [0xFF, 0xFE] + utf16Bytes(text), false),
            ("list.xml", Array("<list><r email=\"a@example.com\"/><r email=\"A@example.com\"/></list>\n".utf8), false),
        ]
        for (name, bytes, kept) in files {
            let path = try folder.write(name, bytes: bytes)
            let index = try DuplicateIndex(prepass: { try SubscriberListFormat.open(path: path, delimiter: nil, emailColumn: nil) },
                                           rules: AddressRules(), directory: folder.path, memoryBudget: 1 << 16)
            #expect((index.rows != nil) == kept, "\(name)")
            #expect(index.sortedDuplicates == 1, "\(name)")
        }
    }
}
