import ArgumentParser
import CDRFraud
import CDRIngest
import CDRModel
import CDRPostgres
import CDRSQLite
import CDRStorage
import Foundation

/// `cdrpipe alerts`: the stored fraud alerts.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List fraud alerts (newest first) as a table, JSON lines, CSV or an HTML report."
    )

    enum Format: String, ExpressibleByArgument { case table, json, csv, html }

    @Option(help: "The SQLite database file, or postgres://user@host[:port]/dbname (default: $CDRPIPE_DB).")
    var db: String = ProcessInfo.processInfo.environment["CDRPIPE_DB"] ?? ""

    @Option(
        name: .customLong("key-dir"),
        help: "The key folder holding the audit chain key (default: <db>.keys; needed with PostgreSQL)."
    )
    var keyDir: String?

    @Option(help: "Only alerts whose first event is at or after this date (ISO 8601, UTC).")
    var since: String?

    @Option(help: "Lowest severity shown: warning (all) or critical.")
    var severity: Severity = .warning

    @Option(help: "Output format: table, json, csv or html.")
    var format: Format = .table

    @Option(help: "Most alerts listed.")
    var limit = 1000

    @Option(help: "Retry delivering the reports spooled in <db>.outbox/spool to this webhook URL, then list.")
    var webhook: String?

    @Option(
        name: .customLong("risk-ranges"),
        help: "Risk-range list naming the range category of cited calls (CSV: prefix,category,weight,source,added)."
    )
    var riskRanges: String?

    @Option(name: .customLong("home-country"), help: "Home country calling code, for the destination of cited calls.")
    var homeCountry = "44"

    @OptionGroup var pricing: PricingOptions

    func validate() throws {
        guard !db.isEmpty else { throw ValidationError("--db is required (or set CDRPIPE_DB)") }
    }

    func run() throws {
        let from = try parseDate(since, option: "--since")
        let location = try StoreLocation(db)
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("no database at \(path)", code: 2)
        }
        if webhook != nil {
            var options = try FraudOptions.parse([])
            options.webhook = webhook
            if let delivery = try options.delivery(folder: FraudOptions.defaultOutbox(db: db)) {
                FraudOptions.print(delivery.deliver())
            }
        }
        let (rows, calls) = try read(location, since: from)
        let report = AlertReport(
            entries: rows.map { (Alert($0), $0.caseID) },
            title: "cdrpipe fraud alerts",
            calls: calls,
            currency: pricing.currency
        )
        switch format {
        case .json: print(report.jsonLines(), terminator: "")
        case .csv: print(report.csv(), terminator: "")
        case .html: print(report.html(), terminator: "")
        case .table:
            print("first event           severity  detector          case  subject              summary")
            for (alert, caseID) in report.entries.reversed() {
                print(
                    [
                        CivilTime.iso8601(alert.firstEvent).padding(toLength: 22, withPad: " ", startingAt: 0),
                        alert.severity.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0),
                        alert.detector.padding(toLength: 18, withPad: " ", startingAt: 0),
                        String(caseID).padding(toLength: 6, withPad: " ", startingAt: 0),
                        alert.subject.padding(toLength: 21, withPad: " ", startingAt: 0),
                        alert.summary,
                    ].joined()
                )
            }
            print("\(rows.count) alerts")
        }
    }

    /// The alerts asked for and, for the report formats, the calls they cite; the reading is audited.
    private func read(_ location: StoreLocation, since from: Int64?) throws -> ([AlertRow], [Int64: CitedCall]) {
        var ranges = RiskRanges()
        if let riskRanges {
            do { ranges = try RiskRanges.load(path: riskRanges) } catch {
                throw CommandFailure(error.description, code: 2)
            }
        }
        let rates = try pricing.callRates()
        do {
            let store = try location.open(keyDirectory: keyDir)
            let rows = try store.alerts(since: from, criticalOnly: severity == .critical, limit: max(1, limit))
            var calls: [Int64: CitedCall] = [:]
            if format != .table {
                calls = try PricingOptions.citedCalls(
                    of: rows.map(Alert.init),
                    store: store,
                    ranges: ranges,
                    homeCountry: homeCountry,
                    rates: rates
                )
            }
            try store.appendAudit(
                actor: PolicyOptions.actor,
                action: "alerts",
                outcome: "ok",
                detail:
                    "\(rows.count) alerts since \(from.map(CivilTime.iso8601) ?? "the first"), \(calls.count) cited calls"
            )
            return (rows, calls)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

extension Severity: ExpressibleByArgument {}
