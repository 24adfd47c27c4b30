import Foundation
import Testing
@testable import ListWash

@Suite struct ClassifierTests {
    let classifier = sharedClassifier

    func classify(_ line: String, reply: Int? = nil, status: String? = nil) -> Classification {
        classifier.classify(replyCode: reply, enhancedCode: status, diagnostic: line)
    }

    /// Real reply lines (as MTAs and providers word them) with the reason each must get.
    @Test(arguments: [
        // userunknown
        ("550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown in local recipient table", BounceReason.userunknown),
        ("550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking", .userunknown),
        ("550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", .userunknown),
        ("554 delivery error: dd This user doesn't have a yahoo.com account (kijitora@yahoo.com) [0]", .userunknown),
        ("550 5.1.1 <kijitora@example.org>: Recipient address rejected: undeliverable address: unknown user", .userunknown),
        ("550 5.1.1 kijitora@example.org: no such user here", .userunknown),
        // hostunknown
        ("550 Host unknown", .hostunknown),
        ("Host or domain name not found. Name service error for name=example.invalid type=A", .hostunknown),
        ("DNS Error: 39857475 DNS type 'mx' lookup of example.comn responded with code NXDOMAIN", .hostunknown),
        // mailboxfull
        ("552 5.2.2 Mailbox full", .mailboxfull),
        ("452 4.2.2 over quota", .mailboxfull),
        ("552 5.2.2 <kijitora@example.org> Quota exceeded", .mailboxfull),
        ("550 5.2.2 kijitora@example.org: mailbox is full (MUA quota)", .mailboxfull),
        // blocked
        ("554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org", .blocked),
        ("550 5.7.1 IP address blacklisted by recipient", .blocked),
        ("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using b.barracudacentral.org", .blocked),
        // authfailure
        ("550 5.7.26 This mail is unauthenticated, which poses a security risk; DMARC policy", .authfailure),
        ("550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy", .authfailure),
        ("550 5.7.1 Email rejected per DMARC policy for example.com", .authfailure),
        // spamdetected
        ("550 5.7.1 Message content rejected, UBE, id=22220-02-222", .spamdetected),
        ("554 5.7.1 Your message has been rejected because it appears to be spam", .spamdetected),
        ("550 Message rejected as spam by Content Filtering.", .spamdetected),
        // speeding / toomanyconn
        ("421 4.7.0 [192.0.2.1] Messages from your IP are rate limited", .speeding),
        ("421 4.7.28 Our system has detected an unusual rate of unsolicited mail", .speeding),
        ("421 4.7.0 Too many concurrent SMTP connections; please try again later", .toomanyconn),
        // notaccept / hasmoved / suspend
        ("550 5.1.10 null MX", .notaccept),
        ("550 Host does not accept mail", .notaccept),
        ("550 5.1.6 recipient no longer on server: kijitora@example.jp", .hasmoved),
        ("550 5.2.1 The email account that you tried to reach is disabled.", .suspend),
        ("550 5.2.1 The email account that you tried to reach is inactive.", .suspend),
        // expired / networkerror / systemerror
        ("550 4.4.7 QUEUE.Expired; message expired", .expired),
        ("lost connection with mx.example.org[192.0.2.86] while performing the HELO handshake", .networkerror),
        ("550 5.3.5 Internal System Error", .systemerror),
        // others
        ("554 5.7.1 <kijitora@example.org>: Relay access denied", .norelaying),
        ("552 5.3.4 Message size exceeds fixed maximum message size", .mesgtoobig),
        ("452 4.5.3 Too many recipients", .exceedlimit),
        ("550 Denied by policy", .policyviolation),
        ("501 5.1.8 Sender address rejected: Domain not found", .rejected),
        ("530 5.7.0 Must issue a STARTTLS command first", .failedstarttls),
    ] as [(String, BounceReason)])
    func realReplyLinesGetTheirReason(line: String, reason: BounceReason) {
        let result = classify(line)
        #expect(result.reason == reason, "\(line) → \(result.reason) by \(result.rule)")
    }

