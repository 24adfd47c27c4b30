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

    /// Every occurrence the automaton reports, and only those, in the order a plain search over
    /// the normalized text finds them (by end, then pattern): random patterns over a small
    /// alphabet, so that they overlap, nest and end inside one another (long output chains).
    @Test func reportsWhatAPlainSearchFinds() {
        var rng = SplitMix64(seed: 13)
        let alphabet = Array("abAB \t".utf8)
        for _ in 0..<300 {
            let patterns = (0..<Int.random(in: 1...12, using: &rng)).map { _ in
                String(decoding: (0..<Int.random(in: 1...5, using: &rng)).map { _ in alphabet[Int.random(in: 0..<5, using: &rng)] }, as: UTF8.self)
            }
            var normalized: [[UInt8]] = []
            for p in patterns.map(PhraseMatcher.normalize) where !normalized.contains(p) { normalized.append(p) }
            var text = (0..<Int.random(in: 0...60, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let matcher = PhraseMatcher(patterns: normalized)
            var found: [[Int]] = []
            text.withUnsafeBufferPointer { bytes in matcher.forEachMatch(in: bytes) { id, end in found.append([end, id]) } }
            let plain = text.withUnsafeBufferPointer { PhraseMatcher.normalize(bytes: $0) }
            var expected: [[Int]] = []
            for end in 0...plain.count {
                for (id, p) in normalized.enumerated() where !p.isEmpty && p.count <= end && Array(plain[(end - p.count)..<end]) == p {
                    expected.append([end, id])
                }
            }
            #expect(found.sorted { $0.lexicographicallyPrecedes($1) } == expected, "\(patterns) \(text)")
            text.removeAll()
        }
    }
}
