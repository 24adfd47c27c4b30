extension BounceReason {
    /// A receiver policy (not spam, not authentication) refused the message.
    public static let policyviolation = BounceReason(rawValue: "policyviolation")
}

extension ReasonDefinition {
    /// Refused by the receiver's local policy: our sending.
    static let policyViolation = ReasonDefinition(
        .policyviolation, kind: .sender,
        summary: "the receiver's policy refused the message",
        phrases: [
            "denied by policy", "policy reasons", "local policy", "policy violation", "violates policy",
            "violation of policy", "rejected by policy", "organization policy", "organizational settings",
            "security policies", "members-only list", "closed mailing list", "not subscribed to this group",
            "not allowed to post", "an illegal attachment", "header error", "mass mailer",
            "content presents a potential", "message given low priority", "priority level is too low",
            "rejected for policy", "blocked by policy",
        ],
        examples: [
            "550 Denied by policy",
            "554 5.7.9 Message not accepted for policy reasons. See https://postmaster.example.com/error-codes",
            "552-5.7.0 This message was blocked because its content presents a potential security issue.",
            "554 5.7.9 Header error",
            "550 5.7.1 Message rejected due to local policy",
        ],
        counterExamples: [
            "550 5.7.1 Email rejected per DMARC policy for example.com",
        ])
}
