import CDRModel

/// One fraud pattern, applied by one rule: it sees every stored record once, in event-time order, and
/// emits alerts. Each detector keeps bounded per-key state.
public protocol Detector: AnyObject {
    /// The rule it applies.
    var rule: FraudRule { get }
    /// Observes the next record (in call-start order).
    func observe(_ record: FraudRecord, emit: (Alert) -> Void)
    /// Keys of live state (a memory metric).
    var liveKeys: Int { get }
    /// The kinds of record it looks at: the engine hands it only records with one of these traits.
    var interest: RecordTraits { get }
    /// What it has learnt of subjects since the last call, for the store, handed to `hand` in chunks of at
    /// most `chunk` subjects; with `all`, every live subject's current baseline too (the end of a run).
    func takeBaselines(all: Bool, chunk: Int, _ hand: ([SubjectBaseline]) -> Void)
}

extension Detector {
    /// Every record, unless the detector says otherwise.
    public var interest: RecordTraits { .any }
    /// Nothing to keep, unless the detector says otherwise.
    public func takeBaselines(all: Bool, chunk: Int, _ hand: ([SubjectBaseline]) -> Void) {}
}

/// What every detector needs besides its rule.
public struct DetectorContext: Sendable {
    /// Risk ranges (test numbers, high-risk, premium).
    public var ranges: RiskRanges
    /// Most keys each detector keeps.
    public var keyCap: Int
    /// The default key cap while loading: a key shed mid-file comes back from the store once its file is
    /// loaded (its profile and baselines), and at 400k subscribers in one 31-day file detection scored the
    /// same at 50k as at 200k (at 20k, high usage found nothing), in 55 MB less memory.
    public static let streamKeyCap = 50_000
    /// The default key cap when judging stored records (`--detect after-run`, `cdrpipe detect`): stored
    /// profiles there already hold the days being judged, so a shed number's history cannot come back from
    /// them, and high usage found nothing at 50k.
    public static let pastOnlyKeyCap = 200_000
    /// Business hours per account, for off-hours rules.
    public var calendars: BusinessCalendars
    /// The stored usage profiles, when detection runs beside a store.
    public var profiles: (any ProfileLookup)?
    /// True when the stored profiles may already hold the records being judged (detection after the run,
    /// `cdrpipe detect`): only what they say of days before a record's own is used.
    public var pastOnly: Bool

    /// Creates a context; without `keyCap`, its mode's default (``streamKeyCap`` or ``pastOnlyKeyCap``).
    public init(
        ranges: RiskRanges,
        keyCap: Int? = nil,
        calendars: BusinessCalendars = BusinessCalendars(),
        profiles: (any ProfileLookup)? = nil,
        pastOnly: Bool = false
    ) {
        self.ranges = ranges
        self.keyCap = keyCap ?? (pastOnly ? Self.pastOnlyKeyCap : Self.streamKeyCap)
        self.calendars = calendars
        self.profiles = profiles
        self.pastOnly = pastOnly
    }
}

/// The per-subject tally most detectors keep: a sliding count (and value sum) over the rule's window, the
/// latest evidence ids in a ring (no shifting), and when each severity was last emitted (for the snooze).
struct Tally: Sendable {
    var counter: SlidingCounter
    private var ids: [Int64] = []
    private var times: [Int64] = []
    private var next = 0
    var lastEmitted = EmissionLog()

    init(window: Int64, buckets: Int = 60) { counter = SlidingCounter(window: window, buckets: buckets) }

    mutating func note(_ record: FraudRecord, value: Double = 0) {
        counter.add(at: record.call.start, value: value)
        remember(id: record.id, at: record.call.start)
    }

    /// Keeps an evidence id, dropping the oldest beyond ``Alert/evidenceLimit``.
    mutating func remember(id: Int64, at time: Int64) {
        if ids.count < Alert.evidenceLimit {
            ids.append(id)
            times.append(time)
        } else {
            ids[next] = id
            times[next] = time
            next = (next + 1) % Alert.evidenceLimit
        }
    }

    /// Evidence and first/last times within the window ending at `now`, oldest first.
    func recent(now: Int64, window: Int64) -> (ids: [Int64], first: Int64, last: Int64) {
        var kept: [Int64] = []
        var first: Int64?
        var last = now
        for offset in 0..<ids.count {
            let index = (next + offset) % ids.count
            let time = times[index]
            guard time > now - window && time <= now else { continue }
            kept.append(ids[index])
            if first == nil { first = time }
            last = time
        }
        return (kept, first ?? now, last)
    }
}

/// The shared emission rule: the severity a value reaches, unless that severity was emitted for the
/// subject within the snooze; a rise from warning to critical always emits.
func emitIfDue(
    rule: FraudRule,
    detector: String,
    subject: String,
    value: Double,
    measures: @autoclosure () -> [Measure],
    tally: inout Tally,
    now: Int64,
    summary: (Severity) -> String,
    emit: (Alert) -> Void,
    forced: Severity? = nil
) {
    let severity: Severity
    if let forced {
        severity = forced
    } else if value >= rule.critical {
        severity = .critical
    } else if value >= rule.warn {
        severity = .warning
    } else {
        return
    }
    if let last = tally.lastEmitted[severity], abs(now - last) < rule.snooze { return }
    if severity == .warning, let last = tally.lastEmitted[.critical], abs(now - last) < rule.snooze { return }
    tally.lastEmitted[severity] = now
    let evidence = tally.recent(now: now, window: rule.window)
    emit(
        Alert(
            detector: detector,
            rule: rule.id,
            severity: severity,
            subject: subject,
            windowStart: (now / rule.window) * rule.window,
            firstEvent: evidence.first,
            lastEvent: evidence.last,
            measures: measures(),
            evidence: evidence.ids,
            summary: summary(severity)
        )
    )
}
