extension BounceReason {
    /// TLS could not be negotiated, or the receiver requires it and we did not use it.
    public static let failedstarttls = BounceReason(rawValue: "failedstarttls")
}

extension ReasonDefinition {
    /// STARTTLS failure: our configuration.
    static let failedStartTLS = ReasonDefinition(
        .failedstarttls, kind: .sender,
        summary: "STARTTLS failed or TLS is required and was not used",
        phrases: [
            "starttls", "tls negotiation", "tls handshake", "tls is required", "tls required",
            "must issue a starttls", "encryption required", "encryption needed", "requiretls",
            "ssl handshake", "tls connection failed", "cannot start tls", "tls failed",
            "does not support tls",
        ],
        examples: [
            "530 5.7.0 Must issue a STARTTLS command first",
            "421 4.7.0 TLS handshake failed",
            "550 5.7.10 Encryption needed: TLS is required for this domain",
            "500 Remote server does not support TLS (state 6).",
        ],
        counterExamples: [
            "530 5.7.0 Authentication required",
        ])
}
