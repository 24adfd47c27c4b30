import Foundation

/// The classifier's answer for one SMTP reply.
public struct Classification: Sendable, Equatable {
    /// Why the message bounced.
    public var reason: BounceReason
    /// What the bounce means for the address.
    public var kind: BounceKind
    /// The name of the rule that decided (for `listwash classify` and the audit):
    /// `user:<name>`, `provider:<code>`, `phrase:<reason>:"<phrase>"`, `status:5.1.1`, `reply:421` or
    /// `default`, with what refined it appended (`+command:DATA`, `+command:MAIL`, `+transient`, `+form:"…"`).
    public var rule: String
    /// The basic reply code, as given or as found in the text.
    public var replyCode: Int?
    /// The enhanced status code, as given (when valid) or as found in the text.
    public var status: String?

    /// A classification.
    public init(reason: BounceReason, kind: BounceKind, rule: String, replyCode: Int?, status: String?) {
        self.reason = reason
        self.kind = kind
        self.rule = rule
        self.replyCode = replyCode
        self.status = status
    }
}
