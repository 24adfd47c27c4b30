extension KnowledgeTable {
    /// The sending providers' own notices that they did not send to an address because it is
    /// on their suppression list: not a receiver's reply but a repeat of the provider's earlier
    /// verdict, kept as such (`suppressed`, kind `sender`), as the suppression lists' entries
    /// are (see docs/formats.md). Their words name the earlier reason ("a recent history of
    /// bouncing as an invalid address"), which must not be read as a new bounce.
    static let senders = KnowledgeTable(
        id: "senders", publisher: "Sending providers (Amazon SES, SendGrid, Mailgun)",
        references: [
            "https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html (bounce types: Permanent/Suppressed, Permanent/OnAccountSuppressionList)",
            "https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event (dropped: Bounced Address)",
            "https://documentation.mailgun.com/docs/mailgun/user-manual/events/ (failed, reason suppress-bounce)",
        ],
        rows: [
            KnownPhrase("has suppressed sending to this address", .suppressed, "SES Permanent/Suppressed"),
            KnownPhrase("on the suppression list for your account", .suppressed, "SES Permanent/OnAccountSuppressionList"),
            KnownPhrase("not delivering to previously bounced address", .suppressed, "Mailgun 605 suppress-bounce"),
        ])
}
