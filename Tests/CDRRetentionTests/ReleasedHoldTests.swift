import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("Released holds join the aggregates without singling anyone out")
struct ReleasedHoldTests {
    /// Every published cell but the days' fully folded ones, with its calls and callers.
    func detailedCells(_ scratch: Scratch) throws -> [String: String] {
        let statement = try scratch.store.connection.prepare(
            """
            SELECT day, hour, carrier, country, type, area, direction, disposition, calls, callers FROM aggregates
            WHERE NOT (hour = 24 AND carrier = '*' AND country = '*' AND type = '*' AND area = '*'
                AND direction = '*' AND disposition = '*')
            """
        )
        var cells: [String: String] = [:]
        while try statement.step() {
            let key = (0..<8).map { statement.text(Int32($0)) }.joined(separator: "|")
            cells[key] = "\(statement.int(8))/\(statement.int(9))"
        }
        return cells
    }

    @Test("the released subscriber's calls change no published cell but the days' fully folded ones")
    func releasedIntoTheFold() throws {
        let scratch = try Scratch()
        let records = traffic(start: epoch("2025-01-01"), days: 20, perDay: 400, subscribers: 60)
        try scratch.load(records)
        let target = records[3].calling
        let holds = LegalHolds(store: scratch.store, vault: scratch.vault, actor: "admin")
        let hold = try holds.add(number: target, from: nil, to: nil, caseRef: "D-9", reason: "dispute")
        let covered = records.filter { $0.calling == target || $0.dialled == target }
        _ = try scratch.retainer().run(asOf: epoch("2026-01-01"))
        let before = try detailedCells(scratch)
        #expect(!before.isEmpty)
        _ = try holds.release(id: hold.id)
        let after = try scratch.retainer().run(asOf: epoch("2026-01-01T00:05:00Z"))
        #expect(after.rolledUp == Int64(covered.count))
        #expect(try detailedCells(scratch) == before)
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates") == Int64(records.count))
        #expect(try scratch.scalar("SELECT sum(calls) FROM aggregates_daily") == Int64(records.count))
    }
}
