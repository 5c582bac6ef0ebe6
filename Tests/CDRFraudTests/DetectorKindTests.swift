import CDRModel
import Foundation
import Testing

@testable import CDRFraud

@Suite("Detectors declared once")
struct DetectorKindTests {
    @Test("docs/fraud.md's detector table is the one generated from DetectorKind")
    func documentedTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("docs/fraud.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("| detector | fires on |") }) else {
            Issue.record("docs/fraud.md has no detector table")
            return
        }
        let table = lines[start...].prefix { $0.hasPrefix("|") }.joined(separator: "\n")
        #expect(table == DetectorKind.markdownTable, "paste DetectorKind.markdownTable over the docs/fraud.md table")
    }

    @Test("every kind is built by the engine, and the shipped rules name only declared kinds")
    func everyKindBuilds() throws {
        let rules = FraudRules.defaults()
        #expect(Set(rules.rules.map(\.detector)).isSubset(of: Set(DetectorKind.allCases.map(\.rawValue))))
        for kind in DetectorKind.allCases {
            let json = """
                {"rules": [{"id": "r", "detector": "\(kind.rawValue)", "windowMinutes": 60, "warn": 1, "critical": 2}]}
                """
            let engine = try FraudEngine(
                rules: try FraudRules.parse(Data(json.utf8), source: "test"),
                context: DetectorContext(ranges: testRanges),
                homeCountryCode: "44"
            )
            #expect(engine.detectors.count == 1 && engine.detectors[0].rule.detector == kind.rawValue)
        }
    }

    @Test("every setting's default lies in its range, and a rule setting one outside it is refused naming it")
    func settingRanges() throws {
        for kind in DetectorKind.allCases {
            for setting in kind.settings {
                #expect(setting.range.contains(setting.defaultValue), "\(kind.rawValue).\(setting.name)")
                #expect(!setting.meaning.isEmpty)
            }
        }
        let json = """
            {"rules": [{"id": "w", "detector": "wangiri", "windowMinutes": 60, "warn": 30, "critical": 200,
              "params": {"maxAnsweredShare": 1.5}}]}
            """
        #expect {
            try FraudRules.parse(Data(json.utf8), source: "rules.json")
        } throws: { error in
            "\(error)".contains("params.maxAnsweredShare") && "\(error)".contains("must be from 0.0 to 1.0")
        }
    }

    @Test("a rule that sets nothing gets the kind's defaults")
    func defaultsApply() throws {
        let json = """
            {"rules": [{"id": "r", "detector": "robocall", "windowMinutes": 60, "warn": 100, "critical": 1000}]}
            """
        let rule = try FraudRules.parse(Data(json.utf8), source: "test").rules[0]
        #expect(rule.param("maxASR") == 0.3)
        #expect(rule.param("minDistinctRatio") == 0.9)
    }
}
