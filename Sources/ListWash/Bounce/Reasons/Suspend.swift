extension BounceReason {
    /// The account exists but is suspended, disabled or inactive.
    public static let suspend = BounceReason(rawValue: "suspend")
}

extension ReasonDefinition {
    /// A disabled, closed or suspended mailbox: hard when the receiver says so permanently (5xx or
    /// no code: remove at once, as a closed account is), soft in a 4xx reply ("temporarily
    /// disabled": retry, and soft-bounce escalation removes it if it persists). The classifier
    /// makes the 4xx case soft, as for `notaccept`.
    static let suspend = ReasonDefinition(
        .suspend, kind: .hard,
        summary: "the mailbox exists but is suspended, disabled or inactive",
        phrases: [
            // sisimai's record (rb-sisimai lib/sisimai/reason/suspend.rb).
            "mailbox unavailable or access denied", "invalid/inactive user", "mailbox is frozen",
            "recipient rejected: temporarily inactive", "recipient suspend the service", " temporary locked",
            "account is locked email bounced",
            "account has been suspended", "account is suspended", "account suspended", "mailbox suspended",
            "mailbox is suspended", "currently suspended", "user suspended", "user is suspended", "has been suspended",
            "has been temporarily suspended", "account is disabled", "mailbox is disabled", "user is disabled",
            "address is disabled", "recipient is disabled", "reach is disabled", "account has been disabled",
            "mailbox has been disabled", "mailbox disabled", "account disabled",
            "user account disabled", "account has been deactivated", "deactivated mailbox",
            "account is inactive", "mailbox is inactive", "user is inactive", "address is inactive",
            "recipient is inactive", "reach is inactive", "inactive account", "inactive user", "invalid/inactive user",
            "mailbox is frozen", "account is frozen", "temporarily inactive", "temporary locked",
            "account is locked", "mailbox is locked", "disabled or discontinued", "archived recipient",
            "boite du destinataire archivee", "is unavailable: user is terminated", "recipient suspend",
            "temporarily disabled", "account has been closed", "account is closed", "mailbox has been closed",
            "mailbox is closed", "account has been discontinued", "account is discontinued",
        ],
        examples: [
            "550-5.2.1 The email account that you tried to reach is inactive. For more information, go to https://support.google.com/mail/?p=DisabledUser",
            "554 delivery error: dd Sorry your message to kijitora@example.co.jp cannot be delivered. This account has been disabled or discontinued [#102].",
            "550 5.2.1 Mailbox disabled, not accepting messages",
            "525 5.7.13 User account disabled",
            "550 5.2.1 This account has been temporarily suspended",
            "550 [SUSPEND] Mailbox currently suspended - Please contact correspondent directly",
            "450 4.2.1 mailbox temporarily disabled",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
            "552 5.2.2 Mailbox full",
        ])
}
