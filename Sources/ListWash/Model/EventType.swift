/// What happened to a message sent to an address.
public enum EventType: String, Sendable, CaseIterable, Codable {
    /// The message was refused or returned (permanently or temporarily).
    case bounce
    /// The receiving server accepted the message.
    case delivered
    /// The recipient reported the message as spam (feedback loop, ARF).
    case complaint
    /// The recipient asked to stop receiving mail.
    case unsubscribe
    /// An operator re-admitted the address (`listwash allow`): no evidence before it counts.
    case allow
    /// An operator suppressed the address (`listwash suppress`, rule `manual`).
    case suppress

    /// Whether the event is an operator's (`allow`, `suppress`): only listwash's own commands
    /// write those, no input file may carry them.
    public var isOperatorAction: Bool { self == .allow || self == .suppress }

    /// Parses an input file's type name, ASCII case-insensitively (never an operator's type).
    public static func parse(_ bytes: [UInt8]) -> EventType? {
        EventType(rawValue: String(decoding: ASCII.lowercased(bytes), as: UTF8.self)).flatMap { $0.isOperatorAction ? nil : $0 }
    }
}

/// How a bounce bears on the address, decided by the classifier from the bounce reason.
public enum BounceKind: String, Sendable, CaseIterable, Codable {
    /// The address is bad: suppress at once.
    case hard
    /// The address may accept mail later: counts towards escalation.
    case soft
    /// Our side's problem (reputation, authentication, rate limits, content): never counts.
    case sender
    /// Not evidence about the address at all (greylisting and the like).
    case ignore
}
