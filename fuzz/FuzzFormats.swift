import CDRFormats
import CDRModel
import Foundation

/// libFuzzer entry point: every input is read as BER (concatenated, TS 32.297 and MSC CallEventDataFile
/// framing), through format detection (CSV dialects, gzip), as a lenient mapped CSV, and by the mapping
/// suggester, in small chunks. Any crash, hang or unbounded allocation is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormats(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = DecodeContext(
        numbers: NumberNormaliser(plan: NumberPlan()),
        clock: LocalTimeConverter(identifier: "UTC")!
    )
    let chunk = Int(bytes.first ?? 7) % 64 + 1
    for framing in [BERRecordReader<MemorySource>.Framing.concatenated, .ts32297(headerLength: 50), .callEventDataFile]
    {
        let reader = BERRecordReader(source: MemorySource(bytes, chunk: chunk), framing: framing, context: context)
        var events = 0
        while (try? reader.next()) != nil, events < 10_000 { events += 1 }
    }
    if let reader = try? FormatDetector(format: .auto, mapping: nil, context: context).open(
        MemorySource(bytes, chunk: chunk)
    ) {
        var events = 0
        while (try? reader.next()) != nil, events < 10_000 { events += 1 }
    }
    if let mapping = lenientMapping,
        let reader = try? FormatDetector(format: .mapped, mapping: mapping, context: context).open(
            MemorySource(bytes, chunk: chunk)
        )
    {
        var events = 0
        while (try? reader.next()) != nil, events < 10_000 { events += 1 }
    }
    _ = try? MappingSuggester().suggest(head: Array(bytes.prefix(65_536)))
    return 0
}

/// A mapping with every lenient reading on: several time formats, clock durations, nulls, unescaped quotes,
/// transforms.
let lenientMapping: MappingFile? = try? JSONDecoder().decode(
    MappingFile.self,
    from: Data(
        #"""
        {"timeFormat": "%d/%m/%y %I:%M:%S %p", "timeFormats": ["iso8601", "epoch_ms", "%d-%b-%Y %H:%M:%S%z"],
         "quotes": "lenient", "header": false, "transforms": {"calling": {"nameAddr": true, "stripPrefix": ["9"]}},
         "columns": {"calling": 1, "dialled": 2, "start": 3, "answer": 4, "end": 5, "duration": 6, "billable": 7}}
        """#.utf8
    )
)
