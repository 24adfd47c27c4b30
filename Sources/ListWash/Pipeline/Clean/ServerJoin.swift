extension CleanJob {
    /// `clean`'s join on a PostgreSQL history (``PostgresMirror/ListJoin``): the list's address
    /// keys (this shard's, with `--shard`) are read from the list and sent to the server, which
    /// sends back their events and what the history-wide parts of the run read.
    ///
    /// A key goes in the history's form (``EventRecord/addressKey``: the local part's ASCII
    /// letters lower-cased), and in the policy's form too where that differs, so every event
    /// the list pass can ask about comes back. Rows without an address send nothing (the list
    /// pass rejects them).
    func listJoin() -> PostgresMirror.ListJoin {
        let request = self.request
        let policy = request.policy
        return PostgresMirror.ListJoin(
            asOf: request.asOf,
            judgedSince: policy.domains.judge ? request.asOf - Int64(policy.staleAfterDays) * 86_400 : nil
        ) { send in
            let rules = policy.addressRules
            let exact = AddressRules(localPartCaseSensitive: true, syntax: rules.syntax)
            let list = try request.openList()
            try list.read { segment in
                guard case .record(let record) = segment, let field = record.address else { return }
                let key = rules.key(field)
                if let shard = request.shard, !shard.owns(key: key) { return }
                let stored = ASCII.lowercased(exact.key(field))
                try send(stored)
                if key != stored { try send(key) }
            }
        }
    }
}
