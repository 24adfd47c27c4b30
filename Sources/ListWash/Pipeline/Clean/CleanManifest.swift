/// `clean`'s last stage before the commit: `manifest.json`, the run's inputs with their
/// hashes, every output's hash, size and rows, the counts and the effective policy.
///
/// Input: the request, the counts, the digests of the list and of the history's event ids,
/// and the outputs, closed (their digests are final). Output: the file's bytes.
struct CleanManifest {
    var request: CleanRequest
    var summary: CleanSummary
    var listDigest: [UInt8]
    var historyDigest: [UInt8]
    var outputs: [OutputFile]
    /// The audit's hash chain as written (``AuditChain``).
    var auditChain: AuditChain.ManifestEntry
    /// A one-off run's event files (`clean --events`): listed under `inputs.events`, and the
    /// history is then `"path": null, "one_off": true` (it was a scratch file the run removed;
    /// `event_ids_sha256` still identifies the events the run judged).
    var eventFiles: [IngestFileSummary]? = nil
    /// The list's records, every shard's (written only for a shard, under `shard.list_rows`).
    var listRows = 0

    var bytes: [UInt8] {
        var json = JSONWriter()
        json.beginObject()
        json.string("tool", "listwash")
        json.string("version", ListWashVersion.current)
        json.string("as_of", Timestamp.format(request.asOf))
        json.beginObject("inputs")
        json.beginObject("list")
        json.string("path", request.listPath)
        json.string("sha256", listDigest.hexString)
        json.int("bytes", summary.bytesRead)
        json.int("rows", summary.rowsRead)
        json.string("format", summary.format)
        json.string("email_column", summary.emailColumn)
        json.endObject()
        if let eventFiles {
            json.beginArray("events")
            for file in eventFiles { file.write(to: &json, pathKey: "path") }
            json.endArray()
        }
        json.beginObject("history")
        json.string("path", eventFiles == nil ? HistoryLocation(request.historyPath).display : nil)
        json.string("store", eventFiles == nil ? HistoryLocation(request.historyPath).store : "sqlite")
        if eventFiles != nil { json.bool("one_off", true) }
        json.int("events_as_of", summary.historyEvents)
        json.string("event_ids_sha256", historyDigest.hexString)
        let classification = ClassificationIdentity(policy: request.policy)
        json.string("classifier", classification.classifier)
        json.string("rules", classification.rules)
        json.bool("classified_otherwise", summary.classificationNotice != nil)
        json.endObject()
        json.endObject()
        json.beginArray("outputs")
        for output in outputs {
            json.beginObject()
            json.string("file", output.name)
            json.string("sha256", output.digest.hexString)
            json.int("bytes", output.bytesWritten)
            json.int("rows", output.rows)
            json.endObject()
        }
        json.endArray()
        // The audit's hash chain: what `listwash verify` checks audit.jsonl against, record by record.
        json.beginObject("audit_chain")
        json.string("file", "audit.jsonl")
        json.string("genesis", AuditChain.genesis.hexString)
        json.int("records", auditChain.records)
        json.string("last_sha256", auditChain.lastSHA256.hexString)
        json.endObject()
        json.beginObject("counts")
        json.int("rows_read", summary.rowsRead)
        json.int("kept", summary.kept)
        // Only in runs that kept a row by the operator's allow (earlier manifests stay as they were).
        if summary.keptByAllow > 0 { json.int("kept_by_allow", summary.keptByAllow) }
        json.int("duplicates", summary.duplicates)
        json.int("rejected", summary.rejected)
        json.int("blank_lines", summary.blankLines)
        json.beginObject("suppressed")
        // hashed_list, manual and forgotten appear only in runs that used them (earlier manifests stay as they were).
        for rule in SuppressionRule.allCases where (rule != .hashedList && rule != .manual && rule != .forgotten) || summary.suppressed[rule] != nil {
            json.int(rule.rawValue, summary.suppressed[rule] ?? 0)
        }
        json.endObject()
        json.endObject()
        json.beginObject("domain_findings")
        json.beginArray("dead")
        for d in summary.domainFindings.dead {
            json.beginObject()
            json.string("domain", d.domain)
            json.int("addresses", d.addresses)
            json.int("list_rows_removed", d.listRowsRemoved)
            json.string("first_failure", Timestamp.format(d.firstFailure))
            json.string("last_failure", Timestamp.format(d.lastFailure))
            json.endObject()
        }
        json.endArray()
        json.beginArray("outages")
        for o in summary.domainFindings.outages {
            json.beginObject()
            json.string("domain", o.domain)
            json.string("start", Timestamp.format(o.start))
            json.string("end", Timestamp.format(o.end))
            json.int("addresses", o.addresses)
            json.int("failures", o.failures)
            json.beginArray("reasons")
            for r in o.reasons { json.string(nil, r) }
            json.endArray()
            json.string("why", o.why.rawValue)
            json.endObject()
        }
        json.endArray()
        json.beginArray("sender_side_faults")
        for f in summary.domainFindings.senderFaults {
            json.beginObject()
            json.string("domain", f.domain)
            json.int("bounces", f.bounces)
            json.beginObject("by_reason")
            for r in f.byReason { json.int(r.reason, r.bounces) }
            json.endObject()
            json.endObject()
        }
        json.endArray()
        json.beginArray("isolated_failures_not_counted")
        for i in summary.domainFindings.isolated {
            json.beginObject()
            json.string("domain", i.domain)
            json.int("failures", i.failures)
            json.int("addresses", i.addresses)
            json.string("first", i.first.map(Timestamp.format))
            json.string("last", i.last.map(Timestamp.format))
            json.endObject()
        }
        json.endArray()
        json.endObject()
        // The same summary `clean --summary-json` prints (the guard's verdict included).
        summary.writeJSON(&json, name: "summary")
        // `clean --shard I/N` only: which part of the list this set is (`listwash merge` reads it).
        request.shard?.writeJSON(&json, request: request, listRows: listRows)
        json.endObject()
        // The effective policy, exactly as `listwash policy` prints it.
        var bytes = json.bytes
        bytes.removeLast()
        bytes += Array(",\"policy\":".utf8) + Array(request.policy.json(pretty: false)) + [UInt8(ascii: "}"), 0x0A]
        return bytes
    }
}
