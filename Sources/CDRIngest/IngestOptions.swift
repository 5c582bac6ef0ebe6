import CDRFormats
import CDRModel

/// How an ingest run reads its files.
public struct IngestOptions: Sendable {
    /// The input format (`auto` detects by content).
    public var format: InputFormat = .auto
    /// The mapping for operator CSVs.
    public var mapping: MappingFile?
    /// The FreeSWITCH template (the vanilla `example` when nil).
    public var freeswitch: FreeSwitchDialect?
    /// The number plan for E.164 normalisation.
    public var plan = NumberPlan()
    /// The zone the switch wrote local times in; nil means the mapping's zone, else UTC.
    public var timezone: String?
    /// Where rejected records go (JSON lines); nil means `<db>.rejects.jsonl`.
    public var rejectsPath: String?
    /// Records per batch handed from the parsing thread to the writing thread (and on to detection). Up
    /// to 15 batches are in flight, so this sets much of the memory: 1,024 rather than 4,096 took 9 MB off
    /// a load's peak RSS and 12-19 MB off one with detection, at no measurable cost in time.
    public var batchSize = 1024
    /// Records between commits (each commit stores the resume point of the file).
    public var checkpointEvery = 250_000
    /// Units per second of BER `callDuration` (1, 10 or 100).
    public var berDurationTicks: Int64 = 1
    /// The longest record read whole; a longer one is rejected by byte offset and skipped.
    public var maxRecordBytes = 1 << 20
    /// The originating carrier written on records whose file names none (a collected source's label); the
    /// content key is taken before, so the same record from two sources is still one record.
    public var carrierLabel: String?
    /// Callers' days of usage a load counts in memory for the profiles before staging them in the store
    /// (about 100 bytes each).
    public var usageBufferKeys = 50_000

    /// Creates default options.
    public init() {}

    /// The decode context these options describe, or an error naming a bad time zone.
    public func decodeContext() throws(SourceError) -> DecodeContext {
        let zone = timezone ?? mapping?.timezone ?? "UTC"
        guard let clock = LocalTimeConverter(identifier: zone) else {
            throw SourceError("unknown time zone \"\(zone)\"")
        }
        var context = DecodeContext(numbers: NumberNormaliser(plan: plan), clock: clock)
        context.berDurationTicks = berDurationTicks
        context.maxRecordBytes = maxRecordBytes
        return context
    }
}
