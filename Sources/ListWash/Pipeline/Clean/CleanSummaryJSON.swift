/// The run's summary as one JSON object: what `clean --summary-json` prints and what
/// `manifest.json` keeps under `"summary"`.
extension CleanSummary {
    /// How many domains the summary names (most removals first); the rest are counted.
    public static let summaryDomainLimit = 20

    /// Whether the run replaced the output set with its own.
    public var outputsWritten: Bool { !dryRun && refusedFolder == nil }

    /// Writes the summary object (member `name` of the enclosing object, or a value when nil).
    public func writeJSON(_ json: inout JSONWriter, name: String? = nil) {
        json.beginObject(name)
        json.bool("dry_run", dryRun)
        json.bool("outputs_written", outputsWritten)
        json.int("rows_read", rowsRead)
        json.int("kept", kept)
        json.int("removed", suppressedTotal)
        json.beginObject("removed_by_rule")
        for rule in SuppressionRule.allCases { json.int(rule.rawValue, suppressed[rule] ?? 0) }
        json.endObject()
        json.int("duplicates", duplicates)
        json.int("rejected", rejected)
        json.int("blank_lines", blankLines)
        json.int("history_events", historyEvents)
        let removing = domains.filter { $0.removed > 0 }
        json.int("domains_with_removals", removing.count)
        json.beginArray("removed_by_domain")
        for d in removing.prefix(Self.summaryDomainLimit) {
            json.beginObject()
            json.string("domain", d.domain)
            json.int("rows", d.rows)
            json.int("removed", d.removed)
            json.number("share", Self.rounded(d.removedShare))
            json.beginObject("by_rule")
            for rule in SuppressionRule.allCases where (d.byRule[rule] ?? 0) > 0 { json.int(rule.rawValue, d.byRule[rule]!) }
            json.endObject()
            json.endObject()
        }
        json.endArray()
        if let verdict = guardVerdict {
            json.beginObject("guard")
            json.string("outcome", verdict.outcome.rawValue)
            json.int("rows", verdict.rows)
            json.int("removed", verdict.removed)
            json.number("removed_share", Self.rounded(verdict.rows == 0 ? 0 : Double(verdict.removed) / Double(verdict.rows)))
            json.number("max_removed_share", verdict.limits.maxRemovedShare)
            json.number("max_domain_share", verdict.limits.maxDomainShare)
            json.int("min_domain_rows", verdict.limits.minDomainRows)
            json.int("min_list_rows", verdict.limits.minListRows)
            json.beginArray("trips")
            for trip in verdict.trips {
                json.beginObject()
                switch trip {
                case .list(let removed, let rows, let limit):
                    json.string("scope", "list")
                    json.int("removed", removed)
                    json.int("rows", rows)
                    json.number("limit", limit)
                case .domain(let domain, let removed, let rows, let limit):
                    json.string("scope", "domain")
                    json.string("domain", domain)
                    json.int("removed", removed)
                    json.int("rows", rows)
                    json.number("limit", limit)
                }
                json.string("message", trip.description)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.string("refused_folder", refusedFolder)
        json.endObject()
    }

    /// The summary object alone, one line.
    public var jsonLine: [UInt8] {
        var json = JSONWriter()
        writeJSON(&json)
        return json.takeLine()
    }

    /// A share to four decimals, so the JSON stays short and the same on every machine.
    static func rounded(_ share: Double) -> Double { (share * 10_000).rounded() / 10_000 }
}
