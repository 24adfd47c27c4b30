import Foundation
import Testing
@testable import ListWash

/// `soft_bounce.expire_after_days` and `mailbox_full.expire_after_days`: a suppression from soft
/// evidence stops removing once its deciding (last counted) bounce is more than N days older
/// than the as-of time, and the rule counts afresh after that.
@Suite struct ExpiryTests {
    let day: Int64 = 86_400
    let hour: Int64 = 3600
    /// 2026-01-01T00:00:00Z
    let t0: Int64 = 1_767_225_600

    func full(_ t: Int64) -> PolicyEvent { PolicyEvent(timestamp: t, type: .bounce, kind: .soft, reason: "mailboxfull") }
    func soft(_ t: Int64) -> PolicyEvent { PolicyEvent(timestamp: t, type: .bounce, kind: .soft, reason: "networkerror") }
    func hard(_ t: Int64) -> PolicyEvent { PolicyEvent(timestamp: t, type: .bounce, kind: .hard, reason: "userunknown") }

    func policy(full: Int? = nil, soft: Int? = nil) -> Policy {
        var p = Policy()
        p.mailboxFull.expireAfterDays = full
        p.softBounce.expireAfterDays = soft
        return p
    }

    /// Three mailbox-full bounces a day apart; the last (deciding) one at t0 + 2 days.
    var threeFull: [PolicyEvent] { [full(t0), full(t0 + day), full(t0 + 2 * day)] }

    @Test func aMailboxFullSuppressionHoldsThroughItsLastDayAndNotASecondLonger() {
        let engine = PolicyEngine(policy: policy(full: 30))
        let deciding = t0 + 2 * day
        let end = deciding + 30 * day
        #expect(engine.decide(threeFull, asOf: end - 1)?.rule == .mailboxFull)
        #expect(engine.decide(threeFull, asOf: end)?.rule == .mailboxFull)
        #expect(engine.decide(threeFull, asOf: end + 1) == nil)
        let expired = engine.evaluate(threeFull, asOf: end + 1)
        #expect(expired.expiries == [PolicyEngine.Expiry(rule: .mailboxFull, evidence: [0, 1, 2], expiredOn: end, days: 30)])
        #expect(engine.evaluate(threeFull, asOf: end).expiries.isEmpty)
    }

    @Test func expiryIsOffByDefaultAndForHardBouncesComplaintsAndUnsubscribes() {
        let engine = PolicyEngine(policy: Policy())
        #expect(Policy().mailboxFull.expireAfterDays == nil && Policy().softBounce.expireAfterDays == nil)
        // Within the stale window, a mailbox-full suppression stays however old its deciding bounce.
        #expect(engine.decide(threeFull, asOf: t0 + 150 * day)?.rule == .mailboxFull)
        let strict = PolicyEngine(policy: policy(full: 1, soft: 1))
        #expect(strict.decide([hard(t0)], asOf: t0 + 1000 * day)?.rule == .hardBounce)
        #expect(strict.decide([PolicyEvent(timestamp: t0, type: .complaint)], asOf: t0 + 1000 * day)?.rule == .complaint)
        #expect(strict.decide([PolicyEvent(timestamp: t0, type: .unsubscribe)], asOf: t0 + 1000 * day)?.rule == .unsubscribe)
        #expect(strict.decide([PolicyEvent(timestamp: t0, type: .suppress)], asOf: t0 + 1000 * day)?.rule == .manual)
    }

    @Test func aNewEscalationAfterExpiryCountsOnlyNewEvidence() {
        let engine = PolicyEngine(policy: policy(full: 30))
        let after = t0 + 40 * day
        // One or two new mailbox-full bounces after the expiry do not suppress: the three before it no longer count.
        #expect(engine.decide(threeFull + [full(after)], asOf: after + day) == nil)
        #expect(engine.decide(threeFull + [full(after), full(after + day)], asOf: after + 2 * day) == nil)
        // A third suppresses again, on the new evidence only.
        let again = engine.evaluate(threeFull + [full(after), full(after + day), full(after + 2 * day)], asOf: after + 3 * day)
        #expect(again.decision?.rule == .mailboxFull)
        #expect(again.decision?.evidence == [3, 4, 5])
        #expect(again.decision?.firstSeen == after)
        #expect(again.expiries.map(\.evidence) == [[0, 1, 2]])
    }

