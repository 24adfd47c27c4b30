import Foundation

/// A bounce reason, in sisimai's vocabulary (`userunknown`, `mailboxfull`, …) plus listwash's `greylisted`.
public struct BounceReason: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The reason's name.
    public var rawValue: String
    /// A reason from its name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Orders reasons by name.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// The reason's name.
    public var description: String { rawValue }
}
