import CDRModel
import Foundation
import Testing

@testable import CDRFormats

/// Replays every input in `FuzzRegressions/` (hostile inputs and anything `scripts/fuzz.sh` ever found)
/// through the same paths the fuzzer drives (BER framings, format detection, a lenient mapped CSV, the
/// mapping suggester): each must be read to the end without a crash or a hang.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("FuzzRegressions")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test("the regression folder is not empty")
    func hasInputs() { #expect(Self.inputs.count >= 5) }

    @Test("each saved input is read to the end", arguments: inputs)
    func replay(name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        for framing in [
            BERRecordReader<MemorySource>.Framing.concatenated, .ts32297(headerLength: 60), .callEventDataFile,
        ] {
            let reader = BERRecordReader(source: MemorySource(bytes, chunk: 5), framing: framing, context: utcContext)
            var events = 0
            while try reader.next() != nil {
                events += 1
                try #require(events < 100_000)
            }
        }
        if let reader = try? FormatDetector(format: .auto, mapping: nil, context: utcContext).open(MemorySource(bytes))
        {
            var events = 0
            while (try? reader.next()) != nil {
                events += 1
                try #require(events < 100_000)
            }
        }
        let lenient = try JSONDecoder().decode(
            MappingFile.self,
            from: Data(
                #"""
                {"timeFormat": "%d/%m/%y %I:%M:%S %p", "timeFormats": ["iso8601", "epoch_ms"], "quotes": "lenient",
                 "header": false, "transforms": {"calling": {"nameAddr": true}},
                 "columns": {"calling": 1, "dialled": 2, "start": 3, "answer": 4, "end": 5, "duration": 6}}
                """#.utf8
            )
        )
        if let reader = try? FormatDetector(format: .mapped, mapping: lenient, context: utcContext).open(
            MemorySource(bytes, chunk: 5)
        ) {
            var events = 0
            while (try? reader.next()) != nil {
                events += 1
                try #require(events < 100_000)
            }
        }
        _ = try? MappingSuggester().suggest(head: Array(bytes.prefix(65_536)))
    }
}