    @Test func textBeatsCodesWhereTheyDisagree() {
        #expect(classify("550 5.7.1 550 User Unknown: kijitora@example.org").reason == .userunknown)
        let blocked = classify("550 5.1.1 Message rejected: 192.0.2.1 listed in RBL, blocked by spamhaus")
        #expect(blocked.reason == .blocked && blocked.kind == .sender)
        let full = classify("452 4.2.2 over quota")
        #expect(full.reason == .mailboxfull && full.kind == .soft)
        let unknown = classify("450 4.1.1 <kijitora@example.org>: Recipient address rejected: User unknown")
        #expect(unknown.reason == .userunknown && unknown.kind == .hard)
    }

    @Test func fieldsTakePriorityOverCodesInTheText() {
        let result = classify("Mailbox Full", reply: 552, status: "5.2.2")
        #expect(result.replyCode == 552 && result.status == "5.2.2" && result.reason == .mailboxfull)
        let codesOnly = classify("", reply: 550, status: "5.1.1")
        #expect(codesOnly.reason == .userunknown && codesOnly.kind == .hard && codesOnly.rule == "status:5.1.1")
        let garbageStatus = classify("550 5.1.1 no comment", reply: 550, status: "garbage")
        #expect(garbageStatus.status == "5.1.1")
    }

    @Test func hardReasonFromCodesOnlyIsSoftWhenReplyIsTransient() {
        let mixed = classify("", reply: 450, status: "5.1.1")
        #expect(mixed.reason == .userunknown && mixed.kind == .soft)
        let transient = classify("451 4.1.1 Requested action aborted")
        #expect(transient.reason == .userunknown && transient.kind == .soft && transient.rule == "status:4.1.1")
        let statusOnly = classify("4.1.2 deferred")
        #expect(statusOnly.reason == .hostunknown && statusOnly.kind == .soft)
        let permanent = classify("550 5.1.1 Requested action not taken")
        #expect(permanent.kind == .hard)
    }

    /// A disabled, closed or suspended account goes at once when the receiver says so
    /// permanently; "temporarily disabled" in a 4xx reply is retried (issue 15, section 3).
    @Test func disabledMailboxIsHardOnPermanentAndSoftOnTransient() {
        for line in [
            "550 5.2.1 The email account that you tried to reach is disabled. Learn more at https://support.google.com/mail/?p=DisabledUser",
            "554 delivery error: dd Sorry your message to kijitora@yahoo.com cannot be delivered. This account has been disabled or discontinued [#102].",
            "550 [SUSPEND] Mailbox currently suspended - Please contact correspondent directly",
            "Account disabled",
        ] {
            let result = classify(line)
            #expect(result.reason == .suspend && result.kind == .hard, "\(line) → \(result.reason)/\(result.kind) by \(result.rule)")
        }
        let temporary = classify("450 4.2.1 mailbox temporarily disabled")
        #expect(temporary.reason == .suspend && temporary.kind == .soft, "\(temporary.rule)")
        let codesOnly = classify("", reply: 450, status: "4.2.1")
        #expect(codesOnly.reason == .suspend && codesOnly.kind == .soft)
        let permanentCodes = classify("", reply: 550, status: "5.2.1")
        #expect(permanentCodes.reason == .suspend && permanentCodes.kind == .hard)
    }

    @Test func notAcceptIsHardOnPermanentOrNoCodeAndSoftOnTransient() {
        #expect(classify("550 5.1.10 null MX").kind == .hard)
        #expect(classify("Domain example.org does not accept mail (null MX)").kind == .hard)
        let transient = classify("450 4.1.10 Domain does not accept mail")
        #expect(transient.reason == .notaccept && transient.kind == .soft)
        #expect(classify("", reply: nil, status: "5.1.10").kind == .hard)
    }

    @Test func greylistingIsIgnored() {
        for line in [
            "450 4.2.0 <kijitora@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html",
            "451 4.7.1 Please try again later",
            "451 Temporarily deferred, please retry later",
            "450 4.7.1 graylisted, retry in 5 minutes",
        ] {
            let result = classify(line)
            #expect(result.reason == .greylisted && result.kind == .ignore, "\(line) → \(result.rule)")
        }
    }

