import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("Retention runs")
struct RetainerTests {
    @Test(
        "seven years of traffic: nothing unheld older than six months survives, totals are conserved, re-runs are no-ops"
    )
    func sevenYears() throws {
        let scratch = try Scratch()
        let records = traffic(start: epoch("2019-01-01"), days: 7 * 365, perDay: 12)
        try scratch.load(records)
        let asOf = epoch("2025-12-31T12:00:00Z")
        let cutoff = epoch("2025-06-30T12:00:00Z")
        let due = records.filter { $0.start < cutoff }
        let report = try scratch.retainer(RetentionPolicy(aggregateYears: 10)).run(asOf: asOf)
        #expect(report.recordCutoff == cutoff)
        #expect(report.rolledUp == Int64(due.count))
        #expect(try scratch.scalar("SELECT count(*) FROM records WHERE start_at < \(cutoff)") == 0)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == Int64(records.count - due.count))
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == Int64(due.count))
        #expect(try scratch.scalar("SELECT sum(seconds) FROM aggregates") == due.reduce(0) { $0 + $1.duration })
        #expect(try scratch.scalar("SELECT sum(billable) FROM aggregates") == due.reduce(0) { $0 + $1.billable })
        #expect(
            try scratch.scalar("SELECT sum(answered) FROM aggregates") == Int64(due.filter { $0.answer != nil }.count)
        )
        #expect(try scratch.scalar("SELECT sum(h0+h1+h2+h3+h4+h5+h6+h7) FROM aggregates") == Int64(due.count))
        let months = Set(due.map { CivilTime.monthName(CivilTime.monthIndex(days: $0.day)) })
        #expect(report.months.map(\.month) == months.sorted())

        let before = try scratch.scalar("SELECT sum(calls * 7 + callers * 3 + seconds) FROM aggregates")
        let again = try scratch.retainer(RetentionPolicy(aggregateYears: 10)).run(asOf: asOf)
        #expect(again.rolledUp == 0 && again.cellsWritten == 0)
        #expect(try scratch.scalar("SELECT sum(calls * 7 + callers * 3 + seconds) FROM aggregates") == before)

        let later = try scratch.retainer().run(asOf: epoch("2026-12-31T12:00:00Z"))
        #expect(later.aggregatesDeleted > 0)
        let firstKept = CallRecord.dayOf(epoch("2020-12-31T12:00:00Z"))
        #expect(try scratch.scalar("SELECT min(day) FROM aggregates") >= firstKept)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == 0)
    }

    @Test("no published cell describes fewer than k callers, except a day's residual; no numbers reach the aggregates")
    func smallCells() throws {
        let scratch = try Scratch()
        var records = traffic(start: epoch("2025-01-01"), days: 5, perDay: 3000, subscribers: 60)
        for n in 0..<3 {
            var rare = records[n]
            rare.dialled = "+2348031234\(n)"
            rare.calling = "+44790009999\(n)"
            records.append(rare)
        }
        try scratch.load(records)
        _ = try scratch.retainer().run(asOf: epoch("2026-01-01"))
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates WHERE callers < 10 AND hour < 24") == 0)
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates WHERE country = 'NG'") == 0)
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == Int64(records.count))
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates WHERE country = '*'") > 0)
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates WHERE country = 'GB' AND area = '20'") > 0)
        let numeric = """
            SELECT count(*) FROM aggregates WHERE carrier GLOB '*[0-9][0-9][0-9][0-9][0-9]*'
            OR country GLOB '*[0-9][0-9][0-9][0-9]*' OR area GLOB '*[0-9][0-9][0-9][0-9][0-9]*'
            OR carrier LIKE '%+%' OR area LIKE '%+%'
            """
        #expect(try scratch.scalar(numeric) == 0)
    }

    @Test("held records survive retention untouched and are rolled up after release; hold changes are audited")
    func holds() throws {
        let scratch = try Scratch()
        let records = traffic(start: epoch("2025-01-01"), days: 30, perDay: 100)
        try scratch.load(records)
        let target = records[0].calling
        let holds = LegalHolds(store: scratch.store, vault: scratch.vault, actor: "admin")
        let hold = try holds.add(
            number: target,
            from: epoch("2025-01-05"),
            to: epoch("2025-01-20"),
            caseRef: "D-2025-17",
            reason: "billing dispute"
        )
        let covered = records.filter {
            ($0.calling == target || $0.dialled == target)
                && (epoch("2025-01-05")...epoch("2025-01-20")).contains($0.start)
        }
        #expect(!covered.isEmpty)
        let first = try scratch.retainer().run(asOf: epoch("2026-01-01"))
        #expect(first.held == Int64(covered.count))
        #expect(first.rolledUp == Int64(records.count - covered.count))
        #expect(try scratch.store.records(number: target).count == covered.count)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == Int64(covered.count))

        _ = try holds.release(id: hold.id)
        #expect(throws: RetentionError.self) { try holds.release(id: hold.id) }
        let second = try scratch.retainer().run(asOf: epoch("2026-01-01"))
        #expect(second.rolledUp == Int64(covered.count) && second.held == 0)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == 0)
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == Int64(records.count))

        let audit = try scratch.store.auditEntries()
        #expect(audit.map(\.action) == ["hold add", "retain", "hold release", "retain"])
        #expect(audit.allSatisfy { !$0.subject.contains(target) && !$0.detail.contains(target) })
        #expect(audit[0].subject == audit[2].subject && audit[0].subject.count == 32)
        #expect(try scratch.store.verifyAudit() == .intact(entries: 4))
    }

    @Test("the audit log refuses edits, and a forged entry breaks verification")
    func auditChain() throws {
        let scratch = try Scratch()
        try scratch.store.appendAudit(actor: "a", action: "hold add", outcome: "ok", detail: "one")
        try scratch.store.appendAudit(actor: "a", action: "hold release", outcome: "ok", detail: "two")
        #expect(throws: StoreError.self) { try scratch.store.connection.execute("UPDATE audit_log SET detail = 'x'") }
        #expect(throws: StoreError.self) { try scratch.store.connection.execute("DELETE FROM audit_log") }
        try scratch.store.connection.execute(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'forged' WHERE id = 1"
        )
        #expect(try scratch.store.verifyAudit() == .broken(atID: 1, reason: "its contents do not match its hash"))
    }

    @Test("a cut-off inside an hour: the second run counts each caller of that hour once, then the key is destroyed")
    func straddlingHour() throws {
        let base = epoch("2025-03-10T14:00:00Z")
        var records: [CallRecord] = []
        for minute in 0..<60 {
            for caller in 0..<15 where (minute + caller) % 4 == 0 {
                records.append(
                    CallRecord(
                        calling: "+4479000100\(caller < 10 ? "0" : "")\(caller)",
                        dialled: "+447911555000",
                        start: base + Int64(minute * 60 + caller),
                        answer: nil,
                        end: base + Int64(minute * 60 + caller) + 10,
                        duration: 10,
                        billable: 0,
                        disposition: .noAnswer,
                        carrier: "trunk-a"
                    )
                )
            }
        }
        let split = try Scratch()
        try split.load(records)
        let first = try split.retainer().run(asOf: epoch("2025-09-10T14:30:00Z"))
        #expect(first.rolledUp > 0 && first.rolledUp < Int64(records.count))
        #expect(split.vault.periodMonths() == [EpochSeconds(base).day.month])
        #expect(try split.scalar("SELECT count(*) FROM rollup_members") > 0)
        let second = try split.retainer().run(asOf: epoch("2025-09-10T16:00:00Z"))
        #expect(first.rolledUp + second.rolledUp == Int64(records.count))
        #expect(second.keysDestroyed == 1 && split.vault.periodMonths().isEmpty)
        #expect(try split.scalar("SELECT count(*) FROM rollup_members") == 0)

        let whole = try Scratch()
        try whole.load(records)
        _ = try whole.retainer().run(asOf: epoch("2025-09-10T16:00:00Z"))
        let query = "SELECT sum(callers) * 1000 + sum(called) FROM aggregates WHERE hour = 14"
        #expect(try split.scalar(query) == whole.scalar(query))
        #expect(try split.scalar("SELECT callers FROM aggregates WHERE hour = 14") == 15)
    }

    @Test("deleted numbers cannot be found in the raw database file or its log afterwards")
    func secureDeletion() throws {
        let scratch = try Scratch()
        var records = traffic(start: epoch("2025-01-01"), days: 5, perDay: 200)
        let marker = "+447700900123"
        for index in stride(from: 0, to: records.count, by: 50) { records[index].calling = marker }
        try scratch.load(records)
        try scratch.store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        #expect(try scratch.occurrences(of: marker) > 0)
        _ = try scratch.retainer().run(asOf: epoch("2026-01-01"))
        #expect(try scratch.scalar("SELECT count(*) FROM records") == 0)
        #expect(try scratch.occurrences(of: marker) == 0)
        #expect(try scratch.scalar("PRAGMA freelist_count") == 0)
    }

    @Test("row-level deletion inside a month that stays (cut-off mid-month) also leaves no trace of the number")
    func secureRowDeletion() throws {
        let scratch = try Scratch()
        var records = traffic(start: epoch("2025-01-01"), days: 28, perDay: 300)
        let marker = "+447700900456"
        for index in stride(from: 0, to: 300 * 3, by: 30) { records[index].calling = marker }
        try scratch.load(records)
        try scratch.store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        #expect(try scratch.occurrences(of: marker) > 0)
        let report = try scratch.retainer().run(asOf: epoch("2025-07-10"))
        #expect(report.rolledUp > 0 && report.rolledUp < Int64(records.count))
        #expect(try scratch.scalar("SELECT count(*) FROM records") > 0)
        #expect(try scratch.store.records(number: marker).isEmpty)
        #expect(try scratch.occurrences(of: marker) == 0)
    }

    @Test("a dry run reports what a real run does and changes nothing")
    func dryRun() throws {
        let scratch = try Scratch()
        try scratch.load(traffic(start: epoch("2025-01-01"), days: 10, perDay: 50))
        let dry = try scratch.retainer().run(asOf: epoch("2025-07-06T12:00:00Z"), dryRun: true)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == 500)
        #expect(try scratch.scalar("SELECT count(*) FROM aggregates") == 0)
        #expect(try scratch.scalar("SELECT count(*) FROM retention_runs") == 0)
        #expect(scratch.vault.periodMonths().isEmpty)
        let real = try scratch.retainer().run(asOf: epoch("2025-07-06T12:00:00Z"))
        #expect(dry.rolledUp == real.rolledUp && dry.months == real.months && dry.cellsWritten == real.cellsWritten)
    }
}