    @Test func aBounceWhileSuppressedRenewsTheSuppression() {
        let engine = PolicyEngine(policy: policy(full: 30))
        let renewal = t0 + 20 * day
        let events = threeFull + [full(renewal)]
        #expect(engine.decide(events, asOf: renewal + 30 * day)?.evidence == [0, 1, 2, 3])
        #expect(engine.decide(events, asOf: renewal + 30 * day + 1) == nil)
    }

    @Test func aSoftEscalationExpiresOnItsOwnSetting() {
        // Five soft bounces over four days.
        let events = (0..<5).map { soft(t0 + Int64($0) * day) }
        let deciding = t0 + 4 * day
        #expect(PolicyEngine(policy: policy(soft: 10)).decide(events, asOf: deciding + 10 * day)?.rule == .softBounceEscalation)
        #expect(PolicyEngine(policy: policy(soft: 10)).decide(events, asOf: deciding + 10 * day + 1) == nil)
        // The mailbox-full setting leaves the soft escalation alone.
        #expect(PolicyEngine(policy: policy(full: 10)).decide(events, asOf: deciding + 100 * day)?.rule == .softBounceEscalation)
    }

    @Test func anExpiredSuppressionsEvidenceCountsTowardsNoOtherRule() {
        // Mailbox-full expires after 10 days, the soft escalation never: the three mailbox-full
        // bounces no longer count towards it either, so two more soft bounces do not escalate...
        let engine = PolicyEngine(policy: policy(full: 10))
        let events = threeFull + [soft(t0 + 20 * day), soft(t0 + 21 * day)]
        let result = engine.evaluate(events, asOf: t0 + 22 * day)
        #expect(result.decision == nil)
        #expect(result.expiries.map(\.rule) == [.mailboxFull])
        // ...while soft evidence of its own, beside the expired suppression, still does.
        let own = (0..<5).map { soft(t0 + Int64($0) * day + 3600) }
        let mixed = engine.evaluate((threeFull + own).sorted { $0.timestamp < $1.timestamp }, asOf: t0 + 40 * day)
        #expect(mixed.decision?.rule == .softBounceEscalation)
        #expect(mixed.decision?.evidence.count == 5)
    }

    @Test func aDeliveryBeforeTheExpiryEndsTheSuppressionWithoutAnExpiry() {
        let engine = PolicyEngine(policy: policy(full: 30))
        let events = threeFull + [PolicyEvent(timestamp: t0 + 5 * day, type: .delivered)]
        let result = engine.evaluate(events, asOf: t0 + 100 * day)
        #expect(result.decision == nil)
        #expect(result.expiries.isEmpty)
    }

