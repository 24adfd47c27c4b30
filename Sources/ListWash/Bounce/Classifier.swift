import Foundation

/// Classifies SMTP replies into a bounce reason and kind.
///
/// Order of decision: the user's rules (in order), then a provider's own reason code (``ProviderCode``),
/// then phrases in the text (registry order; text beats codes), then the enhanced status code, then the
/// basic reply code, then `onhold` when a failure status code or a text said nothing more, else `undefined`.
/// The SMTP command the text names refines the result: "user unknown" said to DATA is `filtered`,
/// a vague refusal of MAIL FROM is `rejected`, of the connection or EHLO `blocked`.
/// Build one classifier and share it: `classify` is thread-safe and allocation-light.
public final class Classifier: Sendable {
    /// One phrase compiled into automaton patterns; `parts` must occur in order.
    private struct CompiledPhrase: Sendable {
        var text: String
        /// The `Classification.rule` this phrase reports, built once.
        var rule: String
        var parts: [Int]
        /// The reason it names (unused for a user rule's phrase, whose rule decides).
        var reason: BounceReason
        /// Whether it comes from a knowledge table (a receiver's documented wording), which
        /// stands whatever SMTP step it answered.
        var known: Bool
        var transientOnly: Bool
        /// One of RFC 5321's own reply texts (``ReasonDefinition/standardReplyPhrases``).
        var standardReply: Bool = false
    }

    private struct CompiledRule: Sendable {
        /// `user:<name>`, built once.
        var rule: String
        var reason: BounceReason
        var kind: BounceKind
        var replyCodes: [ReplyCodePattern]?
        var statuses: [StatusPattern]?
        var phrases: [Int]?
    }

    private let kinds: [BounceReason: BounceKind]
    private let rules: [CompiledRule]
    /// All phrases, in precedence order: built-in ordinary phrases (registry order), then built-in
    /// transient-only phrases, then user phrases (consulted only through their rules).
    private let phrases: [CompiledPhrase]
    private let builtInPhraseCount: Int
    /// For each automaton pattern, the phrases that use it.
    private let phrasesByPart: [[Int]]
    private let matcher: PhraseMatcher
    /// For each automaton pattern, whether it is a ``NeutralPhrases`` text.
    private let neutralPart: [Bool]
    /// Results by (reply code, enhanced code, masked diagnostic); see ``ClassificationMemo``.
    let memo: ClassificationMemo

    /// Builds the classifier from the built-in registry and the user's rules.
    /// - Throws: ``ClassifierError`` when a user rule is malformed.
    /// Whether reply and status codes are also looked for in the diagnostic text when the
    /// event's own fields lack them (`550-5.1.1 …`).
    private let codesFromText: Bool
    /// Whether the built-in tables decide after the user's rules; when off, a reply no user rule
    /// matches is `undefined` of kind `ignore` (evidence of nothing).
    private let builtInRules: Bool

    /// A classifier with the user's `extraRules` tried first.
    /// - Parameters:
    ///   - codesFromText: look for codes in the text when the fields lack them.
    ///   - builtInRules: let the built-in tables decide what no user rule matched.
    public convenience init(extraRules: [ClassifierRule] = [], codesFromText: Bool = true, builtInRules: Bool = true) throws {
        try self.init(rules: extraRules, codesFromText: codesFromText, builtInRules: builtInRules, memo: ClassificationMemo())
    }

    /// A classifier with a memo of the given bounds (`memoEntries: 0` classifies every reply afresh).
    convenience init(extraRules: [ClassifierRule] = [], memoEntries: Int, memoBytes: Int = 2 << 20, memoKeyBytes: Int = 1024) throws {
        try self.init(rules: extraRules, codesFromText: true, builtInRules: true,
                      memo: ClassificationMemo(maxEntries: memoEntries, maxBytes: memoBytes, maxKeyBytes: memoKeyBytes))
    }

