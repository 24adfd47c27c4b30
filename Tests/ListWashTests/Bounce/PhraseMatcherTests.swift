import Testing
@testable import ListWash

@Suite struct PhraseMatcherTests {
    func matches(_ patterns: [String], in text: String) -> [(String, Int)] {
        let matcher = PhraseMatcher(patterns: patterns.map(PhraseMatcher.normalize))
        var found: [(String, Int)] = []
        var text = text
        text.withUTF8 { bytes in matcher.forEachMatch(in: bytes) { id, end in found.append((patterns[id], end)) } }
        return found
    }

    @Test func findsAllOverlappingPatternsInOnePass() {
        let found = matches(["user unknown", "unknown", "known user", "er un"], in: "User Unknown user")
        #expect(Set(found.map(\.0)) == ["user unknown", "unknown", "known user", "er un"])
    }

    @Test func isCaseInsensitiveAndFoldsBlankRuns() {
        #expect(matches(["recipient address rejected"], in: "Recipient   address\n\t rejected").count == 1)
        #expect(matches(["mailbox full"], in: "MAILBOX FULL").count == 1)
    }

    @Test func reportsEndOffsetsInNormalizedText() {
        let found = matches(["ab"], in: "ab  ab")
        #expect(found.map(\.1) == [2, 5])
    }

    @Test func findsNothingInUnrelatedOrNonASCIIText() {
        #expect(matches(["user unknown"], in: "délivré à l'utilisateur").isEmpty)
        #expect(matches(["user unknown"], in: "").isEmpty)
    }
}
