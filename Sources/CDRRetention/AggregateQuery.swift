import CDRModel
import CDRStorage

/// A dimension an analyst can group aggregates by.
public enum AggregateDimension: String, Sendable, CaseIterable {
    case day, month, hour, carrier, country, type, area, direction, disposition
}

/// One row of an aggregates query: the dimension values and the summed measures, with derived KPIs.
public struct AggregateRow: Sendable, Equatable {
    /// Values of the requested dimensions, in request order (`other` for folded cells).
    public var values: [String]
    /// Summed measures; distinct counts are sums of per-cell counts (an upper bound across cells).
    public var counts: AggregateCounts
    /// True when the distinct-caller count is below k and must not be shown.
    public var suppressed: Bool

    /// Answer-seizure ratio: answered / attempts.
    public var asr: Double { counts.calls == 0 ? 0 : Double(counts.answered) / Double(counts.calls) }
    /// Network effectiveness ratio: attempts answered, busy, unanswered or abandoned / attempts.
    public var ner: Double { counts.calls == 0 ? 0 : Double(counts.effective) / Double(counts.calls) }
    /// Average call duration of answered calls, in billable seconds.
    public var acd: Double { counts.answered == 0 ? 0 : Double(counts.billable) / Double(counts.answered) }
    /// Answered minutes (billable seconds / 60).
    public var answeredMinutes: Double { Double(counts.billable) / 60 }
}

/// Answers analysts' questions from the anonymised aggregates, adding the full records still inside their
/// retention period rolled up on the fly under the same small-cell rule, so the series is continuous
/// across the retention boundary. No number ever reaches the result.
public struct AggregateQuery {
    private let store: any RetentionStore
    private let policy: RetentionPolicy

    /// Creates a query over a store under a policy (k and home country).
    public init(store: any RetentionStore, policy: RetentionPolicy) {
        self.store = store
        self.policy = policy
    }

    /// Sums the cells of days `days` grouped by `dimensions`, sorted by the dimension values.
    public func run(
        days: ClosedRange<UTCDay>,
        by dimensions: [AggregateDimension],
        includeRecords: Bool = true
    ) throws(RetentionError) -> [AggregateRow] {
        var sums = Sums(dimensions: dimensions, policy: policy)
        do {
            for read in Self.reads(days: days, by: dimensions) {
                switch read {
                case .cells(let days): try store.forEachAggregate(days: days) { sums.add($0, $1) }
                case .summary(let summary, let times):
                    try store.forEachSummary(summary, times: times) { sums.add($0, $1) }
                }
            }
            if includeRecords {
                var day = days.lowerBound.advanced(by: -1)
                while let next = try store.nextRecordDay(after: day, through: days.upperBound) {
                    day = next
                    let rollup = sums.rollup(next)
                    try store.forEachRecord(day: next, before: Int64.max, excludingHeld: false) { rollup.add($0) }
                    sums.add(rollup)
                }
            }
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .invalid("\(error)")
        }
        return sums.rows
    }

    /// The same answer read from an `async` source: the stored cells, then the full records still inside
    /// their retention period rolled up on the fly.
    public static func run(
        source: any AggregateSource,
        policy: RetentionPolicy,
        days: ClosedRange<UTCDay>,
        by dimensions: [AggregateDimension]
    ) async throws -> [AggregateRow] {
        var sums = Sums(dimensions: dimensions, policy: policy)
        for read in reads(days: days, by: dimensions) {
            switch read {
            case .cells(let days): try await source.forEachAggregate(days: days) { sums.add($0, $1) }
            case .summary(let summary, let times):
                try await source.forEachSummary(summary, times: times) { sums.add($0, $1) }
            }
        }
        var day = days.lowerBound.advanced(by: -1)
        while let next = try await source.nextRecordDay(after: day, through: days.upperBound) {
            day = next
            let rollup = sums.rollup(next)
            try await source.forEachRecord(day: next) { rollup.add($0) }
            sums.add(rollup)
        }
        return sums.rows
    }

