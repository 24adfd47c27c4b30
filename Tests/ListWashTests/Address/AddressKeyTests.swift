import Testing
@testable import ListWash

/// Addresses as people type and paste them: invisible characters around them, international
/// domains in either form, any case. The list's key (``AddressRules/key(_:)``) and the
/// history's (``EventRecord/normalizedAddress(_:)``) must agree on every one.
@Suite struct AddressKeyTests {
    func key(_ s: String, _ rules: AddressRules = AddressRules()) -> String { String(decoding: rules.key(s), as: UTF8.self) }
    func valid(_ s: String, _ rules: AddressRules = AddressRules()) -> Bool { rules.isValid(rules.key(s)) }

    // A spreadsheet cell copied from a web page or a PDF: no-break spaces, a zero-width space,
    // a byte-order mark pasted from another file, a narrow no-break space, an ideographic space.
    static let padded = [
        "anna@example.de\u{00A0}", "\u{00A0}anna@example.de", "\u{200B}anna@example.de", "anna@example.de\u{200B}",
        "\u{FEFF}anna@example.de", " \u{00A0} Anna@Example.DE\u{202F}\t", "\u{3000}anna@example.de\u{2060}",
        "anna@example.de\u{200E}", "\u{00AD}anna@example.de",
    ]

    @Test(arguments: padded)
    func invisibleCharactersAroundAnAddressAreTrimmedForTheKey(_ typed: String) {
        #expect(key(typed) == "anna@example.de")
        #expect(valid(typed))
        #expect(valid(typed, AddressRules(syntax: .lenient)))
    }

    @Test(arguments: ["an\u{00A0}na@example.de", "anna\u{200B}@example.de", "anna@exa\u{200B}mple.de", "anna@example\u{FEFF}.de",
                      "an\u{2009}na@example.de", "anna@bü\u{00A0}cher.de", "anna@bücher\u{200B}.de", "an\u{0085}na@example.de"])
    func anInvisibleCharacterInsideMakesTheAddressInvalid(_ typed: String) {
        #expect(!valid(typed))
        #expect(!valid(typed, AddressRules(syntax: .lenient)))
        // The key keeps the character (it is not silently joined to a valid neighbour).
        #expect(key(typed) != key(typed.unicodeScalars.filter { !AddressRules.isInvisible($0) }.map(String.init).joined()))
    }

    @Test func aFieldOfInvisibleCharactersHoldsNoAddress() {
        #expect(AddressRules.isBlankField(Array("\u{00A0} \u{200B}\u{FEFF}\t".utf8)))
        #expect(AddressRules.isBlankField([UInt8]()))
        #expect(!AddressRules.isBlankField(Array("\u{00A0}x".utf8)))
        #expect(key("\u{00A0}\u{200B}") == "")
        #expect(EventRecord.normalizedAddress("\u{00A0}\u{200B} ") == nil)
    }

    @Test func anInternationalDomainIsComparedInItsALabels() {
        #expect(key("anna@bücher.de") == "anna@xn--bcher-kva.de")
        #expect(key("anna@xn--bcher-kva.de") == "anna@xn--bcher-kva.de")
        #expect(key("ANNA@BÜCHER.DE") == "anna@xn--bcher-kva.de")
        #expect(key("Anna@XN--BCHER-KVA.DE") == "anna@xn--bcher-kva.de")
        // UTS #46 mapping: full-width letters and the ideographic full stop, NFD input.
        #expect(key("anna@ｂüｃｈｅｒ。de") == "anna@xn--bcher-kva.de")
        #expect(key("anna@bu\u{0308}cher.de") == "anna@xn--bcher-kva.de")
        #expect(key("\u{00A0}anna@bücher.de\u{00A0}") == "anna@xn--bcher-kva.de")
        #expect(key("info@例え.jp") == "info@xn--r8jz45g.jp")
        #expect(key("kontakt@straße.de") == "kontakt@xn--strae-oqa.de", "IDNA2008 keeps ß (non-transitional)")
        for typed in ["anna@bücher.de", "anna@xn--bcher-kva.de", "ANNA@BÜCHER.DE", "info@例え.jp"] { #expect(valid(typed)) }
    }

    @Test func aFieldWithoutAnAtSignIsNotMappedAsADomain() {
        #expect(key("Björk.example.com") == "björk.example.com")
        #expect(key("liam.кузнецовgmail.com") == "liam.кузнецовgmail.com")
        #expect(!valid("Björk.example.com"))
        #expect(key("Björk@example.com") == "björk@example.com")
    }

    @Test func theLocalPartKeepsItsCharactersAndOnlyItsCaseFolds() {
        #expect(key("José@Bücher.de") == "josé@xn--bcher-kva.de")
        #expect(key("José@Bücher.de", AddressRules(localPartCaseSensitive: true)) == "José@xn--bcher-kva.de")
        #expect(key("ANNA@BÜCHER.DE", AddressRules(localPartCaseSensitive: true)) == "ANNA@xn--bcher-kva.de")
    }

    @Test func domainsThatDifferStayApart() {
        // A character IDNA does not allow is never dropped to make a domain look like another.
        for typed in ["anna@bü_cher.de", "anna@bü cher.de", "anna@bü/cher.de", "anna@büc\u{2474}her.de"] {
            #expect(key(typed) != "anna@xn--bcher-kva.de")
        }
        #expect(key("anna@bücher.de") != key("anna@bucher.de"))
    }

    @Test(arguments: ["anna@bü_cher.de", "anna@bü cher.de", "anna@bücher-.de", "anna@\(String(repeating: "ü", count: 60)).de", "anna@bü/cher.de"])
    func aDomainIDNARefusesIsInvalid(_ typed: String) {
        #expect(!valid(typed))
    }

    @Test func pureASCIIAddressesKeepTheByteRules() {
        // Unchanged from the byte path: blanks trimmed, ASCII lower-cased, nothing else touched,
        // A-labels taken as they are.
        #expect(key(" \tAna.Ruiz@Example.COM \r\n") == "ana.ruiz@example.com")
        #expect(key("x@xn--zz-not-punycode.example") == "x@xn--zz-not-punycode.example")
        #expect(key("a\u{7F}b@example.com") == "a\u{7F}b@example.com")
    }

    /// The history's key for an event address equals the list's key for the same typed text,
    /// in both case modes, also where the address is invalid.
    @Test(arguments: padded + ["anna@bücher.de", "ANNA@BÜCHER.DE", "anna@xn--bcher-kva.de", "José@Bücher.DE",
                               "an\u{00A0}na@example.de", "anna@bü_cher.de", "Ünïcödé@EXAMPLE.com", "ａｎｎａ@bücher.de"])
    func ingestKeysAnEventAsTheListKeysTheRow(_ typed: String) throws {
        let (exact, key) = try #require(EventRecord.normalizedAddress(typed))
        #expect(Array(key.utf8) == AddressRules().key(typed))
        #expect(Array(exact.utf8) == AddressRules(localPartCaseSensitive: true).key(typed))
    }
}
