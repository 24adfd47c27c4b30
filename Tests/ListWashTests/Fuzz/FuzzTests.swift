import Foundation
import Testing
@testable import ListWash

/// A short deterministic fuzz pass over every reader of untrusted input: its seeds as they are,
/// then a fixed number of mutants from a fixed seed. A trap anywhere fails the whole run; each
/// outcome is also checked (``FuzzOutcome/violations(input:)``). `make fuzz` runs the same
/// entry points under libFuzzer for longer.
@Suite struct FuzzTests {
    /// Mutants per reader; with the seeds, a few hundred inputs of at most 4 KiB each.
    static let mutants = 300

    @Test(arguments: FuzzTarget.allCases)
    func aReaderSurvivesMutatedInputsAndReportsWithinThem(_ target: FuzzTarget) {
        let seeds = FuzzSeeds.seeds(for: target)
        #expect(!seeds.isEmpty)
        var driver = MutationDriver(seeds: seeds, seed: 0x5EED_0000 &+ UInt64(FuzzTarget.allCases.firstIndex(of: target)!))
        var failures = 0
        for index in 0..<(seeds.count + Self.mutants) {
            let input = index < seeds.count ? seeds[index] : driver.next()
            let violations = target.run(input).violations(input: input)
            guard !violations.isEmpty else { continue }
            failures += 1
            if failures <= 3 {
                Issue.record("\(target.rawValue) input \(index) (base64 \(Data(input).base64EncodedString())): \(violations.joined(separator: "; "))")
            }
        }
        #expect(failures == 0, "\(failures) inputs gave outcomes with violations")
    }

    @Test func theSeedsAreReadAsRecordsNotOnlyRejected() {
        for target in FuzzTarget.allCases where target != .classify {
            let outcome = FuzzSeeds.seeds(for: target).map(target.run)
            #expect(outcome.contains { $0.records > 0 }, "\(target.rawValue): no seed gave a record")
        }
    }

    @Test func theDriverIsDeterministic() {
        let seeds = FuzzSeeds.seeds(for: .csvList)
        var a = MutationDriver(seeds: seeds, seed: 7), b = MutationDriver(seeds: seeds, seed: 7)
        for _ in 0..<50 { #expect(a.next() == b.next()) }
    }

    @Test func addressTokensAreTheRunsAroundAnAtSign() {
        #expect(FuzzOutcome.addressTokens(in: "no column among (Jane@Example.com, x) or <b@c>; @ alone, a@") == ["Jane@Example.com", "b@c"])
    }

    @Test func anOutcomeThatRepeatsAnAddressOrNamesALineOutsideTheInputIsAViolation() {
        let input = Array("email\nJane@Example.com\n".utf8)
        var outcome = FuzzOutcome()
        outcome.error = "list.csv: no address among (jane@example.com)"
        outcome.rejected = [.init(line: 4, reason: "bad")]
        outcome.lines = [0, 2]
        #expect(outcome.violations(input: input).count == 3)
        #expect(FuzzOutcome().violations(input: input).isEmpty)
    }
}
