extension BounceReason {
    /// The SMTP dialogue broke a syntax or sequence rule.
    public static let syntaxerror = BounceReason(rawValue: "syntaxerror")
}

extension ReasonDefinition {
    /// SMTP syntax or command sequence error: our MTA's problem.
    static let syntaxError = ReasonDefinition(
        .syntaxerror, kind: .sender,
        summary: "the SMTP dialogue broke a syntax or sequence rule",
        phrases: [
            "syntax error", "command unrecognized", "unrecognized command", "command not recognized",
            "command not implemented", "parameter not implemented", "bad sequence of commands",
            "improper sequence of commands", "invalid command", "parameters not recognized",
            "unknown command", "protocol error", "bad command",
            "malformed address",
        ],
        examples: [
            "504 Command parameter not implemented",
            "503 Improper sequence of commands",
            "501 5.5.2 Syntax error in parameters or arguments",
            "500 5.5.1 Command unrecognized",
            "<kijitora@example.net>: malformed address: <kijitora@example.net> may not follow neko@example.com",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