    private init(rules extraRules: [ClassifierRule], codesFromText: Bool, builtInRules: Bool, memo: ClassificationMemo) throws {
        self.memo = memo
        self.codesFromText = codesFromText
        self.builtInRules = builtInRules
        let definitions = ReasonRegistry.all
        var kinds: [BounceReason: BounceKind] = [:]
        for definition in definitions where kinds[definition.reason] == nil { kinds[definition.reason] = definition.kind }

        var partIDs: [[UInt8]: Int] = [:]
        var parts: [[UInt8]] = []
        func compile(_ text: String) -> [Int]? {
            var ids: [Int] = []
            for piece in text.split(separator: "*", omittingEmptySubsequences: true) {
                let bytes = PhraseMatcher.normalize(String(piece))
                guard !bytes.isEmpty, bytes != [0x20] else { continue }
                if let id = partIDs[bytes] {
                    ids.append(id)
                } else {
                    partIDs[bytes] = parts.count
                    ids.append(parts.count)
                    parts.append(bytes)
                }
            }
            return ids.isEmpty ? nil : ids
        }

        var phrases: [CompiledPhrase] = []
        // A receiver's or filter's documented wording first: it says more than any generic word.
        for table in KnowledgeRegistry.tables {
            for row in table.rows {
                guard let ids = compile(row.phrase) else { continue }
                phrases.append(CompiledPhrase(
                    text: row.phrase, rule: "known:\(table.id):\"\(row.phrase)\"", parts: ids, reason: row.reason,
                    known: true, transientOnly: false))
            }
        }
        // Ordinary phrases, then RFC 5321's standard reply texts, then transient-only phrases.
        for pass in 0..<3 {
            for definition in definitions {
                let texts = pass == 0 ? definition.phrases : pass == 1 ? definition.standardReplyPhrases : definition.transientPhrases
                for text in texts {
                    guard let ids = compile(text) else { continue }
                    let rule = "phrase:\(definition.reason.rawValue):\"\(text)\""
                    phrases.append(CompiledPhrase(
                        text: text, rule: rule, parts: ids, reason: definition.reason, known: false,
                        transientOnly: pass == 2, standardReply: pass == 1))
                }
            }
        }
        builtInPhraseCount = phrases.count

        var rules: [CompiledRule] = []
        for (index, rule) in extraRules.enumerated() {
            guard !rule.name.trimmingBlanks.isEmpty else { throw ClassifierError.unnamedRule(index: index) }
            guard rule.replyCodes != nil || rule.statuses != nil || rule.phrases != nil,
                  !(rule.replyCodes ?? []).isEmpty || !(rule.statuses ?? []).isEmpty || !(rule.phrases ?? []).isEmpty
            else { throw ClassifierError.ruleWithoutConditions(rule: rule.name) }
            guard let kind = rule.kind ?? kinds[rule.reason] else {
                throw ClassifierError.missingKind(rule: rule.name, reason: rule.reason.rawValue)
            }
            let replyCodes = try rule.replyCodes.map { patterns in
                try patterns.map { text in
                    guard let pattern = ReplyCodePattern(text) else {
                        throw ClassifierError.invalidReplyCodePattern(rule: rule.name, pattern: text)
                    }
                    return pattern
                }
            }
            let statuses = try rule.statuses.map { patterns in
                try patterns.map { text in
                    guard let pattern = StatusPattern(text) else {
                        throw ClassifierError.invalidStatusPattern(rule: rule.name, pattern: text)
                    }
                    return pattern
                }
            }
            let phraseIDs = try rule.phrases.map { texts in
                try texts.map { text in
                    guard let ids = compile(text) else { throw ClassifierError.emptyPhrase(rule: rule.name) }
                    phrases.append(CompiledPhrase(
                        text: text, rule: "user:\(rule.name)", parts: ids, reason: rule.reason, known: false,
                        transientOnly: false))
                    return phrases.count - 1
                }
            }
            rules.append(CompiledRule(
                rule: "user:\(rule.name)", reason: rule.reason, kind: kind,
                replyCodes: replyCodes.flatMap { $0.isEmpty ? nil : $0 },
                statuses: statuses.flatMap { $0.isEmpty ? nil : $0 },
                phrases: phraseIDs.flatMap { $0.isEmpty ? nil : $0 }))
        }

        // Disclaimers whose words decide nothing: their own patterns, each one whole. A text that
        // is also a phrase's (a user rule's, say) stays that phrase's.
        var neutralIDs: [Int] = []
        for text in NeutralPhrases.all {
            let bytes = PhraseMatcher.normalize(text)
            guard partIDs[bytes] == nil else { continue }
            partIDs[bytes] = parts.count
            neutralIDs.append(parts.count)
            parts.append(bytes)
        }
        var neutralPart = [Bool](repeating: false, count: parts.count)
        for id in neutralIDs { neutralPart[id] = true }
        self.neutralPart = neutralPart

        var phrasesByPart = [[Int]](repeating: [], count: parts.count)
        for (index, phrase) in phrases.enumerated() {
            for part in Set(phrase.parts) { phrasesByPart[part].append(index) }
        }
        self.kinds = kinds
        self.rules = rules
        self.phrases = phrases
        self.phrasesByPart = phrasesByPart
        matcher = PhraseMatcher(patterns: parts)
    }

