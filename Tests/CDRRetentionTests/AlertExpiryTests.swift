import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("Fraud alerts expire with the records they cite, under one rule")
struct AlertExpiryTests {
    func alert(_ id: String, subject: String, last: Int64, evidence: [Int64]) -> AlertRow {
        AlertRow(
            id: id,
            detector: "irsf-burst",
            rule: "irsf-burst",
            severity: "critical",
            subject: subject,
            windowStart: last - 3600,
            firstEvent: last - 3600,
            lastEvent: last,
            measuresJSON: "{}",
            evidence: evidence,
            summary: "calls from \(subject) to high-risk ranges",
            fileID: nil
        )
    }

    @Test("a kept alert keeps its evidence past retention; once it expires, it, its case and its evidence go")
    func evidenceKeptThenExpired() throws {
        let scratch = try Scratch()
        let asOf = epoch("2026-06-30T12:00:00Z")
        let old = traffic(start: epoch("2025-11-03"), days: 5, perDay: 60)
        try scratch.load(old)
        let fraudster = old[0].calling
        let ids = try scratch.store.records(number: fraudster).map(\.id).sorted()
        try #require(ids.count >= 4)
        let recent = epoch("2026-02-01T00:00:00Z")
        #expect(
            try scratch.store.insertAlert(alert("kept", subject: fraudster, last: recent, evidence: Array(ids[0..<2])))
        )
        #expect(
            try scratch.store.insertAlert(
                alert("stale", subject: "+447700900999", last: epoch("2025-11-04T00:00:00Z"), evidence: [ids[2]])
            )
        )
        let first = try scratch.retainer(RetentionPolicy(aggregateYears: 10)).run(asOf: asOf)
        #expect(first.alertsDeleted == 1)
        #expect(first.held == 2)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == 2)
        #expect(Set(try scratch.store.records(number: fraudster).map(\.id)) == Set(ids[0..<2]))
        #expect(try scratch.scalar("SELECT count(*) FROM alerts") == 1)
        #expect(try scratch.scalar("SELECT count(*) FROM cases") == 1)

        let later = try scratch.retainer(RetentionPolicy(aggregateYears: 10)).run(asOf: epoch("2026-08-02T00:00:00Z"))
        #expect(later.alertsDeleted == 1 && later.rolledUp == 2)
        #expect(try scratch.scalar("SELECT count(*) FROM records") == 0)
        #expect(try scratch.scalar("SELECT count(*) FROM alerts") == 0)
        #expect(try scratch.scalar("SELECT count(*) FROM cases") == 0)
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == Int64(old.count))
    }
}
