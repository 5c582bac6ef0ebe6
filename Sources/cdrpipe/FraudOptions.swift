import ArgumentParser
import CDRFraud
import CDRIngest
import CDRStore
import Foundation

/// Options for fraud detection during ingest: the rules, the reference ranges, and where reports go.
struct FraudOptions: ParsableArguments {
    @Option(help: "Fraud rules file (JSON). Default: the built-in rules (config/fraud-rules.json).")
    var rules: String?

    @Option(name: .customLong("risk-ranges"), help: "Risk-range list (CSV: prefix,category,weight,source,added).")
    var riskRanges: String?

    @Option(help: "Folder for alert reports (JSON lines, CSV, HTML). Default: <db>.outbox")
    var outbox: String?

    @Flag(name: .customLong("no-fraud"), help: "Do not run fraud detection.")
    var noFraud = false

    /// The engine these options describe, or nil with --no-fraud.
    func engine(homeCountry: String) throws -> FraudEngine? {
        if noFraud { return nil }
        do {
            let ruleSet =
                try rules.map { path throws(FraudConfigError) in try FraudRules.load(path: path) }
                ?? FraudRules.defaults()
            let ranges =
                try riskRanges.map { path throws(FraudConfigError) in try RiskRanges.load(path: path) } ?? RiskRanges()
            return try FraudEngine(
                rules: ruleSet,
                context: DetectorContext(ranges: ranges),
                homeCountryCode: homeCountry
            )
        } catch {
            throw CommandFailure(error.description, code: 2)
        }
    }

    /// Writes the report of a run's alerts to the outbox; returns the HTML path, or nil without alerts.
    func writeReport(db: String, summary: IngestSummary) throws -> String? {
        guard !summary.alertIDs.isEmpty else { return nil }
        let store = try SQLiteStore(path: db)
        let rows = try store.alerts(ids: summary.alertIDs)
        let stamp = CivilTimeStamp.now()
        let report = AlertReport(
            entries: rows.map { (Alert($0), $0.caseID) },
            title: "cdrpipe alert report, ingest run \(stamp)"
        )
        return try report.write(to: outbox ?? db + ".outbox", stamp: stamp).last
    }
}

/// A UTC time stamp safe in file names: `20261125T025000Z`.
enum CivilTimeStamp {
    static func now() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: Date())
    }
}
