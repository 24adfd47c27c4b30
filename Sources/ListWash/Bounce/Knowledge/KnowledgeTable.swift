/// What one receiver, filter or standard publishes about its own replies, restated as data.
///
/// Each table names its source (the provider's error reference, an RFC, or sisimai's record of
/// real bounce texts) and lists phrases that source documents, each with the reason it names.
/// The classifier tries these phrases before the generic phrases of ``ReasonRegistry``: a
/// provider's own wording says more than a word any MTA might use. Tables are listed, in the
/// order they are tried, in ``KnowledgeRegistry/tables``; `docs/classifier.md` counts their rows.
public struct KnowledgeTable: Sendable {
    /// A short name used in the deciding rule (`known:google:"…"`).
    public let id: String
    /// Who publishes it.
    public let publisher: String
    /// Where the facts were read (URLs or RFC numbers), for the reader who wants to check.
    public let references: [String]
    /// The phrases, in the order they are tried within the table.
    public let rows: [KnownPhrase]

    /// A table.
    public init(id: String, publisher: String, references: [String], rows: [KnownPhrase]) {
        self.id = id
        self.publisher = publisher
        self.references = references
        self.rows = rows
    }
}

/// One documented reply text and the reason it names.
public struct KnownPhrase: Sendable {
    /// Lower-case text found anywhere in the diagnostic; `*` stands for anything in between.
    public let phrase: String
    /// The reason the source gives for it.
    public let reason: BounceReason
    /// Where in the source, when the table's references are several (a code, a section).
    public let note: String

    /// A row.
    public init(_ phrase: String, _ reason: BounceReason, _ note: String = "") {
        self.phrase = phrase
        self.reason = reason
        self.note = note
    }
}

/// The knowledge tables, in the order the classifier tries them.
///
/// The sending providers' own notices first (they are no receiver's reply: a repeat of the
/// provider's verdict), then receivers (their words about their own mailboxes are the most
/// specific), then the filtering services that answer for many domains, then the blocklists,
/// then the phrases sisimai records across many MTAs.
public enum KnowledgeRegistry {
    /// All tables, in precedence order.
    public static let tables: [KnowledgeTable] = [
        .senders,
        .google, .microsoft, .yahoo, .apple, .comcast, .cox, .spectrum, .orange, .gmx, .mailRu, .yandex,
        .tencent, .zoho, .nttDocomo, .godaddy, .facebook, .cloudflare, .filters, .blocklists, .sisimai,
    ]

    /// The number of rows in all tables.
    public static var rowCount: Int { tables.reduce(0) { $0 + $1.rows.count } }
}
