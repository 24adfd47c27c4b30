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
        json.beginObject("history")
        json.string("path", request.historyPath)
        json.int("events_as_of", summary.historyEvents)
        json.string("event_ids_sha256", historyDigest.hexString)
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
        json.beginObject("counts")
        json.int("rows_read", summary.rowsRead)
        json.int("kept", summary.kept)
        json.int("duplicates", summary.duplicates)
        json.int("rejected", summary.rejected)
        json.int("blank_lines", summary.blankLines)
        json.beginObject("suppressed")
        for rule in SuppressionRule.allCases { json.int(rule.rawValue, summary.suppressed[rule] ?? 0) }
        json.endObject()
        json.endObject()
        // The same summary `clean --summary-json` prints (the guard's verdict included).
        summary.writeJSON(&json, name: "summary")
        json.endObject()
        // The effective policy, exactly as `listwash policy` prints it.
        var bytes = json.bytes
        bytes.removeLast()
        bytes += Array(",\"policy\":".utf8) + Array(request.policy.json(pretty: false)) + [UInt8(ascii: "}"), 0x0A]
        return bytes
    }
}