    /// One read of stored cells.
    enum StoredRead: Equatable {
        /// The hourly cells of these days.
        case cells(ClosedRange<UTCDay>)
        /// The summary rows whose time key is in the range.
        case summary(AggregateSummary, ClosedRange<Int64>)
    }

    /// The stored cells `days` need, from the coarsest table that keeps every requested dimension: day
    /// totals, the monthly summary for whole months (days at the edges from the daily one), the daily
    /// summary, or the hourly cells when hours or areas are asked for.
    static func reads(days: ClosedRange<UTCDay>, by dimensions: [AggregateDimension]) -> [StoredRead] {
        if dimensions.contains(where: { [.hour, .area].contains($0) }) { return [.cells(days)] }
        if dimensions.allSatisfy({ [.day, .month].contains($0) }) { return [.summary(.dayTotals, raw(days))] }
        if dimensions.contains(.day) { return [.summary(.daily, raw(days))] }
        var reads: [StoredRead] = []
        var month = days.lowerBound.month
        var last = days.upperBound.month
        if month.firstDay < days.lowerBound {
            reads.append(.summary(.daily, raw(days.lowerBound...min(days.upperBound, month.days.upperBound))))
            month = month.next
        }
        if last >= month && last.days.upperBound > days.upperBound {
            reads.append(.summary(.daily, raw(last.firstDay...days.upperBound)))
            last = last.advanced(by: -1)
        }
        if month <= last { reads.append(.summary(.monthly, month.rawValue...last.rawValue)) }
        return reads
    }

    /// The measures summed so far, by the requested dimensions' values.
    struct Sums {
        let dimensions: [AggregateDimension]
        let policy: RetentionPolicy
        let vocabulary: CellVocabulary
        var sums: [[String]: AggregateCounts] = [:]

        init(dimensions: [AggregateDimension], policy: RetentionPolicy) {
            self.dimensions = dimensions
            self.policy = policy
            vocabulary = CellVocabulary(classifier: NumberClassifier(homeCountryCode: policy.homeCountryCode))
        }

        /// Adds one cell's measures.
        mutating func add(_ cell: AggregateCell, _ counts: AggregateCounts) {
            sums[dimensions.map { AggregateQuery.value(of: $0, in: cell) }, default: AggregateCounts()].add(counts)
        }

        /// A roll-up of one day's full records, kept in memory only.
        func rollup(_ day: UTCDay) -> Rollup { Rollup(day: day, vocabulary: vocabulary, identity: .transient) }

        /// Adds a day's records, rolled up under the small-cell rule.
        mutating func add(_ rollup: Rollup) {
            for (cell, group) in rollup.cells(k: policy.smallCellK, acceptSmall: { _, _ in false }) {
                var counts = group.counts
                counts.callers = Int64(group.callers.count)
                counts.called = Int64(group.called.count)
                add(cell, counts)
            }
        }

        /// The rows, sorted by the dimension values, small ones marked suppressed.
        var rows: [AggregateRow] {
            sums.map {
                AggregateRow(values: $0.key, counts: $0.value, suppressed: $0.value.callers < policy.smallCellK)
            }
            .sorted { $0.values.lexicographicallyPrecedes($1.values) }
        }
    }

    /// The day numbers a summary's time key holds for `days`.
    private static func raw(_ days: ClosedRange<UTCDay>) -> ClosedRange<Int64> {
        days.lowerBound.rawValue...days.upperBound.rawValue
    }

    static func value(of dimension: AggregateDimension, in cell: AggregateCell) -> String {
        func shown(_ text: String) -> String { text == AggregateCell.folded ? "other" : text.isEmpty ? "-" : text }
        switch dimension {
        case .day: return UTCDay(cell.day).description
        case .month: return UTCDay(cell.day).month.description
        case .hour:
            return cell.hour == AggregateCell.wholeDay ? "other" : (cell.hour < 10 ? "0" : "") + String(cell.hour)
        case .carrier: return shown(cell.carrier)
        case .country: return shown(cell.country)
        case .type: return shown(cell.type)
        case .area: return shown(cell.area)
        case .direction: return shown(cell.direction)
        case .disposition: return shown(cell.disposition)
        }
    }
}
