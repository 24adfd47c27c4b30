import ArgumentParser
import Foundation
import ListWash

/// `listwash classify`: classify one SMTP reply, or every recipient of one bounce message.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify an SMTP reply, or the recipients of a bounce message (--eml).",
        discussion: """
            Prints the reason (user_unknown, mailbox_full, blocked, …), the kind (hard, soft, \
            sender, ignore) and the classifier rule that decided, exactly as 'ingest' would \
            classify the same text with the same --policy.

            Examples:
              listwash classify "550 5.1.1 <x@example.com>: Recipient address rejected: User unknown"
              listwash classify --json "451 4.7.1 Please try again later"
              listwash classify --eml bounce.eml
            """
    )

    @Argument(help: "The SMTP reply text, e.g. \"550 5.1.1 <x@example.com>: User unknown\".")
    var reply: String?

    @Option(name: .long, help: "Read a bounce message file and print one JSON line per recipient.")
    var eml: String?

    @Flag(name: .long, help: "Print one JSON line instead of text, for a reply (default: three lines of text).")
    var json = false

    @OptionGroup var policyOptions: PolicyOptions

    func validate() throws {
        if (reply == nil) == (eml == nil) { throw ValidationError("Give either a reply text or --eml FILE.") }
    }

    func run() throws {
        let classifier: Classifier
        do {
            // The policy file's extra rules classify here exactly as they do at ingest.
            classifier = try policyOptions.load().makeClassifier()
        } catch {
            throw fail(error)
        }
        if let eml {
            // A missing file is 66, one that cannot be read (permissions, a folder) 74. An mbox
            // (a file whose first line starts with "From ") is read message by message.
            let items: [(source: String, bytes: [UInt8])]
            do {
                let bytes = try FileByteSource.readAll(path: eml)
                if bytes.starts(with: Array("From ".utf8)) {
                    items = try MailContainer(path: eml, format: .mbox).map { ($0.source, $0.bytes) }
                } else {
                    items = [(eml, bytes)]
                }
            } catch {
                throw fail(error)
            }
            for item in items {
                let report: BounceReport
                do {
                    report = try BounceReader().read(item.bytes, file: item.source)
                } catch {
                    let message = (error as? LocalizedError)?.errorDescription ?? "\(item.source): cannot parse message"
                    printError("listwash: error: \(message)")
                    throw ExitCode(ExitStatus.dataError.rawValue)
                }
                let lines = report.classifiedLines(classifier: classifier)
                if lines.isEmpty || report.kind == .notABounce {
                    printError("\(item.source): not a bounce: \(report.why ?? "no failed recipient")")
                } else if report.unaddressedNotice != nil {
                    printError("\(item.source): a bounce with no recipient: \(report.why ?? "no recipient address")")
                }
                for line in lines { print(line) }
            }
            return
        }
        let text = reply ?? ""
        let codes = MailText.codes(in: text)
        let c = classifier.classify(replyCode: codes.replyCode, enhancedCode: codes.status, diagnostic: text)
        if json {
            let code = (c.replyCode ?? codes.replyCode).map(String.init) ?? "null"
            print("{\"reason\":\(JSONText.string(c.reason.rawValue)),\"kind\":\(JSONText.string(c.kind.rawValue)),"
                + "\"rule\":\(JSONText.string(c.rule)),\"reply_code\":\(code),\"status\":\(JSONText.string(c.status ?? codes.status))}")
        } else {
            print("reason: \(c.reason.rawValue)")
            print("kind:   \(c.kind.rawValue)")
            print("rule:   \(c.rule)")
        }
    }
}
