extension BounceReason {
    /// The receiver's local delivery program (procmail, a pipe) failed.
    public static let mailererror = BounceReason(rawValue: "mailererror")
}

extension ReasonDefinition {
    /// The local delivery agent failed: the receiver's problem, counts as soft.
    static let mailerError = ReasonDefinition(
        .mailererror, kind: .soft,
        summary: "the receiver's local delivery program failed",
        phrases: [
            "x-unix;", "mailer error", "command died with status", "command output:", "procmail",
            "local delivery failed", "pipe to |", "error in executing", "exited with status", "exit status",
            "delivery program failed",
        ],
        examples: [
            "X-Unix; 77",
            "Command died with status 255: \"/usr/bin/procmail\"",
            "mail forwarding failed: Mailer error: exit status 1",
            "X-Unix; 255",
            "x-unix; temporary failure",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
