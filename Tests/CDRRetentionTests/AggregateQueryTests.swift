import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("Aggregate queries and policy")
struct AggregateQueryTests {
    @Test("a query sees one continuous series across the retention boundary")
    func continuity() throws {
        let scratch = try Scratch()
        let records = traffic(start: epoch("2025-01-01"), days: 120, perDay: 80)
        try scratch.load(records)
        let query = AggregateQuery(store: scratch.store, policy: RetentionPolicy())
        let days = EpochSeconds(epoch("2025-01-01")).day...EpochSeconds(epoch("2025-04-30")).day
        let before = try query.run(days: days, by: [.month])
        _ = try scratch.retainer().run(asOf: epoch("2025-09-15T06:30:00Z"))
        #expect(try scratch.scalar("SELECT count(*) FROM records") > 0)
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates") > 0)
        let after = try query.run(days: days, by: [.month])
        #expect(before.map(\.values) == [["2025-01"], ["2025-02"], ["2025-03"], ["2025-04"]])
        #expect(after.map(\.values) == before.map(\.values))
        for (old, new) in zip(before, after) {
            #expect(old.counts.calls == new.counts.calls)
            #expect(old.counts.seconds == new.counts.seconds)
            #expect(old.counts.answered == new.counts.answered)
            #expect(old.counts.histogram == new.counts.histogram)
        }
        #expect(after.reduce(0) { $0 + $1.counts.calls } == Int64(records.count))
        let stored = try query.run(days: days, by: [.month], includeRecords: false)
        #expect(stored.reduce(0) { $0 + $1.counts.calls } < Int64(records.count))
    }

    @Test("the monthly, daily and day-total summaries answer exactly as the hourly cells do, also after expiry")
    func summaries() throws {
        let scratch = try Scratch()
        try scratch.load(traffic(start: epoch("2024-01-01"), days: 200, perDay: 60))
        _ = try scratch.retainer().run(asOf: epoch("2025-06-01"))
        let query = AggregateQuery(store: scratch.store, policy: RetentionPolicy())
        func compare(_ days: ClosedRange<UTCDay>, _ dimensions: [AggregateDimension]) throws {
            let fast = try query.run(days: days, by: dimensions, includeRecords: false)
            var slow: [[String]: AggregateCounts] = [:]
            for row in try query.run(days: days, by: dimensions + [.hour], includeRecords: false) {
                slow[Array(row.values.prefix(dimensions.count)), default: AggregateCounts()].add(row.counts)
            }
            #expect(fast.count == slow.count && !fast.isEmpty)
            for row in fast { #expect(slow[row.values] == row.counts, "\(dimensions) \(row.values)") }
        }
        let day = { (text: String) in EpochSeconds(epoch(text)).day }
        for range in [
            day("2024-01-10")...day("2024-05-20"), day("2024-02-01")...day("2024-04-30"),
            day("2024-03-03")...day("2024-03-09"),
        ] {
            try compare(range, [.country, .direction])
            try compare(range, [.month, .carrier])
            try compare(range, [.day, .type])
            try compare(range, [.day])
            try compare(range, [.month])
        }
        #expect(try scratch.store.deleteAggregates(before: day("2024-03-15")) > 0)
        try compare(day("2024-01-01")...day("2024-12-31"), [.country, .direction])
        try compare(day("2024-01-01")...day("2024-12-31"), [.day])
        for table in ["aggregates_monthly", "aggregates_daily", "aggregates_day_totals"] {
            #expect(
                try scratch.scalar("SELECT sum(calls) FROM \(table)")
                    == scratch.scalar("SELECT sum(calls) FROM aggregates")
            )
        }
    }

    @Test("KPIs: ASR, NER and ACD follow from the counts; small groups are marked suppressed")
    func kpis() throws {
        let scratch = try Scratch()
        let records = traffic(start: epoch("2025-01-01"), days: 3, perDay: 400)
        try scratch.load(records)
        let rows = try AggregateQuery(store: scratch.store, policy: RetentionPolicy()).run(
            days: UTCDay(year: 2025, month: 1, day: 1)...UTCDay(year: 2025, month: 1, day: 3),
            by: [.day, .country]
        )
        let answered = records.filter { $0.answer != nil }
        #expect(rows.reduce(0) { $0 + $1.counts.answered } == Int64(answered.count))
        let total = rows.reduce(AggregateCounts()) {
            var sum = $0
            sum.add($1.counts)
            return sum
        }
        #expect(total.effective == Int64(records.count))
        for row in rows where row.counts.calls > 0 {
            #expect(abs(row.asr - Double(row.counts.answered) / Double(row.counts.calls)) < 1e-9)
            #expect(row.suppressed == (row.counts.callers < 10))
        }
        #expect(rows.contains { $0.values[1] == "GB" } && rows.contains { $0.values[1] == "other" })
        #expect(!rows.contains { $0.values[1] == "FR" }, "a few French calls an hour are folded, not published")
    }

    @Test("policy files: defaults, overrides, and errors that name the field")
    func policyFiles() throws {
        let scratch = try Scratch()
        let path = scratch.directory + "/policy.json"
        try Data(#"{"fullRecordMonths": 3, "smallCellK": 5}"#.utf8).write(to: URL(fileURLWithPath: path))
        let policy = try RetentionPolicy.load(path: path)
        #expect(policy.fullRecordMonths == 3 && policy.smallCellK == 5 && policy.aggregateYears == 6)
        func failure(_ json: String) -> String {
            try? Data(json.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try RetentionPolicy.load(path: path)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(failure(#"{"fullRecordMonths": 6, "aggregateYears": 0}"#).contains("aggregateYears must be at least 1"))
        #expect(failure(#"{"fullRecordMonths": 24, "aggregateYears": 2}"#).contains("must outlive full records"))
        #expect(failure(#"{"smallCellK": "ten"}"#).contains("smallCellK must be a whole number"))
        #expect(failure(#"{"retentionMonths": 6}"#).contains("retentionMonths is not a policy setting"))
        #expect(failure(#"{"smallCellK": 1}"#).contains("smallCellK must be at least 2"))
        #expect(failure("[1]").contains("is not a JSON object"))
    }

    @Test("key files are 0600 in a 0700 directory, and a destroyed key is gone")
    func keyFiles() throws {
        let scratch = try Scratch()
        _ = try scratch.vault.periodKey(month: MonthIndex(year: 2025, month: 1))
        let attributes = try FileManager.default.attributesOfItem(
            atPath: scratch.vault.directory + "/period-2025-01.key"
        )
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: scratch.vault.directory)
        #expect(folder[.posixPermissions] as? Int == 0o700)
        #expect(scratch.vault.periodMonths() == [MonthIndex(year: 2025, month: 1)])
        try scratch.vault.destroyPeriodKey(month: MonthIndex(year: 2025, month: 1))
        #expect(scratch.vault.periodMonths().isEmpty)
        let pseudonym = try scratch.vault.auditPseudonym("+447911123456")
        let again = try scratch.vault.auditPseudonym("+447911123456")
        let other = try scratch.vault.auditPseudonym("+447911123457")
        #expect(pseudonym.count == 32 && pseudonym == again && pseudonym != other)
    }
}
