extension BounceReason {
    /// The receiving system's storage is full.
    public static let systemfull = BounceReason(rawValue: "systemfull")
}

extension ReasonDefinition {
    /// The receiver's disk is full: temporary, counts as soft.
    static let systemFull = ReasonDefinition(
        .systemfull, kind: .soft,
        summary: "the receiving system is out of storage",
        phrases: [
            "insufficient system storage", "insufficient disk space", "not enough disk space",
            "no space left on device", "mail system full", "system storage", "disk full", "disk is full",
            "not sufficient disk space", "out of disk space", "file system full",
        ],
        examples: [
            "452 4.4.5 Insufficient disk space; try again later",
            "452 4.3.1 Insufficient system storage",
            "451 4.3.0 Temporary failure: no space left on device",
        ],
        counterExamples: [
            "552 5.2.2 Mailbox full",
        ])
}
