import CDRRetention
import CDRStorage

/// One period's key figures (schema `KPIRow`): the period's value under its name (`day`, `month` or
/// `hour`) beside the figures.
struct KPIRowBody: APIBody {
    static let schema = "KPIRow"
    static let example = KPIRowBody(
        period: "day",
        value: "2026-01-05",
        calls: 1000,
        answered: 600,
        asr: 0.6,
        ner: 0.95,
        acdSeconds: 95.5,
        answeredMinutes: 955
    )

    /// The period's name, the key its value is written under.
    var period: String
    var value: String
    var calls: Int64
    var answered: Int64
    var asr: Double
    var ner: Double
    var acdSeconds: Double
    var answeredMinutes: Double

    /// The figures' keys.
    enum Figure: String, CodingKey, CaseIterable {
        case calls, answered, asr, ner
        case acdSeconds = "acd_seconds"
        case answeredMinutes = "answered_minutes"
    }

    /// A key named at run time: the period.
    struct PeriodKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var period = encoder.container(keyedBy: PeriodKey.self)
        try period.encode(value, forKey: PeriodKey(stringValue: self.period))
        var figures = encoder.container(keyedBy: Figure.self)
        try figures.encode(calls, forKey: .calls)
        try figures.encode(answered, forKey: .answered)
        try figures.encode(asr, forKey: .asr)
        try figures.encode(ner, forKey: .ner)
        try figures.encode(acdSeconds, forKey: .acdSeconds)
        try figures.encode(answeredMinutes, forKey: .answeredMinutes)
    }
}

extension KPIRowBody {
    /// The figures of an aggregate row keyed by one period dimension.
    init(_ row: AggregateRow, period: String) {
        self.init(
            period: period,
            value: row.values[0],
            calls: row.counts.calls,
            answered: row.counts.answered,
            asr: row.asr,
            ner: row.ner,
            acdSeconds: row.acd,
            answeredMinutes: row.answeredMinutes
        )
    }
}
