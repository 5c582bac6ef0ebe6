import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("The month-end rule: due on the same day six months on, or that month's last day")
struct MonthEndTests {
    func record(_ start: String, _ tag: String) -> CallRecord {
        let at = epoch(start)
        return CallRecord(
            calling: "+447900000001",
            dialled: "+447911100001",
            start: at,
            answer: at + 5,
            end: at + 65,
            duration: 65,
            billable: 60,
            disposition: .answered,
            carrier: "trunk-a",
            sourceID: tag
        )
    }

    @Test(
        "records of the longer source month's last days fall due on the last day, up to the run's time of day",
        arguments: [
            ("2026-11-30T12:00:00Z", "2026-05-30", "2026-05-31", ["2026-05-31"]),
            ("2027-02-28T12:00:00Z", "2026-08-28", "2026-08-29", ["2026-08-29", "2026-08-30", "2026-08-31"]),
            ("2028-02-29T12:00:00Z", "2027-08-29", "2027-08-30", ["2027-08-30", "2027-08-31"]),
        ]
    )
    func monthEnd(asOf: String, lastSameDay: String, firstClamped: String, clampedDays: [String]) throws {
        let scratch = try Scratch()
        var records = [
            record(lastSameDay + "T06:00:00Z", "same-morning"), record(lastSameDay + "T18:00:00Z", "same-evening"),
        ]
        for day in clampedDays {
            records.append(record(day + "T06:00:00Z", "clamped-morning-" + day))
            records.append(record(day + "T18:00:00Z", "clamped-evening-" + day))
        }
        records.append(record(firstClamped + "T11:59:59Z", "clamped-just-before"))
        records.append(record(firstClamped + "T12:00:01Z", "clamped-just-after"))
        try scratch.load(records)
        let retainer = scratch.retainer(RetentionPolicy(aggregateYears: 10))
        let report = try retainer.run(asOf: epoch(asOf))
        func due(_ r: CallRecord) -> Bool {
            CivilTime.adding(months: 6, to: r.start) <= epoch(asOf)
        }
        let expectedDue = records.filter(due)
        #expect(expectedDue.count == 2 + clampedDays.count)
        #expect(report.rolledUp == Int64(expectedDue.count))
        #expect(try scratch.scalar("SELECT count(*) FROM records") == Int64(records.count - expectedDue.count))
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == Int64(expectedDue.count))
        let kept = Set(try scratch.store.records(number: "+447900000001").map(\.record.sourceID))
        #expect(kept == Set(records.filter { !due($0) }.map(\.sourceID)))
        let next = try retainer.run(asOf: epoch(asOf) + 43_200)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == 0)
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == Int64(records.count))
        #expect(next.rolledUp == Int64(records.count - expectedDue.count))
    }
}
