import Testing
@testable import ListWash

@Suite struct ClassificationMemoTests {
    /// Every example line of the registry, and a few code-only replies.
    static let replies: [(Int?, String?, String)] = ReasonRegistry.all.flatMap { definition in
        (definition.examples + definition.counterExamples).map { (nil, nil, $0) }
    } + [(550, "5.1.1", ""), (421, nil, "try later"), (nil, "4.7.1", "greylisted"), (550, "", "x"), (999, "9.9.9", "")]

    @Test func memoizedResultsEqualFreshOnes() throws {
        let memoized = try Classifier()
        let fresh = try Classifier(memoEntries: 0)
        for (reply, status, text) in Self.replies {
            let expected = fresh.classify(replyCode: reply, enhancedCode: status, diagnostic: text)
            #expect(memoized.classify(replyCode: reply, enhancedCode: status, diagnostic: text) == expected, "\(text)")
            // The second time comes from the memo.
            #expect(memoized.classify(replyCode: reply, enhancedCode: status, diagnostic: text) == expected, "\(text)")
        }
        #expect(fresh.memo.count == 0)
        #expect(memoized.memo.count > 0)
    }

    @Test func codesArePartOfTheKey() throws {
        let classifier = try Classifier()
        let a = classifier.classify(replyCode: 550, enhancedCode: "5.1.1", diagnostic: "rejected")
        let b = classifier.classify(replyCode: 450, enhancedCode: "4.2.1", diagnostic: "rejected")
        let c = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: "rejected")
        #expect(a.replyCode == 550 && a.status == "5.1.1")
        #expect(b.replyCode == 450 && b.status == "4.2.1")
        #expect(c.replyCode == nil && c.status == nil)
        #expect(a.kind != b.kind)
    }

    @Test func recipientIsMaskedBeforeClassifying() throws {
        let classifier = try Classifier(memoEntries: 0)
        let text = "550 5.1.1 <spam@example.com>: Recipient address rejected"
        // Read as it stands, the address's local part looks like a spam verdict (a sender-side refusal) ...
        #expect(classifier.classify(replyCode: 550, enhancedCode: "5.1.1", diagnostic: text).reason == .spamdetected)
        // ... but it is the recipient, and the reply says the mailbox does not exist.
        let masked = classifier.classify(replyCode: 550, enhancedCode: "5.1.1", diagnostic: text, recipient: " SPAM@Example.com ")
        #expect(masked.reason == .userunknown)
        #expect(masked.kind == .hard)
        #expect(masked.rule == "status:5.1.1")
        // A code inside the address is not the reply's code.
        let code = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: "<x-421@example.com> unknown mailbox",
                                       recipient: "x-421@example.com")
        #expect(code.replyCode == nil)
        // Another address in the text is left alone.
        #expect(classifier.classify(replyCode: 550, enhancedCode: "5.1.1", diagnostic: text, recipient: "bob@example.com").reason == .spamdetected)
    }

    @Test func oneEntryServesEveryRecipientOfATemplate() throws {
        let classifier = try Classifier()
        var results: [Classification] = []
        for name in ["ann", "bob", "carol", "dave"] {
            let address = "\(name)@example.com"
            results.append(classifier.classify(
                replyCode: 550, enhancedCode: "5.1.1",
                diagnostic: "550 5.1.1 <\(address)>: Recipient address rejected: User unknown in local recipient table",
                recipient: address))
        }
        #expect(Set(results.map(\.rule)).count == 1)
        #expect(results[0].reason == .userunknown)
        #expect(classifier.memo.count == 1)
    }

    @Test func eventRecordsClassifyTheMaskedTextAndKeepTheOriginal() throws {
        let classifier = try Classifier()
        let text = "550 5.1.1 <Spam@example.com>: Recipient address rejected"
        let raw = RawEvent(address: "Spam@Example.com", timestamp: 1, replyCode: 550, enhancedCode: "5.1.1",
                           diagnostic: text, source: EventSource(file: "f", line: 2))
        let record = try #require(EventRecord(raw, classifier: classifier))
        #expect(record.reason == "userunknown")
        #expect(record.kind == .hard)
        #expect(record.diagnostic == text)
        // The same answer whichever way the event comes in.
        #expect(classifier.classify(replyCode: 550, enhancedCode: "5.1.1", diagnostic: text, recipient: raw.address).reason
            == .userunknown)
    }

    @Test func memoStaysWithinItsBounds() throws {
        let bounded = try Classifier(memoEntries: 4, memoBytes: 400)
        let fresh = try Classifier(memoEntries: 0)
        for i in 0..<200 {
            let text = "550 5.1.1 mailbox \(i) unavailable " + String(repeating: "x", count: i % 50)
            #expect(bounded.classify(replyCode: 550, enhancedCode: nil, diagnostic: text)
                == fresh.classify(replyCode: 550, enhancedCode: nil, diagnostic: text))
            #expect(bounded.memo.count <= 8)
            #expect(bounded.memo.keyBytes <= 800)
        }
        // Keys longer than the per-key limit are classified but not kept.
        let small = try Classifier(memoEntries: 8, memoKeyBytes: 64)
        _ = small.classify(replyCode: 550, enhancedCode: nil, diagnostic: String(repeating: "y", count: 100))
        #expect(small.memo.count == 0)
    }


    @Test(arguments: [
        ("550 <bob@x.com>: no", "bob@x.com", "550 <\u{1A}>: no"),
        ("550 <BOB@X.COM> and bob@x.com", "bob@x.com", "550 <\u{1A}> and \u{1A}"),
        ("jimbob@x.com", "bob@x.com", "jim\u{1A}"),
        ("no address here", "bob@x.com", "no address here"),
        ("bob@x.co", "bob@x.com", "bob@x.co"),
        ("user bob unknown, bob", "bob", "user \u{1A} unknown, \u{1A}"),
        ("@@", "@", "\u{1A}\u{1A}"),
        ("", "bob@x.com", ""),
        ("text", "", "text"),
    ])
    func masking(text: String, recipient: String, expected: String) {
        var text = text
        var recipient = recipient
        let out = text.withUTF8 { t in
            recipient.withUTF8 { r in
                [UInt8](unsafeUninitializedCapacity: t.count) { buffer, count in
                    count = RecipientMask.write(t, masking: r, into: buffer)
                }
            }
        }
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    /// Masking as a plain left-to-right search (ASCII letters compared case-insensitively,
    /// matches not overlapping): the reference the anchored, memchr/memcmp search is checked against.
    private static func referenceMasked(_ text: [UInt8], _ recipient: [UInt8]) -> [UInt8] {
        let m = recipient.count
        guard m > 0 else { return text }
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            if i + m <= text.count, (0..<m).allSatisfy({ ASCII.lower(text[i + $0]) == ASCII.lower(recipient[$0]) }) {
                out.append(RecipientMask.placeholder)
                i += m
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// Random replies quoting their recipient (as sent, in other cases, cut short, twice, next
    /// to itself) masked as the reference masks them, for addresses with and without `@`.
    @Test func maskingAgreesWithAPlainSearch() {
        var rng = SplitMix64(seed: 7)
        let recipients = ["bob@x.com", "Bob.Smith@example.com", "a@b", "@", "bob", "x-550@Example.org", "aa@aa.aa", "b"]
        let filler = Array("550 5.1.1 <>: user unknown @ aA\u{1A}éx".utf8)
        for _ in 0..<5_000 {
            let recipient = Array(recipients.randomElement(using: &rng)!.utf8)
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 0...8, using: &rng) {
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: text += recipient
                case 1: text += recipient.map { Bool.random(using: &rng) && ASCII.isUpper($0 & ~0x20) ? $0 ^ 0x20 : $0 }
                case 2: text += recipient.prefix(Int.random(in: 0...recipient.count, using: &rng))
                default: text += (0..<Int.random(in: 0...12, using: &rng)).map { _ in filler.randomElement(using: &rng)! }
                }
            }
            let masked = text.withUnsafeBufferPointer { t in
                recipient.withUnsafeBufferPointer { r in
                    [UInt8](unsafeUninitializedCapacity: t.count) { buffer, count in
                        count = RecipientMask.write(t, masking: r, into: buffer)
                    }
                }
            }
            #expect(masked == Self.referenceMasked(text, recipient), "\(text) \(recipient)")
        }
    }
}
