/// `report.json` and `report.html`: one run's figures for machines and for people who never
/// open the CSVs. The HTML is one self-contained file (inline CSS and SVG charts, no script,
/// nothing fetched), and every figure it shows carries a `data-figure` attribute naming the
/// same figure in `report.json`, so the two can be checked against each other.
public struct RunReport: Sendable {
    /// One earlier clean of the same list, for the trend.
    public struct TrendPoint: Sendable, Equatable {
        /// The ledger entry (nil for this run, not yet recorded).
        public var run: Int64?
        public var asOf: Int64
        public var rowsRead: Int
        public var removed: Int
    }

    public var listPath: String
    public var asOf: Int64
    public var summary: CleanSummary
    public var removedByReason: [String: Int]
    public var trend: [TrendPoint]
    /// How many receiving domains the report names.
    public static let domainLimit = 10
    /// How many earlier runs the trend shows.
    public static let trendLimit = 12

    /// The earlier cleans of `listPath` in the ledger with an as-of before `asOf` (the latest
    /// recorded one per as-of), so that running the same clean again gives the same report.
    public static func trend(ledger: [LedgerEntry], listPath: String, asOf: Int64) -> [TrendPoint] {
        var byAsOf: [Int64: TrendPoint] = [:]
        for entry in ledger where entry.command == "clean" && entry.outcome != "refused" {
            guard let at = entry.asOf, at < asOf else { continue }
            let object = entry.manifestObject
            // A shard's counts are a part of the list's (its merge is not in the ledger).
            guard object["shard"] == nil else { continue }
            guard ((object["inputs"] as? [String: Any])?["list"] as? [String: Any])?["path"] as? String == listPath else { continue }
            let summary = object["summary"] as? [String: Any] ?? [:]
            byAsOf[at] = TrendPoint(run: entry.entry, asOf: at, rowsRead: summary["rows_read"] as? Int ?? 0, removed: summary["removed"] as? Int ?? 0)
        }
        return byAsOf.keys.sorted().suffix(trendLimit).map { byAsOf[$0]! }
    }

    public init(listPath: String, asOf: Int64, summary: CleanSummary, removedByReason: [String: Int], trend: [TrendPoint]) {
        self.listPath = listPath
        self.asOf = asOf
        self.summary = summary
        self.removedByReason = removedByReason
        self.trend = trend + [TrendPoint(run: nil, asOf: asOf, rowsRead: summary.rowsRead, removed: summary.suppressedTotal)]
    }

    var reasons: [(String, Int)] { removedByReason.sorted { ($0.value, $1.key) > ($1.value, $0.key) } }
    var domains: [DomainTally.Count] { Array(summary.domains.filter { $0.removed > 0 }.prefix(Self.domainLimit)) }
    var senderFaults: [DomainFindings.SenderFaults] { Array(summary.domainFindings.senderFaults.prefix(Self.domainLimit)) }
    var headline: [(String, String, Int)] {
        [("rows_read", "rows read", summary.rowsRead), ("kept", "kept", summary.kept), ("removed", "removed", summary.suppressedTotal),
         ("duplicates", "duplicates dropped", summary.duplicates), ("rejected", "rejected (malformed)", summary.rejected)]
    }

    // MARK: report.json

