import Testing
@testable import ListWash

@Suite struct DecisionExplanationTests {
    let day: Int64 = 86_400
    let asOf: Int64 = 1_800_000_000

    func soft(_ t: Int64, reason: String = "networkerror", kind: BounceKind = .soft) -> PolicyEvent {
        PolicyEvent(timestamp: t, type: .bounce, kind: kind, reason: reason)
    }

    @Test func progressCountsSoftBouncesSinceTheLastDeliveryWithTheirSpan() {
        let events = [soft(asOf - 10 * day), PolicyEvent(timestamp: asOf - 9 * day, type: .delivered),
                      soft(asOf - 5 * day), soft(asOf - 4 * day), soft(asOf - 5 * day + 41 * 3600),
                      soft(asOf - 3 * day, reason: "blocked", kind: .sender)]
        let (notes, p) = DecisionExplanation.counts(events, policy: Policy(), asOf: asOf)
        #expect(notes == [.resetByDelivery, .delivery, .soft, .soft, .soft, .senderSide])
        #expect(p.softBounces == 3)
        #expect(p.softSpanHours == 41)
        #expect(p.staleAfter == asOf - 5 * day + 180 * day)
        #expect(p.lines[1] == "3 of 5 soft bounces; span 41 h of 72 h")
    }

    @Test func staleBouncesAreNotedAndNotCounted() {
        let (notes, p) = DecisionExplanation.counts([soft(asOf - 200 * day), soft(asOf - day)], policy: Policy(), asOf: asOf)
        #expect(notes == [.stale, .soft])
        #expect(p.softBounces == 1)
    }

    /// Progress at a threshold and the engine's decision agree, over many event series.
    @Test func progressAgreesWithTheEnginesDecision() {
        var generator = SystemRandomNumberGenerator()
        var policy = Policy()
        policy.softBounce.threshold = 3
        let kinds: [(EventType, BounceKind?, String)] = [
            (.bounce, .soft, "networkerror"), (.bounce, .soft, "mailboxfull"), (.bounce, .sender, "blocked"),
            (.bounce, .ignore, "greylisted"), (.delivered, nil, ""), (.bounce, .soft, "expired"),
        ]
        for _ in 0..<2_000 {
            var t = asOf - Int64.random(in: 0...(250 * day), using: &generator)
            var events: [PolicyEvent] = []
            for _ in 0..<Int.random(in: 0...8, using: &generator) {
                let (type, kind, reason) = kinds.randomElement(using: &generator)!
                events.append(PolicyEvent(timestamp: t, type: type, kind: kind, reason: reason))
                t += Int64.random(in: 0...(3 * day), using: &generator)
            }
            let decision = PolicyEngine(policy: policy).decide(events, asOf: asOf)
            let (_, p) = DecisionExplanation.counts(events, policy: policy, asOf: asOf)
            let reached = p.mailboxFull >= p.mailboxFullThreshold
                || (p.softBounces >= p.softThreshold && p.softSpanHours >= p.minSpanHours)
            #expect(reached == (decision != nil), "\(events)")
        }
    }

    @Test func anInvalidAddressIsRemovedWhateverTheHistory() {
        let e = DecisionExplanation.explain(address: "not-an-address", key: Array("not-an-address".utf8), events: [],
                                            policy: Policy(), asOf: asOf)
        #expect(e.decision?.rule == .invalidAddress)
        #expect(e.keptBecause == nil)
        #expect(e.text.contains("removed by invalid_address"))
    }
}
