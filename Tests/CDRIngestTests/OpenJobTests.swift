import CDRFormats
import CDRFraud
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRIngest

@Suite("An ingest job that stays open")
struct OpenJobTests {
    @Test("every file a long-lived job loads is committed before load returns, with and without detection")
    func eachLoadCommits() throws {
        for detect in [false, true] {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-open-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let db = dir + "/cdr.db"
            let fraud = detect ? try DetectionModeTests.engine() : nil
            let job = try IngestJob(
                into: .sqlite(try SQLiteStore(path: db)),
                options: IngestOptions(),
                rejectsPath: db + ".r",
                fraud: fraud
            )
            for index in 0..<3 {
                let path = dir + "/f\(index).csv"
                let line =
                    #""","07700900461","0163296000\#(index)","default","07700900461","SIP/a","SIP/b","Dial","x","#
                    + #""2026-11-02 09:00:00","2026-11-02 09:00:05","2026-11-02 09:01:05",65,60,"ANSWERED","DOCUMENTATION","u\#(index)","""#
                try (line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
                let outcome = job.load([path], options: IngestOptions())
                #expect(outcome.first?.status == .loaded)
                _ = try job.collectAlerts()
                let reader = try SQLiteStore(path: db)
                #expect(try reader.counters().stored == Int64(index + 1), "detect \(detect), file \(index)")
            }
        }
    }
}
