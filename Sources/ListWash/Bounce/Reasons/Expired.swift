extension BounceReason {
    /// The sending MTA gave up after retrying for its queue lifetime.
    public static let expired = BounceReason(rawValue: "expired")
}

extension ReasonDefinition {
    /// Delivery time expired: the last of a series of temporary failures.
    static let expired = ReasonDefinition(
        .expired, kind: .soft,
        summary: "the sending side gave up after retrying (queue lifetime expired)",
        phrases: [
            "message expired", "delivery expired", "delivery time expired", "queue.expired",
            "expired in queue", "in the queue too long", "too long in queue", "retry timeout exceeded",
            "retry time not reached", "giving up on", "gave up", "could not be delivered for",
            "unable to deliver message after multiple retries", "has not been collected after",
            "connection timed out", "timed out while", "message timed out", "delivery attempts will continue",
            "have been failing for a long time", "not reachable within the allowed queue period",
            "maximum delivery time", "lifetime exceeded",
            "could not deliver for the last",
            "delivery failed*attempts",
            "did not accept our requests to connect",
            // sisimai's record (lib/sisimai/reason/expired.rb): the remote server never answered.
            "server did not respond", "could not find a gateway for",
            // A delay notice that names no other cause: the sender is still retrying (sisimai
            // reports a delayed recipient with no cause as expired). Gmail, sendmail, Exim.
            "will be retried for", "still undelivered after", "will keep trying until",
            "has not yet been delivered",
        ],
        examples: [
            "550 4.4.7 QUEUE.Expired; message expired",
            "554 4.4.7 Message expired: unable to deliver in 840 minutes.",
            "Connection timed out",
            "retry timeout exceeded",
            "Delivery to the following recipient has been delayed and the sending server gave up after 5 days",
            "Could not deliver for the last 432000 seconds. Giving up.",
            "Delivery failed 20 attempts: kijitora@example.com",
            "The recipient server did not accept our requests to connect. Learn more at https://support.google.com/mail/answer/7720",
            "Message will be retried for 2 more day(s)",
            "Warning: message still undelivered after 4 hours. Will keep trying until message is 5 days old",
            "Message not yet delivered: this message has not yet been delivered. It will be retried.",
        ],
        counterExamples: [
            "550 5.1.1 User unknown",
        ])
}
