import Testing
@testable import ListWash

@Suite struct ReasonRegistryTests {
    let classifier = sharedClassifier

    @Test func everyReasonsExamplesClassifyAsThatReason() {
        for definition in ReasonRegistry.all {
            for line in definition.examples {
                let result = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: line)
                #expect(result.reason == definition.reason, "\(definition.reason): \(line) → \(result.reason) by \(result.rule)")
            }
        }
    }

    @Test func everyReasonsCounterExamplesClassifyAsSomethingElse() {
        for definition in ReasonRegistry.all {
            for line in definition.counterExamples {
                let result = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: line)
                #expect(result.reason != definition.reason, "\(definition.reason) must not match: \(line) (\(result.rule))")
            }
        }
    }

    @Test func everyReasonThatHasPhrasesBringsExamplesAndCounterExamples() {
        for definition in ReasonRegistry.all where !definition.phrases.isEmpty {
            #expect(definition.examples.count >= 3, "\(definition.reason) needs at least 3 examples")
            #expect(!definition.counterExamples.isEmpty, "\(definition.reason) needs a counter-example")
        }
    }

    @Test func registryListsEachReasonOnceWithLowerCasePhrases() {
        let names = ReasonRegistry.all.map(\.reason)
        #expect(Set(names).count == names.count)
        for definition in ReasonRegistry.all {
            for phrase in definition.phrases + definition.transientPhrases {
                #expect(phrase == phrase.lowercased(), "\(definition.reason): \(phrase)")
                #expect(!phrase.isEmpty)
            }
        }
    }

    @Test func registryCoversSisimaisVocabularyAndGreylisting() {
        let expected = [
            "userunknown", "hostunknown", "hasmoved", "notaccept", "suspend", "mailboxfull", "exceedlimit",
            "mesgtoobig", "expired", "networkerror", "toomanyconn", "speeding", "blocked", "badreputation",
            "requireptr", "authfailure", "spamdetected", "virusdetected", "filtered", "policyviolation",
            "securityerror", "rejected", "norelaying", "notcompliantrfc", "contenterror", "syntaxerror",
            "systemerror", "systemfull", "mailererror", "failedstarttls", "suppressed", "onhold", "undefined",
            "greylisted",
        ]
        #expect(Set(ReasonRegistry.all.map(\.reason.rawValue)) == Set(expected))
    }

    @Test func kindsFollowListwashPolicy() {
        func kind(_ reason: BounceReason) -> BounceKind? { ReasonRegistry.definition(of: reason)?.kind }
        // `notaccept` and `suspend` are hard in a permanent reply; the classifier softens them in a 4xx one.
        for reason in [BounceReason.userunknown, .hostunknown, .hasmoved, .notaccept, .suspend] { #expect(kind(reason) == .hard) }
        for reason in [BounceReason.mailboxfull, .expired, .networkerror, .systemerror, .systemfull,
                       .mailererror, .onhold, .undefined] { #expect(kind(reason) == .soft) }
        for reason in [BounceReason.blocked, .badreputation, .requireptr, .authfailure, .spamdetected,
                       .virusdetected, .filtered, .policyviolation, .securityerror, .rejected, .norelaying,
                       .notcompliantrfc, .contenterror, .syntaxerror, .failedstarttls, .speeding, .toomanyconn,
                       .mesgtoobig, .exceedlimit, .suppressed] { #expect(kind(reason) == .sender) }
        #expect(kind(.greylisted) == .ignore)
    }
}

/// One built-in classifier for all tests (building the automaton takes a moment in debug builds).
let sharedClassifier = try! Classifier()
