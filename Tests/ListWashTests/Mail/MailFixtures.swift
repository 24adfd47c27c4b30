/// Small hand-written messages for the mail reader tests (LF line endings; tests derive variants).
enum MailFixtures {
    static let dsnTwoRecipients = """
    From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
    To: sender@example.org
    Subject: Undelivered Mail Returned to Sender
    Date: Mon, 1 Jun 2024 10:00:05 +0200
    Message-ID: <report-1@mx.example.net>
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status;
    \tboundary="BOUNDARY-1"

    --BOUNDARY-1
    Content-Type: text/plain; charset=us-ascii

    This is the mail system at host mx.example.net.

    --BOUNDARY-1
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.example.net
    Arrival-Date: Mon, 1 Jun 2024 09:59:00 +0200

    Final-Recipient: rfc822; alice@example.com
    Original-Recipient: rfc822;alice@example.com
    Action: failed
    Status: 5.1.1
    Remote-MTA: dns; mx.example.com
    Diagnostic-Code: smtp; 550 5.1.1 <alice@example.com>: Recipient address
        rejected: User unknown in local recipient table
    Last-Attempt-Date: Mon, 1 Jun 2024 10:00:00 +0200

    Final-Recipient: rfc822; bob@example.com
    Action: delayed
    Status: 4.2.2
    Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

    --BOUNDARY-1
    Content-Type: text/rfc822-headers

    From: sender@example.org
    To: alice@example.com, bob@example.com
    Subject: Hello

    --BOUNDARY-1--

    """

    static let arf = """
    From: feedback@fbl.example.net
    To: abuse@example.org
    Subject: FW: spam report
    Date: Tue, 2 Jul 2024 08:00:00 GMT
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

    --ARF
    Content-Type: text/plain

    This is an email abuse report.
    --ARF
    Content-Type: message/feedback-report

    Feedback-Type: abuse
    User-Agent: ExampleFBL/1.0
    Version: 1
    Original-Rcpt-To: carol@example.com
    Arrival-Date: Tue, 2 Jul 2024 07:00:00 GMT

    --ARF
    Content-Type: message/rfc822

    From: sender@example.org
    To: carol@example.com
    Subject: Offer

    Buy now.
    --ARF--

    """

    static let vacation = """
    From: Dave <dave@example.com>
    To: sender@example.org
    Subject: Out of Office: Hello
    Auto-Submitted: auto-replied
    Date: Wed, 3 Jul 2024 09:00:00 +0000

    I am away until Monday.

    """

    static let exim = """
    From: Mail Delivery System <Mailer-Daemon@mx.example.net>
    To: sender@example.org
    Subject: Mail delivery failed: returning message to sender
    X-Failed-Recipients: erin@example.com
    Date: Thu, 4 Jul 2024 11:00:00 +0000

    This message was created automatically by mail delivery software.

    A message that you sent could not be delivered to one or more of its
    recipients. This is a permanent error. The following address(es) failed:

      erin@example.com
        SMTP error from remote mail server after RCPT TO:<erin@example.com>:
        host mx.example.com [192.0.2.1]: 550 5.1.1 <erin@example.com>... User unknown

    ------ This is a copy of the message, including all the headers. ------

    To: erin@example.com
    From: sender@example.org

    """

    static let qmail = """
    From: MAILER-DAEMON@mx.example.net
    To: sender@example.org
    Subject: failure notice

    Hi. This is the qmail-send program at mx.example.net.
    I'm afraid I wasn't able to deliver your message to the following addresses.
    This is a permanent error; I've given up. Sorry it didn't work out.

    <frank@example.com>:
    192.0.2.2 does not like recipient.
    Remote host said: 550 5.2.2 <frank@example.com>... Mailbox Full
    Giving up on 192.0.2.2.

    --- Below this line is a copy of the message.

    To: frank@example.com

    """
}
