import ArgumentParser
import CDRFraud
import CDRModel
import CDRStorage

/// Options for the money-at-risk estimate in alert reports: an optional rate table and its currency.
struct PricingOptions: ParsableArguments {
    @Option(
        help:
            "Per-minute rates by destination prefix for the money-at-risk estimate (CSV: prefix,rate_per_minute). Default: a rate per destination category."
    )
    var rates: String?

    @Option(help: "The currency of the rates, as reports print it.")
    var currency = "EUR"

    /// The rates these options describe.
    func callRates() throws -> CallRates {
        do {
            return try rates.map { path throws(FraudConfigError) in try CallRates.load(path: path, currency: currency) }
                ?? CallRates(currency: currency)
        } catch {
            throw CommandFailure(error.description, code: 2)
        }
    }

    /// The stored calls `alerts` cite, described and priced at `rates` for their report.
    static func citedCalls(
        of alerts: [Alert],
        store: any DetectionStore,
        ranges: RiskRanges,
        homeCountry: String,
        rates: CallRates
    ) throws -> [Int64: CitedCall] {
        let classifier = NumberClassifier(homeCountryCode: homeCountry)
        var calls: [Int64: CitedCall] = [:]
        for alert in alerts where !alert.evidence.isEmpty {
            let window = min(alert.firstEvent, alert.lastEvent)...max(alert.firstEvent, alert.lastEvent)
            for (id, record) in try store.records(ids: alert.evidence, startedIn: window) {
                calls[id] = CitedCall(id: id, record: record, ranges: ranges, classifier: classifier, rates: rates)
            }
        }
        return calls
    }
}
