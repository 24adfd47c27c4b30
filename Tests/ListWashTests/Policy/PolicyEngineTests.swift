import Testing
@testable import ListWash

@Suite struct PolicyEngineTests {
    let engine = PolicyEngine(policy: Policy())
    /// 2026-11-01T00:00:00Z
    let asOf: Int64 = 1_793_491_200
    let hour: Int64 = 3600
    let day: Int64 = 86_400

    func soft(_ t: Int64, reason: String = "networkerror") -> PolicyEvent { PolicyEvent(timestamp: t, type: .bounce, kind: .soft, reason: reason) }
    func hard(_ t: Int64) -> PolicyEvent { PolicyEvent(timestamp: t, type: .bounce, kind: .hard, reason: "userunknown") }
    func delivered(_ t: Int64) -> PolicyEvent { PolicyEvent(timestamp: t, type: .delivered) }

    /// `count` soft bounces spread evenly over `spanHours`, ending a day before as-of.
    func softSeries(count: Int, spanHours: Int64) -> [PolicyEvent] {
        let last = asOf - day
        let first = last - spanHours * hour
        return (0..<count).map { i in soft(count == 1 ? last : first + (last - first) * Int64(i) / Int64(count - 1)) }
    }

    /// Stored files name a rule by its index in `allCases` (the ledger, clean's temporary
    /// files): the fast index and its inverse must agree with that order, and an index past
    /// the rules is no rule.
    @Test func ruleIndexesFollowAllCases() {
        for (i, rule) in SuppressionRule.allCases.enumerated() {
            #expect(rule.index == i)
            #expect(SuppressionRule(index: i) == rule)
        }
        #expect(SuppressionRule(index: SuppressionRule.allCases.count) == nil)
        #expect(SuppressionRule(index: -1) == nil)
        #expect(SuppressionRule(index: 255) == nil)
    }

    @Test func mightSuppressIsFalseOnlyWhereDecideKeeps() {
        var generator = SplitMix(state: 5)
        let kinds: [BounceKind?] = [.soft, .sender, .ignore, .hard, nil]
        let types: [EventType] = [.bounce, .bounce, .bounce, .delivered, .complaint, .unsubscribe]
        let reasons = ["mailboxfull", "networkerror", "greylisted"]
        for policy in [Policy(), { var p = Policy(); p.mailboxFull.threshold = 1; return p }()] {
            let engine = PolicyEngine(policy: policy)
            for _ in 0..<2_000 {
                let events = (0..<Int.random(in: 0...6, using: &generator)).map { i -> PolicyEvent in
                    let type = types.randomElement(using: &generator)!
                    return PolicyEvent(timestamp: asOf - Int64(i) * day, type: type,
                                       kind: type == .bounce ? kinds.randomElement(using: &generator)! : nil,
                                       reason: reasons.randomElement(using: &generator)!)
                }.reversed().map { $0 }
                let bounces = events.filter { $0.type == .bounce }.count
                let strong = events.contains { $0.kind == .hard || $0.type == .complaint || $0.type == .unsubscribe }
                if !engine.mightSuppress(bounces: bounces, strong: strong) {
                    #expect(engine.decide(events, asOf: asOf) == nil)
                }
            }
        }
    }

    @Test func hardBounceSuppressesAfterOnePermanentFailure() {
        let d = engine.decide([hard(asOf - day)], asOf: asOf)
        #expect(d?.rule == .hardBounce)
        #expect(d?.reason == "userunknown")
        #expect(d?.evidence == [0])
    }

    @Test func hardBounceIsNeverStale() {
        #expect(engine.decide([hard(asOf - 1000 * day)], asOf: asOf)?.rule == .hardBounce)
    }

    @Test func fourSoftBouncesKeepTheAddressFiveSuppress() {
        #expect(engine.decide(softSeries(count: 4, spanHours: 96), asOf: asOf) == nil)
        let d = engine.decide(softSeries(count: 5, spanHours: 96), asOf: asOf)
        #expect(d?.rule == .softBounceEscalation)
        #expect(d?.evidence == [0, 1, 2, 3, 4])
    }

    @Test func softSpanOf71HoursKeeps72And73Suppress() {
        #expect(engine.decide(softSeries(count: 5, spanHours: 71), asOf: asOf) == nil)
        #expect(engine.decide(softSeries(count: 5, spanHours: 72), asOf: asOf)?.rule == .softBounceEscalation)
        #expect(engine.decide(softSeries(count: 5, spanHours: 73), asOf: asOf)?.rule == .softBounceEscalation)
    }

    @Test func aDeliveryInBetweenResetsTheSoftCount() {
        var events = softSeries(count: 6, spanHours: 120)
        events.insert(delivered(events[2].timestamp + 1), at: 3)
        #expect(engine.decide(events, asOf: asOf) == nil)
    }