    /// The built-in kind of a reason (`soft` for reasons listwash does not know).
    public func kind(of reason: BounceReason) -> BounceKind { kinds[reason] ?? .soft }

    /// Classifies one SMTP reply. Codes missing from the fields are looked for in `diagnostic`.
    /// - Complexity: O(n) in the length of `diagnostic`, one pass for all phrases; one lookup when
    ///   the same reply was classified recently.
    public func classify(replyCode: Int?, enhancedCode: String?, diagnostic: String) -> Classification {
        classify(replyCode: replyCode, enhancedCode: enhancedCode, diagnostic: diagnostic,
                 recipientKey: UnsafeBufferPointer(start: nil, count: 0))
    }

    /// Classifies one SMTP reply about `recipient`: the recipient's address (blanks trimmed,
    /// letters compared case-insensitively) is replaced in the text by a placeholder first, so
    /// the result depends on the reply's template, not on whom it was about, and a word or
    /// number inside the address is never taken for the reply's. Every event with a known
    /// recipient is classified this way (ingest of any format, `classify --eml`).
    public func classify(replyCode: Int?, enhancedCode: String?, diagnostic: String, recipient: String?) -> Classification {
        guard let recipient, let (exact, _) = EventRecord.normalizedAddress(recipient) else {
            return classify(replyCode: replyCode, enhancedCode: enhancedCode, diagnostic: diagnostic)
        }
        var key = exact
        return key.withUTF8 {
            classify(replyCode: replyCode, enhancedCode: enhancedCode, diagnostic: diagnostic, recipientKey: $0)
        }
    }

    /// Classifies with `recipientKey` (an address key's bytes; empty for none) masked, through the memo.
    ///
    /// The memo key is laid out in one temporary buffer: a presence byte and the reply code
    /// (8 bytes), a presence byte and the enhanced code's length (4 bytes) and bytes, then the
    /// masked diagnostic, which is also what gets classified.
    func classify(replyCode: Int?, enhancedCode: String?, diagnostic: String, recipientKey: UnsafeBufferPointer<UInt8>)
        -> Classification
    {
        var text = diagnostic
        guard var enhanced = enhancedCode else {
            return text.withUTF8 { classify(replyCode: replyCode, enhancedCode: nil, diagnostic: $0, recipientKey: recipientKey) }
        }
        return text.withUTF8 { text in
            enhanced.withUTF8 { classify(replyCode: replyCode, enhancedCode: $0, diagnostic: text, recipientKey: recipientKey) }
        }
    }

