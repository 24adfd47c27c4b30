/// What `clean` needs to run.
public struct CleanRequest: Sendable {
    public var listPath: String
    public var outputDirectory: String
    public var historyPath: String
    /// Unix seconds; events after it are ignored.
    public var asOf: Int64
    public var policy: Policy
    /// Forces the list's delimiter; nil sniffs it.
    public var delimiter: UInt8?
    /// Names the address column; nil finds it by the names real exports use.
    public var emailColumn: String?
    /// The list's declared encoding (`--encoding`); nil reads UTF-8, or UTF-16 by its byte-order mark.
    public var encoding: TextEncoding?
    /// The layout of `suppressed.csv`.
    public var suppressedFormat: SuppressedFormat = .listwash
    /// Names an XML list's record element (local name); nil detects it.
    public var recordName: String?
    /// Names an XML list's address field, a child element or an attribute (local name); nil detects it.
    public var emailField: String?
    /// A list file larger than this (bytes) finds its duplicates by a pre-pass and an external
    /// sort instead of a table in memory, so memory does not grow with the list.
    public var largeListBytes: Int = 64 << 20
    /// The memory each external sort (duplicates, clean-v1's sorted `suppressed.csv`) may
    /// use before it spills to temporary files in the output folder's staging area.
    public var sortMemoryBudget: Int = 16 << 20
    /// The policy file the policy came from, if any: an output may not replace it.
    public var policyPath: String?
    /// A hashed suppression list (`--suppress-hashed`) and the key of its HMAC digests.
    public var suppressHashed: String?
    public var suppressHashedKey: [UInt8] = []
    /// Read everything and count, but write nothing: no output folder, no lock, no staging
    /// folder (the run's scratch files go to a private folder in the system's temporary folder).
    public var dryRun = false
    /// Replace the outputs even when the blast-radius guard trips (the manifest records it).
    public var allowMassRemoval = false
    /// A one-off run (`clean --events`): these event files, instead of ``historyPath``, are
    /// the history, read into a scratch history inside the run's staging folder that the
    /// run removes; the outputs are those of `ingest` into a fresh history then `clean`.
    public var eventFiles: [String] = []
    /// The event files' format (`--format`); nil detects it per file.
    public var eventFormat: IngestFormat?
    /// Year and zone for syslog timestamps in the event files.
    public var eventImportOptions = EventImportOptions()

    /// `clean --shard I/N`: only the rows whose address key hashes to this shard (``ShardSpec``).
    public var shard: ShardSpec?

    /// Whether the run reads event files instead of a history (``eventFiles``).
    public var isOneOff: Bool { !eventFiles.isEmpty }

    public init(listPath: String, outputDirectory: String, historyPath: String, asOf: Int64, policy: Policy,
                delimiter: UInt8? = nil, emailColumn: String? = nil, encoding: TextEncoding? = nil,
                recordName: String? = nil, emailField: String? = nil) {
        self.listPath = listPath
        self.outputDirectory = outputDirectory
        self.historyPath = historyPath
        self.asOf = asOf
        self.policy = policy
        self.delimiter = delimiter
        self.emailColumn = emailColumn
        self.encoding = encoding
        self.recordName = recordName
        self.emailField = emailField
    }
}

extension CleanRequest {
    /// Opens the list as the request says to read it (the pre-pass and the list pass each open it once).
    func openList() throws -> SubscriberListReader {
        let list = try SubscriberListFormat.open(path: listPath, delimiter: delimiter, emailColumn: emailColumn,
                                                 encoding: encoding, recordName: recordName, emailField: emailField)
        list.rejectsBlankAddress = policy.address.blank == .reject
        return list
    }
}
