import Testing
@testable import ListWash

/// The memo's table (keys back to back, values in their own array) gives what a fresh
/// classification gives, through generation turnovers and with the recipient masked.
@Suite struct ClassificationMemoTableTests {
    static let texts: [(String, String?)] = [
        ("550 5.1.1 <Ann@Example.com>: Recipient address rejected: User unknown", "ann@example.com"),
        ("550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown", "ann@example.com"),
        ("550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown", nil),
        ("451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped due to SocketError.\"", "x@example.com"),
        ("550 5.7.1 Message rejected as spam by content filter,\r\nreference 4d4e90d58eb7", "bob@example.net"),
        ("452 4.2.2 <bob@example.net> mailbox full\r\n", "bob@example.net"),
        ("451 4.4.7 Message expired: delivery to <giulia.최@yahoo.com> timed out, retries exhausted", "giulia.최@yahoo.com"),
        ("550 5.2.1 Mailbox disabled, not accepting messages (amy.schäfer@gmail.com)", "Amy.Schäfer@gmail.com"),
        ("", "a@b.c"),
        ("spam@example.com said: 550 no such user", "spam@example.com"),
    ]

    @Test func memoizedEqualsFreshWithAndWithoutTheRecipient() throws {
        let fresh = try Classifier(memoEntries: 0)
        for entries in [2, 1 << 15] {
            let memoized = try Classifier(memoEntries: entries)
            for round in 0..<3 {
                for (text, recipient) in Self.texts {
                    for (reply, status) in [(550, "5.1.1"), (nil, nil), (450, "")] as [(Int?, String?)] {
                        let expected = fresh.classify(replyCode: reply, enhancedCode: status, diagnostic: text, recipient: recipient)
                        #expect(memoized.classify(replyCode: reply, enhancedCode: status, diagnostic: text, recipient: recipient) == expected,
                                "\(text) round \(round)")
                    }
                }
                #expect(memoized.memo.count <= 2 * entries)
            }
        }
    }

    @Test func anEntryFoundInTheOldGenerationIsKept() throws {
        let memoized = try Classifier(memoEntries: 2)
        let fresh = try Classifier(memoEntries: 0)
        let a = "550 5.1.1 user unknown"
        let expected = fresh.classify(replyCode: 550, enhancedCode: nil, diagnostic: a)
        #expect(memoized.classify(replyCode: 550, enhancedCode: nil, diagnostic: a) == expected)
        // Two more fill the young generation: `a` moves to the old one at the next insert.
        _ = memoized.classify(replyCode: 550, enhancedCode: nil, diagnostic: "552 mailbox full")
        _ = memoized.classify(replyCode: 550, enhancedCode: nil, diagnostic: "421 try later")
        #expect(memoized.memo.count == 3)
        // Found in the old generation, `a` comes back to the young one, and stays exact.
        #expect(memoized.classify(replyCode: 550, enhancedCode: nil, diagnostic: a) == expected)
        #expect(memoized.memo.count == 4)
        // The next turnover drops the old generation; `a`, used since, survives it.
        _ = memoized.classify(replyCode: 550, enhancedCode: nil, diagnostic: "554 rejected")
        #expect(memoized.memo.count == 3)
        #expect(memoized.classify(replyCode: 550, enhancedCode: nil, diagnostic: a) == expected)
        #expect(memoized.memo.count == 4)
    }
}
