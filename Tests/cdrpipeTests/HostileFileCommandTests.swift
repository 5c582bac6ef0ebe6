import Foundation
import Testing

@Suite("Hostile files: bounded memory, one reject on the right line")
struct HostileFileCommandTests {
    /// Writes `count` bytes of `byte` to `handle` a megabyte at a time.
    func fill(_ handle: FileHandle, _ byte: UInt8, count: Int) {
        let block = Data(repeating: byte, count: 1 << 20)
        var left = count
        while left > 0 {
            handle.write(left >= block.count ? block : block.prefix(left))
            left -= block.count
        }
    }

    func ingest(_ dir: String, _ file: String) throws -> (summary: [String: Any], rejects: [[String: Any]]) {
        let run = try CLI.run([
            "ingest", "--db", dir + "/cdr.db", "--rejects", dir + "/r.jsonl", "--json", "--format", "asterisk", file,
        ])
        #expect(run.status == 0 || run.status == 1, "\(run.err)")
        let rejects = (try? Data(contentsOf: URL(fileURLWithPath: dir + "/r.jsonl")))?.split(separator: 0x0A).compactMap
        {
            try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
        }
        return (try CLI.json(run.out), rejects ?? [])
    }

    @Test("a 10 MB quoted field on line 101 is one reject naming line 101; lines 102–111 load under their own numbers")
    func hugeQuotedField() throws {
        let dir = try CLI.temporaryDirectory()
        let rows = try CLI.run(["generate", "--rows", "110", "--seed", "3"]).out.split(separator: "\n")
        #expect(rows.count == 110)
        let path = dir + "/huge.csv"
        #expect(
            FileManager.default.createFile(
                atPath: path,
                contents: Data((rows[..<100].joined(separator: "\n") + "\n").utf8)
            )
        )
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("\"".utf8))
        fill(handle, UInt8(ascii: "x"), count: 10 << 20)
        handle.write(Data("\",\"tail\"\n".utf8))
        handle.write(Data((rows[100...].joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let (summary, rejects) = try ingest(dir, path)
        #expect(summary["records"] as? Int == 110)
        #expect(rejects.count == 1)
        #expect(rejects.first?["line"] as? Int == 101, "\(rejects)")
        #expect((rejects.first?["reason"] as? String)?.contains("skipped to the next line break") == true)
        #expect((summary["peak_memory_bytes"] as? Int ?? .max) < 100 << 20, "\(summary)")
    }

    @Test("50 MB of zeros after three rows, gzipped or not: the rows load, one small reject, memory bounded")
    func zerosAfterRows() throws {
        let dir = try CLI.temporaryDirectory()
        let rows = try CLI.run(["generate", "--rows", "3", "--seed", "4"]).out
        let path = dir + "/zeros.csv"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(rows.utf8)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        fill(handle, 0, count: 50 << 20)
        try handle.close()
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", "-1", path]
        try gzip.run()
        gzip.waitUntilExit()
        for file in [path, path + ".gz"] {
            try? FileManager.default.removeItem(atPath: dir + "/cdr.db")
            try? FileManager.default.removeItem(atPath: dir + "/r.jsonl")
            let (summary, rejects) = try ingest(dir, file)
            #expect(summary["records"] as? Int == 3, "\(file)")
            #expect(rejects.count == 1, "\(file)")
            let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/r.jsonl")[.size] as? Int) ?? nil
            #expect((size ?? .max) < 64 << 10, "\(file)")
            #expect((summary["peak_memory_bytes"] as? Int ?? .max) < 100 << 20, "\(file): \(summary)")
        }
    }
}
