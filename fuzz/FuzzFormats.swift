import CDRFormats
import CDRModel

/// libFuzzer entry point: every input is read as BER (concatenated, TS 32.297 and MSC CallEventDataFile framing) and through
/// format detection (CSV dialects, gzip), in small chunks. Any crash, hang or unbounded allocation is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormats(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let context = DecodeContext(
        numbers: NumberNormaliser(plan: NumberPlan()), clock: LocalTimeConverter(identifier: "UTC")!)
    let chunk = Int(bytes.first ?? 7) % 64 + 1
    for framing in [BERRecordReader<MemorySource>.Framing.concatenated, .ts32297(headerLength: 50), .callEventDataFile] {
        let reader = BERRecordReader(source: MemorySource(bytes, chunk: chunk), framing: framing, context: context)
        var events = 0
        while (try? reader.next()) != nil, events < 10_000 { events += 1 }
    }
    if let reader = try? FormatDetector(format: .auto, mapping: nil, context: context).open(MemorySource(bytes, chunk: chunk)) {
        var events = 0
        while (try? reader.next()) != nil, events < 10_000 { events += 1 }
    }
    return 0
}
