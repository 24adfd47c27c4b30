import Foundation

/// Which classification an event in the history got: the built-in classifier's version and
/// the policy's own rules. The history records both for every ingest (table
/// `classifications`), so `clean` can say when events were classified otherwise than the
/// running listwash and policy would, and `listwash reclassify` can bring them in line.
public struct ClassificationIdentity: Sendable, Equatable, Hashable {
    /// `listwash <version> tables <digest>`: the digest covers every built-in table the
    /// classifier decides with (reasons with their phrases and examples, the knowledge tables
    /// of the providers and filters, the status and reply code tables, provider codes, the SMTP
    /// command markers; a new table belongs in this list), so a listwash whose tables
    /// changed has another version even under the same version number.
    public var classifier: String
    /// `rules <digest>` of the policy's `rules` and `classification` settings, `rules none`
    /// when the policy has no rules and the default settings.
    public var rules: String

    public init(classifier: String, rules: String) {
        self.classifier = classifier
        self.rules = rules
    }

    /// The running listwash's classifier with `policy`'s rules.
    public init(policy: Policy) {
        classifier = Self.builtIn
        rules = Self.rules(of: policy)
    }

    /// The built-in classifier's version (computed once).
    public static let builtIn: String = {
        let hasher = SHA256Hasher()
        for table in [String(describing: ReasonRegistry.all), String(describing: KnowledgeRegistry.tables),
                      String(describing: StatusCode.table), String(describing: ReplyCode.table),
                      String(describing: ProviderCode.orange.sorted { $0.key < $1.key }),
                      String(describing: ProviderCode.cox.sorted { $0.key < $1.key }), String(describing: ProviderCode.spectrum),
                      String(describing: ProviderCode.godaddy.sorted { $0.key < $1.key }),
                      String(describing: ProviderCode.iua.sorted { $0.key < $1.key }),
                      String(describing: SMTPCommand.markers), String(describing: NeutralPhrases.all),
                      "decisions \(decisionRevision)"] {
            hasher.update(Array(table.utf8))
            hasher.update([0])
        }
        return "listwash \(ListWashVersion.current) tables \(Array(hasher.finalize().prefix(6)).hexString)"
    }()

    /// The revision of the decision order itself (`Classifier`'s code, not its tables): raised
    /// when a change of code alone classifies a stored reply otherwise, so the digest changes too.
    /// 6: a text that names no cause is `onhold`, not `undefined`.
    static let decisionRevision = 6

    static func rules(of policy: Policy) -> String {
        let defaults = Policy()
        guard !policy.rules.isEmpty || policy.classification != defaults.classification else { return "rules none" }
        // Only what classifies: the rules and the classification settings, as JSON with sorted keys.
        struct Classifying: Encodable {
            var rules: [ClassifierRule]
            var classification: Policy.Classification
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(Classifying(rules: policy.rules, classification: policy.classification))) ?? Data()
        return "rules \(Array(SHA256Hasher.digest(Array(json)).prefix(6)).hexString)"
    }
}
