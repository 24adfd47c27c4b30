/// ``DecisionExplanation`` as text for people and as one JSON object for scripts.
extension DecisionExplanation {
    /// The text `listwash explain` prints for one address.
    public var text: String {
        var lines = ["\(address)" + (key == address ? "" : " (matched as \(key))") + ", as of \(Timestamp.format(asOf))"]
        if let decision {
            var line = "  removed by \(decision.rule.rawValue)"
            if decision.rule == .invalidAddress {
                line += ": the address fails the syntax check"
            } else if decision.rule == .forgotten {
                line += ": erased by listwash forget" + (decision.lastSeen.map { " on \(Timestamp.format($0))" } ?? "")
                    + "; the history keeps only a keyed hash of the address, no event"
            } else {
                line += " (reason \(decision.reason)\(decision.kind.isEmpty ? "" : ", kind \(decision.kind)")), on event\(decision.evidence.count == 1 ? "" : "s") " + decision.evidence.map { "#\($0 + 1)" }.joined(separator: ", ")
            }
            lines.append(line)
        } else {
            lines.append("  kept: \(keptBecause ?? "")")
        }
        // Every expiry (the kept line names only the last).
        for line in expiryLines where decision != nil || overturnedByAllow != nil || line != expiryLines.last { lines.append("  " + line) }
        lines.append("  progress:")
        for line in progress.lines { lines.append("    " + line) }
        lines.append(events.isEmpty ? "  timeline: no events" : "  timeline:")
        for (i, e) in events.enumerated() {
            var fields = ["    #\(i + 1)", Timestamp.format(e.timestamp), e.type.rawValue]
            let codes = [e.replyCode.map(String.init), e.enhancedCode].compactMap { $0 }.joined(separator: " ")
            if !codes.isEmpty { fields.append(codes) }
            if e.type == .bounce {
                fields.append("reason \(e.reason)")
                fields.append("kind \(e.kind?.rawValue ?? "-")")
                fields.append("rule \(e.rule)")
            }
            fields.append("from \(e.source)")
            if let message = e.messageIdentity { fields.append("message \(message)") }
            fields.append("id \(e.id.hexString)")
            lines.append(fields.joined(separator: "  "))
            lines.append("        \(notes[i].rawValue)")
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object, one line.
    public var jsonLine: [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.string("address", address)
        json.string("key", key)
        json.string("as_of", Timestamp.format(asOf))
        json.bool("valid_syntax", validSyntax)
        json.string("decision", decision == nil ? "keep" : "remove")
        if let decision {
            json.string("rule", decision.rule.rawValue)
            json.string("reason", decision.reason)
            json.string("kind", decision.kind)
            json.beginArray("evidence")
            for i in decision.evidence { json.string(nil, events[i].id.hexString) }
            json.endArray()
        } else {
            json.string("kept_because", keptBecause)
        }
        if let overturned = overturnedByAllow {
            json.beginObject("overturned_by_allow")
            json.string("rule", overturned.rule.rawValue)
            json.string("reason", overturned.reason)
            json.beginArray("evidence")
            for i in overturned.evidence { json.string(nil, events[i].id.hexString) }
            json.endArray()
            json.endObject()
        }
        if !expiries.isEmpty {
            json.beginArray("expiries")
            for x in expiries {
                json.beginObject()
                json.string("rule", x.rule.rawValue)
                json.string("expired_on", Timestamp.format(x.expiredOn))
                json.int("expire_after_days", x.days)
                json.beginArray("evidence")
                for i in x.evidence { json.string(nil, events[i].id.hexString) }
                json.endArray()
                json.endObject()
            }
            json.endArray()
        }
        json.beginObject("progress")
        json.int("hard_bounces", progress.hardBounces)
        json.int("soft_bounces", progress.softBounces)
        json.int("soft_threshold", progress.softThreshold)
        json.number("soft_span_hours", progress.softSpanHours)
        json.number("min_span_hours", progress.minSpanHours)
        json.int("mailbox_full", progress.mailboxFull)
        json.int("mailbox_full_threshold", progress.mailboxFullThreshold)
        json.int("complaints", progress.complaints)
        json.int("unsubscribes", progress.unsubscribes)
        json.string("stale_after", progress.staleAfter.map(Timestamp.format))
        json.endObject()
        json.beginArray("events")
        for (i, e) in events.enumerated() {
            json.beginObject()
            json.string("id", e.id.hexString)
            json.string("timestamp", Timestamp.format(e.timestamp))
            json.string("type", e.type.rawValue)
            json.int("reply_code", e.replyCode)
            json.string("enhanced_code", e.enhancedCode)
            json.string("diagnostic", e.diagnostic)
            json.string("reason", e.reason)
            json.string("kind", e.kind?.rawValue)
            json.string("classifier_rule", e.rule)
            json.string("provider_verdict", e.providerVerdict)
            json.string("source", e.source)
            json.string("message_id", e.messageIdentity)
            json.string("counts", notes[i].rawValue)
            json.bool("evidence", decision?.evidence.contains(i) ?? false)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.takeLine()
    }
}