    /// ``classify(replyCode:enhancedCode:diagnostic:recipientKey:)`` on the fields' bytes (an
    /// enhanced code of nil is absent, as opposed to empty): what `ingest` calls for each bounce.
    /// Only the first ``PatternScan/limit`` bytes of the diagnostic are read.
    func classify(replyCode: Int?, enhancedCode: UnsafeBufferPointer<UInt8>?, diagnostic whole: UnsafeBufferPointer<UInt8>,
                  recipientKey: UnsafeBufferPointer<UInt8>) -> Classification {
        let text = PatternScan.prefix(whole)
        let enhancedBytes = enhancedCode ?? UnsafeBufferPointer(start: nil, count: 0)
        let header = 14 + enhancedBytes.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: header + text.count) { key in
            let raw = UnsafeMutableRawBufferPointer(key)
            raw[0] = replyCode == nil ? 0 : 1
            raw.storeBytes(of: Int64(replyCode ?? 0).littleEndian, toByteOffset: 1, as: Int64.self)
            raw[9] = enhancedCode == nil ? 0 : 1
            raw.storeBytes(of: UInt32(truncatingIfNeeded: enhancedBytes.count).littleEndian, toByteOffset: 10, as: UInt32.self)
            if let base = enhancedBytes.baseAddress, enhancedBytes.count > 0 {
                (key.baseAddress! + 14).update(from: base, count: enhancedBytes.count)
            }
            let length = header + RecipientMask.write(
                text, masking: recipientKey, into: UnsafeMutableBufferPointer(rebasing: key[header...]))
            let masked = UnsafeBufferPointer(rebasing: key[header..<length])
            let whole = UnsafeBufferPointer(rebasing: key[..<length])
            // The enhanced code as text only when the rules run (a memo miss).
            let enhancedText = { enhancedCode.map { String(decoding: $0, as: UTF8.self) } }
            guard memo.accepts(keyBytes: length) else {
                return classify(replyCode: replyCode, enhancedCode: enhancedText(), bytes: masked)
            }
            let hash = ClassificationMemo.hash(whole)
            if let known = memo.lookup(whole, hash: hash) { return known }
            let result = classify(replyCode: replyCode, enhancedCode: enhancedText(), bytes: masked)
            memo.insert(whole, hash: hash, result)
            return result
        }
    }

    private struct Hit { var part: Int; var end: Int }

    /// The automaton's hits grouped by part, each part's ends in increasing order, so whether a
    /// phrase occurs is a few binary searches, not a walk over every hit.
    private struct Hits {
        /// Sorted by part, then by end.
        private let sorted: [Hit]
        /// The parts found, each once, in increasing order.
        let parts: [Int]

        init(_ hits: [Hit]) {
            sorted = hits.sorted { ($0.part, $0.end) < ($1.part, $1.end) }
            var parts: [Int] = []
            for hit in sorted where parts.last != hit.part { parts.append(hit.part) }
            self.parts = parts
        }

        /// The end of the first hit of `part` that ends at or after `minimumEnd`, or nil.
        /// - Complexity: O(log n) for n hits.
        func firstEnd(of part: Int, atLeast minimumEnd: Int) -> Int? {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                let hit = sorted[mid]
                if hit.part < part || (hit.part == part && hit.end < minimumEnd) { lo = mid + 1 } else { hi = mid }
            }
            return lo < sorted.count && sorted[lo].part == part ? sorted[lo].end : nil
        }
    }

    private func classify(replyCode givenReply: Int?, enhancedCode: String?, bytes: UnsafeBufferPointer<UInt8>)
        -> Classification
    {
        var found: [Hit] = []
        var neutral: [Range<Int>] = []
        matcher.forEachMatch(in: bytes) { part, end in
            if neutralPart[part] {
                neutral.append((end - matcher.lengths[part])..<end)
            } else {
                found.append(Hit(part: part, end: end))
            }
        }
        if !neutral.isEmpty {
            // A phrase's word inside a disclaimer ("scanned for all viruses") is no statement.
            found.removeAll { hit in
                let start = hit.end - matcher.lengths[hit.part]
                return neutral.contains { $0.lowerBound <= start && hit.end <= $0.upperBound }
            }
        }
        let hits = Hits(found)

        let replyCode = givenReply.flatMap { (200...599).contains($0) ? $0 : nil } ?? (codesFromText ? CodeExtractor.replyCode(in: bytes) : nil)
        let status = enhancedCode.flatMap(StatusCode.init) ?? (codesFromText ? CodeExtractor.statusCode(in: bytes) : nil)
        let transient = replyCode.map { $0 / 100 == 4 } ?? (status?.isTransient ?? false)

        func result(_ reason: BounceReason, _ kind: BounceKind, _ rule: String) -> Classification {
            Classification(reason: reason, kind: kind, rule: rule, replyCode: replyCode, status: status?.description)
        }

        // (a) The user's rules, in order.
        for rule in rules {
            if let patterns = rule.replyCodes {
                guard let replyCode, patterns.contains(where: { $0.matches(replyCode) }) else { continue }
            }
            if let patterns = rule.statuses {
                guard let status, patterns.contains(where: { $0.matches(status) }) else { continue }
            }
            if let ids = rule.phrases {
                guard ids.contains(where: { occurs(phrases[$0], in: hits) }) else { continue }
            }
            return result(rule.reason, rule.kind, rule.rule)
        }
        guard builtInRules else { return result(.undefined, .ignore, "default:no-user-rule") }

        // (a2) A provider's own reason code (Orange's OFR_506, …) says more than its words.
        if ProviderCode.mayOccur(in: bytes), let found = ProviderCode.reason(in: String(decoding: bytes, as: UTF8.self)) {
            return result(found.reason, self.codeOnlyKind(found.reason, transient: transient), "provider:\(found.code)")
        }

        // (b) Phrases: the earliest phrase in precedence order that occurs wins. Generic
        // "try again later" wording decides only when the status code says nothing more
        // specific: "450 4.2.0 Mailbox busy, try again later" is about the mailbox (X.2.x),
        // "447 4.4.2 Connection lost, retry later" about the network (X.4.x).
        let statusIsGeneric = status.map { $0.subject == 0 || $0.subject == 7 } ?? true
        // RFC 5321's standard texts stand for several causes: an enhanced code that names a
        // subject other than addressing (or X.5.0, "other protocol status") says which one.
        let statusAllowsStandardText = status.map {
            $0.subject == 0 || $0.subject == 1 || ($0.subject == 5 && $0.detail == 0)
        } ?? true
        var best = Int.max
        // Whether a phrase occurs does not depend on which hit led to it: each part found is
        // looked at once, however often it occurs.
        for part in hits.parts {
            for id in phrasesByPart[part] where id < best && id < builtInPhraseCount {
                let phrase = phrases[id]
                if phrase.transientOnly && (!transient || !statusIsGeneric) { continue }
                if phrase.standardReply && !statusAllowsStandardText { continue }
                if occurs(phrase, in: hits) { best = id }
            }
        }
        // The SMTP command the reply answered, when the text names it (read only when it can matter).
        var commandRead = false
        var commandValue: SMTPCommand?
        func command() -> SMTPCommand? {
            if !commandRead {
                commandValue = SMTPCommand.named(inBytes: bytes)
                commandRead = true
            }
            return commandValue
        }

        if best != Int.max {
            let phrase = phrases[best]
            var reason = phrase.reason
            var rule = phrase.rule
            if reason == .userunknown && !phrase.known {
                // Mailboxes are checked at RCPT TO: "unknown" said to the message itself is a filter's refusal.
                let normalized = PhraseMatcher.normalize(bytes: bytes)
                if status?.subject != 1, !Self.userUnknownAtAnyStep.contains(where: { Self.occurs($0, in: normalized) }) {
                    if let form = Self.userUnknownFilteredForms.first(where: { Self.occurs($0.bytes, in: normalized) })?.text {
                        reason = .filtered
                        rule += "+form:\"\(form)\""
                    } else if command() == .data {
                        reason = .filtered
                        rule += "+command:DATA"
                    }
                }
            } else if reason == .hostunknown && transient {
                // A lookup failure the sender will retry is a DNS/network problem, not a dead domain.
                reason = .networkerror
                rule += "+transient"
            }
            if let sender = senderRefusal(reason) { return sender(rule) }
            var kind = self.kind(of: reason)
            if Self.hardOnlyWhenPermanent.contains(reason) && transient { kind = .soft }
            return result(reason, kind, rule)
        }

        // (c) The enhanced status code; (d) the basic reply code.
        if let status, status.statusClass != .success, status.defaultReason != .undefined {
            if let sender = senderRefusal(status.defaultReason) { return sender("status:\(status)") }
            return result(status.defaultReason, self.codeOnlyKind(status.defaultReason, transient: transient),
                          "status:\(status)")
        }
        if let replyCode, let entry = ReplyCode.entry(replyCode) {
            if let sender = senderRefusal(entry.reason) { return sender("reply:\(replyCode)") }
            return result(entry.reason, self.codeOnlyKind(entry.reason, transient: transient), "reply:\(replyCode)")
        }
        // (e) Nothing said more.
        if let sender = senderRefusal(.undefined) { return sender("default") }
        if let status, status.statusClass != .success {
            // A failure code that names no cause: the decision is on hold (sisimai's distinction from undefined).
            return result(.onhold, kind(of: .onhold), "status:\(status)")
        }
        if bytes.contains(where: { $0 > 0x20 }) {
            // A reply or notice was given, but it names no cause: on hold, not undefined. sisimai's
            // rule (Sisimai::Reason->get in 4.25, reason/find.go now): `onhold` when no cause was
            // found and the diagnostic is not empty, `undefined` only when there is no text at all.
            return result(.onhold, kind(of: .onhold), "default:text")
        }
        return result(.undefined, kind(of: .undefined), "default")

        /// A refusal of MAIL FROM whose words name no more precise cause is a refusal of the envelope sender.
        /// A refusal of the connection or EHLO with no more precise cause is a refusal of our host.
        func senderRefusal(_ reason: BounceReason) -> ((String) -> Classification)? {
            // Read the command only for reasons it can change (most replies never need it).
            guard Self.vagueAtMailFrom.contains(reason) || Self.vagueAtConnect.contains(reason) else { return nil }
            switch command() {
            case .mail where Self.vagueAtMailFrom.contains(reason):
                return { rule in result(.rejected, self.kind(of: .rejected), rule + "+command:MAIL") }
            case .connect where Self.vagueAtConnect.contains(reason):
                return { rule in result(.blocked, self.kind(of: .blocked), rule + "+command:CONNECT") }
            default:
                return nil
            }
        }
    }

    /// ``ReasonDefinition/userUnknownAtAnyStep`` as bytes.
    private static let userUnknownAtAnyStep: [[UInt8]] = ReasonDefinition.userUnknownAtAnyStep.map { Array($0.utf8) }
    /// ``ReasonDefinition/userUnknownFilteredForms`` as bytes, in order.
    private static let userUnknownFilteredForms: [(text: String, bytes: [UInt8])] =
        ReasonDefinition.userUnknownFilteredForms.map { ($0, Array($0.utf8)) }

    /// Whether `needle` occurs in `haystack` (bytes compared exactly).
    static func occurs(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        let m = needle.count, n = haystack.count
        guard m > 0 else { return true }
        guard m <= n else { return false }
        let first = needle[0]
        var i = 0
        while i <= n - m {
            if haystack[i] == first {
                var j = 1
                while j < m, haystack[i + j] == needle[j] { j += 1 }
                if j == m { return true }
            }
            i += 1
        }
        return false
    }

    /// Reasons that, in a reply to MAIL FROM, say less than the command does (the sender was refused).
    private static let vagueAtMailFrom: Set<BounceReason> = [.undefined, .userunknown, .filtered, .suspend, .hostunknown]

    /// Reasons that, in a reply to the connection or EHLO, say less than the step does (our host was refused).
    private static let vagueAtConnect: Set<BounceReason> = [.undefined, .userunknown, .filtered]

    /// Hard reasons that stay soft in a temporary (4xx) reply even when the words name them: a
    /// host that takes no mail "for now", a mailbox disabled "temporarily" may come back.
    private static let hardOnlyWhenPermanent: Set<BounceReason> = [.notaccept, .suspend]

    /// A reason found from codes alone is never hard when the receiver called the failure temporary.
    private func codeOnlyKind(_ reason: BounceReason, transient: Bool) -> BounceKind {
        let kind = kind(of: reason)
        return kind == .hard && transient ? .soft : kind
    }

    /// Whether all parts of `phrase` occur in order, without overlapping, among `hits`: each
    /// part's earliest hit that starts at or after the previous part's end.
    private func occurs(_ phrase: CompiledPhrase, in hits: Hits) -> Bool {
        var position = 0
        for part in phrase.parts {
            guard let end = hits.firstEnd(of: part, atLeast: position + matcher.lengths[part]) else { return false }
            position = end
        }
        return true
    }
}
