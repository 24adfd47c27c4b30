extension BounceReason {
    /// A security requirement was not met (authentication required, access denied).
    public static let securityerror = BounceReason(rawValue: "securityerror")
}

extension ReasonDefinition {
    /// Security requirement not met by our session: our configuration.
    static let securityError = ReasonDefinition(
        .securityerror, kind: .sender,
        summary: "a security requirement of the receiver was not met",
        phrases: [
            "authentication required", "authentication is required", "authrequired", "auth required",
            "unauthenticated senders not allowed", "not authenticated", "authentication failed",
            "authentication credentials invalid", "must be authenticated", "access denied",
            "permission denied", "not authorized", "unauthorized", "security violation", "insecure",
        ],
        examples: [
            "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required",
            "550 Unauthenticated senders not allowed",
            "530 5.7.0 Authentication required",
            "550 5.7.1 <bounce@example.com>... Access denied",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
