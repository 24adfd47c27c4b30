/// The lines of `audit.jsonl`, one per removed row.
enum AuditLine {
    /// A later row of an address already in the list (with its line feed).
    static func duplicate(line: Int, key: [UInt8], firstLine: Int) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.int("line", line)
        json.string("address", String(decoding: key, as: UTF8.self))
        json.string("action", "drop_duplicate")
        json.int("duplicate_of_line", firstLine)
        json.endObject()
        return json.takeLine()
    }

    /// A suppressed row (with its line feed when `newline`); `evidence` is the evidence events'
    /// JSON objects separated by commas. `tail` is ``tail(rule:policy:asOf:)`` for the
    /// decision's rule, when the caller keeps it (it is the same for every line of a rule).
    /// `allowed`: the row is kept, because the operator's allow overturned `decision` (action
    /// `allow`, the rule under `overturns`; the evidence ends with the allow event).
    static func suppression(line: Int, key: [UInt8], decision: Decision, evidence: [UInt8],
                            policy: Policy, asOf: Int64, newline: Bool = false, tail: [UInt8]? = nil,
                            allowed: Bool = false) -> [UInt8] {
        suppression(line: line, key: key, decision: decision, evidenceBytes: evidence.count, policy: policy, asOf: asOf,
                    newline: newline, tail: tail, allowed: allowed) { out in evidence.withUnsafeBytes { out.append(bytes: $0) } }
    }

    /// The same line, its evidence appended by `evidence` (which renders it in place, about
    /// `evidenceBytes` bytes); rethrows its error.
    static func suppression(line: Int, key: [UInt8], decision: Decision, evidenceBytes: Int,
                            policy: Policy, asOf: Int64, newline: Bool = false, tail: [UInt8]? = nil,
                            allowed: Bool = false, evidence: (inout ByteSink) throws -> Void) rethrows -> [UInt8] {
        // Written byte by byte (the members `JSONWriter` would write, in its order) into a
        // sink: this runs once per removed row on the audit's rendering threads, and the
        // evidence appends some thirty pieces per event.
        var bytes = ByteSink(capacity: evidenceBytes + key.count + 512)
        bytes.append(bytes: Parts.line)
        JSONWriter.appendInt(Int64(line), into: &bytes)
        bytes.append(bytes: Parts.address)
        key.withUnsafeBufferPointer { key in
            if key.allSatisfy({ $0 < 0x80 }) {
                JSONWriter.appendString(bytes: key, into: &bytes)
            } else {
                // As the String the key decodes to (a malformed sequence as U+FFFD).
                JSONWriter.appendString(String(decoding: key, as: UTF8.self), into: &bytes)
            }
        }
        bytes.append(bytes: allowed ? Parts.allow : Parts.suppress)
        JSONWriter.appendString(decision.rule.rawValue, into: &bytes)
        bytes.append(bytes: Parts.reason)
        JSONWriter.appendString(decision.reason, into: &bytes)
        bytes.append(bytes: Parts.kind)
        JSONWriter.appendString(decision.kind, into: &bytes)
        (tail ?? self.tail(rule: decision.rule, policy: policy, asOf: asOf)).withUnsafeBytes { bytes.append(bytes: $0) }
        try evidence(&bytes)
        bytes.append(UInt8(ascii: "]"))
        bytes.append(UInt8(ascii: "}"))
        if newline { bytes.append(0x0A) }
        return bytes.takeArray()
    }

    /// The constant pieces of a suppression's line.
    private enum Parts {
        static let line: StaticString = #"{"line":"#
        static let address: StaticString = #","address":"#
        static let suppress: StaticString = #","action":"suppress","rule":"#
        static let allow: StaticString = #","action":"allow","overturns":"#
        static let reason: StaticString = #","reason":"#
        static let kind: StaticString = #","kind":"#
    }

    /// The part of a suppression's line that depends only on the rule, the policy and the time:
    /// `,"as_of":…,"policy":{…},"evidence":[` (the policy values the rule used).
    static func tail(rule: SuppressionRule, policy: Policy, asOf: Int64) -> [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.string("as_of", Timestamp.format(asOf))
        json.beginObject("policy")
        switch rule {
        case .invalidAddress:
            json.string("address.syntax", policy.address.syntax.rawValue)
        case .hardBounce:
            json.bool("hard_bounce.suppress", policy.hardBounce.suppress)
            json.bool("hard_bounce.delivery_clears", policy.hardBounce.deliveryClears)
        case .complaint:
            json.bool("complaint_suppresses", policy.complaintSuppresses)
        case .unsubscribe:
            json.bool("unsubscribe_suppresses", policy.unsubscribeSuppresses)
        case .mailboxFull:
            json.int("mailbox_full.threshold", policy.mailboxFull.threshold)
            json.int("stale_after_days", policy.staleAfterDays)
        case .softBounceEscalation:
            json.int("soft_bounce.threshold", policy.softBounce.threshold)
            json.number("soft_bounce.min_span_hours", policy.softBounce.minSpanHours)
            json.bool("mailbox_full.counts_as_soft", policy.mailboxFull.countsAsSoft)
            json.int("stale_after_days", policy.staleAfterDays)
        case .hashedList:
            json.bool("suppress_hashed", true)
        case .manual:
            json.bool("manual", true)
        case .forgotten:
            json.bool("forgotten", true)
        }
        json.endObject()
        json.beginArray("evidence")
        // The object is continued, not opened: its "{" becomes the comma after "kind".
        var bytes = json.takeBytes()
        bytes[0] = UInt8(ascii: ",")
        return bytes
    }
}