    public var json: [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.string("list", listPath)
        json.string("as_of", Timestamp.format(asOf))
        json.beginObject("figures")
        for (key, _, value) in headline { json.int(key, value) }
        json.endObject()
        json.beginObject("removed_by_rule")
        for rule in SuppressionRule.allCases { json.int(rule.rawValue, summary.suppressed[rule] ?? 0) }
        json.endObject()
        json.beginObject("removed_by_reason")
        for (reason, n) in reasons { json.int(reason, n) }
        json.endObject()
        json.beginArray("top_domains")
        for d in domains {
            json.beginObject()
            json.string("domain", d.domain)
            json.int("rows", d.rows)
            json.int("removed", d.removed)
            json.endObject()
        }
        json.endArray()
        let f = summary.domainFindings
        json.beginArray("sender_side_faults")
        for d in senderFaults {
            json.beginObject()
            json.string("domain", d.domain)
            json.int("bounces", d.bounces)
            json.string("top_reason", d.byReason.first?.reason)
            json.endObject()
        }
        json.endArray()
        json.beginObject("domain_findings")
        json.beginArray("dead")
        for d in f.dead.prefix(Self.domainLimit) {
            json.beginObject()
            json.string("domain", d.domain)
            json.int("list_rows_removed", d.listRowsRemoved)
            json.int("addresses", d.addresses)
            json.endObject()
        }
        json.endArray()
        json.beginArray("outages")
        for o in f.outages.prefix(Self.domainLimit) {
            json.beginObject()
            json.string("domain", o.domain)
            json.string("start", Timestamp.format(o.start))
            json.string("end", Timestamp.format(o.end))
            json.int("addresses", o.addresses)
            json.string("why", o.why.rawValue)
            json.endObject()
        }
        json.endArray()
        json.int("dead_domains", f.dead.count)
        json.int("outages_total", f.outages.count)
        json.int("isolated_failures_not_counted", f.isolated.reduce(0) { $0 + $1.failures })
        json.endObject()
        json.beginObject("guard")
        json.string("outcome", summary.guardVerdict?.outcome.rawValue ?? "not_applied")
        json.beginArray("trips")
        for trip in summary.guardVerdict?.trips ?? [] { json.string(nil, trip.description) }
        json.endArray()
        json.endObject()
        json.beginArray("trend")
        for p in trend {
            json.beginObject()
            json.int("run", p.run)
            json.string("as_of", Timestamp.format(p.asOf))
            json.int("rows_read", p.rowsRead)
            json.int("removed", p.removed)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.takeLine()
    }

    // MARK: report.html

    public var html: [UInt8] {
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>listwash report: \(Self.escape(listPath))</title>
            <style>
            body{font:15px/1.45 system-ui,sans-serif;margin:24px auto;max-width:980px;color:#1d2733;padding:0 16px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d5dbe3;padding-bottom:4px}
            .sub{color:#5b6b7d;margin:0 0 16px}
            .cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#f3f6f9;border-radius:8px;padding:10px 16px;min-width:120px}
            .card b{display:block;font-size:24px}.card span{color:#5b6b7d;font-size:13px}
            table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 12px 3px 0;text-align:left}td.n,th.n{text-align:right}
            .guard{padding:10px 14px;border-radius:8px;margin:8px 0}.passed,.not_applied{background:#e7f6ec}.tripped{background:#fde8e8}.forced{background:#fff4d6}
            .cols{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
            svg text{font:12px system-ui,sans-serif;fill:#1d2733}
            </style></head><body>
            <h1>listwash report</h1>
            <p class="sub">\(Self.escape(listPath)), as of \(Timestamp.format(asOf))</p>
            <div class="cards">
            """
        for (key, label, value) in headline {
            h += "<div class=\"card\"><b data-figure=\"figures.\(key)\">\(value)</b><span>\(label)</span></div>\n"
        }
        h += "</div>\n"

        let outcome = summary.guardVerdict?.outcome.rawValue ?? "not_applied"
        let verdictText: String
        switch summary.guardVerdict?.outcome ?? .notApplied {
        case .notApplied: verdictText = "not applied: the list has fewer than \(summary.guardVerdict?.limits.minListRows ?? 0) rows"
        case .passed: verdictText = "passed: within every limit"
        case .tripped: verdictText = "tripped: this run's outputs were not applied; the previous ones stay"
        case .forced: verdictText = "tripped, and overridden with --allow-mass-removal"
        }
        h += "<h2>Blast-radius guard</h2>\n<div class=\"guard \(outcome)\"><b data-figure=\"guard.outcome\">\(outcome)</b>: \(Self.escape(verdictText))"
        let trips = summary.guardVerdict?.trips ?? []
        if !trips.isEmpty {
            h += "<ul>" + trips.enumerated().map { "<li data-figure=\"guard.trips.\($0.offset)\">\(Self.escape($0.element.description))</li>" }.joined() + "</ul>"
        }
        h += "</div>\n"

        h += "<div class=\"cols\"><div>\n<h2>Removals by rule</h2>\n"
        let rules = SuppressionRule.allCases.map { ($0.rawValue, summary.suppressed[$0] ?? 0) }
        h += Self.barChart(rules.map { ($0.0, $0.1) })
        h += Self.table(["rule", "removed"], rules.map { [($0.0, nil), (String($0.1), "removed_by_rule.\($0.0)")] })
        h += "</div><div>\n<h2>Removals by reason</h2>\n"
        if reasons.isEmpty {
            h += "<p>No removals.</p>\n"
        } else {
            h += Self.barChart(reasons)
            h += Self.table(["reason", "removed"], reasons.map { [($0.0, nil), (String($0.1), "removed_by_reason.\($0.0)")] })
        }
        h += "</div></div>\n"

        h += "<h2>Receiving domains with the most removals</h2>\n"
        if domains.isEmpty {
            h += "<p>No removals.</p>\n"
        } else {
            h += Self.barChart(domains.map { ($0.domain.isEmpty ? "(no domain)" : $0.domain, $0.removed) })
            h += Self.table(["domain", "rows", "removed"], domains.enumerated().map { i, d in
                [(d.domain.isEmpty ? "(no domain)" : d.domain, "top_domains.\(i).domain"), (String(d.rows), "top_domains.\(i).rows"),
                 (String(d.removed), "top_domains.\(i).removed")]
            })
        }

        h += "<h2>Sender-side faults by receiving domain (ours to fix)</h2>\n"
        if senderFaults.isEmpty {
            h += "<p>None reported within the stale window.</p>\n"
        } else {
            h += "<p class=\"sub\">Blocks, rate limits, authentication failures and the like that these domains answered within the stale window: they never count against an address.</p>\n"
            h += Self.barChart(senderFaults.map { ($0.domain, $0.bounces) })
            h += Self.table(["domain", "bounces", "most often"], senderFaults.enumerated().map { i, d in
                [(d.domain, "sender_side_faults.\(i).domain"), (String(d.bounces), "sender_side_faults.\(i).bounces"),
                 (d.byReason.first?.reason ?? "", "sender_side_faults.\(i).top_reason")]
            })
        }

        let f = summary.domainFindings
        h += "<h2>Domain findings</h2>\n"
        h += "<p><b data-figure=\"domain_findings.dead_domains\">\(f.dead.count)</b> domains judged dead, "
            + "<b data-figure=\"domain_findings.outages_total\">\(f.outages.count)</b> outages, "
            + "<b data-figure=\"domain_findings.isolated_failures_not_counted\">\(f.isolated.reduce(0) { $0 + $1.failures })</b> "
            + "isolated failures at live domains not counted.</p>\n"
        if !f.dead.isEmpty {
            h += Self.table(["dead domain", "list rows removed", "addresses"], f.dead.prefix(Self.domainLimit).enumerated().map { i, d in
                [(d.domain, "domain_findings.dead.\(i).domain"), (String(d.listRowsRemoved), "domain_findings.dead.\(i).list_rows_removed"),
                 (String(d.addresses), "domain_findings.dead.\(i).addresses")]
            })
        }
        if !f.outages.isEmpty {
            h += Self.table(["outage", "from", "to", "addresses", "why not counted"], f.outages.prefix(Self.domainLimit).enumerated().map { i, o in
                [(o.domain, "domain_findings.outages.\(i).domain"), (Timestamp.format(o.start), "domain_findings.outages.\(i).start"),
                 (Timestamp.format(o.end), "domain_findings.outages.\(i).end"), (String(o.addresses), "domain_findings.outages.\(i).addresses"),
                 (o.why.rawValue, "domain_findings.outages.\(i).why")]
            })
        }

        h += "<h2>Trend over the ledger's runs</h2>\n"
        h += Self.trendChart(trend)
        h += Self.table(["run", "as of", "rows read", "removed"], trend.enumerated().map { i, p in
            [(p.run.map(String.init) ?? "this run", nil), (Timestamp.format(p.asOf), "trend.\(i).as_of"),
             (String(p.rowsRead), "trend.\(i).rows_read"), (String(p.removed), "trend.\(i).removed")]
        })
        h += "<p class=\"sub\">Written by listwash \(ListWashVersion.current). The same figures are in report.json.</p>\n</body></html>\n"
        return Array(h.utf8)
    }

    /// A table; each cell's second value, when given, is its `data-figure` name.
    static func table(_ header: [String], _ rows: [[(String, String?)]]) -> String {
        var t = "<table><tr>" + header.enumerated().map { "<th\($0.offset > 0 ? " class=\"n\"" : "")>\(escape($0.element))</th>" }.joined() + "</tr>\n"
        for row in rows {
            t += "<tr>" + row.enumerated().map { i, cell in
                "<td\(i > 0 ? " class=\"n\"" : "")\(cell.1.map { " data-figure=\"\(escape($0))\"" } ?? "")>\(escape(cell.0))</td>"
            }.joined() + "</tr>\n"
        }
        return t + "</table>\n"
    }

    /// Horizontal bars, one per (label, value).
    static func barChart(_ bars: [(String, Int)]) -> String {
        let width = 420, labelWidth = 170, rowHeight = 22
        let top = max(1, bars.map(\.1).max() ?? 1)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(bars.count * rowHeight + 4)\" role=\"img\">"
        for (i, bar) in bars.enumerated() {
            let y = i * rowHeight + 2
            let w = Int((Double(bar.1) / Double(top) * Double(width - labelWidth - 50)).rounded())
            s += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(String(bar.0.prefix(26))))</text>"
            s += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"\(rowHeight - 6)\" fill=\"#3f7cc4\"/>"
            s += "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 15)\">\(bar.1)</text>"
        }
        return s + "</svg>\n"
    }

    /// Columns of removed rows per run, oldest first.
    static func trendChart(_ points: [TrendPoint]) -> String {
        let height = 160, column = 96
        let top = max(1, points.map(\.removed).max() ?? 1)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(max(1, points.count) * column + 10)\" height=\"\(height + 40)\" role=\"img\">"
        for (i, p) in points.enumerated() {
            let h = Int((Double(p.removed) / Double(top) * Double(height - 20)).rounded())
            let x = i * column + 10
            s += "<rect x=\"\(x)\" y=\"\(height - h)\" width=\"\(column - 16)\" height=\"\(h)\" fill=\"\(p.run == nil ? "#d9822b" : "#3f7cc4")\"/>"
            s += "<text x=\"\(x + (column - 16) / 2)\" y=\"\(height - h - 4)\" text-anchor=\"middle\">\(p.removed)</text>"
            s += "<text x=\"\(x + (column - 16) / 2)\" y=\"\(height + 16)\" text-anchor=\"middle\">\(p.run.map { "#\($0)" } ?? "now")</text>"
            s += "<text x=\"\(x + (column - 16) / 2)\" y=\"\(height + 32)\" text-anchor=\"middle\">\(Timestamp.format(p.asOf).prefix(10))</text>"
        }
        return s + "</svg>\n"
    }

    /// Text for HTML content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