    @Test func genericRetryPhrasesOnlyMeanGreylistingInTransientReplies() {
        #expect(classify("550 5.7.1 Rejected, please try again later").reason != .greylisted)
        #expect(classify("Please try again later", reply: 550, status: nil).reason != .greylisted)
        #expect(classify("Please try again later", reply: 451, status: nil).reason == .greylisted)
        // A specific cause in a 4xx reply beats the generic retry wording.
        #expect(classify("452 4.4.5 Insufficient disk space; try again later").reason == .systemfull)
    }

    @Test func senderSideRejectionsNeverCountAgainstTheAddress() {
        let dmarc = classify("550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy")
        #expect(dmarc.reason == .authfailure && dmarc.kind == .sender)
        let rate = classify("421 4.7.0 [192.0.2.1] Messages from your IP are rate limited")
        #expect([BounceReason.speeding, .toomanyconn].contains(rate.reason) && rate.kind == .sender)
        // Google: "a Denial of Service (DoS) for the SMTP relay at the HELO stage".
        let helo = classify("421 4.7.0 Try again later, closing connection.")
        #expect(helo.reason == .blocked && helo.kind == .sender)
        let spamhaus = classify("554 5.7.1 Service unavailable; Client host blocked using zen.spamhaus.org")
        #expect(spamhaus.reason == .blocked && spamhaus.kind == .sender)
    }

    @Test func requiredExamplesGetTheirKinds() {
        let full = classify("552 5.2.2 mailbox full")
        #expect(full.reason == .mailboxfull && full.kind == .soft)
        let nullMX = classify("550 5.1.10 null MX")
        #expect(nullMX.reason == .notaccept && nullMX.kind == .hard)
    }

    @Test func bareCodesFallBackToTheReplyTableThenOnHoldOrUndefined() {
        let conn = classify("421 Service not available, closing transmission channel")
        #expect(conn.reason == .toomanyconn && conn.rule == "reply:421")
        #expect(classify("", reply: 552, status: nil).reason == .mailboxfull)
        // A text that names no cause is on hold (sisimai: onhold when the diagnostic is not empty) ...
        let bare5xx = classify("550 Requested action not taken")
        #expect(bare5xx.reason == .onhold && bare5xx.kind == .soft && bare5xx.rule == "default:text")
        // ... no text at all is undefined.
        let bare4xx = classify("", reply: 450, status: nil)
        #expect(bare4xx.reason == .undefined && bare4xx.kind == .soft)
        let nothing = classify("")
        #expect(nothing == Classification(reason: .undefined, kind: .soft, rule: "default", replyCode: nil, status: nil))
    }

    @Test func ruleNamesWhatDecided() {
        #expect(classify("550 5.1.1 User unknown").rule == "phrase:userunknown:\"user unknown\"")
        #expect(classify("550 5.2.2 nothing more").rule == "status:5.2.2")
    }

    @Test func wildcardPhrasesNeedTheirPartsInOrder() {
        #expect(classify("552 sorry, kijitora is over the allowed quota").reason == .mailboxfull)
        #expect(classify("quota information: over").reason != .mailboxfull)
    }

    @Test func classifiesTextFoldedOverSeveralLines() {
        let line = "550 5.1.1 <kijitora@example.org>... Recipient\n    address rejected:   User\r\n unknown"
        #expect(classify(line).reason == .userunknown)
    }
}

