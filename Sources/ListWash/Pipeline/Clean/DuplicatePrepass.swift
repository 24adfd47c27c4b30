/// `clean`'s pre-pass over a large list, run on the other core while the history is scanned.
///
/// Input: the request (the list and how to read it, the address rules, the sort budget) and a
/// staging folder for the sort's runs. Output: a sorted ``DuplicateIndex`` (the later rows of
/// every key with their first row's line, the list's keys, the digest of the bytes it read,
/// and, for a CSV file, its rows noted so that the list pass does not parse them again).
struct DuplicatePrepass {
    private let request: CleanRequest
    private let directory: String

    /// The pre-pass for `request`, or nil when the list takes the in-memory way (see
    /// ``DuplicateIndex/wantsPrepass(path:threshold:)``).
    init?(request: CleanRequest, directory: String) {
        guard DuplicateIndex.wantsPrepass(path: request.listPath, threshold: request.largeListBytes) else { return nil }
        self.request = request
        self.directory = directory
    }

    /// Reads the whole list once.
    /// - Complexity: O(*n* log *n*) in the list's rows, in the sort's memory budget.
    func run() throws -> DuplicateIndex {
        try DuplicateIndex(prepass: request.openList, rules: request.policy.addressRules, directory: directory,
                           memoryBudget: request.sortMemoryBudget, shard: request.shard)
    }
}
