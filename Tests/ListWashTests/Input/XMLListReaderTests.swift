import Foundation
import Testing
@testable import ListWash

/// An owned copy of what an XML list reader handed out.
struct XMLReadResult: Equatable {
    struct Record: Equatable {
        var line: Int
        var raw: String
        var address: String?
        var error: String?
        var text: String
    }

    /// Every segment's bytes in order, records included: must equal the input.
    var all: [UInt8] = []
    var records: [Record] = []
    var recordElement = ""
    var addressField = ""
    var bytesRead = 0
}

func readXML(_ text: String, chunks: [Int] = [1 << 20], record: String? = nil, field: String? = nil) throws -> XMLReadResult {
    try readXML(Array(text.utf8), chunks: chunks, record: record, field: field)
}

func readXML(_ bytes: [UInt8], chunks: [Int] = [1 << 20], record: String? = nil, field: String? = nil) throws -> XMLReadResult {
    let reader = XMLListReader(path: "list.xml", source: MemoryByteSource(bytes, chunkSizes: chunks), recordName: record, emailField: field)
    var result = XMLReadResult()
    try reader.read { segment in
        switch segment {
        case .passthrough(let bytes):
            result.all += bytes
        case .record(let r):
            result.all += r.raw
            result.records.append(.init(line: r.line, raw: String(decoding: r.raw, as: UTF8.self),
                                        address: r.address.map { String(decoding: $0, as: UTF8.self) }, error: r.error, text: r.text))
        }
    }
    result.recordElement = reader.recordElement
    result.addressField = reader.addressField
    result.bytesRead = reader.bytesRead
    return result
}

@Suite struct XMLListReaderTests {
    @Test func campaignMonitorRecordsAndTheirAddressElementAreDetected() throws {
        let result = try readXML(XMLFixtures.campaignMonitor)
        #expect(result.recordElement == "Subscriber")
        #expect(result.addressField == "EmailAddress")
        #expect(result.records.map(\.address) == ["ana.ruiz@example.com", "gone@example.org", nil, "jos\u{E9}.garcia@example.net"])
        #expect(result.records.map(\.line) == [5, 14, 23, 27])
        #expect(result.records[2].error == "the record has no <EmailAddress> element")
        #expect(result.records[2].text.hasPrefix("<Subscriber>\n      <Name>No Address</Name>"))
        #expect(result.records[2].text.hasSuffix("</Subscriber>"))
        #expect(result.all == Array(XMLFixtures.campaignMonitor.utf8))
        #expect(result.bytesRead == XMLFixtures.campaignMonitor.utf8.count)
    }

    @Test func aRecordSpansItsElementAndTheIndentationThatStartsItsLine() throws {
        let result = try readXML(XMLFixtures.campaignMonitor)
        let second = result.records[1].raw
        #expect(second.hasPrefix("\n    <Subscriber>\n      <EmailAddress>gone@example.org"))
        #expect(second.hasSuffix("]]></Value></SubscriberCustomField>\n      </CustomFields>\n    </Subscriber>"))
    }

