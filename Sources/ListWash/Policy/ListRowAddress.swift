/// The address of one row of a subscriber list, as `clean` reads it (for `explain --list --row`).
public enum ListRowAddress {
    public enum Found: Equatable, Sendable {
        /// The row's address field and the line the row starts on.
        case address(String, line: Int)
        /// The row is malformed (it goes to `rejects.csv`): why, and its line.
        case malformed(reason: String, line: Int)
        /// The list has fewer rows.
        case missing(rows: Int)
    }

    /// Reads the list up to its `row`-th record (1-based; a CSV header is not a record).
    public static func find(path: String, row: Int, policy: Policy, delimiter: UInt8? = nil, emailColumn: String? = nil,
                            encoding: TextEncoding? = nil, recordName: String? = nil, emailField: String? = nil) throws -> Found {
        let list = try SubscriberListFormat.open(path: path, delimiter: delimiter, emailColumn: emailColumn,
                                                 encoding: encoding, recordName: recordName, emailField: emailField)
        list.rejectsBlankAddress = policy.address.blank == .reject
        struct Stop: Error {}
        var seen = 0
        var found: Found?
        do {
            try list.read { segment in
                guard case .record(let record) = segment else { return }
                seen += 1
                guard seen == row else { return }
                if let address = record.address {
                    found = .address(String(decoding: address, as: UTF8.self), line: record.line)
                } else {
                    found = .malformed(reason: record.error ?? "malformed record", line: record.line)
                }
                throw Stop()
            }
        } catch is Stop {}
        return found ?? .missing(rows: seen)
    }
}
