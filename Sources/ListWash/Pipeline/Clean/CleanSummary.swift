/// The counts of one `clean` run.
public struct CleanSummary: Sendable, Equatable {
    public var rowsRead = 0
    public var kept = 0
    /// Kept rows (among `kept`) that the policy would remove but for the operator's allow.
    public var keptByAllow = 0
    public var duplicates = 0
    public var rejected = 0
    public var blankLines = 0
    public var suppressed: [SuppressionRule: Int] = [:]
    public var historyEvents = 0
    public var bytesRead = 0
    /// How the list was read (`csv ,`, `csv ; windows-1252`, `xml <Subscriber>`).
    public var format = ""
    public var emailColumn = ""
    /// The domains judged dead and the outages not counted against their addresses.
    public var domainFindings = DomainFindings()
    /// Set when the history's events were classified otherwise than this run's listwash and
    /// policy would (``HistoryStore/classificationMismatch(current:)``).
    public var classificationNotice: String?
    /// Rows and removals per receiving domain, most removed first.
    public var domains: [DomainTally.Count] = []
    /// The blast-radius guard's verdict (see ``GuardVerdict``).
    public var guardVerdict: GuardVerdict?
    /// The run wrote nothing (`clean --dry-run`).
    public var dryRun = false
    /// Where a run the guard refused left its outputs for inspection (inside the output folder).
    public var refusedFolder: String?
    /// A one-off run's event files (`clean --events`), each with its counts as `ingest` gives them.
    public var eventFiles: [IngestFileSummary]?

    public var suppressedTotal: Int { suppressed.values.reduce(0, +) }
}