    @Test func genericAttributeShapeWithSelfClosingRecords() throws {
        let result = try readXML(XMLFixtures.generic)
        #expect(result.recordElement == "subscriber")
        #expect(result.addressField == "@email")
        #expect(result.records.map(\.address) == ["a@example.com", "b@example.org", "c@example.net"])
        #expect(result.records.map(\.raw) == [
            "\n  <subscriber email=\"a@example.com\" name=\"A &amp; B\" tag=\"x/>y\"/>",
            "\n  <subscriber id=\"2\" email='b@example.org'><notes>likes &lt;b&gt; tags</notes></subscriber>",
            "\n  <subscriber email=\"c@example.net\" />",
        ])
        #expect(result.all == Array(XMLFixtures.generic.utf8))
    }

    @Test func boundariesAreExactAroundCommentsCDATAProcessingInstructionsDoctypeNamespacesAndCRLF() throws {
        let result = try readXML(XMLFixtures.tricky)
        #expect(result.recordElement == "Subscriber")
        #expect(result.addressField == "Email")
        #expect(result.records.map(\.address) == ["one@example.com", "two@example.com", "\r\n three@example.com ".replacingOccurrences(of: "\r\n", with: "\n"), "four@example.com"])
        #expect(result.records.map(\.line) == [10, 11, 13, 15])
        #expect(result.records.map(\.raw) == [
            "\r\n  <cm:Subscriber x:attr=\"&lt;/cm:Subscriber>\"><cm:Email>one@example.com</cm:Email><x:Bio><![CDATA[a ]] ]]]></x:Bio></cm:Subscriber>",
            "\r\n  <cm:Subscriber><cm:Email><![CDATA[two@example.com]]></cm:Email><x:Bio>&brand;</x:Bio></cm:Subscriber\r\n  >",
            "\r\n  <cm:Subscriber\r\n      x:flag=\"yes\"><cm:Email>\r\n three@example.com </cm:Email></cm:Subscriber>",
            "<cm:Subscriber><cm:Email>four@example.com</cm:Email></cm:Subscriber>",
        ])
        #expect(result.all == Array(XMLFixtures.tricky.utf8))
    }

    @Test func recordsAreTheSameHoweverTheInputIsSplit() throws {
        for fixture in [XMLFixtures.campaignMonitor, XMLFixtures.generic, XMLFixtures.tricky] {
            let whole = try readXML(fixture)
            #expect(try readXML(fixture, chunks: [1]) == whole)
            #expect(try readXML(fixture, chunks: [2, 3, 5, 7]) == whole)
            var random = SplitMix(state: 42)
            for _ in 0..<20 {
                let chunks = (0..<16).map { _ in Int.random(in: 1...97, using: &random) }
                #expect(try readXML(fixture, chunks: chunks) == whole)
            }
        }
    }

    @Test func zynksXmlSerializerShapeWithEmptyAddressElements() throws {
        let text = """
            <?xml version="1.0" encoding="utf-8"?>
            <ArrayOfSubscriberDetail xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
              <SubscriberDetail><EmailAddress /><Date>2025-06-01</Date><State>Active</State></SubscriberDetail>
              <SubscriberDetail><EmailAddress>b@example.org</EmailAddress><Name xsi:nil="true" /></SubscriberDetail>
            </ArrayOfSubscriberDetail>
            """
        let result = try readXML(text, chunks: [7])
        #expect(result.recordElement == "SubscriberDetail")
        // An empty address element is no address: the record goes to the rejects.
        #expect(result.records.map(\.address) == [nil, "b@example.org"])
        #expect(result.records.map(\.error) == ["no address", nil])
        #expect(result.all == Array(text.utf8))
    }

    @Test func recordAndFieldCanBeNamed() throws {
        let text = """
            <export><owner><email>owner@example.com</email></owner>
            <people><person><work>w1@example.com</work><home>h1@example.com</home></person>
            <person><home>h2@example.com</home><work>w2@example.com</work></person></people></export>
            """
        let detected = try readXML(text)
        #expect(detected.recordElement == "owner")
        let named = try readXML(text, record: "Person", field: "home")
        #expect(named.recordElement == "person")
        #expect(named.addressField == "home")
        #expect(named.records.map(\.address) == ["h1@example.com", "h2@example.com"])
        #expect(named.all == Array(text.utf8))
        let attribute = try readXML(XMLFixtures.generic, field: "@email")
        #expect(attribute.addressField == "@email")
        #expect(attribute.records.count == 3)
        let prefixed = try readXML(XMLFixtures.tricky, record: "cm:Subscriber", field: "cm:Email")
        #expect(prefixed.records.count == 4)
    }

    @Test func elementsNamedLikeAnAddressDirectlyUnderTheRootAreTheRecords() throws {
        let text = "<emails>\n  <email>a@example.com</email>\n  <email>b@example.com</email>\n</emails>\n"
        let result = try readXML(text)
        #expect(result.recordElement == "email")
        #expect(result.addressField == "text()")
        #expect(result.records.map(\.address) == ["a@example.com", "b@example.com"])
        #expect(result.records.map(\.line) == [2, 3])
    }

    @Test func aValueThatLooksLikeAnAddressIsTheFieldWhenNoNameMatches() throws {
        let text = """
            <contacts><meta><count>2</count></meta><page>
            <contact><id>1</id><login>a@example.com</login></contact>
            <count>not a record</count>
            <contact><id>2</id><login>b@example.com</login></contact>
            </page></contacts>
            """
        let result = try readXML(text)
        #expect(result.recordElement == "contact")
        #expect(result.addressField == "login")
        #expect(result.records.map(\.address) == ["a@example.com", "b@example.com"])
        #expect(result.all == Array(text.utf8))
    }

    @Test func recordsBeforeTheOneThatDecidedAreRecordsToo() throws {
        let text = """
            <list>
              <contact><name>A</name></contact>
              <other/>
              <contact id="2"><login>not an address</login></contact>
              <contact><login>c@example.com</login></contact>
              <contact/>
            </list>
            """
        let result = try readXML(text)
        #expect(result.recordElement == "contact")
        #expect(result.records.map(\.address) == [nil, "not an address", "c@example.com", nil])
        #expect(result.records.map(\.error) == ["the record has no <login> element", nil, nil, "the record has no <login> element"])
        #expect(result.records.map(\.line) == [2, 4, 5, 6])
        #expect(result.all == Array(text.utf8))
        let byName = "<s><r><n>1</n></r><r e=\"&amp;x\"/><r e=\"b@example.com\"/></s>"
        let named = try readXML(byName, record: "r", field: "e")
        #expect(named.records.map(\.address) == [nil, "&x", "b@example.com"])
    }

    @Test func aListWithoutAddressesIsAnErrorNamingNoData() {
        #expect(throws: XMLListError.noRecordElement(path: "list.xml", record: nil, field: nil)) {
            try readXML("<people><person><name>Ana</name></person></people>")
        }
        #expect(throws: XMLListError.noRecordElement(path: "list.xml", record: "Subscriber", field: "mail")) {
            try readXML(XMLFixtures.campaignMonitor, record: "Subscriber", field: "mail")
        }
    }

    @Test func aFileThatIsNotWellFormedStopsWithLineColumnAndLibxml2sMessage() {
        let text = "<subscribers>\n  <subscriber email=\"a@example.com\">\n  <subscriber email=\"secret@example.com\"/>\n</subscribers>\n"
        do {
            _ = try readXML(text)
            Issue.record("expected an error")
        } catch let error as XMLListError {
            guard case .notWellFormed(let path, let line, let column, let message) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == "list.xml")
            #expect(line == 4)
            #expect(column > 0)
            #expect(message.contains("Opening and ending tag mismatch"))
            #expect(!error.description.contains("@"))
            #expect(error.description.hasPrefix("list.xml:4:\(column): not well-formed XML: "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func anEmptyFileIsReportedAsEmpty() {
        #expect(throws: XMLListError.notWellFormed(path: "list.xml", line: 1, column: 1, message: "Document is empty")) {
            try readXML("")
        }
        #expect(throws: XMLListError.notWellFormed(path: "list.xml", line: 1, column: 1, message: "Document is empty")) {
            try readXML(" \n")
        }
    }

    @Test func badBytesAreReportedWithoutTheBytesThemselves() {
        let bytes = Array("<s><e email=\"".utf8) + [0xE9, 0x72, 0x69, 0x63] + Array("@example.com\"/></s>".utf8)
        let error = #expect(throws: XMLListError.self) { try readXML(bytes) }
        guard case .notWellFormed(_, 1, _, let message) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(!message.contains("0xE9") && !message.contains("Bytes"))
    }

    @Test func externalEntitiesAreNeverLoaded() throws {
        let folder = try TemporaryFolder()
        let secret = try folder.write("secret.txt", "TOP-SECRET-CONTENT@example.com")
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE subscribers [
              <!ENTITY xxe SYSTEM "file://\(secret)">
              <!ENTITY % remote SYSTEM "file://\(secret)">
            ]>
            <subscribers>
              <subscriber><email>&xxe;</email></subscriber>
              <subscriber><email>ok@example.com</email><note>&xxe;</note></subscriber>
            </subscribers>
            """
        let result = try readXML(text)
        #expect(result.records.map(\.address) == [nil, "ok@example.com"])
        #expect(result.records[0].error == XMLRecordDetector.entityError)
        #expect(!String(decoding: result.all, as: UTF8.self).contains("TOP-SECRET"))
        #expect(result.all == Array(text.utf8))
    }

    @Test func internalEntitiesAreNotExpandedIntoAddresses() throws {
        let text = """
            <!DOCTYPE s [<!ENTITY dom "example.com"><!ENTITY rec "<subscriber email='hidden@example.com'/>">]>
            <s>
              <subscriber email="a@&dom;"/>
              <subscriber email="b@example.com"/>
              &rec;
            </s>
            """
        let result = try readXML(text)
        #expect(result.records.map(\.address) == [nil, "b@example.com"])
        #expect(result.records.map(\.error) == [XMLRecordDetector.entityError, nil])
        #expect(result.all == Array(text.utf8))
    }

    static let laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
         <!ENTITY lol "lol">
         <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
         <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
         <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
         <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
         <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
         <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
         <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
         <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
         <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        <subscribers>
          <subscriber email="a@example.com">USE</subscriber>
        </subscribers>
        """

    @Test(arguments: ["&lol9;", "<n>&lol9;</n>", "<n v=\"&lol9;\"/>"])
    func aBillionLaughsDoesNotBlowUp(use: String) throws {
        let text = Self.laughs.replacingOccurrences(of: "USE", with: use)
        let start = ContinuousClock.now
        do {
            let result = try readXML(text)
            // Read without expanding: the output is the input, not a billion "lol"s.
            #expect(result.all == Array(text.utf8))
        } catch let error as XMLListError {
            guard case .notWellFormed = error else {
                Issue.record("unexpected \(error)")
                return
            }
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func utf16IsRefusedWithAClearError() {
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("<s><e email=\"a@example.com\"/></s>".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let error = #expect(throws: XMLListError.self) { try readXML(bytes) }
        guard case .unsupportedEncoding = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
    }

    @Test func latin1ListsKeepTheirBytesAndDecodeTheAddress() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<list><item email=\"jos".utf8) + [0xE9]
            + Array("@example.com\"/><item email=\"b@example.com\"/></list>\n".utf8)
        let result = try readXML(bytes, chunks: [3])
        #expect(result.records.map(\.address) == ["jos\u{E9}@example.com", "b@example.com"])
        #expect(result.all == bytes)
    }

    @Test func libxml2sMessageIsCutBeforeTheTextItQuotes() {
        // libxml2 quotes up to 50 bytes of a comment with a double hyphen in it, on the message's first line.
        let text = "<subscribers>\n  <!-- <subscriber email=\"jane.doe@example.com\"/> -- old -->\n  <subscriber email=\"a@example.com\"/>\n</subscribers>\n"
        do {
            _ = try readXML(text)
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("jane.doe"))
            #expect("\(error)".hasSuffix("not well-formed XML: '--' inside a comment"))
        }
        let namespace = "<p:subscribers xmlns:p=\"jane.doe@example.com bad uri\">\n  <p:subscriber email=\"a@example.com\"/>\n</p:subscribers>\n"
        do {
            _ = try readXML(namespace)
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("jane.doe"))
            #expect("\(error)".hasSuffix("not well-formed XML: a namespace name (xmlns) that is not a valid URI"))
        }
    }

    @Test func listsAreRecognisedByNameOrByTheirFirstByte() throws {
        #expect(SubscriberListFormat.startsLikeXML(ArraySlice(Array("\u{FEFF} \r\n <?xml version=\"1.0\"?>".utf8))))
        #expect(SubscriberListFormat.startsLikeXML(ArraySlice(Array("<subscribers/>".utf8))))
        #expect(!SubscriberListFormat.startsLikeXML(ArraySlice(Array("email,name\n".utf8))))
        #expect(!SubscriberListFormat.startsLikeXML([]))
        let folder = try TemporaryFolder()
        let xml = try folder.write("export.txt", "\n<subscribers><subscriber email=\"a@example.com\"/></subscribers>")
        #expect(try SubscriberListFormat.open(path: xml, delimiter: nil, emailColumn: nil) is XMLListReader)
        let named = try folder.write("LIST.XML", "email\na@example.com\n")
        #expect(try SubscriberListFormat.isXML(path: named))
        let csv = try folder.write("list.csv", "email\na@example.com\n")
        #expect(try SubscriberListFormat.open(path: csv, delimiter: nil, emailColumn: nil) is CSVListReader)
    }
}

@Suite struct XMLBoundaryScannerTests {
    func elements(_ text: String, depth: Int, chunk: Int) -> [ScannedElement] {
        var scanner = XMLBoundaryScanner(recordDepth: depth)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let j = min(bytes.count, i + chunk)
            bytes[i..<j].withUnsafeBytes { scanner.scan($0) }
            i = j
        }
        var out: [ScannedElement] = []
        while let e = scanner.takeCompleted() { out.append(e) }
        return out
    }

    @Test func findsElementsAtItsDepthOnly() {
        let text = "<a><b x='>'>t<c/></b><!--<b>--><p:b/><![CDATA[<b>]]><?b >?></a>"
        for chunk in [1, 2, 5, 100] {
            let found = elements(text, depth: 1, chunk: chunk)
            #expect(found.map(\.start) == [3, 31])
            #expect(found.map(\.end) == [21, 37])
            #expect(found.map { String(decoding: $0.localName, as: UTF8.self) } == ["b", "b"])
        }
    }

    @Test func countsLinesEndedByLFCRLFAndCR() {
        let found = elements("<a>\n<b/>\r\n<b/>\r<b/></a>", depth: 1, chunk: 1)
        #expect(found.map(\.line) == [2, 3, 4])
    }
}
