import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `report.html` rendered by a real browser (Debian's `chromium`, headless): every figure it
/// shows is the one in `report.json`, and a screenshot is taken (left in
/// `.build/cli-tests/report-browser/report.png` to look at). Chromium is installed with apt
/// when it is missing and the tests run as root, as `make deps` installs libraries;
/// otherwise the test says so on standard output and checks nothing in a browser.
@Suite(.serialized) struct ReportBrowserTests {
    typealias Samples = SamplesSnapshotTests

    static func shell(_ command: String, timeout: Int = 600) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["timeout", String(timeout), "sh", "-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (127, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The browser's path, installing Debian's package when missing and root; nil otherwise.
    static func chromium() -> String? {
        let found = shell("command -v chromium").output.trimmingCharacters(in: .whitespacesAndNewlines)
        if !found.isEmpty { return found }
        guard getuid() == 0 else {
            print("ReportBrowserTests: SKIPPED the browser check: chromium is not installed and the tests do not run as root (apt-get install chromium)")
            return nil
        }
        print("ReportBrowserTests: installing Debian's chromium with apt-get")
        _ = shell("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", timeout: 1200)
        let installed = shell("command -v chromium").output.trimmingCharacters(in: .whitespacesAndNewlines)
        if installed.isEmpty { print("ReportBrowserTests: SKIPPED the browser check: apt-get could not install chromium") }
        return installed.isEmpty ? nil : installed
    }

    /// `report.json` flattened to the names `data-figure` uses (`removed_by_rule.hard_bounce`, `trend.0.removed`).
    static func flatten(_ value: Any, _ prefix: String, into out: inout [String: String]) {
        if let object = value as? [String: Any] {
            for (k, v) in object { flatten(v, prefix.isEmpty ? k : "\(prefix).\(k)", into: &out) }
        } else if let array = value as? [Any] {
            for (i, v) in array.enumerated() { flatten(v, "\(prefix).\(i)", into: &out) }
        } else if let number = value as? NSNumber {
            out[prefix] = number.stringValue
        } else if let text = value as? String {
            out[prefix] = text
        }
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func theFiguresABrowserShowsAreReportJSONs() throws {
        // A guarded case: big.example loses more than half its rows, forced; an earlier run for the trend.
        let dir = try OperatorViewTests.guardCase("report-browser", rows: 300, big: 40, bigBounced: 21, otherBounced: 3)
        let earlier = try OperatorViewTests.clean(dir, asOf: "2026-09-01T00:00:00Z", ["--quiet"])
        #expect(earlier.status == 0, "\(earlier.stderr)")
        let forced = try OperatorViewTests.clean(dir, asOf: "2026-11-01T00:00:00Z", ["--quiet", "--allow-mass-removal"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let out = OperatorViewTests.absolute("\(dir)/out")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/report.json")))
        var expected: [String: String] = [:]
        Self.flatten(report, "", into: &expected)
        expected["list"] = nil
        expected["as_of"] = nil
        for name in expected.keys where name.hasSuffix(".run") { expected[name] = nil }
        #expect(expected["guard.outcome"] == "forced")
        #expect(expected["top_domains.0.domain"] == "big.example")
        #expect(expected["trend.0.removed"] == "0")
        #expect(expected["trend.1.removed"] == "24")

        // What the page says without a browser (the file itself), then with one.
        let html = try String(contentsOfFile: "\(out)/report.html", encoding: .utf8)
        #expect(!html.contains("<script"))
        #expect(!html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http"), "nothing is fetched")
        guard let browser = Self.chromium() else { return }
        let flags = "--headless --no-sandbox --disable-gpu --hide-scrollbars"
        let page = "file://\(out)/report.html"
        let dom = Self.shell("'\(browser)' \(flags) --dump-dom '\(page)' 2>/dev/null", timeout: 120)
        #expect(dom.status == 0)
        let pattern = try NSRegularExpression(pattern: #"data-figure="([^"]+)"[^>]*>([^<]*)<"#)
        var shown: [String: String] = [:]
        for match in pattern.matches(in: dom.output, range: NSRange(dom.output.startIndex..., in: dom.output)) {
            let name = String(dom.output[Range(match.range(at: 1), in: dom.output)!])
            shown[Self.unescape(name)] = Self.unescape(String(dom.output[Range(match.range(at: 2), in: dom.output)!]))
        }
        #expect(shown.count > 30, "the browser's DOM shows the figures")
        for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
            let display = name.hasPrefix("top_domains.") && name.hasSuffix(".domain") && value.isEmpty ? "(no domain)" : value
            #expect(shown[name] == display, "\(name): report.json has \(value), the page shows \(shown[name] ?? "nothing")")
        }
        #expect(Set(shown.keys) == Set(expected.keys), "the page shows exactly report.json's figures")

        let shot = OperatorViewTests.absolute(".build/cli-tests/report-browser/report.png")
        try? FileManager.default.removeItem(atPath: shot)
        let screenshot = Self.shell("'\(browser)' \(flags) --window-size=1100,1900 --screenshot='\(shot)' '\(page)' 2>/dev/null", timeout: 120)
        #expect(screenshot.status == 0)
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(png.count > 20_000, "a page with text and charts, not a blank one")
        print("ReportBrowserTests: screenshot at \(shot)")
    }
}
