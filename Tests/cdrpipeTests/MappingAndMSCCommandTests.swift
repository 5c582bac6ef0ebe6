import Foundation
import Testing

@Suite("From an unknown export or an MSC file to loaded records, by the CLI")
struct MappingAndMSCCommandTests {
    @Test("mapping suggest, then ingest --format mapped: two commands load an unknown export")
    func suggestThenIngest() throws {
        let dir = try CLI.temporaryDirectory()
        let export = CLI.root.appendingPathComponent("fixtures/exports/voip-billing.csv").path
        let suggested = try CLI.run(["mapping", "suggest", export, "-o", dir + "/mapping.json"])
        #expect(suggested.status == 0, "\(suggested.err)")
        #expect(suggested.err.contains("high confidence; the mapping reads 50 of 50 sampled rows"))
        let json = try JSONSerialization.jsonObject(with: Data(suggested.out.utf8)) as? [String: Any]
        #expect((json?["suggested"] as? [String: Any])?["confidence"] as? String == "high")
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/mapping.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let loaded = try CLI.run([
            "ingest", "--db", dir + "/cdr.db", "--format", "mapped", "--mapping", dir + "/mapping.json", "--json",
            "--no-fraud", export,
        ])
        #expect(loaded.status == 0, "\(loaded.err)")
        let summary = try JSONSerialization.jsonObject(with: Data(loaded.out.utf8)) as? [String: Any]
        #expect(summary?["records"] as? Int == 50 && summary?["rejected"] as? Int == 0)
    }

    @Test("mapping suggest names what it could not find and exits 1")
    func suggestRefuses() throws {
        let dir = try CLI.temporaryDirectory()
        try "a,b\nx,y\n".write(toFile: dir + "/odd.csv", atomically: true, encoding: .utf8)
        let result = try CLI.run(["mapping", "suggest", dir + "/odd.csv"])
        #expect(result.status == 1)
        #expect(result.err.contains("odd.csv") && result.err.contains("dialled"))
    }

    @Test("generate --framing msc writes a file ingest reads as msc-ber, its trailer agreeing")
    func mscRoundTrip() throws {
        let dir = try CLI.temporaryDirectory()
        let generated = try CLI.run([
            "generate", "--format", "3gpp-ber", "--framing", "msc", "--rows", "3000", "-o", dir + "/msc.dat",
        ])
        #expect(generated.status == 0, "\(generated.err)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/msc.dat")).prefix(2))
        #expect(bytes == [0x30, 0x84])
        let loaded = try CLI.run(["ingest", "--db", dir + "/cdr.db", "--json", "--no-fraud", dir + "/msc.dat"])
        #expect(loaded.status == 0, "\(loaded.err)")
        let summary = try JSONSerialization.jsonObject(with: Data(loaded.out.utf8)) as? [String: Any]
        #expect(summary?["records"] as? Int == 3000)
        #expect((summary?["incomplete_files"] as? [Any])?.isEmpty == true)
        let details = summary?["details"] as? [[String: Any]]
        #expect(details?.first?["dialect"] as? String == "msc-ber")
        #expect(try CLI.run(["generate", "--framing", "msc", "--rows", "1"]).status == 2)
    }
}
