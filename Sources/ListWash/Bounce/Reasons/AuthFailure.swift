extension BounceReason {
    /// SPF, DKIM or DMARC checks failed for our mail.
    public static let authfailure = BounceReason(rawValue: "authfailure")
}

extension ReasonDefinition {
    /// Sender authentication (SPF/DKIM/DMARC) failed: our configuration, never the address.
    static let authFailure = ReasonDefinition(
        .authfailure, kind: .sender,
        summary: "SPF, DKIM or DMARC authentication of our mail failed",
        phrases: [
            "dmarc policy", "dmarc validation", "dmarc check", "dmarc verification", "failed dmarc",
            "fails dmarc", "dmarc failure", "due to dmarc", "per dmarc",
            "unauthenticated email from",           // Gmail 5.7.26
            "spf check failed", "spf check: fail", "spf fail", "spf validation", "failed spf",
            "fails spf", "spf record with a hard fail", "sender policy framework",
            "not allowed to send mail from", "is not designated to send",
            "not permitted by domain spf", "please inspect your spf settings", "bad spf records",
            "dkim signature", "dkim validation", "dkim check", "dkim verification", "dkim failed",
            "failed dkim", "dkim fail",
            "doesn't meet the required authentication level",
            "authentication requirements defined for the sender",
            "does not pass authentication", "did not pass authentication", "not pass authentication checks",
            "failed authentication checks",
            "fails to pass spf",
        ],
        examples: [
            "550-5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy.",
            "550 5.7.1 Email rejected per DMARC policy for example.com",
            "550-5.7.26 The MAIL FROM domain [mail.example.com] has an SPF record with a hard fail",
            "550 5.7.23 SPF validation failed for example.com",
            "550 5.7.20 Message rejected: no valid DKIM signature found",
            "550 5.7.1 This message was not accepted due to domain's DMARC policy",
            "550-5.7.26 The MAIL FROM domain [mail.example.com] has an SPF record with a 550-5.7.26 hard fail policy (-all) but it fails to pass SPF checks with the ip: 192.0.2.1.",
        ],
        counterExamples: [
            "550 5.1.1 <kijitora@example.org>: Recipient address rejected: User unknown",
            "530 5.7.0 Authentication required",
        ])
}
