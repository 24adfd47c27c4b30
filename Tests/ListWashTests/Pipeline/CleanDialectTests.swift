import Foundation
import Testing
@testable import ListWash

extension TemporaryFolder {
    /// Writes raw bytes to `name` inside the folder and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = "\(path)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func readBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(path)/\(name)")))
    }
}

/// `clean` on the real export shapes of FORMATS.md §1–5 and in other encodings: the cleaned
/// file is the input minus the removed rows, byte for byte.
@Suite struct CleanDialectTests {
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200

    /// A history in which `gone@example.org` hard-bounced.
    func history(_ folder: TemporaryFolder) throws -> String {
        let path = "\(folder.path)/h.sqlite"
        let classifier = try Classifier()
        let raw = PolicyEvent.hardRaw("gone@example.org", asOf - 86_400)
        _ = try HistoryStore(path: path, create: true).insert([raw].compactMap { EventRecord($0, classifier: classifier) })
        return path
    }

    func clean(_ folder: TemporaryFolder, _ bytes: [UInt8], encoding: TextEncoding? = nil,
               rejected: ((Rejection) -> Void)? = nil) throws -> (CleanSummary, [UInt8]) {
        let list = try folder.write("list.csv", bytes: bytes)
        var job = CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: try history(folder),
                                                 asOf: asOf, policy: Policy(), encoding: encoding), logger: silentLogger)
        job.onReject = rejected
        let summary = try job.run()
        return (summary, try folder.readBytes("out/cleaned.csv"))
    }

    /// Cleans `kept` + a removed row + `tail` and expects exactly `kept` + `tail` back.
    func expectRemovedRowOnly(header: String, kept: String, removed: String, tail: String = "", encode: (String) -> [UInt8] = { Array($0.utf8) },
                              encoding: TextEncoding? = nil, column: String) throws {
        let folder = try TemporaryFolder()
        let (summary, cleaned) = try clean(folder, encode(header + kept + removed + tail), encoding: encoding)
        #expect(summary.suppressed[.hardBounce] == 1)
        #expect(summary.emailColumn == column)
        #expect(cleaned == encode(header + kept + tail))
    }

    // MARK: Encodings

    @Test func utf16LEWithByteOrderMarkKeepsItsBytes() throws {
        let header = "\u{FEFF}Email Address\tFirst Name\tNOTES\r\n"
        let kept = "zoë@example.com\tZoë\t\"𝄞 \"\"quoted\"\"\r\ntwo lines\"\r\n"
        let removed = "gone@example.org\tGone\t\r\n"
        let tail = "li.wei@example.net\tLi\tlast, no newline"
        try expectRemovedRowOnly(header: header, kept: kept, removed: removed, tail: tail,
                                 encode: { utf16Bytes($0) }, column: "Email Address")
        try expectRemovedRowOnly(header: header, kept: kept, removed: removed, tail: tail,
                                 encode: { utf16Bytes($0, bigEndian: true) }, column: "Email Address")
    }

    @Test func windows1252KeepsItsBytes() throws {
        // "René;€ 5;Ÿ" in Windows-1252: 0xE9, 0x80, 0x9F, and an undefined byte 0x81.
        let header: [UInt8] = Array("EMAIL;NAME;NOTE\r\n".utf8)
        let kept: [UInt8] = Array("rene@example.com;Ren".utf8) + [0xE9] + Array(";".utf8) + [0x80, 0x20, 0x35, 0x9F, 0x81] + [0x0D, 0x0A]
        let removed: [UInt8] = Array("gone@example.org;G".utf8) + [0xE9] + Array(";x\r\n".utf8)
        let tail: [UInt8] = Array("marta.nowak@example.com;Marta;".utf8) + [0xD3, 0x0D, 0x0A]
        for encoding in [TextEncoding.windows1252, .latin1] {
            let folder = try TemporaryFolder()
            let (summary, cleaned) = try clean(folder, header + kept + removed + tail, encoding: encoding)
            #expect(summary.kept == 2)
            #expect(summary.suppressed[.hardBounce] == 1)
            #expect(cleaned == header + kept + tail)
            let manifest = try folder.read("out/manifest.json")
            #expect(manifest.contains("\"format\":\"csv ; \(encoding.rawValue)\""))
        }
    }

    @Test func addressesInOtherEncodingsAreMatchedAsText() throws {
        // A suppressed address with a non-ASCII local part, found in a Latin-1 file.
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/h.sqlite"
        let raw = PolicyEvent.hardRaw("josé@example.org", asOf - 86_400)
        _ = try HistoryStore(path: path, create: true).insert([raw].compactMap { EventRecord($0, classifier: try Classifier()) })
        let list = try folder.write("list.csv", bytes: Array("email\njos".utf8) + [0xE9] + Array("@example.org\nok@example.org\n".utf8))
        let summary = try CleanJob(request: CleanRequest(listPath: list, outputDirectory: "\(folder.path)/out", historyPath: path,
                                                         asOf: asOf, policy: Policy(), encoding: .latin1), logger: silentLogger).run()
        #expect(summary.suppressed[.hardBounce] == 1)
        #expect(try folder.read("out/suppressed.csv").contains("josé@example.org,hard_bounce"))
        #expect(try folder.readBytes("out/cleaned.csv") == Array("email\nok@example.org\n".utf8))
    }

    @Test func invalidSequencesRejectTheirRowWithItsLineAndNoData() throws {
        let folder = try TemporaryFolder()
        var rejections: [Rejection] = []
        let bytes = [0xFF, 0xFE] + utf16Bytes("email,name\nok@example.com,a\nbad@example.com,") + [0x00, 0xD8] + utf16Bytes("\nfine@example.com,c\n")
        let (summary, cleaned) = try clean(folder, bytes, encoding: nil) { rejections.append($0) }
        #expect(summary.rejected == 1)
        #expect(summary.kept == 2)
        #expect(rejections.map(\.line) == [3])
        #expect(rejections.first?.reason == "invalid UTF-16 sequence")
        #expect(cleaned == [0xFF, 0xFE] + utf16Bytes("email,name\nok@example.com,a\nfine@example.com,c\n"))

        let utf8Folder = try TemporaryFolder()
        var utf8Rejections: [Rejection] = []
        let (utf8Summary, _) = try clean(utf8Folder, Array("email\nok@example.com\n".utf8) + [0x78, 0xC3, 0x28] + Array("@example.com\n".utf8),
                                         encoding: .utf8) { utf8Rejections.append($0) }
        #expect(utf8Summary.rejected == 1)
        #expect(utf8Rejections.first?.reason == "invalid UTF-8 sequence")
        #expect(utf8Rejections.first?.line == 3)
    }

    @Test func anInvalidHeaderStopsTheRunWithoutData() throws {
        let folder = try TemporaryFolder()
        let bytes = [0xFF, 0xFE] + utf16Bytes("ema") + [0x00, 0xDC] + utf16Bytes("il\nok@example.com\n")
        #expect(throws: CleanError.badHeader(path: "\(folder.path)/list.csv", reason: "invalid UTF-16 sequence")) {
            try clean(folder, bytes)
        }
    }

    // MARK: Export shapes (FORMATS.md §1–5)

    @Test func mailchimpExportWithQuotedTagsAndNoFinalNewline() throws {
        let header = "Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID,LEID,EUID,NOTES,TAGS\n"
        let kept = "ana.ruiz@example.com,Ana,Ruiz,2,2023-04-02 10:11:12,192.0.2.14,2023-04-02 10:12:40,192.0.2.14,,,,,,,,2024-01-15 08:00:03,\"Spring sale\",a1b2c3d4e5,118,9f8e7d6c5b,,\"\"\"Customer\"\",\"\"Newsletter\"\"\"\n"
        let removed = "gone@example.org,Gone,Away,1,2023-04-02 10:11:12,192.0.2.15,,,,,,,,,,,,,119,9f8e7d6c5c,,\"vip, denver\"\n"
        let tail = "\nbo.li@example.net,Bo,Li,5,2023-05-01 09:00:00,192.0.2.16,,,,,,,,,,,,,120,9f8e7d6c5d,\"note\nwith a line break\",\"vip, denver\""
        let folder = try TemporaryFolder()
        let (summary, cleaned) = try clean(folder, Array((header + kept + removed + tail).utf8))
        #expect(summary.kept == 2)
        #expect(summary.blankLines == 1)
        #expect(summary.emailColumn == "Email Address")
        // The blank line is dropped; every kept row is copied as it was, final newline or not.
        #expect(cleaned == Array((header + kept + tail.dropFirst()).utf8))
    }

    @Test func hubSpotExportWithEveryValueQuoted() throws {
        try expectRemovedRowOnly(
            header: "\"Record ID\",\"First Name\",\"Last Name\",\"Email\",\"Phone Number\",\"Contact owner\",\"Primary Associated Company ID\",\"Last Activity Date\",\"Lead Status\",\"Marketing contact status\",\"Create Date\",\"Associated Company\"\r\n",
            kept: "\"51000000001\",\"Jon\",\"Berg\",\"jon.berg@example.org\",\"\",\"\",\"\",\"\",\"NEW\",\"Marketing contact\",\"2024-02-03 09:15\",\"Example Org\"\r\n",
            removed: "\"51000000002\",\"Gone\",\"\",\"gone@example.org\",\"\",\"\",\"\",\"\",\"\",\"Non-marketing contact\",\"2024-02-04 10:00\",\"\"\r\n",
            column: "Email")
    }

    @Test func klaviyoExportWithASuppressionsCell() throws {
        try expectRemovedRowOnly(
            header: "Email,Klaviyo ID,First Name,Last Name,Phone Number,Country,Source,Email Marketing Consent,Email Marketing Consent Timestamp,Profile Created On,Date Added,Email Suppressions\n",
            kept: "li.wei@example.net,01HXAMPLE0000000000000000,Li,Wei,,SE,Signup form,UNSUBSCRIBED,2024-03-09T12:00:00+00:00,2023-11-01 08:30:00,2023-11-01 08:30:00,\"[{'reason': 'HARD_BOUNCE', 'timestamp': '2024-03-09T12:00:00+00:00'}]\"\n",
            removed: "gone@example.org,01HXAMPLE0000000000000001,G,O,,SE,API,SUBSCRIBED,,2023-11-01 08:30:00,2023-11-01 08:30:00,\n",
            tail: "sam.lee@example.com,01HXAMPLE0000000000000002,Sam,Lee,,US,Signup form,SUBSCRIBED,,2023-11-02 08:30:00,2023-11-02 08:30:00,[]\n",
            column: "Email")
    }

    @Test func brevoExportWithSemicolonsAndByteOrderMark() throws {
        let folder = try TemporaryFolder()
        let header = "\u{FEFF}CONTACT ID;EMAIL;LASTNAME;FIRSTNAME;SMS;EXT_ID;ADDED_TIME;MODIFIED_TIME\r\n"
        let kept = "42;marta.nowak@example.com;Nowak;Marta;;crm-0042;2024-05-06 07:08:09;2024-06-01 10:00:00\r\n"
        let removed = "43;gone@example.org;Gone;G;;crm-0043;2024-05-06 07:08:09;2024-06-01 10:00:00\r\n"
        let (summary, cleaned) = try clean(folder, Array((header + kept + removed).utf8))
        #expect(summary.emailColumn == "EMAIL")
        #expect(summary.format == "csv ;")
        #expect(cleaned == Array((header + kept).utf8))
    }

    @Test func salesforceExtractsUseEmailAddressNotSubscriberKey() throws {
        try expectRemovedRowOnly(
            header: "ClientID,SendID,SubscriberKey,EmailAddress,SubscriberID,ListID,EventDate,EventType,BounceCategory,SMTPCode,BounceReason,BatchID,TriggeredSendExternalKey\r\n",
            kept: "7000001,4321,cust-889,omar.haddad@example.com,100200300,55,3/14/2024 9:26:53 AM,Bounce,Soft bounce,452,\"452 4.2.2 <omar.haddad@example.com>: Mailbox full\",0,\r\n",
            removed: "7000001,4321,cust-890,gone@example.org,100200301,55,3/14/2024 9:26:54 AM,Bounce,Hard bounce,550,\"550 5.1.1 User unknown\",0,\r\n",
            column: "EmailAddress")
        // The Subscribers extract, tab-separated.
        try expectRemovedRowOnly(
            header: "ClientID\tSubscriberKey\tEmailAddress\tSubscriberID\tStatus\tDateHeld\tDateCreated\tDateUnsubscribed\n",
            kept: "7000001\tcust-889\tomar.haddad@example.com\t100200300\tActive\t\t1/2/2024 8:00:00 AM\t\n",
            removed: "7000001\tcust-890\tgone@example.org\t100200301\tHeld\t3/1/2024 8:00:00 AM\t1/2/2024 8:00:00 AM\t\n",
            column: "EmailAddress")
    }
}
