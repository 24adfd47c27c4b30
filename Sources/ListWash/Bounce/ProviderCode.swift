import Foundation

/// Reason codes that a provider writes into its replies and that say more than its words.
///
/// - Orange and La Poste (France) end their replies with a code such as `OFR_506`, `LPN007_416`,
///   `OFR005_505` or `OUK_513`: the last three digits name the cause in Orange's published postmaster
///   table ("Service refused, please try later" is said for several causes; the code tells them apart).
/// - Cox writes `AUP#CXBL`, `AUP#CDRBL`, `AUP#IPBL0001`, … (https://www.cox.com/residential/support/email-error-codes.html).
/// - Charter Spectrum writes `AUP#In-1310` or `AUP#O-1000`: four digits in its published ranges
///   (https://www.spectrum.net/support/internet/understanding-email-error-codes).
/// - GoDaddy (`*.secureserver.net`) ends its replies with `IB` and three digits (`IB104`), each
///   explained on its bounceback page (https://www.godaddy.com/help/what-does-my-email-bounceback-mean-3568),
///   as sisimai's rhost GoDaddy records them.
/// - i.ua (Ukraine) points to `http://mail.i.ua/err/N`, one number per cause, as sisimai's rhost IUA
///   records them.
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
        517: .authfailure,     // DMARC verification failed
        630: .policyviolation, // client host rejected by policy
        999: .blocked,         // service refused
    ]

    /// Cox `AUP#` codes and the reason each names (Cox's email error codes page).
    public static let cox: [String: BounceReason] = [
        "CXBL": .blocked,          // sending IP blocked for spam-like behaviour
        "CDRBL": .blocked,         // sending IP temporarily blocked (at most 24 hours)
        "CXDNS": .requireptr,      // reverse DNS of the connecting IP failed
        "CXSNDR": .authfailure,    // SPF / DKIM of the sending domain failed
        "CXSMTP": .rejected,       // SMTP violation: could not verify a legitimate sender
        "CXCNCT": .toomanyconn,    // too many concurrent connections
        "CXMXRT": .toomanyconn,    // too many recipients: wait before sending more
        "CXTHRT": .securityerror,  // sending limited for suspicious account activity
        "CXMJ": .securityerror,    // sending blocked for suspicious account activity
        "IPBL": .blocked,          // IPBL0001…IPBL1111, IPBL00001: listed on Spamhaus, Return Path, ivmSIP, Cloudmark CSI
        "URLBL": .spamdetected,    // URLBL011…URLBL1001: a URL in the body is on SURBL, Spamhaus DBL or ivmURI
    ]

    /// Spectrum `AUP#` code ranges (inclusive) and the reason each names (Spectrum's error codes page).
    public static let spectrum: [(ClosedRange<Int>, BounceReason)] = [
        (1000...1000, .blocked),          // IP blocked for suspicious activity
        (1010...1080, .rejected),         // the sending account is blocked or limited
        (1090...1090, .systemerror),      // cannot be processed now
        (1100...1150, .requireptr),       // the connecting IP's DNS (full-circle rDNS)
        (1160...1190, .policyviolation),  // against the domain's security policy
        (1200...1250, .blocked),          // listed by Cloudmark CSI or Spamhaus
        (1260...1260, .networkerror),     // IPv6 not processed
        (1300...1340, .toomanyconn),      // concurrent and total connection limits
        (1350...1490, .speeding),         // message, recipient and invalid-recipient rate limits
        (1500...1520, .rejected),         // sending as another address or domain
        (1530...1530, .mesgtoobig),       // larger than 20 MB
        (1540...1550, .speeding),         // too many messages in a session, too many recipients
        (1560...1560, .policyviolation),  // too many invalid recipients
        (1580...1580, .speeding),         // too many recipients in a short time
    ]

    /// GoDaddy `IB` codes and the reason each names (GoDaddy's bounceback page; sisimai rhost GoDaddy).
    public static let godaddy: [Int: BounceReason] = [
        7: .toomanyconn,        // IB007 421 too many sessions from this IP
        101: .systemfull,       // IB101 421 server temporarily unavailable: "the email queue is experiencing higher than normal volume"
        103: .badreputation,    // IB103 554 poor reputation on Cloudmark Sender Intelligence
        104: .blocked,          // IB104 554 listed on the Spamhaus SBL
        105: .blocked,          // IB105 554 listed on the Spamhaus XBL
        106: .blocked,          // IB106 554 listed on the Spamhaus PBL
        108: .requireptr,       // IB108 421 reverse DNS for this IP failed
        110: .blocked,          // IB110 554 blocked for an hour: too much spam
        111: .blocked,          // IB111 554 blocked for the day: too much spam
        112: .blocked,          // IB112 554 blocked for an hour: too many invalid recipients
        113: .blocked,          // IB113 554 blocked for the day: too many invalid recipients
        212: .spamdetected,     // IB212 552 content judged to be spam
        401: .securityerror,    // IB401 535 authentication not allowed on inbound servers
        501: .notcompliantrfc,  // IB501 550 blank From: addresses are not allowed
        502: .notcompliantrfc,  // IB502 550 IP addresses are not allowed as a From: address
        504: .speeding,         // IB504 550 too many messages this hour
        506: .rejected,         // IB506 550 From: domain is invalid
        508: .authfailure,      // IB508 550 invalid SPF record
        510: .speeding,         // IB510 550 too many messages per session
        605: .exceedlimit,      // IB605 452 too many recipients (RFC 3463 X.5.3; sisimai: toomanyconn)
        607: .speeding,         // IB607 550 too many recipients this hour
        705: .virusdetected,    // IB705 552 virus infected message rejected
    ]

    /// i.ua's `mail.i.ua/err/N` numbers and the reason each names (sisimai rhost IUA).
    public static let iua: [Int: BounceReason] = [
        1: .norelaying,   // the use of SMTP as a mail gate is forbidden
        2: .userunknown,  // user is not found
        3: .suspend,      // mailbox not used for more than 3 months
        4: .mailboxfull,  // mailbox is full
        5: .speeding,     // letter sending limit exceeded (sisimai: toomanyconn)
        6: .norelaying,   // use the SMTP server of your provider
        7: .blocked,      // wrong HELO/EHLO argument
        8: .rejected,     // could not verify the sender address
        9: .blocked,      // the sender's IP is blacklisted
        10: .filtered,    // not in the recipient's address list
    ]

    private static let godaddyPattern = try! NSRegularExpression(pattern: "(?:^|[\\s(\\[])IB([0-9]{3})\\b", options: [])

    private static let iuaPattern = try! NSRegularExpression(
        pattern: "\\.i\\.ua/err/([0-9]{1,2})\\b", options: [.caseInsensitive])

    private static let orangePattern = try! NSRegularExpression(
        pattern: "\\b(?:LPN|OFR|OUK)(?:_[0-9]{3}|[0-9]{3}[-_][0-9]{3})\\b", options: [.caseInsensitive])

    private static let aupPattern = try! NSRegularExpression(
        pattern: "AUP#(?:(I|O|In|Out)-?([0-9]{4})|([A-Z]+)([0-9]*))", options: [])

    /// Whether `bytes` may hold a provider code (`ofr`, `lpn`, `ouk` in any case, or `AUP#`): a
    /// cheap test that spares most replies the pattern search.
    static func mayOccur(in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 3 else { return false }
        // First byte `o`, `l` or `#` (rare enough that the others are seldom looked at).
        for i in 0..<(bytes.count - 2) {
            // GoDaddy: `IB` and a digit (upper case only, as GoDaddy writes it).
            if bytes[i] == 0x49, bytes[i + 1] == 0x42, bytes[i + 2] >= 0x30, bytes[i + 2] <= 0x39 { return true }
            // i.ua: `/err/`.
            if bytes[i] == 0x2F, i + 4 < bytes.count, bytes[i + 1] | 0x20 == 0x65, bytes[i + 2] | 0x20 == 0x72,
               bytes[i + 3] | 0x20 == 0x72, bytes[i + 4] == 0x2F { return true }
            let a = bytes[i] | 0x20
            if bytes[i] == 0x23, i >= 3, bytes[i - 3] == 0x41, bytes[i - 2] == 0x55, bytes[i - 1] == 0x50 { return true }
            guard a == 0x6F || a == 0x6C else { continue }
            let b = bytes[i + 1] | 0x20, c = bytes[i + 2] | 0x20
            if a == 0x6F ? (b == 0x66 && c == 0x72) || (b == 0x75 && c == 0x6B) : (b == 0x70 && c == 0x6E) {
                return true
            }
        }
        return false
    }

    /// The reason a Cox or Spectrum `AUP#` code in `text` names, with the code as found.
    static func aupReason(in text: String) -> (reason: BounceReason, code: String)? {
        let range = NSRange(text.startIndex..., in: text)
        for match in aupPattern.matches(in: text, range: range) {
            guard let whole = Range(match.range, in: text) else { continue }
            let code = String(text[whole])
            if let digits = Range(match.range(at: 2), in: text), let number = Int(text[digits]) {
                if let found = spectrum.first(where: { $0.0.contains(number) }) { return (found.1, code) }
            } else if let letters = Range(match.range(at: 3), in: text), let reason = cox[String(text[letters])] {
                return (reason, code)
            }
        }
        return nil
    }

    /// The reason a code of `table` captured by `pattern`'s first group names, with the code as found.
    private static func numbered(_ pattern: NSRegularExpression, _ table: [Int: BounceReason], in text: String) -> (reason: BounceReason, code: String)? {
        let range = NSRange(text.startIndex..., in: text)
        for match in pattern.matches(in: text, range: range) {
            guard let digits = Range(match.range(at: 1), in: text), let number = Int(text[digits]),
                  let reason = table[number] else { continue }
            let whole = Range(match.range, in: text).map { String(text[$0]).trimmingCharacters(in: .whitespaces) } ?? ""
            return (reason, whole.hasPrefix("(") || whole.hasPrefix("[") ? String(whole.dropFirst()) : whole)
        }
        return nil
    }

    /// The reason a provider code in `text` names (Orange / La Poste, Cox and Spectrum `AUP#`,
    /// GoDaddy `IB`, i.ua `err/`), with the code as found; nil when none does.
    public static func reason(in text: String) -> (reason: BounceReason, code: String)? {
        if text.contains("AUP#"), let found = aupReason(in: text) { return found }
        if text.contains("IB"), let found = numbered(godaddyPattern, godaddy, in: text) { return found }
        if text.contains("/err/") || text.contains("/ERR/"), let found = numbered(iuaPattern, iua, in: text) { return found }
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
