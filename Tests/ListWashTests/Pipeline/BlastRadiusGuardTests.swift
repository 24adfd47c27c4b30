import Foundation
import Testing
@testable import ListWash

struct DomainTallyTests {
    @Test func countsRowsAndRemovalsPerDomainAfterTheLastAt() {
        var tally = DomainTally()
        for i in 0..<3000 { tally.count(key: Array("u\(i)@d\(i % 700).example".utf8)) }
        tally.count(key: Array("a@b@big.example".utf8), removedBy: .hardBounce)
        tally.count(key: Array("c@big.example".utf8), removedBy: .complaint)
        tally.count(key: Array("d@big.example".utf8))
        tally.count(key: Array("no-at-sign".utf8), removedBy: .invalidAddress)
        tally.count(key: Array("another-without".utf8))
        tally.count(key: [])
        let counts = tally.counts
        #expect(counts.count == 702)
        #expect(counts[0] == DomainTally.Count(domain: "big.example", rows: 3, removed: 2, byRule: [.hardBounce: 1, .complaint: 1]))
        #expect(counts[1] == DomainTally.Count(domain: "", rows: 3, removed: 1, byRule: [.invalidAddress: 1]))
        #expect(counts.first { $0.domain == "d5.example" }?.rows == 5)
        #expect(counts.first { $0.domain == "d699.example" }?.rows == 4)
        #expect(counts.map(\.rows).reduce(0, +) == 3006)
    }
}

struct GuardVerdictTests {
    let limits = Policy.Guard()

    @Test func smallListsAreNotJudged() {
        let v = GuardVerdict.judge(rows: 99, removed: 99, domains: [], limits: limits, force: false)
        #expect(v.outcome == .notApplied)
        #expect(v.allowsCommit)
    }

    @Test func tripsAboveTheListShareOnly() {
        #expect(GuardVerdict.judge(rows: 200, removed: 20, domains: [], limits: limits, force: false).outcome == .passed)
        let v = GuardVerdict.judge(rows: 200, removed: 21, domains: [], limits: limits, force: false)
        #expect(v.outcome == .tripped)
        #expect(v.trips == [.list(removed: 21, rows: 200, limit: 0.1)])
        #expect(!v.allowsCommit)
        #expect(v.trips[0].description == "21 of 200 rows (10.5%) would be removed, above guard.max_removed_share 10%")
    }

    @Test func judgesADomainOnlyWithEnoughRows() {
        let domains = [DomainTally.Count(domain: "small.example", rows: 19, removed: 19),
                       DomainTally.Count(domain: "big.example", rows: 20, removed: 11),
                       DomainTally.Count(domain: "half.example", rows: 20, removed: 10)]
        let v = GuardVerdict.judge(rows: 1000, removed: 40, domains: domains, limits: limits, force: false)
        #expect(v.trips == [.domain("big.example", removed: 11, rows: 20, limit: 0.5)])
    }

    @Test func invalidAddressesDoNotCountAgainstADomain() {
        let domains = [DomainTally.Count(domain: "gmail", rows: 40, removed: 40, byRule: [.invalidAddress: 40]),
                       DomainTally.Count(domain: "mixed.example", rows: 40, removed: 30, byRule: [.invalidAddress: 10, .hardBounce: 20])]
        let v = GuardVerdict.judge(rows: 10_000, removed: 70, domains: domains, limits: limits, force: false)
        #expect(v.outcome == .passed)
    }

    @Test func forcedRunsKeepTheirTripsAndMayCommit() {
        let v = GuardVerdict.judge(rows: 100, removed: 50, domains: [], limits: limits, force: true)
        #expect(v.outcome == .forced)
        #expect(v.allowsCommit)
        #expect(v.trips.count == 1)
    }

    @Test func policyFilesSetTheLimits() throws {
        let policy = try Policy.decode(Data(#"{"guard": {"max_removed_share": 0.25, "min_list_rows": 10}}"#.utf8))
        #expect(policy.guard.maxRemovedShare == 0.25)
        #expect(policy.guard.minListRows == 10)
        #expect(policy.guard.maxDomainShare == 0.5)
        #expect(throws: PolicyError.self) { try Policy.decode(Data(#"{"guard": {"min_domain_rows": 0}}"#.utf8)) }
    }
}
