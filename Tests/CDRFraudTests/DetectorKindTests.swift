import CDRModel
import Foundation
import Testing

@testable import CDRFraud

@Suite("Detectors declared once")
struct DetectorKindTests {
    @Test("the README's detector table is the one generated from DetectorKind")
    func readmeTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("| detector | fires on |") }) else {
            Issue.record("README.md has no detector table")
            return
        }
        let table = lines[start...].prefix { $0.hasPrefix("|") }.joined(separator: "\n")
        #expect(table == DetectorKind.markdownTable, "regenerate the README table from DetectorKind.markdownTable")
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
}
