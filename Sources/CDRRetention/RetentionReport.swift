import CDRModel
import Foundation

/// What one retention run did (or, for a dry run, would do).
public struct RetentionReport: Sendable, Codable, Equatable {
    /// Per calendar month of call start: records rolled up and deleted, and records kept by a hold.
    public struct Month: Sendable, Codable, Equatable {
        /// `YYYY-MM`.
        public var month: String
        /// Records folded into the aggregates and deleted.
        public var rolledUp: Int64
        /// Records past their limit but kept under a legal hold.
        public var held: Int64
    }

    /// The clock the run used (UTC epoch seconds).
    public var asOf: Int64
    /// Full records that started before this were due.
    public var recordCutoff: Int64
    /// Aggregates of days before this day were due.
    public var aggregateCutoffDay: UTCDay
    /// True when nothing was changed.
    public var dryRun: Bool
    /// Per-month counts.
    public var months: [Month]
    /// Aggregate cells written or added to.
    public var cellsWritten: Int64
    /// Aggregate cells deleted for being older than the aggregate limit.
    public var aggregatesDeleted: Int64
    /// Period keys destroyed.
    public var keysDestroyed: Int64
    /// The audit id of the run (nil for a dry run).
    public var runID: Int64?
    /// Fraud alerts deleted with the full records they cite (their last event before the cut-off).
    public var alertsDeleted: Int64 = 0
    /// Usage profiles deleted with their numbers' full records: last seen on or before the last day with
    /// records due (a number last seen that day after the cut-off's time loses its profile a day early).
    public var profilesExpired: Int64 = 0

    /// Records rolled up in total.
    public var rolledUp: Int64 { months.reduce(0) { $0 + $1.rolledUp } }
    /// Records held back in total (under a legal hold, or cited by a fraud alert that is still kept).
    public var held: Int64 { months.reduce(0) { $0 + $1.held } }

    /// A human-readable summary.
    public var text: String {
        var lines = [
            "\(dryRun ? "dry run: would roll up" : "rolled up") \(rolledUp) records (cut-off \(CivilTime.iso8601(recordCutoff)))"
                + ", \(held) held; \(cellsWritten) aggregate cells written, \(aggregatesDeleted) expired aggregate cells "
                + "deleted (before \(aggregateCutoffDay)), \(keysDestroyed) keys destroyed, "
                + "\(alertsDeleted) fraud alerts expired, \(profilesExpired) usage profiles expired"
        ]
        if !months.isEmpty {
            lines.append("month      rolled-up       held")
            for month in months {
                lines.append(
                    month.month.padding(toLength: 8, withPad: " ", startingAt: 0)
                        + String(month.rolledUp).leftPadded(13) + String(month.held).leftPadded(11)
                )
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
