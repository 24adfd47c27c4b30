/// Every built-in reason, in precedence order: when phrases of several reasons occur in one reply,
/// the reason listed first wins.
///
/// The order encodes listwash's priorities: explicit greylisting first (never evidence); then the
/// sender-side causes whose wording is unmistakable (authentication, PTR, reputation, rate and
/// connection limits, blocklists, relaying, TLS, envelope sender); then the recipient's own state
/// (moved, no mail accepted, suspended, unknown, domain unknown, full) so that a dead address is
/// never hidden by a vaguer sender-side word; then content and policy; then the receiver's errors.
public enum ReasonRegistry {
    /// The built-in reasons, in precedence order.
    public static let all: [ReasonDefinition] = [
        .greylisted,
        .authFailure,
        .requirePTR,
        .badReputation,
        .tooManyConn,
        .speeding,
        .blocked,
        .noRelaying,
        .failedStartTLS,
        .rejected,
        .hasMoved,
        .notAccept,
        .suspend,
        .userUnknown,
        .hostUnknown,
        .mailboxFull,
        .virusDetected,
        .spamDetected,
        .mesgTooBig,
        .exceedLimit,
        .systemFull,
        .expired,
        .networkError,
        .suppressed,
        .filtered,
        .policyViolation,
        .securityError,
        .notCompliantRFC,
        .contentError,
        .syntaxError,
        .mailerError,
        .systemError,
        .onHold,
        .undefined,
    ]

    /// The definition of a built-in reason.
    /// - Complexity: O(n) over the registry.
    public static func definition(of reason: BounceReason) -> ReasonDefinition? {
        all.first { $0.reason == reason }
    }
}
