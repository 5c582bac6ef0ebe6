import Foundation
import Testing

@Suite("MSC files on PostgreSQL", .serialized)
struct PostgresMSCTests {
    @Test("an MSC file loads into PostgreSQL with its legs, parts, skipped kinds and trailer check, as into SQLite")
    func mscOnBothStores() throws {
        guard let database = try PostgresDatabase() else { return }
        let fixture = CLI.root.appendingPathComponent("fixtures/ber/msc-file.ber").path
        let cut = CLI.root.appendingPathComponent("fixtures/ber/msc-file-cut.ber").path
        let dir = try CLI.temporaryDirectory()
        for db in [database.url, dir + "/cdr.db"] {
            let result = try CLI.run([
                "ingest", "--db", db, "--home-country", "86", "--json", "--no-fraud", "--rejects", dir + "/r.jsonl",
                fixture,
                cut,
            ])
            #expect(result.status == 1, "\(result.err)")
            let summary = try CLI.json(result.out)
            #expect(summary["records"] as? Int == 9, "\(db)")
            #expect(summary["duplicates"] as? Int == 8, "\(db)")
            let skipped = summary["skipped_records"] as? [String: Int]
            #expect(skipped == ["moSMSRecord": 2, "hlrIntRecord": 2], "\(db)")
            let incomplete = (summary["incomplete_files"] as? [[String: Any]])?.compactMap {
                $0["incomplete"] as? String
            }
            #expect(incomplete == ["CallEventDataFile 1: the trailer counts 11 records, the file holds 10"], "\(db)")
        }
        #expect(try database.value("SELECT count(*) FROM records WHERE leg = 1 AND part > 0") == 3)
        #expect(try database.value("SELECT count(DISTINCT leg) FROM records") == 7)
        #expect(try database.value("SELECT count(*) FROM files WHERE incomplete IS NOT NULL") == 1)
        #expect(try database.value("SELECT count(*) FROM files WHERE skipped = 'hlrIntRecord=1,moSMSRecord=1'") == 2)
    }
}
