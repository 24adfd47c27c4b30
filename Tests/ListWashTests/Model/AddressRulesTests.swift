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

@Suite struct LenientSyntaxPassTests {
    /// The rule as written before the one-pass check: one `@`, not first or last, a dot after
    /// it, no blank, no invisible character.
    static func reference(_ k: [UInt8]) -> Bool {
        guard !k.contains(where: AddressRules.isBlank) else { return false }
        let ats = k.indices.filter { k[$0] == UInt8(ascii: "@") }
        guard ats.count == 1, let at = ats.first, at > 0, at < k.count - 1,
              k[(at + 1)...].contains(UInt8(ascii: ".")) else { return false }
        return !k.contains { $0 >= 0x80 } || !k.withUnsafeBufferPointer { AddressRules.holdsInvisible($0, allowingJoiners: false) }
    }

    /// Random keys over the bytes the check tells apart (`@`, `.`, each blank, bytes just
    /// below and above `@`, letters, UTF-8 of a visible and of an invisible character): the
    /// one-pass check says what the rule says.
    @Test func onePassAgreesWithTheRule() {
        let pieces: [[UInt8]] = ["@", ".", " ", "\t", "\r", "\n", "?", "A", "a", "z", "0", "-", "\u{7F}", "é", "\u{200B}", "\u{00A0}", "ex", "ample.org"]
            .map { Array($0.utf8) }
        var random = SystemRandomNumberGenerator()
        var valid = 0
        for _ in 0..<50_000 {
            func some(_ n: ClosedRange<Int>) -> [UInt8] {
                (0..<Int.random(in: n, using: &random)).flatMap { _ in pieces.randomElement(using: &random)! }
            }
            // Half of them shaped as an address (parts, `@`, parts, `.`, parts), then each
            // maybe changed by a random piece put in anywhere.
            var key = Bool.random(using: &random) ? some(0...9) : some(0...3) + Array("@".utf8) + some(0...3) + Array(".".utf8) + some(0...2)
            if Bool.random(using: &random) { key.insert(contentsOf: some(1...1), at: Int.random(in: 0...key.count, using: &random)) }
            let expected = Self.reference(key)
            #expect(AddressRules.isLenientValid(key) == expected)
            if expected { valid += 1 }
        }
        // Both answers occur often enough to mean something.
        #expect(valid > 200 && valid < 49_000)
        for key in ["a@b.c", "@b.c", "a@.", "a@b.", "a@bc", "a@@b.c", "a b@c.d", "a@b.c\u{200B}", "é@b.c", ".a@b"] {
            #expect(AddressRules.isLenientValid(Array(key.utf8)) == Self.reference(Array(key.utf8)))
        }
    }
}
