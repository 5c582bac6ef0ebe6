import ArgumentParser
import CDRFraud
import CDRIngest
import CDRPostgres
import CDRSQLite
import CDRStorage
import Foundation

/// Options for fraud detection during ingest: the rules, the reference ranges, and where reports go.
struct FraudOptions: ParsableArguments {
    @Option(help: "Fraud rules file (JSON). Default: the built-in rules (config/fraud-rules.json).")
    var rules: String?

    @Option(name: .customLong("risk-ranges"), help: "Risk-range list (CSV: prefix,category,weight,source,added).")
    var riskRanges: String?

    @Option(help: "Business-hours calendars per account (JSON: time zone, hours, days, holidays) for off-hours rules.")
    var calendars: String?

    @Option(
        help: "Folder for alert reports (JSON lines, CSV, HTML). Default: <db>.outbox (cdrpipe.outbox for PostgreSQL)"
    )
    var outbox: String?

    @Flag(name: .customLong("no-fraud"), help: "Do not run fraud detection.")
    var noFraud = false

    @Option(
        help:
            "Webhook URL that receives each alert report as JSON (HTTP POST); kept in <outbox>/spool until acknowledged."
    )
    var webhook: String?

    @OptionGroup var pricing: PricingOptions

    /// The risk ranges of --risk-ranges (none without it).
    func ranges() throws -> RiskRanges {
        do {
            return try riskRanges.map { path throws(FraudConfigError) in try RiskRanges.load(path: path) }
                ?? RiskRanges()
        } catch {
            throw CommandFailure(error.description, code: 2)
        }
    }

    /// The engine these options describe, or nil with --no-fraud; records wait `reorderSeconds` to be put
    /// in start order.
    func engine(
        homeCountry: String,
        profiles: (any ProfileLookup)? = nil,
        pastOnly: Bool = false,
        reorderSeconds: Int64 = 6 * 3600
    ) throws -> FraudEngine? {
        if noFraud { return nil }
        do {
            let ruleSet =
                try rules.map { path throws(FraudConfigError) in try FraudRules.load(path: path) }
                ?? FraudRules.defaults()
            let ranges =
                try riskRanges.map { path throws(FraudConfigError) in try RiskRanges.load(path: path) } ?? RiskRanges()
            let calendars =
                try calendars.map { path throws(FraudConfigError) in try BusinessCalendars.load(path: path) }
                ?? BusinessCalendars()
            return try FraudEngine(
                rules: ruleSet,
                context: DetectorContext(ranges: ranges, calendars: calendars, profiles: profiles, pastOnly: pastOnly),
                homeCountryCode: homeCountry,
                slack: reorderSeconds
            )
        } catch {
            throw CommandFailure(error.description, code: 2)
        }
    }

    /// Where reports go without --outbox: `<db>.outbox` beside a SQLite file, `cdrpipe.outbox` for PostgreSQL.
    static func defaultOutbox(db: String) -> String {
        (try? StoreLocation(db))?.isPostgres == true ? "cdrpipe.outbox" : db + ".outbox"
    }

    /// Writes the report of a run's new alerts to the outbox; returns the HTML path, or nil without alerts.
    func writeReport(db: String, alertIDs: [String], homeCountry: String, run: String = "ingest run") throws -> String?
    {
        guard !alertIDs.isEmpty else { return nil }
        return try writeReport(
            store: try SQLiteStore(path: db),
            db: db,
            alertIDs: alertIDs,
            homeCountry: homeCountry,
            run: run
        )
    }

    /// Writes the report of a run's new alerts, read from `store`, to the outbox (default: beside `db`,
    /// see ``defaultOutbox(db:)``); returns the HTML path, or nil without alerts.
    func writeReport(
        store: any DetectionStore,
        db: String,
        alertIDs: [String],
        homeCountry: String,
        run: String
    ) throws -> String? {
        guard !alertIDs.isEmpty else { return nil }
        let rows = try store.alerts(ids: alertIDs)
        let stamp = CivilTimeStamp.now()
        let alerts = rows.map(Alert.init)
        let report = AlertReport(
            entries: zip(alerts, rows).map { ($0, $1.caseID) },
            title: "cdrpipe alert report, \(run) \(stamp)",
            calls: try PricingOptions.citedCalls(
                of: alerts,
                store: store,
                ranges: try ranges(),
                homeCountry: homeCountry,
                rates: try pricing.callRates()
            ),
            currency: pricing.currency
        )
        let folder = outbox ?? Self.defaultOutbox(db: db)
        let written = try report.write(to: folder, stamp: stamp).last
        if let delivery = try delivery(folder: folder) {
            try delivery.enqueue(report.json(), name: "alerts-\(stamp).json")
            Self.print(delivery.deliver())
        }
        return written
    }

    /// The webhook delivery of an outbox, when --webhook was given.
    func delivery(folder: String) throws -> WebhookDelivery? {
        guard let webhook else { return nil }
        guard let url = URL(string: webhook), ["http", "https"].contains(url.scheme ?? "") else {
            throw CommandFailure("--webhook \(webhook) is not an http(s) URL", code: 2)
        }
        return WebhookDelivery(url: url, spool: folder + "/spool")
    }

    /// Reports what a delivery did on standard error.
    static func print(_ outcome: WebhookDelivery.Outcome) {
        for name in outcome.delivered { FileHandle.standardError.write(Data("delivered \(name)\n".utf8)) }
        for (name, reason) in outcome.pending.sorted(by: { $0.key < $1.key }) {
            FileHandle.standardError.write(
                Data("not delivered \(name): \(reason); kept in the spool for the next run\n".utf8)
            )
        }
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
