extension BounceReason {
    /// Our envelope sender (MAIL FROM) was refused.
    public static let rejected = BounceReason(rawValue: "rejected")
}

extension ReasonDefinition {
    /// The envelope sender was refused: our problem.
    static let rejected = ReasonDefinition(
        .rejected, kind: .sender,
        summary: "the receiver refused our envelope sender (MAIL FROM)",
        phrases: [
            // sisimai's record (rb-sisimai lib/sisimai/reason/rejected.rb): refusals of the envelope
            // sender by bounce-address tag validation, backscatter and DSN filters.
            "batv failed to verify", "batv validation failure", "batv: no tag", "rejected by batv defense",
            "backscatter protection detected an invalid or expired email address", "denied [bouncedeny]",
            "no third-party dsns", "fully qualified email address required", "email address is not verified",
            "transaction failed unsigned dsn for", "rule imposed mailbox access for",
            "sender address rejected", "sender rejected", "sender was rejected", "sender email address rejected",
            "sender verify failed", "sender verification failed", "domain of sender address",
            "sender domain must exist", "sender domain does not exist", "sender domain is empty",
            "invalid sender", "sender address has been blacklisted", "sender is in my black list",
            "sender not pre-approved", "sender is spammer", "mail from not owned by user",
            "null sender is not allowed", "empty envelope senders not allowed", "bogus mail from",
            "returned mail not accepted here", "can't determine purported responsible address",
            "unroutable sender address", "is not a registered gateway user", "from: domain is invalid", "emetteur invalide",
            "isn't on the recipient's list of senders", "this server does not accept mail from",
            "sender address has null mx", "mail from command rejected",
            "not have permission to post",
            "you are not a member of this mailing list",
            "not have permission to post",
            "you are not a member of this mailing list",
            "access denied (in reply to mail from command)",
        ],
        examples: [
            "501 5.1.8 Sender address rejected",
            "553 5.1.8 <httpd@host1.example.jp>... Domain of sender address httpd@host1.example.jp does not exist",
            "550 5.7.1 can't determine Purported Responsible Address",
            "550 5.1.0 <bounce@mailer.example.com> sender rejected",
            "450 4.1.8 <bounce@example.com>: Sender address rejected: Domain not found",
            // A vague refusal of MAIL FROM is a refusal of the sender (the classifier reads the command).
            "550 5.7.1 Access denied (in reply to MAIL FROM command)",
            "host mail.example.org [192.0.2.1] SMTP error from remote mail server after MAIL FROM:<bounce@example.com>: 553 5.1.0 refused",
            "Google Groups: the group may not exist, or the sender may not have permission to post. We're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group.",
            "You are not a member of this mailing list <list@example.org>.",
            "Google Groups: the group may not exist, or the sender may not have permission to post. We're writing to let you know that the group you tried to contact (team) may not exist, or you may not have permission to post messages to the group.",
            "You are not a member of this mailing list <list@example.org>.",
        ],
        counterExamples: [
            "550 5.1.1 <kijitora@example.org>: Recipient address rejected: User unknown",
            // A precise cause given at MAIL FROM stays that cause.
            "452 4.4.5 Insufficient disk space; try again later (in reply to MAIL FROM command)",
            "550 Unauthenticated senders not allowed (in reply to MAIL FROM command)",
        ])
}
