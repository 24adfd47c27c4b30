/// XML lists written for these tests (fictional people, example.com/org/net addresses).
enum XMLFixtures {
    /// Campaign Monitor's SOAP `Subscribers.GetActive` body (FORMATS.md, Part 3), with a
    /// comment, a CDATA value holding markup and a record without an address.
    static let campaignMonitor = """
        <?xml version="1.0" encoding="utf-8"?>
        <!-- exported 2026-10-30; <Subscriber> rows below -->
        <Subscribers.GetActiveResponse xmlns="http://api.createsend.com/api/">
          <Subscribers.GetActiveResult>
            <Subscriber>
              <EmailAddress>ana.ruiz@example.com</EmailAddress>
              <Name>Ana Ruiz</Name>
              <Date>2025-04-02 10:11:12</Date>
              <State>Active</State>
              <CustomFields>
                <SubscriberCustomField><Key>Plan</Key><Value>Trial</Value></SubscriberCustomField>
              </CustomFields>
            </Subscriber>
            <Subscriber>
              <EmailAddress>gone@example.org</EmailAddress>
              <Name>Gone Person</Name>
              <Date>2024-06-01 10:00:05</Date>
              <State>Active</State>
              <CustomFields>
                <SubscriberCustomField><Key>Note</Key><Value><![CDATA[</Subscriber> <EmailAddress>x]]></Value></SubscriberCustomField>
              </CustomFields>
            </Subscriber>
            <Subscriber>
              <Name>No Address</Name>
              <State>Active</State>
            </Subscriber>
            <Subscriber>
              <EmailAddress>jos&#233;&#x2E;garcia@example.net</EmailAddress>
              <Name>Jos&#233; Garc&#237;a &amp; Co</Name>
              <State>Active</State>
            </Subscriber>
          </Subscribers.GetActiveResult>
        </Subscribers.GetActiveResponse>

        """

    /// The generic shape: records are self-closing or not, the address is an attribute.
    static let generic = """
        <subscribers source="crm" note="a > b">
          <subscriber email="a@example.com" name="A &amp; B" tag="x/>y"/>
          <subscriber id="2" email='b@example.org'><notes>likes &lt;b&gt; tags</notes></subscriber>
          <subscriber email="c@example.net" />
        </subscribers>
        """

    /// Markup that a naive scanner gets wrong: comments holding `<`, a processing instruction
    /// holding `>`, a DOCTYPE whose entity values hold markup and `]>`, namespace prefixes, a record
    /// name inside CDATA and attribute values, CRLF line ends and a UTF-8 byte-order mark.
    static let tricky = "\u{FEFF}<?xml version=\"1.0\"?>\r\n"
        + "<!DOCTYPE cm:list [\r\n"
        + "  <!ENTITY brand \"<x:i>a ]> b</x:i>\">\r\n"
        // (No "]>" in this comment: libxml2 2.9's push parser misreads it when a chunk ends there.)
        + "  <!-- a comment in the subset with <b> inside -->\r\n"
        + "  <?pi in the subset > ?>\r\n"
        + "]>\r\n"
        + "<cm:list xmlns:cm=\"urn:example:cm\" xmlns:x=\"urn:example:x\">\r\n"
        + "  <!-- <cm:Subscriber><cm:Email>fake@example.com</cm:Email></cm:Subscriber> -->\r\n"
        + "  <?note a > b ?>\r\n"
        + "  <cm:Subscriber x:attr=\"&lt;/cm:Subscriber>\"><cm:Email>one@example.com</cm:Email><x:Bio><![CDATA[a ]] ]]]></x:Bio></cm:Subscriber>\r\n"
        + "  <cm:Subscriber><cm:Email><![CDATA[two@example.com]]></cm:Email><x:Bio>&brand;</x:Bio></cm:Subscriber\r\n  >\r\n"
        + "  <cm:Subscriber\r\n      x:flag=\"yes\"><cm:Email>\r\n three@example.com </cm:Email></cm:Subscriber>"
        + "<cm:Subscriber><cm:Email>four@example.com</cm:Email></cm:Subscriber>\r\n"
        + "</cm:list>\r\n"
}
