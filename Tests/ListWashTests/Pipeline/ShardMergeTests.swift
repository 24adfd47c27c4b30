import Foundation
import Testing
@testable import ListWash

/// `clean --shard I/N` then `listwash merge`: the merged set is the unsharded run's set, file
/// for file and byte for byte, and the merge refuses parts that are not the shards of one run.
@Suite struct ShardMergeTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200
    let day: Int64 = 86_400

    /// A history where the list's addresses meet every outcome: hard bounces, complaints,
    /// unsubscribes, full mailboxes, a dead domain, deliveries, an operator's allow against a
    /// hard bounce, and an earlier clean of the list in the ledger (the report's trend).
    func fixture() throws -> Fixture {
        let folder = try TemporaryFolder()
        var events = "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n"
        func at(_ t: Int64) -> String { Timestamp.format(t) }
        for i in 0..<48 {
            let address = Fixture.address(i)
            switch i % 8 {
            case 0: events += "\(address),\(at(asOf - 40 * day)),bounce,550,5.1.1,550 5.1.1 <\(address)>: Recipient address rejected: User unknown\n"
            case 1: events += "\(address),\(at(asOf - 10 * day)),complaint,,,\n"
            case 2: events += "\(address),\(at(asOf - 12 * day)),unsubscribe,,,\n"
            case 3:
                for k in 0..<3 { events += "\(address),\(at(asOf - Int64(20 - 5 * k) * day)),bounce,452,4.2.2,452 4.2.2 Mailbox full\n" }
            case 4: events += "\(address),\(at(asOf - 3 * day)),delivered,250,2.0.0,250 2.0.0 OK\n"
            default: break
            }
        }
        events += "ray@nullmx.example.net,\(at(asOf - 31 * day)),bounce,556,5.1.10,556 5.1.10 Recipient address rejected: Domain nullmx.example.net does not accept mail (nullMX)\n"
        let eventsPath = try folder.write("events.csv", events)
        let base = "\(folder.path)/base.sqlite"
        _ = try IngestJob(historyPath: base, policy: Policy(), logger: silentLogger).run(files: [eventsPath])
        // Kept against its hard bounce by the operator.
        #expect(try HistoryStore.record(.allow, address: Fixture.address(8), reason: "ticket 17", at: asOf - 5 * day, path: base))
        let fixture = Fixture(folder: folder, base: base, asOf: asOf)
        // An earlier clean of each list, for the report's trend.
        for list in [try fixture.csv(), try fixture.xml()] {
            try fixture.reset()
            var earlier = try fixture.request(list: list, out: "earlier")
            earlier.asOf = asOf - 30 * day
            _ = try CleanJob(request: earlier, logger: silentLogger).run()
            try FileManager.default.removeItem(atPath: base)
            try FileManager.default.copyItem(atPath: fixture.history, toPath: base)
        }
        return fixture
    }

    struct Fixture {
        let folder: TemporaryFolder
        /// The history every run starts from (copied to ``history`` before each run, so every
        /// run sees the same ledger).
        let base: String
        let asOf: Int64
        var history: String { "\(folder.path)/h.sqlite" }

        static func address(_ i: Int) -> String { "user\(i)@d\(i % 5).example" }

        /// Puts the base history back at ``history``.
        func reset() throws {
            if FileManager.default.fileExists(atPath: history) { try FileManager.default.removeItem(atPath: history) }
            try FileManager.default.copyItem(atPath: base, toPath: history)
        }

        /// A CSV list: every address of the history and some it has never seen, duplicates
        /// (case and spaces), an invalid address, rows with no or a blank address and one with
        /// too many fields (rejects), a quoted field over two lines, blank lines, the dead domain.
        func csv(rows: Int = 60) throws -> String {
            var text = "Email,Name,Note\n"
            for i in 0..<rows {
                let address = Self.address(i)
                text += "\(address),Name \(i),n\(i)\n"
                if i % 7 == 3 { text += " \(address.uppercased()) ,Again \(i),dup\n" }
                if i % 11 == 5 { text += ",No address \(i),x\n" }
                if i % 13 == 6 { text += "\(address),too,many,fields\n" }
                if i % 17 == 2 { text += "\n" }
            }
            text += "not-an-address,Broken,x\nray@nullmx.example.net,Ray,\"two\nlines\"\n   ,blank,x\nlast@d9.example,Last,end"
            return try folder.write("list.csv", text)
        }

        /// An XML list with records on one line, a duplicate on the same line as its first
        /// record (kept, and removed), a record without an address, and the dead domain.
        func xml() throws -> String {
            var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Subscribers>\n"
            func record(_ address: String?, _ name: String) -> String {
                "<Subscriber>" + (address.map { "<EmailAddress>\($0)</EmailAddress>" } ?? "") + "<Name>\(name)</Name></Subscriber>"
            }
            for i in 0..<40 {
                let address = Self.address(i)
                switch i % 6 {
                case 0: text += "  " + record(address, "A\(i)") + record(address.uppercased(), "A\(i) again") + "\n"
                case 1: text += "  " + record(address, "B\(i)") + record(Self.address(i + 100), "C\(i)") + record(address, "B\(i) again") + "\n"
                case 2: text += "  " + record(nil, "nobody \(i)") + record(address, "E\(i)") + "\n"
                default: text += "  " + record(address, "D\(i)") + "\n"
                }
            }
            text += "  " + record("ray@nullmx.example.net", "Ray") + record("not-an-address", "Broken") + "\n</Subscribers>\n"
            return try folder.write("list.xml", text)
        }

        func request(list: String, out: String, shard: ShardSpec? = nil) throws -> CleanRequest {
            var request = CleanRequest(listPath: list, outputDirectory: "\(folder.path)/\(out)", historyPath: history, asOf: asOf,
                                       policy: Policy())
            // The guard's own test sets its limits; here it passes, whatever the list removes.
            request.policy.guard.maxRemovedShare = 1
            request.policy.guard.maxDomainShare = 1
            if list.hasSuffix(".xml") {
                request.recordName = "Subscriber"
                request.emailField = "EmailAddress"
            }
            request.shard = shard
            return request
        }

        /// Runs the N shards of `request` (each from the same history) and returns their folders.
        func shards(_ request: CleanRequest, count: Int, name: String) throws -> [String] {
            try reset()
            return try (1...count).map { i in
                var part = request
                part.outputDirectory = "\(folder.path)/\(name)-\(i)-of-\(count)"
                part.shard = ShardSpec(index: i, count: count)
                _ = try CleanJob(request: part, logger: silentLogger).run()
                return part.outputDirectory
            }
        }

        func merge(_ parts: [String], out: String, allowMassRemoval: Bool = false) throws -> MergeResult {
            var request = MergeRequest(parts: parts, outputDirectory: "\(folder.path)/\(out)")
            request.allowMassRemoval = allowMassRemoval
            return try ShardMerge(request: request, logger: silentLogger).run()
        }

        /// The files of the current set in `out` (through `.listwash-current`), by name.
        func files(_ out: String) throws -> [String: Data] {
            let set = SetVerification.resolveSet("\(folder.path)/\(out)")
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: set) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(set)/\(name)"))
            }
            return files
        }
    }

    /// Runs the unsharded clean and the N shards plus merge of `request`, and checks every file.
    func expectMergedEqualsUnsharded(_ fixture: Fixture, _ request: CleanRequest, counts: [Int], name: String) throws {
        try fixture.reset()
        var whole = request
        whole.outputDirectory = "\(fixture.folder.path)/\(name)-whole"
        let summary = try CleanJob(request: whole, logger: silentLogger).run()
        let expected = try fixture.files("\(name)-whole")
        #expect(expected.keys.sorted() == [request.listPath.hasSuffix(".xml") ? "cleaned.xml" : "cleaned.csv", "audit.jsonl",
                                            "manifest.json", "rejects.csv", "report.html", "report.json", "suppressed.csv"].sorted())
        for n in counts {
            let parts = try fixture.shards(request, count: n, name: name)
            // Every row is in exactly one shard.
            let rows = try parts.map { try manifestObject($0)["counts"] as! [String: Any] }.map { $0["rows_read"] as! Int }
            #expect(rows.reduce(0, +) == summary.rowsRead)
            let merged = try fixture.merge(parts.reversed(), out: "\(name)-merged-\(n)")
            #expect(merged.summary == summary, "N = \(n)")
            let got = try fixture.files("\(name)-merged-\(n)")
            #expect(got.keys.sorted() == expected.keys.sorted())
            for (file, bytes) in expected {
                #expect(got[file] == bytes, "\(name), N = \(n): \(file) differs from the unsharded run's")
            }
            #expect(try SetVerification.verify(directory: "\(fixture.folder.path)/\(name)-merged-\(n)").isIntact)
        }
    }

    func manifestObject(_ folder: String) throws -> [String: Any] {
        let set = SetVerification.resolveSet(folder)
        return try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(set)/manifest.json"))) as! [String: Any]
    }

    @Test func theShardOfAKeyIsTheFirstEightBytesOfItsSHA256ModN() {
        // Values from an independent SHA-256 (Python's hashlib): 0x8e43ca37701228e7 for ana@example.com,
        // 0x686b5e4cf4f963ad for bob@example.org.
        #expect([2, 3, 5, 7, 1000].map { ShardSpec.shard(of: Array("ana@example.com".utf8), count: $0) } == [2, 1, 3, 7, 208])
        #expect([2, 3, 5, 7, 1000].map { ShardSpec.shard(of: Array("bob@example.org".utf8), count: $0) } == [2, 1, 2, 3, 662])
        #expect(ShardSpec.shard(of: nil, count: 5) == 1, "a row without an address belongs to shard 1")
        #expect(ShardSpec.shard(of: Array("ana@example.com".utf8), count: 1) == 1)
        #expect(ShardSpec("2/5") == ShardSpec(index: 2, count: 5))
        #expect(ShardSpec("0/5") == nil && ShardSpec("6/5") == nil && ShardSpec("1/0") == nil && ShardSpec("2") == nil && ShardSpec("a/b") == nil)
    }

    @Test func mergedCSVShardsAreTheUnshardedRunByteForByte() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        try expectMergedEqualsUnsharded(fixture, request, counts: [1, 2, 3, 5], name: "csv")
        // What the comparison covered: every kind of row.
        let manifest = try manifestObject("\(fixture.folder.path)/csv-whole")
        let counts = manifest["counts"] as! [String: Any]
        let suppressed = counts["suppressed"] as! [String: Int]
        #expect((counts["duplicates"] as! Int) > 0 && (counts["rejected"] as! Int) > 0 && (counts["blank_lines"] as! Int) > 0)
        #expect(counts["kept_by_allow"] as? Int == 1)
        for rule in ["hard_bounce", "complaint", "unsubscribe", "mailbox_full", "invalid_address"] { #expect((suppressed[rule] ?? 0) > 0, "\(rule)") }
        #expect(((manifest["domain_findings"] as! [String: Any])["dead"] as! [[String: Any]]).first?["list_rows_removed"] as? Int == 1)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(fixture.folder.path)/csv-whole/report.json"))) as! [String: Any]
        #expect((report["trend"] as! [Any]).count == 2, "the earlier clean and this one")
    }

    @Test func mergedXMLShardsAreTheUnshardedRunByteForByte() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.xml(), out: "unused")
        try expectMergedEqualsUnsharded(fixture, request, counts: [1, 2, 3, 5], name: "xml")
        let counts = try manifestObject("\(fixture.folder.path)/xml-whole")["counts"] as! [String: Any]
        #expect((counts["duplicates"] as! Int) >= 10 && (counts["rejected"] as! Int) > 0 && counts["kept_by_allow"] as? Int == 1)
    }

    @Test func theLargeListPrepassAndCleanV1LayoutMergeAlike() throws {
        let fixture = try fixture()
        // The pre-pass finds duplicates by sorting (a list over 0 bytes takes that way).
        var sorted = try fixture.request(list: fixture.csv(rows: 200), out: "unused")
        sorted.largeListBytes = 0
        sorted.sortMemoryBudget = 4096
        try expectMergedEqualsUnsharded(fixture, sorted, counts: [3, 5], name: "prepass")
        // clean-v1's suppressed.csv is sorted by address: the parts' rows are merged by it.
        var v1 = try fixture.request(list: fixture.csv(rows: 200), out: "unused")
        v1.suppressedFormat = .cleanV1
        try expectMergedEqualsUnsharded(fixture, v1, counts: [2, 5], name: "v1")
        var v1XML = try fixture.request(list: fixture.xml(), out: "unused")
        v1XML.suppressedFormat = .cleanV1
        try expectMergedEqualsUnsharded(fixture, v1XML, counts: [3], name: "v1xml")
    }

    @Test func aListReadWithDeclaredOptionsIsReadAgainWithThem() throws {
        // Windows-1252, semicolons, CRLF, a named address column: the merge reads the list as
        // the shards' manifests say they did (`shard.read`).
        let fixture = try fixture()
        var text = "Id;Contact;Name\r\n"
        for i in 0..<50 { text += "\(i);\(Fixture.address(i));Jos\u{E9} \(i)\r\n" }
        text += "50;\(Fixture.address(3).uppercased());Ren\u{E9}e\r\n51;;nobody\r\n"
        let list = "\(fixture.folder.path)/latin.csv"
        try Data(text.unicodeScalars.map { UInt8($0.value) }).write(to: URL(fileURLWithPath: list))
        var request = try fixture.request(list: list, out: "unused")
        request.encoding = .windows1252
        request.delimiter = UInt8(ascii: ";")
        request.emailColumn = "contact"
        try expectMergedEqualsUnsharded(fixture, request, counts: [2, 3], name: "latin")
        let shard = try manifestObject("\(fixture.folder.path)/latin-1-of-3")["shard"] as! [String: Any]
        let read = shard["read"] as! [String: Any]
        #expect(read["delimiter"] as? String == ";" && read["email_column"] as? String == "contact"
                && read["encoding"] as? String == "windows-1252" && read["record"] is NSNull && read["email_field"] is NSNull)
    }

    @Test func aShardsManifestNamesItsShardAndTheWholeList() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        let parts = try fixture.shards(request, count: 3, name: "p")
        let manifests = try parts.map(manifestObject)
        let listRows = manifests.map { ($0["shard"] as! [String: Any])["list_rows"] as! Int }
        #expect(Set(listRows).count == 1)
        #expect(manifests.map { ($0["shard"] as! [String: Any])["index"] as! Int } == [1, 2, 3])
        #expect(manifests.allSatisfy { ($0["shard"] as! [String: Any])["key_hash"] as? String == "sha256-be64-mod" })
        // The list's identity is the whole list's in every part.
        #expect(Set(manifests.map { (($0["inputs"] as! [String: Any])["list"] as! [String: Any])["sha256"] as! String }).count == 1)
        // Rejects and blank lines are shard 1's.
        #expect(manifests.map { ($0["counts"] as! [String: Any])["rejected"] as! Int }.dropFirst().allSatisfy { $0 == 0 })
        #expect(manifests.map { ($0["counts"] as! [String: Any])["blank_lines"] as! Int }.dropFirst().allSatisfy { $0 == 0 })
        // An unsharded run's manifest has no shard.
        try fixture.reset()
        _ = try CleanJob(request: fixture.request(list: fixture.csv(), out: "whole"), logger: silentLogger).run()
        #expect(try manifestObject("\(fixture.folder.path)/whole")["shard"] == nil)
    }

    @Test func shardRunsAreLeftOutOfALaterReportsTrend() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        _ = try fixture.shards(request, count: 3, name: "p")
        var later = request
        later.outputDirectory = "\(fixture.folder.path)/later"
        later.asOf = asOf + day
        _ = try CleanJob(request: later, logger: silentLogger).run()
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(fixture.folder.path)/later/report.json"))) as! [String: Any]
        let trend = report["trend"] as! [[String: Any]]
        #expect(trend.map { $0["as_of"] as! String } == [Timestamp.format(asOf - 30 * day), Timestamp.format(asOf + day)])
    }

    @Test func theGuardJudgesTheWholeListAtTheMerge() throws {
        let fixture = try fixture()
        var request = try fixture.request(list: fixture.csv(), out: "unused")
        request.policy.guard.maxRemovedShare = 0.05
        request.policy.guard.minListRows = 10
        let parts = try fixture.shards(request, count: 3, name: "g")
        // A shard does not judge: its part is written.
        for part in parts {
            #expect((try manifestObject(part)["summary"] as! [String: Any])["outputs_written"] as? Bool == true)
        }
        let refused = try fixture.merge(parts, out: "merged")
        #expect(refused.summary.guardVerdict?.outcome == .tripped)
        #expect(refused.summary.refusedFolder != nil)
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.folder.path)/merged/.listwash-current"))
        // Forced, the merge is the forced unsharded run.
        request.allowMassRemoval = true
        try fixture.reset()
        var whole = request
        whole.outputDirectory = "\(fixture.folder.path)/whole"
        _ = try CleanJob(request: whole, logger: silentLogger).run()
        let forced = try fixture.merge(parts, out: "merged", allowMassRemoval: true)
        #expect(forced.summary.guardVerdict?.outcome == .forced)
        #expect(try fixture.files("merged") == fixture.files("whole"))
    }

    // MARK: Refusals

    func expectRefusal(_ expected: MergeError, _ body: () throws -> Void) {
        #expect(throws: expected) { try body() }
    }

    @Test func aMissingOrRepeatedShardIsRefused() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        let parts = try fixture.shards(request, count: 3, name: "p")
        expectRefusal(.shardMissing(index: 2, count: 3)) { _ = try fixture.merge([parts[0], parts[2]], out: "m") }
        expectRefusal(.shardRepeated(index: 1, first: parts[0], second: parts[0])) { _ = try fixture.merge([parts[0], parts[1], parts[0], parts[2]], out: "m") }
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.folder.path)/m"), "nothing is created for a refused merge")
    }

    @Test func partsOfDifferentRunsAreRefused() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        let three = try fixture.shards(request, count: 3, name: "p")
        let two = try fixture.shards(request, count: 2, name: "q")
        expectRefusal(.partsDisagree(path: two[1], field: "shard.count")) { _ = try fixture.merge([three[0], two[1], three[2]], out: "m") }

        var otherTime = request
        otherTime.asOf = asOf - day
        let earlier = try fixture.shards(otherTime, count: 3, name: "t")
        expectRefusal(.partsDisagree(path: earlier[1], field: "as_of")) { _ = try fixture.merge([three[0], earlier[1], three[2]], out: "m") }

        var otherPolicy = request
        otherPolicy.policy.mailboxFull.threshold = 2
        let policy = try fixture.shards(otherPolicy, count: 3, name: "u")
        expectRefusal(.partsDisagree(path: policy[2], field: "policy")) { _ = try fixture.merge([three[0], three[1], policy[2]], out: "m") }

        // Another history: one more event between the shards.
        try fixture.reset()
        var first = request
        first.outputDirectory = "\(fixture.folder.path)/v-1"
        first.shard = ShardSpec(index: 1, count: 2)
        _ = try CleanJob(request: first, logger: silentLogger).run()
        let extra = try fixture.folder.write("extra.csv", "email,timestamp,event,smtp_code,enhanced_code,diagnostic\nnew@d1.example,2026-10-20T00:00:00Z,complaint,,,\n")
        _ = try IngestJob(historyPath: fixture.history, policy: Policy(), logger: silentLogger).run(files: [extra])
        var second = first
        second.outputDirectory = "\(fixture.folder.path)/v-2"
        second.shard = ShardSpec(index: 2, count: 2)
        _ = try CleanJob(request: second, logger: silentLogger).run()
        expectRefusal(.partsDisagree(path: second.outputDirectory, field: "inputs.history")) {
            _ = try fixture.merge([first.outputDirectory, second.outputDirectory], out: "m")
        }
    }

    @Test func anotherListOrAChangedListIsRefused() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        let parts = try fixture.shards(request, count: 2, name: "p")
        let other = try fixture.folder.write("other.csv", "Email,Name,Note\nuser1@d1.example,x,y\n")
        var otherList = request
        otherList.listPath = other
        let others = try fixture.shards(otherList, count: 2, name: "o")
        expectRefusal(.partsDisagree(path: others[1], field: "inputs.list.sha256")) { _ = try fixture.merge([parts[0], others[1]], out: "m") }

        // The list changed after the shards read it (the same size, one byte differs).
        var bytes = try Data(contentsOf: URL(fileURLWithPath: request.listPath))
        let at = bytes.lastIndex(of: UInt8(ascii: "x"))!
        bytes[at] = UInt8(ascii: "y")
        try bytes.write(to: URL(fileURLWithPath: request.listPath))
        expectRefusal(.listChanged(path: request.listPath)) { _ = try fixture.merge(parts, out: "m") }
        // The original list read from elsewhere (--list) merges.
        bytes[at] = UInt8(ascii: "x")
        let copy = "\(fixture.folder.path)/copy.csv"
        try bytes.write(to: URL(fileURLWithPath: copy))
        var merge = MergeRequest(parts: parts, outputDirectory: "\(fixture.folder.path)/m2", listPath: copy)
        merge.allowMassRemoval = false
        let merged = try ShardMerge(request: merge, logger: silentLogger).run()
        #expect(merged.listPath == request.listPath, "the outputs name the list as the shards did")
    }

    @Test func anAlteredPartAnUnshardedSetOrTheOutputAsAPartIsRefused() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        let parts = try fixture.shards(request, count: 2, name: "p")
        expectRefusal(.outputIsPart(path: parts[1])) {
            _ = try ShardMerge(request: MergeRequest(parts: parts, outputDirectory: parts[1]), logger: silentLogger).run()
        }
        try fixture.reset()
        _ = try CleanJob(request: fixture.request(list: request.listPath, out: "whole"), logger: silentLogger).run()
        let whole = "\(fixture.folder.path)/whole"
        expectRefusal(.notAShard(path: whole, reason: "its manifest names no shard (a clean without --shard)")) {
            _ = try fixture.merge([parts[0], whole], out: "m")
        }
        // One byte of a part's audit changed: the part no longer verifies.
        let audit = SetVerification.resolveSet(parts[0]) + "/audit.jsonl"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: audit))
        bytes[bytes.count - 3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: audit))
        #expect {
            _ = try fixture.merge(parts, out: "m")
        } throws: { error in
            if case MergeError.partAltered(let path, _) = error { return path == parts[0] }
            return false
        }
    }

    /// Rewrites `name` in the current set of `part` and its entry in the manifest, so that the
    /// part still verifies (the manifest is the anchor) but no longer matches the list.
    func rewrite(_ part: String, _ name: String, _ change: (inout [UInt8]) -> Void) throws {
        let set = SetVerification.resolveSet(part)
        let old = try FileByteSource.readAll(path: "\(set)/\(name)")
        var new = old
        change(&new)
        try Data(new).write(to: URL(fileURLWithPath: "\(set)/\(name)"))
        var manifest = try String(contentsOfFile: "\(set)/manifest.json", encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: #""sha256":"\#(SHA256Hasher.digest(old).hexString)","bytes":\#(old.count)"#,
                                                 with: #""sha256":"\#(SHA256Hasher.digest(new).hexString)","bytes":\#(new.count)"#)
        try manifest.write(toFile: "\(set)/manifest.json", atomically: false, encoding: .utf8)
        #expect(try SetVerification.verify(directory: part).isIntact)
    }

    @Test func aPartThatVerifiesButDoesNotHoldItsRowsIsRefused() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        let parts = try fixture.shards(request, count: 2, name: "p")
        // A kept row taken out of part 2's cleaned list.
        try rewrite(parts[1], "cleaned.csv") { bytes in
            let firstRow = bytes.firstIndex(of: 0x0A)! + 1
            let end = bytes[firstRow...].firstIndex(of: 0x0A)! + 1
            bytes.removeSubrange(firstRow..<end)
        }
        #expect {
            _ = try fixture.merge(parts, out: "m")
        } throws: { error in
            if case MergeError.partInconsistent(let path, let file, let line, _) = error { return path == parts[1] && file == "cleaned.csv" && line != nil }
            return false
        }
        #expect(!FileManager.default.fileExists(atPath: "\(fixture.folder.path)/m/.listwash-current"), "nothing is switched in")
    }

    @Test func partsOfAnotherListwashAreRefused() throws {
        let fixture = try fixture()
        let request = try fixture.request(list: fixture.csv(), out: "unused")
        let parts = try fixture.shards(request, count: 2, name: "p")
        for part in parts {
            let path = SetVerification.resolveSet(part) + "/manifest.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: #""version":"\#(ListWashVersion.current)""#, with: #""version":"0.0.1""#)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
        expectRefusal(.otherVersion(path: parts[0], version: "0.0.1", this: ListWashVersion.current)) { _ = try fixture.merge(parts, out: "m") }
    }

    @Test func theMergedManifestNamesTheHistoryAsThePartsDo() {
        // The merge writes the history's location from the parts' manifests, which show it
        // without a password: shown again, it is the same (and the same store).
        for given in ["postgres://lw:secret@db.example:5432/listwash?sslmode=require&password=x", "/shared/listwash.sqlite"] {
            let shown = HistoryLocation(given).display
            #expect(HistoryLocation(shown).display == shown)
            #expect(HistoryLocation(shown).store == HistoryLocation(given).store)
            #expect(!shown.contains("secret"))
        }
    }

    @Test func aShardOfAOneOffRunIsRefused() throws {
        let fixture = try fixture()
        var request = try fixture.request(list: fixture.csv(), out: "o")
        request.eventFiles = [try fixture.folder.write("e.csv", "email,timestamp,event,smtp_code,enhanced_code,diagnostic\n")]
        request.shard = ShardSpec(index: 1, count: 2)
        #expect(throws: CleanError.shardOfOneOff(shard: "1/2")) { _ = try CleanJob(request: request, logger: silentLogger).run() }
    }
}