@Suite struct ClassifierUserRuleTests {
    @Test func userRulesComeFirstInOrder() throws {
        let classifier = try Classifier(extraRules: [
            ClassifierRule(name: "acme-quota", reason: .mailboxfull, replyCodes: ["550"], phrases: ["acme box limit"]),
            ClassifierRule(name: "acme-any", reason: .blocked, phrases: ["acme"]),
            ClassifierRule(name: "override-unknown", reason: .suspend, statuses: ["5.1.*"], phrases: ["user unknown"]),
        ])
        let quota = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: "550 ACME box limit reached")
        #expect(quota.reason == .mailboxfull && quota.kind == .soft && quota.rule == "user:acme-quota")
        let other = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: "451 ACME box limit reached")
        #expect(other.rule == "user:acme-any" && other.kind == .sender)
        let overridden = classifier.classify(replyCode: 550, enhancedCode: "5.1.1", diagnostic: "User unknown")
        #expect(overridden.reason == .suspend && overridden.rule == "user:override-unknown")
        let notOverridden = classifier.classify(replyCode: 550, enhancedCode: "5.7.1", diagnostic: "User unknown")
        #expect(notOverridden.reason == .userunknown)
    }

    @Test func userRuleWithCodesOnlyAndExplicitKind() throws {
        let classifier = try Classifier(extraRules: [
            ClassifierRule(name: "provider-421", reason: .speeding, kind: .ignore, replyCodes: ["4xx"], statuses: ["4.7.*"]),
        ])
        let result = classifier.classify(replyCode: 421, enhancedCode: "4.7.0", diagnostic: "try later")
        #expect(result.reason == .speeding && result.kind == .ignore && result.rule == "user:provider-421")
        #expect(classifier.classify(replyCode: 550, enhancedCode: "5.7.0", diagnostic: "").rule != "user:provider-421")
    }

    @Test func userPhrasesDoNotLeakIntoBuiltInMatching() throws {
        let classifier = try Classifier(extraRules: [
            ClassifierRule(name: "only-4xx", reason: .blocked, replyCodes: ["4xx"], phrases: ["zorglub"]),
        ])
        let result = classifier.classify(replyCode: 550, enhancedCode: nil, diagnostic: "zorglub")
        #expect(result.reason == .onhold && result.rule == "default:text")
    }

    @Test func malformedRulesAreRefusedWithTheRuleName() {
        #expect(throws: ClassifierError.ruleWithoutConditions(rule: "empty")) {
            try Classifier(extraRules: [ClassifierRule(name: "empty", reason: .blocked)])
        }
        #expect(throws: ClassifierError.invalidReplyCodePattern(rule: "bad", pattern: "45")) {
            try Classifier(extraRules: [ClassifierRule(name: "bad", reason: .blocked, replyCodes: ["45"])])
        }
        #expect(throws: ClassifierError.invalidStatusPattern(rule: "bad", pattern: "5.1")) {
            try Classifier(extraRules: [ClassifierRule(name: "bad", reason: .blocked, statuses: ["5.1"])])
        }
        #expect(throws: ClassifierError.emptyPhrase(rule: "blank")) {
            try Classifier(extraRules: [ClassifierRule(name: "blank", reason: .blocked, phrases: [" * "])])
        }
        #expect(throws: ClassifierError.missingKind(rule: "new", reason: "customthing")) {
            try Classifier(extraRules: [ClassifierRule(name: "new", reason: BounceReason(rawValue: "customthing"), phrases: ["x"])])
        }
        #expect(throws: ClassifierError.unnamedRule(index: 0)) {
            try Classifier(extraRules: [ClassifierRule(name: " ", reason: .blocked, phrases: ["x"])])
        }
    }

    @Test func rulesDecodeFromThePolicyFileInSnakeCase() throws {
        let json = #"""
        {"rules": [{"name": "ms-throttle", "reason": "speeding", "kind": "sender", "reply_codes": ["451"],
          "statuses": ["4.7.*"], "phrases": ["temporarily rate limited"]}]}
        """#
        let policy = try Policy.decode(Data(json.utf8))
        #expect(policy.rules == [ClassifierRule(name: "ms-throttle", reason: .speeding, kind: .sender, replyCodes: ["451"],
                                                statuses: ["4.7.*"], phrases: ["temporarily rate limited"])])
        let encoded = String(decoding: policy.json(), as: UTF8.self)
        #expect(encoded.contains("\"reply_codes\""))
    }
}

@Suite struct ClassifierSafetyTests {
    let classifier = sharedClassifier

    /// RFC 5321's 550 text names a missing mailbox unless a code or the SMTP step says otherwise;
    /// its 450 text ("mailbox busy") never does.
    @Test func rfc5321MailboxUnavailableIsUnknownOnlyWhereNothingElseNamesTheCause() {
        let busy = classifier.classify(replyCode: nil, enhancedCode: nil,
                                       diagnostic: "450 Requested mail action not taken: mailbox unavailable")
        #expect(busy.kind != .hard)
        let bare = classifier.classify(replyCode: nil, enhancedCode: nil,
                                       diagnostic: "550 Requested action not taken: mailbox unavailable")
        #expect(bare.reason == .userunknown && bare.kind == .hard)
        #expect(bare.rule == "phrase:userunknown:\"requested action not taken: mailbox unavailable\"")
        let outlook = classifier.classify(replyCode: 550, enhancedCode: "5.5.0",
                                          diagnostic: "550 5.5.0 Requested action not taken: mailbox unavailable")
        #expect(outlook.reason == .userunknown)
        let policy = classifier.classify(replyCode: 550, enhancedCode: "5.7.1",
                                         diagnostic: "550 5.7.1 Requested action not taken: mailbox unavailable")
        #expect(policy.reason == .securityerror && policy.rule == "status:5.7.1")
        let full = classifier.classify(replyCode: 552, enhancedCode: "5.2.2",
                                       diagnostic: "552 5.2.2 Requested action not taken: mailbox unavailable")
        #expect(full.reason == .mailboxfull)
        let afterData = classifier.classify(replyCode: nil, enhancedCode: nil,
            diagnostic: "550 Requested action not taken: mailbox unavailable (in reply to end of DATA command)")
        #expect(afterData.reason == .filtered && afterData.kind == .sender)
    }

    /// A scanner's disclaimer beside the reply is no virus refusal: the reply and its code decide.
    @Test func disclaimerWordsDecideNothing() throws {
        let footer = "This message has been scanned for viruses and dangerous content by MailScanner, and is believed to be clean."
        let withCode = classifier.classify(replyCode: nil, enhancedCode: "5.1.1", diagnostic: footer)
        #expect(withCode.reason == .userunknown && withCode.rule == "status:5.1.1")
        let withReply = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: "550 5.2.2 Mailbox full. " + footer)
        #expect(withReply.reason == .mailboxfull)
        let clean = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: "Virus-free. www.avast.com")
        #expect(clean.reason != .virusdetected)
        // The same word in a refusal still decides, also beside a disclaimer.
        let virus = classifier.classify(replyCode: nil, enhancedCode: nil,
                                        diagnostic: "554 5.7.0 Message rejected: virus found (Eicar-Test-Signature). " + footer)
        #expect(virus.reason == .virusdetected)
        // A user's rule on a disclaimer's words still decides.
        let custom = try #require(try? Classifier(extraRules: [ClassifierRule(name: "footer", reason: .filtered, phrases: ["virus-free"])]))
        #expect(custom.classify(replyCode: nil, enhancedCode: nil, diagnostic: "Virus-free. www.avast.com").rule == "user:footer")
    }

    @Test func unrelatedThingsBeingDisabledDoNotSuspendTheMailbox() {
        let result = classifier.classify(replyCode: nil, enhancedCode: nil, diagnostic: "554 5.7.1 Relaying is disabled for this host")
        #expect(result.reason != .suspend)
        let postfix = classifier.classify(replyCode: nil, enhancedCode: nil,
            diagnostic: "delivery temporarily suspended: connect to mx.example.org[192.0.2.1]:25: Connection refused")
        #expect(postfix.reason == .networkerror && postfix.kind == .soft)
    }

    @Test func userUnknownWordingInsideOtherWordsDoesNotMatch() {
        let result = classifier.classify(replyCode: 550, enhancedCode: nil, diagnostic: "youtube cube rubber garbled")
        #expect(result.reason == .onhold && result.rule == "default:text")
    }
}
