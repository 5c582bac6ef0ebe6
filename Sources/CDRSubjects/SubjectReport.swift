import CDRModel
import CDRStorage

/// Everything cdrpipe stores in full about one number (GDPR art. 15 and 20): the records in which it is a
/// party, the alerts raised on it or citing its records, the legal holds on it, its usage profile and the
/// baseline detectors learnt of it.
public struct SubjectReport: Sendable {
    /// The number, normalised.
    public var number: String
    /// Its full records, oldest first.
    public var records: [StoredRecord]
    /// Alerts on the number or with its records as evidence.
    public var alerts: [AlertRow]
    /// Holds on the number, released ones included.
    public var holds: [Hold]
    /// When the report was made (epoch seconds).
    public var createdAt: Int64
    /// The usage profile fraud detection keeps of the number, if any.
    public var profile: CallerProfile?
    /// The baseline fraud detectors keep of the number, if any.
    public var baseline: SubjectBaseline?

    /// Assembles a report.
    public init(
        number: String,
        records: [StoredRecord],
        alerts: [AlertRow],
        holds: [Hold],
        createdAt: Int64,
        profile: CallerProfile? = nil,
        baseline: SubjectBaseline? = nil
    ) {
        self.number = number
        self.records = records
        self.alerts = alerts
        self.holds = holds
        self.createdAt = createdAt
        self.profile = profile
        self.baseline = baseline
    }

    /// The report as one JSON document.
    public func json() -> String { RecordExport.encode(SubjectReportJSON(self)) }

    /// The report as CSV files by name: `records.csv`, `alerts.csv`, `holds.csv`, `profile.csv`,
    /// `baseline.csv`.
    public func csvFiles() -> [(name: String, text: String)] {
        var profileCSV =
            "first_seen,last_seen,active_days,usual_daily_minutes,usual_daily_calls,busy_day_minutes,busy_day_calls\n"
        if let profile {
            let json = ProfileJSON(profile)
            profileCSV +=
                "\(json.firstSeen),\(json.lastSeen),\(json.activeDays),\(json.usualDailyMinutes),\(json.usualDailyCalls),"
                + "\(json.busyDayMinutes.map { String($0) } ?? ""),\(json.busyDayCalls.map { String($0) } ?? "")\n"
        }
        return [
            ("records.csv", RecordExport.csv(records)),
            ("alerts.csv", RecordExport.csv(alerts)),
            ("holds.csv", RecordExport.csv(holds)),
            ("profile.csv", profileCSV),
            ("baseline.csv", baselineCSV()),
        ]
    }

    /// The baseline as CSV: a header and one row when there is one (countries separated by spaces).
    private func baselineCSV() -> String {
        var text =
            "as_of,usual_peak_concurrent_calls,usual_off_hours_international_peak,usual_new_destination_peak,"
            + "countries\n"
        if let baseline {
            let json = BaselineJSON(baseline)
            let values = [
                json.usualPeakConcurrentCalls, json.usualOffHoursInternationalPeak, json.usualNewDestinationPeak,
            ]
            text +=
                ([json.asOf] + values.map { $0.map { String($0) } ?? "" } + [
                    (json.countries ?? []).joined(separator: " ")
                ])
                .joined(separator: ",") + "\n"
        }
        return text
    }
}
