/// Text that contains a reason's word without stating that reason: the words inside it decide nothing.
///
/// A reply is a code and the receiver's text (RFC 5321 §4.2); a delivery status notification's
/// Diagnostic-Code is that reply (RFC 3464 §2.3.6). A gateway's footer or a scanner's disclaimer
/// that ends up beside it ("This email has been scanned for all viruses") is no part of any
/// reply and says that nothing was found. Its words ("virus") are therefore neutralised: a
/// phrase whose match lies wholly inside one of these texts is ignored, and the reply's own
/// words, then its status code, decide. Each entry is a disclaimer's wording, not a refusal's.
public enum NeutralPhrases {
    /// Lower-case texts, matched like phrases (blank runs folded).
    public static let all: [String] = [
        // Anti-virus scanners' footers and disclaimers (the message was checked, nothing found).
        "scanned for all viruses", "scanned for viruses", "scanned for virus", "checked for viruses",
        "scanned for viruses and spam", "virus scanned", "virus-scanned", "virus checked", "virus free",
        "virus-free", "free of viruses", "free from viruses", "no virus found", "no viruses found",
        "no virus was found", "no viruses were found", "scanned by antivirus", "scanned by anti-virus",
    ]
}
