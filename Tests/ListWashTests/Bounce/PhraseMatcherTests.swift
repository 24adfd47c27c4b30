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

    /// More states than 16 bits can number (a policy with very many phrases): the wide table
    /// finds the same matches.
    @Test func findsMatchesWhenTheAutomatonOutgrowsSixteenBits() {
        // 3,500 random 24-letter patterns share few prefixes: about 77,000 states.
        var patterns: [String] = []
        var seed: UInt64 = 7
        for _ in 0..<3500 {
            var word = ""
            for _ in 0..<24 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                word.unicodeScalars.append(Unicode.Scalar(UInt8(97 + (seed >> 33) % 26)))
            }
            patterns.append(word)
        }
        #expect(!PhraseMatcher(patterns: patterns.map(PhraseMatcher.normalize)).hasNarrowTransitions)
        #expect(PhraseMatcher(patterns: Array(patterns.prefix(10)).map(PhraseMatcher.normalize)).hasNarrowTransitions)
        let found = matches(patterns, in: "reply: " + patterns[3499] + " and " + patterns[0])
        #expect(Set(found.map(\.0)).isSuperset(of: [patterns[3499], patterns[0]]))
    }
}
