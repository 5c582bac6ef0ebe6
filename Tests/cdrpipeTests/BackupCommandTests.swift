import Foundation
import Testing

@Suite("cdrpipe backup and restore")
struct BackupCommandTests {
    @Test("create, list, verify, restore: the restore prints and audits the time recovered to")
    func roundTrip() throws {
        let dir = try CLI.temporaryDirectory()
        let db = dir + "/cdr.db"
        try CLI.run([
            "generate", "--rows", "2000", "--seed", "3", "--start", "2026-11-01", "--days", "5", "-o", dir + "/a.csv",
        ])
        #expect(try CLI.run(["ingest", "--db", db, "--no-fraud", dir + "/a.csv"]).status == 0)
        let created = try CLI.run([
            "backup", "create", "--db", db, "--to", dir + "/backups", "--offsite", dir + "/remote",
        ])
        #expect(created.status == 0, "\(created.err)")
        #expect(created.out.contains("2000 records"))
        #expect(created.out.contains("off-site copy written and its SHA-256 checked"))
        #expect(created.err.contains("keep a copy away from this machine"))
        let list = try CLI.run(["backup", "list", "--to", dir + "/backups", "--db", db])
        #expect(list.status == 0 && list.out.contains("good"))
        let quick = try CLI.run(["backup", "list", "--to", dir + "/backups", "--quick"])
        #expect(quick.out.contains("unverified") && !quick.out.contains("good"))
        let typo = try CLI.run(["backup", "list", "--to", dir + "/backupz"])
        #expect(typo.status == 1 && typo.err.contains("no backup folder"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/backupz"))
        #expect(try CLI.run(["backup", "prune", "--to", dir + "/backups"]).status == 2)
        let pruned = try CLI.run([
            "backup", "prune", "--to", dir + "/backups", "--db", db, "--offsite", dir + "/remote",
        ])
        #expect(pruned.status == 0 && pruned.out.contains("/remote: 0 backups removed"))
        let missing = try CLI.run(["restore", "--from", dir + "/backups/nothing.cdrbackup", "--db", dir + "/new.db"])
        #expect(missing.status == 1 && missing.err.contains("no backup"))
        #expect(try CLI.run(["backup", "verify", "--to", dir + "/remote", "--db", db]).status == 0)

        let payload = try FileManager.default.contentsOfDirectory(atPath: dir + "/backups")
            .first { $0.hasSuffix(".cdrbackup") }!
        let refused = try CLI.run(["restore", "--from", dir + "/backups/" + payload, "--db", db])
        #expect(refused.status == 1)
        #expect(refused.err.contains("--force"))
        let restored = try CLI.run(["restore", "--from", dir + "/backups/" + payload, "--db", db, "--force"])
        #expect(restored.status == 0, "\(restored.err)")
        #expect(restored.out.hasPrefix("data recovered to 20"))
        #expect(restored.out.contains("2000 records restored"))
        let audit = try CLI.run(["audit", "list", "--db", db])
        #expect(audit.out.contains("restore"))
        #expect(try CLI.run(["audit", "verify", "--db", db]).status == 0)
    }
}