    @Test func thePolicyFileReadsAndPrintsTheSetting() throws {
        let p = try Policy.decode(Data(#"{"mailbox_full": {"expire_after_days": 30}, "soft_bounce": {"expire_after_days": 60}}"#.utf8))
        #expect(p.mailboxFull.expireAfterDays == 30)
        #expect(p.softBounce.expireAfterDays == 60)
        #expect(p.mailboxFull.threshold == 3)
        let printed = String(decoding: Policy().json(pretty: false), as: UTF8.self)
        #expect(printed.contains(#""expire_after_days":null"#))
        #expect(try Policy.decode(Policy().json()) == Policy())
        #expect(throws: PolicyError.self) { try Policy.decode(Data(#"{"mailbox_full": {"expire_after_days": 0}}"#.utf8)) }
        #expect(throws: PolicyError.self) { try Policy.decode(Data(#"{"hard_bounce": {"expire_after_days": 30}}"#.utf8)) }
    }

    @Test func explainSaysWhenTheSuppressionExpired() throws {
        let p = policy(full: 30)
        let classifier = try Classifier()
        let records = threeFull.enumerated().compactMap { i, e in
            EventRecord(RawEvent(address: "ann@example.com", timestamp: e.timestamp, type: .bounce, replyCode: 452, enhancedCode: "4.2.2",
                                 diagnostic: "452 4.2.2 Mailbox full", source: EventSource(file: "t.csv", line: i + 2)),
                        classifier: classifier)
        }
        #expect(records.map(\.reason) == ["mailboxfull", "mailboxfull", "mailboxfull"])
        let asOf = t0 + 40 * day
        let explained = DecisionExplanation.explain(address: "ann@example.com", key: Array("ann@example.com".utf8), events: records,
                                                    policy: p, asOf: asOf)
        #expect(explained.decision == nil)
        #expect(explained.keptBecause?.contains("the mailbox_full suppression on events #1, #2, #3 expired on 2026-02-02T00:00:00Z") == true,
                "\(explained.keptBecause ?? "")")
        #expect(explained.notes == [.expired, .expired, .expired])
        #expect(explained.progress.mailboxFull == 0)
        #expect(explained.text.contains("expired on 2026-02-02T00:00:00Z"))
        #expect(String(decoding: explained.jsonLine, as: UTF8.self).contains(#""expired_on":"2026-02-02T00:00:00Z""#))
        // Before the end it is removed, and the notes count.
        let held = DecisionExplanation.explain(address: "ann@example.com", key: Array("ann@example.com".utf8), events: records,
                                               policy: p, asOf: t0 + 32 * day)
        #expect(held.decision?.rule == .mailboxFull)
        #expect(held.notes == [.mailboxFullAndSoft, .mailboxFullAndSoft, .mailboxFullAndSoft])
    }

    @Test func explainAgreesWithTheEngineAroundExpiries() {
        var generator = SplitMix(state: 18)
        for _ in 0..<1_000 {
            let p = policy(full: Int.random(in: 1...20, using: &generator), soft: Bool.random(using: &generator) ? Int.random(in: 1...20, using: &generator) : nil)
            var t = t0
            let events = (0..<Int.random(in: 1...12, using: &generator)).map { _ -> PolicyEvent in
                t += Int64.random(in: 1...(6 * day), using: &generator)
                switch Int.random(in: 0..<6, using: &generator) {
                case 0: return PolicyEvent(timestamp: t, type: .delivered)
                case 1, 2: return soft(t)
                default: return full(t)
                }
            }
            let asOf = t + Int64.random(in: 0...(30 * day), using: &generator)
            let result = PolicyEngine(policy: p).evaluate(events, asOf: asOf)
            let (notes, progress) = DecisionExplanation.counts(events, policy: p, asOf: asOf, expiries: result.expiries)
            #expect((progress.mailboxFull >= p.mailboxFull.threshold) == (result.decision?.rule == .mailboxFull))
            for x in result.expiries where x.rule == .mailboxFull {
                for i in x.evidence { #expect(notes[i] != .mailboxFull && notes[i] != .mailboxFullAndSoft) }
            }
        }
    }
}

/// A run recorded before `expire_after_days` existed and one after it, with the setting off,
/// used the same policy: `diff` names no policy change.
@Suite struct ExpirySettingInTheLedgerTests {
    func entry(_ policy: String) -> LedgerEntry {
        LedgerEntry(entry: 1, command: "clean", recordedAt: 0, asOf: 0, lastBlock: 0, outcome: "written",
                    manifest: #"{"policy":\#(policy)}"#, removals: nil)
    }

    @Test func aNullSettingIsNoPolicyChange() {
        let before = entry(#"{"mailbox_full":{"threshold":3}}"#)
        let after = entry(#"{"mailbox_full":{"threshold":3,"expire_after_days":null}}"#)
        #expect(RunDiff.policyChanges(before, after).isEmpty)
        let on = entry(#"{"mailbox_full":{"threshold":3,"expire_after_days":30}}"#)
        #expect(RunDiff.policyChanges(after, on) == ["mailbox_full.expire_after_days: (none) → 30"])
    }
}
