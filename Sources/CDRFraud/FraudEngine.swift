import CDRModel

/// Runs every enabled rule's detector over a stream of stored records in event time.
///
/// Switches write CDRs when calls end, so call starts arrive out of order by up to the longest call. The
/// engine holds records in a reorder buffer and releases them in start order once the watermark (the
/// latest call end seen minus `slack`) has passed them; a record older than what was already released is
/// late: it is counted in ``late`` and still observed. Alerts with an id already emitted in this run are
/// dropped (the store drops ones it already holds).
public final class FraudEngine {
    /// The detectors, one per enabled rule.
    public let detectors: [any Detector]
    /// Each detector's interest, read once.
    private let interests: [RecordTraits]
    private let classifier: NumberClassifier
    private let ranges: RiskRanges
    private let slack: Int64
    private let profiles: (any ProfileLookup)?
    private var buffer = ReorderBuffer()
    private var partials = PartialCallStitcher()
    private var addedSinceExpiry = 0
    private var maxEnd = Int64.min
    private var released = Int64.min
    private var emitted = Set<String>()
    /// Records that arrived after later-starting records had already been released.
    public private(set) var late: Int64 = 0
    /// Records observed.
    public private(set) var observed: Int64 = 0

    /// Creates an engine for a rule set.
    public init(
        rules: FraudRules,
        context: DetectorContext,
        homeCountryCode: String,
        slack: Int64 = 6 * 3600
    ) throws(FraudConfigError) {
        var detectors: [any Detector] = []
        for rule in rules.rules where rule.enabled ?? true {
            let filter = try CallFilter(rule.filter, rule: rule.id, file: "rules", calendars: context.calendars)
            guard let kind = DetectorKind(rawValue: rule.detector) else {
                throw FraudConfigError(file: "rules", line: nil, field: "rule \(rule.id)", problem: "unknown detector")
            }
            detectors.append(kind.make(rule: rule, filter: filter, context: context))
        }
        self.detectors = detectors
        interests = detectors.map(\.interest)
        classifier = NumberClassifier(homeCountryCode: homeCountryCode)
        ranges = context.ranges
        profiles = context.profiles
        self.slack = slack
    }

    /// Lets the stored-profile lookup end the read snapshot it holds: call between batches of records, so
    /// an idle engine does not hold back the store's writer.
    public func pauseLookups() { profiles?.pause() }

    /// The stored-profile lookup detectors read, if any.
    public var profileLookup: (any ProfileLookup)? { profiles }

    /// Takes one newly stored record from `source` (a file); alerts due so far go to `emit`. The partial
    /// records of a long call are joined into one call first (``PartialCallStitcher``).
    public func add(id: Int64, call: CallRecord, source: Int64 = 0, emit: (Alert) -> Void) {
        maxEnd = max(maxEnd, call.end)
        stitch(.init(id: id, call: call, source: source), watermark: maxEnd) { hold($0) }
        let watermark = maxEnd - slack
        while let start = buffer.peekStart, start <= watermark, let next = buffer.pop() { release(next, emit) }
    }

    /// Takes one record from input already in start order (a scan of the store): no reorder buffer.
    public func addInOrder(id: Int64, call: CallRecord, source: Int64 = 0, emit: (Alert) -> Void) {
        stitch(.init(id: id, call: call, source: source), watermark: call.start) { ready in
            process(
                FraudRecord(
                    id: ready.id,
                    call: ready.call,
                    source: ready.source,
                    classifier: classifier,
                    ranges: ranges
                ),
                emit
            )
        }
    }

    /// Passes a record through the partial-record stitcher, handing what is ready to `ready`, and closes
    /// chains the watermark has left behind (checked every 1,024 records).
    private func stitch(
        _ record: PartialCallStitcher.Pending,
        watermark: Int64,
        _ ready: (PartialCallStitcher.Pending) -> Void
    ) {
        partials.take(record, ready)
        addedSinceExpiry += 1
        if addedSinceExpiry >= 1024 {
            addedSinceExpiry = 0
            partials.expire(before: watermark).forEach(ready)
        }
    }

    /// Puts a call in the reorder buffer, without the fields detectors never read.
    private func hold(_ ready: PartialCallStitcher.Pending) {
        var kept = ready.call
        kept.channel = ""
        kept.sourceID = ""
        buffer.push(id: ready.id, source: ready.source, call: kept)
    }

    /// Releases the buffered records that started at or before `watermark` (event time), as if a record
    /// ending `slack` later had arrived: for a stream whose sources have gone quiet, so that what they sent
    /// last is judged now rather than when the next file comes.
    public func advance(to watermark: Int64, emit: (Alert) -> Void) {
        maxEnd = max(maxEnd, watermark + slack)
        while let start = buffer.peekStart, start <= watermark, let next = buffer.pop() { release(next, emit) }
    }

    /// Releases everything still buffered (end of input), open partial-record chains included.
    public func finish(emit: (Alert) -> Void) {
        partials.finish().forEach(hold)
        while let next = buffer.pop() { release(next, emit) }
    }

    /// Classifies a released record (only now, so the buffer holds the call alone) and observes it.
    private func release(_ pending: ReorderBuffer.Pending, _ emit: (Alert) -> Void) {
        process(
            FraudRecord(
                id: pending.id,
                call: pending.call,
                source: pending.source,
                classifier: classifier,
                ranges: ranges
            ),
            emit
        )
    }

    /// Withdraws the still-buffered records of a source whose records were removed (a failed file).
    public func discard(source: Int64) {
        buffer.removeAll(source: source)
        partials.discard(source: source)
    }

    /// Live keys across detectors.
    public var liveKeys: Int { detectors.reduce(0) { $0 + $1.liveKeys } }

    /// The baselines the detectors learnt since the last call, one per subject, for the store; with `all`
    /// (after ``finish(emit:)``), every live subject's current baseline too.
    public func takeBaselines(all: Bool = false) -> [SubjectBaseline] {
        var merged: [String: SubjectBaseline] = [:]
        takeBaselines(all: all, chunk: .max) { part in
            for baseline in part {
                merged[baseline.key] = merged[baseline.key].map { $0.merged(with: baseline) } ?? baseline
            }
        }
        return Array(merged.values)
    }

    /// The same baselines handed to `hand` detector by detector, in chunks of at most `chunk` subjects, so
    /// the end of a run never holds every subject's baseline at once (the store merges them). A chunk names
    /// a subject once, with what one detector knows; the same subject can come in several chunks.
    public func takeBaselines(all: Bool, chunk: Int, _ hand: ([SubjectBaseline]) -> Void) {
        for detector in detectors { detector.takeBaselines(all: all, chunk: max(1, chunk), hand) }
    }

    private func process(_ record: FraudRecord, _ emit: (Alert) -> Void) {
        if record.call.start < released { late += 1 }
        released = max(released, record.call.start)
        observed += 1
        let source = record.source
        let traits = record.traits
        for index in detectors.indices where !interests[index].isDisjoint(with: traits) {
            detectors[index].observe(record) { alert in
                var alert = alert
                alert.source = source
                if emitted.insert(alert.id).inserted { emit(alert) }
            }
        }
    }
}
