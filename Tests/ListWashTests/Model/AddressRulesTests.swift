import Testing
@testable import ListWash

@Suite struct AddressRulesTests {
    func key(_ s: String, _ rules: AddressRules = AddressRules()) -> String { String(decoding: rules.key(s), as: UTF8.self) }

    @Test func keyTrimsBlanksAndLowerCasesAsciiLetters() {
        #expect(key(" \tAna.Ruiz@Example.COM \r\n") == "ana.ruiz@example.com")
        #expect(key("José@Example.ES") == "josé@example.es")
    }

    @Test func caseSensitiveLocalPartLowerCasesOnlyTheDomain() {
        #expect(key("Ana.Ruiz@Example.COM", AddressRules(localPartCaseSensitive: true)) == "Ana.Ruiz@example.com")
    }

    @Test(arguments: ["a@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "josé.garcía@example.es",
                      "x@xn--bcher-kva.example", "user@例え.jp"])
    func strictAcceptsRealAddresses(_ address: String) {
        #expect(AddressRules().isValid(AddressRules().key(address)))
    }

    @Test(arguments: ["", "plain", "@example.com", "a@", "a@b", "a@@example.com", "a b@example.com", ".a@example.com",
                      "a.@example.com", "a..b@example.com", "a@-example.com", "a@example-.com", "a@example..com",
                      "a@example.123", "a@exa_mple.com", "a\"b@example.com"])
    func strictRejectsBadSyntax(_ address: String) {
        #expect(!AddressRules().isValid(AddressRules().key(address)))
    }

    @Test func lenientFollowsTheSimpleRule() {
        let lenient = AddressRules(syntax: .lenient)
        #expect(lenient.isValid(lenient.key("a..b@example.com")))
        #expect(lenient.isValid(lenient.key("a@b.")))
        #expect(!lenient.isValid(lenient.key("a@b")))
        #expect(!lenient.isValid(lenient.key("a@b@c.com")))
        #expect(!lenient.isValid(lenient.key("a b@c.com")))
    }
}
