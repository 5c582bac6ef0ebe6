import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRSubjects

@Suite("Records kept for a billing window are erased once it passes")
struct BillingWindowTests {
    @Test("an erasure keeps the records a bill can still cite; the follow-up erases them when the window has passed")
    func followUp() throws {
        let now = SQLiteStore.now()
        let fixture = try SubjectFixture(now: now)
        let desk = fixture.desk(billingDays: 30)
        let first = try desk.erase(SubjectFixture.alice)
        let kept = first.kept.values.reduce(0) { $0 + $1.count }
        #expect(first.erased > 0 && kept > 0)
        let ledger = ErasureLedger(vault: fixture.vault)
        let early = try ledger.eraseAfterBillingWindows(
            with: desk,
            vault: fixture.vault,
            store: fixture.store,
            since: nil,
            now: now + 20 * 86_400
        )
        #expect(early < Int64(kept))
        let late = try ledger.eraseAfterBillingWindows(
            with: desk,
            vault: fixture.vault,
            store: fixture.store,
            since: nil,
            now: now + 31 * 86_400
        )
        #expect(early + late == Int64(kept))
        #expect(try fixture.store.records(number: SubjectFixture.alice).isEmpty)
        #expect(try fixture.store.records(number: SubjectFixture.bob).count > 0)
        let actions = try fixture.store.auditEntries().map(\.action)
        #expect(actions.contains("subject erase (billing window passed)"))
        #expect(try ledger.entries().count == 1)
        let nothing = try ledger.eraseAfterBillingWindows(
            with: desk,
            vault: fixture.vault,
            store: fixture.store,
            since: now + 31 * 86_400,
            now: now + 32 * 86_400
        )
        #expect(nothing == 0)
    }
}

@Suite("No erasure without its ledger entry")
struct LedgerFirstTests {
    @Test("when the ledger cannot be written, nothing is deleted")
    func ledgerBeforeDelete() throws {
        let fixture = try SubjectFixture()
        let before = try fixture.store.records(number: SubjectFixture.alice).count
        try FileManager.default.createDirectory(
            atPath: fixture.vault.directory + "/erasures.jsonl",
            withIntermediateDirectories: true
        )
        #expect(throws: SubjectError.self) { try fixture.desk().erase(SubjectFixture.alice) }
        #expect(try fixture.store.records(number: SubjectFixture.alice).count == before)
        #expect(before > 0)
    }
}
