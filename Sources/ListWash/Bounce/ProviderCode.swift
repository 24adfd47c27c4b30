import Foundation

/// Reason codes that a provider writes into its replies and that say more than its words.
///
/// Orange and La Poste (France) end their replies with a code such as `OFR_506`, `LPN007_416`,
/// `OFR005_505` or `OUK_513`: the last three digits name the cause in Orange's published postmaster
/// table ("Service refused, please try later" is said for several causes; the code tells them apart).
public enum ProviderCode {
    /// Orange / La Poste codes (the last three digits) and the reason each names.
    /// Codes Orange uses for several causes ("please try later") are left out, so the words decide.
    public static let orange: [Int: BounceReason] = [
        102: .blocked,         // client host blocked for spamming issues
        103: .blocked,         // service refused
        104: .toomanyconn,     // too many connections, slow down
        305: .securityerror,   // invalid authentication code
        401: .authfailure,     // SPF: not allowed to send mail
        402: .securityerror,   // authentication required
        403: .rejected,        // invalid sender
        405: .rejected,        // invalid sender
        415: .rejected,        // invalid sender
        416: .userunknown,     // invalid recipient
        417: .mailboxfull,     // recipient over quota
        418: .userunknown,     // invalid recipient
        420: .suspend,         // archived recipient
        421: .rejected,        // MAIL FROM not owned by user
        426: .suspend,         // the recipient's account is blocked
        505: .systemerror,     // service refused (their side)
        506: .spamdetected,    // mail rejected (content)
        510: .blocked,         // service refused
        514: .mesgtoobig,      // message size limit reached
        999: .blocked,         // service refused
    ]

    private static let orangePattern = try! NSRegularExpression(
        pattern: "\\b(?:LPN|OFR|OUK)(?:_[0-9]{3}|[0-9]{3}[-_][0-9]{3})\\b", options: [.caseInsensitive])

    /// Whether `bytes` may hold a provider code (`ofr`, `lpn` or `ouk` in any case): a cheap test
    /// that spares most replies the pattern search.
    static func mayOccur(in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 3 else { return false }
        // First byte `o` or `l` (rare enough that the other two are seldom looked at).
        for i in 0..<(bytes.count - 2) {
            let a = bytes[i] | 0x20
            guard a == 0x6F || a == 0x6C else { continue }
            let b = bytes[i + 1] | 0x20, c = bytes[i + 2] | 0x20
            if a == 0x6F ? (b == 0x66 && c == 0x72) || (b == 0x75 && c == 0x6B) : (b == 0x70 && c == 0x6E) {
                return true
            }
        }
        return false
    }

    /// The reason an Orange/La Poste code in `text` names, with the code as found; nil when none does.
    public static func reason(in text: String) -> (reason: BounceReason, code: String)? {
        let range = NSRange(text.startIndex..., in: text)
        for match in orangePattern.matches(in: text, range: range) {
            guard let r = Range(match.range, in: text) else { continue }
            let code = String(text[r])
            guard let number = Int(code.suffix(3)), let reason = orange[number] else { continue }
            return (reason, code)
        }
        return nil
    }
}
