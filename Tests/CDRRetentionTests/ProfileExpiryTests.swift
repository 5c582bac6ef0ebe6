import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRRetention

@Suite("Usage profiles expire with their numbers' full records")
struct ProfileExpiryTests {
    @Test(
        "retention deletes the profiles of numbers last seen before the cut-off and keeps the rest; a dry run keeps all"
    )
    func expiry() throws {
        let scratch = try Scratch()
        let old = traffic(start: epoch("2025-11-03"), days: 3, perDay: 40)
        let recent = traffic(start: epoch("2026-06-20"), days: 3, perDay: 40).map { call -> CallRecord in
            var call = call
            call.calling = "+4420" + call.calling.dropFirst(5)
            return call
        }
        try scratch.load(old)
        try scratch.load(recent)
        let oldCallers = Set(old.map(\.calling))
        let total = try scratch.scalar("SELECT count(*) FROM profiles")
        let oldProfiles = try scratch.scalar(
            "SELECT count(*) FROM profiles WHERE last_day < \(EpochSeconds(epoch("2026-01-01")).day.rawValue)"
        )
        #expect(oldProfiles >= Int64(oldCallers.count) && total > oldProfiles)
        let asOf = epoch("2026-06-30T12:00:00Z")
        let dry = try scratch.retainer().run(asOf: asOf, dryRun: true)
        #expect(dry.profilesExpired == oldProfiles)
        #expect(try scratch.scalar("SELECT count(*) FROM profiles") == total)
        let report = try scratch.retainer().run(asOf: asOf)
        #expect(report.profilesExpired == oldProfiles)
        #expect(try scratch.scalar("SELECT count(*) FROM profiles") == total - oldProfiles)
        #expect(try scratch.store.profiles(keys: Array(oldCallers)).isEmpty)
        #expect(report.text.contains("\(oldProfiles) usage profiles expired"))
    }
}
