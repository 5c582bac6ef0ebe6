import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("MSC legs and partial records in aggregates")
struct CallLegRollupTests {
    @Test("each call counts once: at its entering leg, with the seconds of every part of a long call")
    func countedOnce() throws {
        let scratch = try Scratch()
        let calls = traffic(start: epoch("2025-01-06"), days: 3, perDay: 40)
        var records: [CallRecord] = []
        for (index, call) in calls.enumerated() {
            var entering = call
            entering.leg = index % 2 == 0 ? .mobileOriginated : .incomingGateway
            var other = call
            other.leg = .mobileTerminated
            other.sourceID += "-mt"
            records += [entering, other]
            if index % 3 == 0 {
                var gateway = call
                gateway.leg = .outgoingGateway
                gateway.sourceID += "-gwo"
                records.append(gateway)
            }
        }
        var parts: [CallRecord] = []
        let begin = epoch("2025-01-07T10:59:00Z")
        for (number, (start, answer, end)) in [(begin, begin + 6, begin + 66), (begin + 66, begin + 66, begin + 126)]
            .enumerated()
        {
            var part = CallRecord(
                calling: "+447900000001",
                dialled: "+447911100001",
                start: start,
                answer: answer,
                end: end,
                duration: end - start,
                billable: end - answer,
                disposition: .answered,
                carrier: "trunk-a",
                sourceID: "long-\(number)"
            )
            part.leg = .mobileOriginated
            part.part = number + 1
            parts.append(part)
        }
        try scratch.load(records + parts)
        let report = try scratch.retainer(RetentionPolicy(aggregateYears: 10)).run(asOf: epoch("2025-12-31T12:00:00Z"))
        #expect(report.rolledUp == Int64(records.count + parts.count))
        let wholeCalls = Int64(calls.count)
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == wholeCalls + 1)
        let seconds = calls.reduce(0) { $0 + $1.duration } + parts.reduce(0) { $0 + $1.duration }
        #expect(try scratch.scalar("SELECT sum(seconds) FROM aggregates") == seconds)
        let billable = calls.reduce(0) { $0 + $1.billable } + parts.reduce(0) { $0 + $1.billable }
        #expect(try scratch.scalar("SELECT sum(billable) FROM aggregates") == billable)
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates_daily") == wholeCalls + 1)
    }
}