    @Test func staleSoftBouncesDoNotCount() {
        let old = (0..<5).map { soft(asOf - 200 * day + Int64($0) * day) }
        #expect(engine.decide(old, asOf: asOf) == nil)
        // Four old and one fresh: only the fresh one counts.
        let mixed = Array(old.prefix(4)) + [soft(asOf - day)]
        #expect(engine.decide(mixed, asOf: asOf) == nil)
    }

    @Test func eventsAfterAsOfAreIgnored() {
        #expect(engine.decide([hard(asOf + 1)], asOf: asOf) == nil)
        #expect(engine.decide([hard(asOf)], asOf: asOf)?.rule == .hardBounce)
    }

    @Test func threeMailboxFullBouncesSuppressTwoDoNot() {
        let two = [soft(asOf - 3 * day, reason: "mailboxfull"), soft(asOf - 2 * day, reason: "mailboxfull")]
        #expect(engine.decide(two, asOf: asOf) == nil)
        let three = two + [soft(asOf - day, reason: "mailboxfull")]
        let d = engine.decide(three, asOf: asOf)
        #expect(d?.rule == .mailboxFull)
        #expect(d?.reason == "mailboxfull")
    }

    @Test func senderAndIgnoreKindsNeverCount() {
        let events = (0..<10).flatMap { i -> [PolicyEvent] in
            [PolicyEvent(timestamp: asOf - Int64(10 - i) * day, type: .bounce, kind: .sender, reason: "authfailure"),
             PolicyEvent(timestamp: asOf - Int64(10 - i) * day + 1, type: .bounce, kind: .ignore, reason: "greylisted")]
        }
        #expect(engine.decide(events, asOf: asOf) == nil)
    }

    @Test func complaintAndUnsubscribeSuppressAtOnce() {
        #expect(engine.decide([PolicyEvent(timestamp: asOf - day, type: .complaint)], asOf: asOf)?.rule == .complaint)
        #expect(engine.decide([PolicyEvent(timestamp: asOf - day, type: .unsubscribe)], asOf: asOf)?.rule == .unsubscribe)
    }

    @Test func hardBeatsOtherRulesAndEvidenceIsTheHardBounces() {
        let events = softSeries(count: 5, spanHours: 96) + [hard(asOf - hour)]
        let d = engine.decide(events, asOf: asOf)
        #expect(d?.rule == .hardBounce)
        #expect(d?.evidence == [5])
    }

    @Test func thresholdsComeFromThePolicy() {
        var policy = Policy()
        policy.softBounce.threshold = 3
        policy.softBounce.minSpanHours = 0
        policy.hardBounce.suppress = false
        let custom = PolicyEngine(policy: policy)
        #expect(custom.decide(softSeries(count: 3, spanHours: 1), asOf: asOf)?.rule == .softBounceEscalation)
        #expect(custom.decide([hard(asOf - day)], asOf: asOf) == nil)
    }

    @Test func deliveryClearsHardOnlyWhenConfigured() {
        let events = [hard(asOf - 2 * day), delivered(asOf - day)]
        #expect(engine.decide(events, asOf: asOf)?.rule == .hardBounce)
        var policy = Policy()
        policy.hardBounce.deliveryClears = true
        #expect(PolicyEngine(policy: policy).decide(events, asOf: asOf) == nil)
    }
}

@Suite struct PolicyFileTests {
    @Test func keysLeftOutKeepTheDefaults() throws {
        let policy = try Policy.decode(Array(#"{"soft_bounce": {"threshold": 7}}"#.utf8).data)
        #expect(policy.softBounce.threshold == 7)
        #expect(policy.softBounce.minSpanHours == 72)
        #expect(policy.mailboxFull.threshold == 3)
        #expect(policy.staleAfterDays == 180)
    }

    @Test func unknownKeysAreErrors() {
        #expect(throws: PolicyError.invalid(path: "policy", reason: "unknown key 'soft_bounce.treshold'")) {
            try Policy.decode(Array(#"{"soft_bounce": {"treshold": 7}}"#.utf8).data)
        }
    }

    @Test func wrongVersionAndBadValuesAreErrors() {
        #expect(throws: PolicyError.self) { try Policy.decode(Array(#"{"version": 2}"#.utf8).data) }
        #expect(throws: PolicyError.self) { try Policy.decode(Array(#"{"soft_bounce": {"threshold": 0}}"#.utf8).data) }
        #expect(throws: PolicyError.self) { try Policy.decode(Array(#"{"stale_after_days": "x"}"#.utf8).data) }
        #expect(throws: PolicyError.self) { try Policy.decode(Array("not json".utf8).data) }
    }

    @Test func printedPolicyReadsBackAsTheSame() throws {
        var policy = Policy()
        policy.mailboxFull.threshold = 4
        policy.address.syntax = .lenient
        #expect(try Policy.decode(policy.json()) == policy)
    }
}

import Foundation
extension Array where Element == UInt8 {
    var data: Data { Data(self) }
}
