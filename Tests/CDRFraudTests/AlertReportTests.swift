import CDRModel
import Foundation
import Testing

@testable import CDRFraud

@Suite("Alert reports an analyst can act on")
struct AlertReportTests {
    private static let classifier = NumberClassifier(homeCountryCode: "44")
    private static let ranges = RiskRanges([.init(prefix: "+8816", category: .satellite, weight: 1)])

    private static func cited(_ id: Int64, _ dialled: String, talk: Int64?, rates: CallRates) -> CitedCall {
        let record = call("+447700900050", dialled, at: id * 60, talk: talk ?? 0, answered: talk != nil)
        return CitedCall(id: id, record: record, ranges: ranges, classifier: classifier, rates: rates)
    }

    private static func report(rates: CallRates) -> AlertReport {
        let alert = Alert(
            detector: "irsf-burst",
            rule: "irsf-burst",
            severity: .critical,
            subject: "+447700900050",
            windowStart: 1_772_452_800,
            firstEvent: 1_772_452_860,
            lastEvent: 1_772_453_040,
            measures: [Measure(name: "calls", value: 3, warn: 2, critical: 3)],
            evidence: [1, 2, 3, 4],
            summary: "calls to a satellite range"
        )
        let calls = [
            cited(1, "+881612345678", talk: 120, rates: rates), cited(2, "+881612345679", talk: nil, rates: rates),
            cited(3, "+33612345678", talk: 600, rates: rates),
        ]
        return AlertReport(
            entries: [(alert, 7)],
            title: "test <report>",
            calls: Dictionary(uniqueKeysWithValues: calls.map { ($0.id, $0) }),
            currency: "GBP"
        )
    }

    @Test("cited calls carry country, range category, times and an estimated cost from the table or the category")
    func citedCalls() {
        let rates = CallRates(currency: "GBP", rates: ["+8816": 4.2, "+336": 0.5])
        let satellite = Self.cited(1, "+881612345678", talk: 120, rates: rates)
        #expect(satellite.category == "satellite" && satellite.country == "001")
        #expect(satellite.estimatedCost == 8.4 && satellite.rateBasis == "table +8816")
        let france = Self.cited(3, "+33612345678", talk: 600, rates: CallRates())
        #expect(france.category == "international" && france.country == "FR")
        #expect(france.estimatedCost == 3.0 && france.rateBasis == "default international")
        let home = Self.cited(5, "+447911123456", talk: 60, rates: CallRates())
        #expect(home.category == "mobile" && home.estimatedCost == 0.05)
        let unanswered = Self.cited(2, "+881612345679", talk: nil, rates: rates)
        #expect(unanswered.estimatedCost == 0 && unanswered.disposition == "no_answer")
    }

    @Test("JSON, CSV and HTML carry the cited calls and the money at risk; a call no longer stored is named")
    func forms() throws {
        let report = Self.report(rates: CallRates(currency: "GBP", rates: ["+8816": 4.2, "+336": 0.5]))
        #expect(report.moneyAtRisk(report.entries[0].alert) == 13.4, "8.40 + 0 + 5.00")
        let line = try #require(
            JSONSerialization.jsonObject(with: Data(report.jsonLines().utf8)) as? [String: Any]
        )
        let money = try #require(line["money_at_risk"] as? [String: Any])
        #expect(
            money["amount"] as? Double == 13.4 && money["calls"] as? Int == 3 && money["currency"] as? String == "GBP"
        )
        #expect((line["calls"] as? [[String: Any]])?.map { $0["id"] as? Int } == [1, 2, 3])
        let document = try #require(JSONSerialization.jsonObject(with: report.json()) as? [String: Any])
        let entry = try #require((document["alerts"] as? [[String: Any]])?.first)
        #expect((entry["money_at_risk"] as? [String: Any])?["amount"] as? Double == 13.4)

        let csv = report.csv().split(separator: "\n")
        #expect(csv[0].hasSuffix(",money_at_risk_estimate,currency,cited_calls"))
        #expect(csv[1].contains(",13.40,GBP,") && csv[1].contains("+881612345678 (001 satellite)"))

        let html = report.html()
        #expect(html.contains("<td>+33612345678</td><td>FR</td><td>international</td><td>605</td><td>600</td>"))
        #expect(html.contains("Cited records no longer stored: 4"))
        #expect(html.contains(">irsf-burst critical 12:01:00Z</text>"), "each timeline bar is labelled")
        #expect(html.contains("test &lt;report&gt;") && !html.contains("<report>"))
    }

    @Test("rate tables: the longest prefix wins, and errors name the line and field")
    func rateTables() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.csv").path
        try "prefix,rate_per_minute\n# comment\n+88,1.0\n+8816,4.20\n".write(
            toFile: good,
            atomically: true,
            encoding: .utf8
        )
        let rates = try CallRates.load(path: good)
        #expect(rates.rate(dialled: "+881612345678", category: "satellite").perMinute == 4.2)
        #expect(rates.rate(dialled: "+882312345678", category: "satellite").basis == "table +88")
        #expect(rates.rate(dialled: "+4420", category: "national").basis == "default national")
        func failure(_ text: String) -> String {
            let path = folder.appendingPathComponent("bad.csv").path
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try CallRates.load(path: path)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(failure("+44,0.1\n+4x,1\n").hasSuffix("bad.csv:2: prefix: \"+4x\" is not + and 1 to 15 digits"))
        #expect(failure("+44,-1\n").hasSuffix("bad.csv:1: rate_per_minute: \"-1\" is not a non-negative number"))
        #expect(failure("+44\n").contains(":1: line: needs prefix,rate_per_minute"))
    }

    @Test("HTML and CSV escaping: every special character, and text without any left as it is")
    func escaping() {
        #expect(AlertReport.escape(#"a&b <c> "d" é"#) == "a&amp;b &lt;c&gt; &quot;d&quot; é")
        #expect(AlertReport.escape("+447700900001") == "+447700900001")
        #expect(AlertReport.csvField(#"a,"b""#) == #""a,""b""""#)
        #expect(AlertReport.csvField("line\nbreak") == "\"line\nbreak\"")
        #expect(AlertReport.csvField("plain") == "plain")
    }
}
