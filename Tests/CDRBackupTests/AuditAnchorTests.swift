import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRBackup

#if canImport(Glibc)
import Glibc
#endif

@Suite("The audit log is anchored by the backups")
struct AuditAnchorTests {
    func entries(_ store: SQLiteStore, _ count: Int) throws {
        for index in 0..<count {
            try store.appendAudit(
                actor: "analyst",
                action: "GET /v1/aggregates",
                outcome: "ok",
                detail: "query \(index)"
            )
        }
    }

    @Test("deleting the last entries is caught by the backup that saw them")
    func truncation() throws {
        let fixture = try BackupFixture()
        let store = try SQLiteStore(path: fixture.db)
        try entries(store, 10)
        let manifest = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        #expect(manifest.auditHead?.id == 10)
        #expect(try AuditAnchors.check(store, shelf: fixture.shelf, key: fixture.key).problems.isEmpty)
        try store.connection.execute("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > 7")
        guard case .broken(10, let reason) = try store.verifyAudit() else {
            Issue.record("the checkpoint should name entry 10 as missing")
            return
        }
        #expect(reason.contains("cut short"))
        unlink(fixture.db + ".keys/audit-chain.head")
        #expect(try store.verifyAudit() == .intact(entries: 7))
        let (anchors, problems) = try AuditAnchors.check(store, shelf: fixture.shelf, key: fixture.key)
        #expect(anchors == 1)
        #expect(problems.count == 1 && problems[0].contains("cut short"))
    }

    @Test("deleting an entry and recomputing the unkeyed chain is caught")
    func recomputed() throws {
        let fixture = try BackupFixture()
        let store = try SQLiteStore(path: fixture.db)
        try entries(store, 6)
        _ = try fixture.shelf.create(database: fixture.db, key: fixture.key)
        try store.connection.execute(
            "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update; DELETE FROM audit_log WHERE id = 3"
        )
        var previous = try store.auditEntries(after: 0, limit: 2).last!.hash
        for var entry in try store.auditEntries(after: 3, limit: 100) {
            entry.previousHash = previous
            entry.hash = AuditEntry.chainHash(entry)
            let update = try store.connection.prepare("UPDATE audit_log SET previous_hash = ?, hash = ? WHERE id = ?")
            entry.previousHash.withUnsafeBytes { update.bind(1, blob: $0) }
            entry.hash.withUnsafeBytes { update.bind(2, blob: $0) }
            update.bind(3, entry.id)
            try update.step()
            previous = entry.hash
        }
        #expect(try store.verifyAudit() == .broken(atID: 4, reason: "its contents do not match its hash"))
        let problems = try AuditAnchors.check(store, shelf: fixture.shelf, key: fixture.key).problems
        #expect(problems.count == 1 && problems[0].contains("rewritten"))
    }
}
