extension BounceReason {
    /// The mailbox does not exist.
    public static let userunknown = BounceReason(rawValue: "userunknown")
}

extension ReasonDefinition {
    /// No such mailbox: the address is dead.
    static let userUnknown = ReasonDefinition(
        .userunknown, kind: .hard,
        summary: "the mailbox does not exist",
        phrases: [
            "user unknown", "unknown user", "unknown recipient", "recipient unknown", "unknown mailbox",
            "mailbox unknown", "address unknown", "unknown address", "unknown local part", "unknown local-part",
            "no such user", "no such recipient", "no such mailbox", "no such address", "no such person",
            "no such account", "user not found", "recipient not found", "mailbox not found", "address not found",
            "account not found", "user does not exist", "user doesn't exist", "recipient does not exist",
            "mailbox does not exist", "address does not exist", "account does not exist", "user not exist",
            "recipient not exist", "does not exist here", "invalid recipient", "invalid mailbox", "invalid user",
            "invalid address", "not a valid recipient", "not a valid mailbox", "not a valid user",
            "is not a known user", "not a local address", "no mailbox here by that name",
            "no mailbox by that name",
            "recipnotfound", "recipient notfound",   // Exchange RESOLVER.ADR.RecipNotFound
            "the email account that you tried to reach does not exist", "this user doesn't have a",
            "user doesn't have a", "no account by that name", "there is no one at this address",
            "addressee unknown", "bad destination mailbox", "recipient address rejected: unknown user",
            "recipient address rejected: user unknown", "recipient address rejected: invalid user",
            "recipient address rejected: access denied", "recipient address rejected.", "recipient is not local",
            "no mailbox found", "not a valid user here", "badrcptto", "validrcptto", "#5.1.1 bad address",
            "non-existent user", "nonexistent user", "non existent user", "address is not valid",
            "address no longer", "destinataire invalide", "utilisateur inconnu", "unbekannter empfanger",
            "utente sconosciuto", "usuario desconocido", "no existe",
            "address couldn't be found",
            "not listed in domino directory",
            "not listed in public name & address book",
            "not listed in public name and address book",
            // sisimai's record of unknown-mailbox replies (rb-sisimai lib/sisimai/reason/userunknown.rb),
            // less RFC 5321's own 550 text "mailbox unavailable", which also covers policy refusals.
            "address invalid", "can't accept user", "destination server rejected recipients", "mailbox invalid",
            "mailbox not present", "recipient address rejected: invalid-recipient",
            "recipient address rejected: userunknown", "recipient is not accepted", "recipient not ok",
            "recipient refuses to accept your mail", "the user's email name is not found", "user not active",
            "user not known", "unknown e-mail address",
            "unknown email address", "bad recipient", "in name directory", "does not exist at the organization",
            "rcpt <*does not exist", "user (*) unknown", "recipient*was not found in",
            // More of the same record (sisimai 4.25 Sisimai::Reason::UserUnknown, Debian's
            // libsisimai-perl): "bad[-_ ]recipient", "user [^ ]+ (does not exist|was not found)".
            "bad_recipient", "bad-recipient", "user * does not exist", "user * was not found",
            "no matches to nameserver query", "no thank you rejected: account unavailable",
            "the following recipients was undeliverable", "this spectator does not exist",
        ],
        // RFC 5321 §4.2.2/§4.2.3: "550 Requested action not taken: mailbox unavailable (e.g., mailbox
        // not found, no access, or command rejected for policy reasons)". Its first and usual sense
        // is a mailbox that is not there (RFC 5321 §3.3: an address the server does not accept at
        // RCPT gets a 550); current sisimai lists the text under userunknown (reason/why-userunknown.go)
        // and Microsoft documents "550 5.5.0 Requested action not taken: mailbox unavailable" from
        // Outlook.com as an unknown recipient (like 5.1.10). A policy refusal says so with its
        // enhanced code (X.7.x), which then decides; said to DATA it is a filter's refusal, as any
        // generic "unknown" phrase.
        standardReplyPhrases: ["requested action not taken: mailbox unavailable"],
        examples: [
            "550 5.1.1 <kijitora@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
            "550 5.1.1 <kijitora@example.jp>... User Unknown",
            "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address.",
            "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
            "554 delivery error: dd This user doesn't have a yahoo.com account (kijitora@yahoo.com) [0]",
            "550 kijitora@example.com... No such user",
            "550 5.7.1 550 User Unknown: kijitora@example.org",
            "450 4.1.1 <kijitora@example.org>: Recipient address rejected: User unknown in local recipient table",
            "550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]",
            "Your message wasn't delivered to kijitora@example.com because the address couldn't be found. Check for typos or unnecessary spaces and try again.",
            "User some.name (kijitora@example.jp) not listed in Domino Directory",
            "User  not listed in public Name & Address Book",
            // An addressing code (pipelined RCPT replies can follow DATA) or a provider's own words stand.
            "550 <kijitora@example.jp>: User unknown (in reply to RCPT TO command)",
            "550 5.1.1 <kijitora@example.jp>... User Unknown (in reply to end of DATA command)",
            "554 delivery error: dd This user doesn't have a yahoo.com account (kijitora@yahoo.com) [0] (in reply to end of DATA command)",
            // RFC 5321's 550 text, alone or with a code that names no other subject.
            "550 Requested action not taken: mailbox unavailable",
            "550 5.5.0 Requested action not taken: mailbox unavailable",
        ],
        counterExamples: [
            "550 5.1.1 <kijitora@example.org>: blocked using zen.spamhaus.org",
            "552 5.2.2 Mailbox full",
            "550 5.1.2 Host unknown",
            // "Unknown" said to the message itself (DATA), or in au's filter form, is a filter's answer.
            "550 Unknown user kijitora@example.ne.jp (in reply to end of DATA command)",
            "550 : User unknown",
            // The same RFC 5321 text with a policy code: the code names the cause.
            "550 5.7.1 Requested action not taken: mailbox unavailable",
            "552 5.2.2 Requested action not taken: mailbox unavailable",
        ])
}

extension ReasonDefinition {
    /// "User unknown" phrases that name the account so plainly that they stand whatever SMTP step
    /// they answered (Yahoo rejects unknown accounts after DATA; Gmail's and Exchange's own wording).
    static let userUnknownAtAnyStep: Set<String> = [
        "the email account that you tried to reach does not exist", "this user doesn't have a",
        "user doesn't have a", "recipnotfound", "recipient notfound", "no mailbox here by that name",
        "destinataire invalide",  // Orange/Wanadoo
        "address couldn't be found", "not listed in domino directory", "not listed in public name",  // Gmail, Domino
    ]
}

extension ReasonDefinition {
    /// Forms of "user unknown" that a provider uses for its filter's refusals: au (KDDI) answers
    /// "550 : User unknown", with the address left out, when the recipient's filter refuses the sender.
    static let userUnknownFilteredForms: [String] = ["550 : user unknown"]
}
