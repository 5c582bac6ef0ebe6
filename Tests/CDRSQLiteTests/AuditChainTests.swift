import CDRStorage
import Foundation
import Testing

@testable import CDRSQLite

#if canImport(Glibc)
import Glibc
#endif

@Suite("The audit chain is keyed and checkpointed")
struct AuditChainTests {
    func log(_ count: Int, in store: SQLiteStore) throws {
        for index in 0..<count {
            try store.appendAudit(actor: "fraud", action: "GET /v1/records", outcome: "ok", detail: "read \(index)")
        }
    }

    func rewrite(_ store: SQLiteStore, from id: Int64, hashing: (AuditEntry) -> [UInt8]) throws {
        try store.connection.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        var previous = [UInt8](repeating: 0, count: 32)
        if id > 1 { previous = try store.auditEntries(after: id - 2, limit: 1)[0].hash }
        for var entry in try store.auditEntries(after: id - 1, limit: 1000) {
            entry.previousHash = previous
            entry.hash = hashing(entry)
            let update = try store.connection.prepare("UPDATE audit_log SET previous_hash = ?, hash = ? WHERE id = ?")
            entry.previousHash.withUnsafeBytes { update.bind(1, blob: $0) }
            entry.hash.withUnsafeBytes { update.bind(2, blob: $0) }
            update.bind(3, entry.id)
            try update.step()
            previous = entry.hash
        }
    }

    @Test("the key lives in the key folder (0600), and an entry recomputed without it is caught")
    func keyed() throws {
        let path = try temporaryDirectory() + "/cdr.db"
        let store = try SQLiteStore(path: path)
        try log(5, in: store)
        let mode = try FileManager.default.attributesOfItem(atPath: path + ".keys/audit-chain.key")[.posixPermissions]
        #expect(mode as? Int == 0o600)
        #expect(try store.verifyAudit() == .intact(entries: 5))
        let stored = try store.auditEntries(after: 0, limit: 10)
        #expect(stored.allSatisfy { $0.hash != AuditEntry.chainHash($0) })
        try store.connection.execute(
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'read nothing' WHERE id = 3"
        )
        try rewrite(store, from: 3) { AuditEntry.chainHash($0) }
        #expect(try store.verifyAudit() == .broken(atID: 3, reason: "its contents do not match its hash"))
    }

    @Test("deleting the newest entries is caught by the checkpoint; a forged checkpoint is caught too")
    func truncation() throws {
        let path = try temporaryDirectory() + "/cdr.db"
        let store = try SQLiteStore(path: path)
        try log(6, in: store)
        try store.connection.execute("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id > 4")
        guard case .broken(6, let reason) = try store.verifyAudit() else {
            Issue.record("a log cut short verified")
            return
        }
        #expect(reason.contains("cut short after entry 4"))
        var head = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path + ".keys/audit-chain.head")))
        head[7] = 4
        try Data(head).write(to: URL(fileURLWithPath: path + ".keys/audit-chain.head"))
        guard case .broken(0, let forged) = try store.verifyAudit() else {
            Issue.record("a forged checkpoint verified")
            return
        }
        #expect(forged.contains("not sealed"))
    }

    @Test("entries written before the key existed stay plain and verify; later ones are keyed")
    func legacy() throws {
        let path = try temporaryDirectory() + "/cdr.db"
        let keys = try temporaryDirectory()
        let unkeyed = try SQLiteStore(path: path, keyDirectory: keys + "/none")
        try log(3, in: unkeyed)
        try FileManager.default.removeItem(atPath: keys + "/none")
        try rewrite(unkeyed, from: 1) { AuditEntry.chainHash($0) }
        let store = try SQLiteStore(path: path, keyDirectory: keys)
        try log(2, in: store)
        #expect(try AuditChain.load(directory: keys)?.keyedFrom == 4)
        let verification = try store.verifyAudit()
        #expect(verification == .intact(entries: 5))
        let entries = try store.auditEntries(after: 0, limit: 10)
        #expect(entries.prefix(3).allSatisfy { $0.hash == AuditEntry.chainHash($0) })
        #expect(entries.suffix(2).allSatisfy { $0.hash != AuditEntry.chainHash($0) })
    }

    @Test("a writer without the key folder refuses to extend a keyed log")
    func writerWithoutKey() throws {
        let path = try temporaryDirectory() + "/cdr.db"
        let store = try SQLiteStore(path: path)
        try log(1, in: store)
        let last = try store.auditEntries(after: 0, limit: 1).first
        #expect(throws: StoreError.self) { try AuditChain.forWriting(directory: nil, last: last) }
        #expect(try AuditChain.forWriting(directory: nil, last: nil) == nil)
    }

    @Test("an entry rolled back with its transaction leaves no checkpoint ahead of the log")
    func rolledBack() throws {
        let path = try temporaryDirectory() + "/cdr.db"
        let store = try SQLiteStore(path: path)
        try log(2, in: store)
        struct Abort: Error {}
        _ = try? store.atomically {
            try store.appendAudit(actor: "admin", action: "subject erase", outcome: "ok", detail: "")
            throw Abort()
        }
        #expect(try store.verifyAudit() == .intact(entries: 2))
        _ = try store.atomically {
            try store.appendAudit(actor: "admin", action: "hold add", outcome: "ok", detail: "")
        }
        try store.connection.execute("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3")
        guard case .broken(3, _) = try store.verifyAudit() else {
            Issue.record("the committed entry's checkpoint was not written")
            return
        }
    }
}
