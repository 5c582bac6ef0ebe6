import CDRModel

/// D12, nuisance and robocall campaigns: one calling number making many attempts to almost always
/// different numbers (`minDistinctRatio`, default 0.9, over its last 100 calls) with a low answer rate
/// (`maxASR`, default 0.3) or short answered calls (`maxACD` seconds, default 30). The answer rate is judged
/// by the upper end of its Wilson interval (`asrBoundZ` standard errors, default 2.326: 99 % one-sided),
/// not the point estimate: a call centre's dialler answering 35 % of its calls reads 0.3 or less over 50
/// attempts one time in four, and the judgement is repeated at every attempt. A campaign with long answered
/// calls is then found once about 150 of its attempts at ASR 0.2 are in the window. Main measure: attempts
/// in the window. Subject: the calling number. A campaign spread over many numbers of one block (the calling
/// number without its last `blockDigits` digits, default 2: a 100-number block) is judged the same way over
/// the block's attempts, once at least `minBlockCallers` (default 3) of its numbers take part; subject
/// `block:<prefix>` followed by an `x` per hidden digit.
final class RobocallDetector: KeyedDetector<Int64, RobocallDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var minRatio = rule.param("minDistinctRatio")
    private lazy var maxASR = rule.param("maxASR")
    private lazy var asrBoundZ = rule.param("asrBoundZ")
    private lazy var maxACD = rule.param("maxACD")
    private lazy var blockDigits = Int(rule.param("blockDigits"))
    private lazy var minBlockCallers = rule.param("minBlockCallers")

    /// Callers start with a coarse counter held inline; the detailed state lives in a second table, only
    /// for the few that reach half the warning threshold, so an ordinary caller's entry stays small.
    struct State: Sendable {
        var coarse: CoarseCounter
        var detailed = false
    }

    struct Detail: Sendable {
        var tally: Tally
        var answered: SlidingCounter
        var recent = RollingDistinct<Int64>(capacity: 100)
        /// The block's calling numbers among its recent attempts (blocks only).
        var callers = RollingDistinct<Int64>(capacity: 100)
    }

    private var details: KeyedState<Int64, Detail>
    private var blocks: KeyedState<Int64, State>
    private var blockDetails: KeyedState<Int64, Detail>

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        details = KeyedState(ttl: rule.window + rule.snooze, cap: context.keyCap)
        blocks = KeyedState(ttl: rule.window, cap: context.keyCap)
        blockDetails = KeyedState(ttl: rule.window + rule.snooze, cap: context.keyCap)
        super.init(rule: rule, filter: filter, context: context)
    }

    override var liveKeys: Int { state.count + details.count + blocks.count + blockDetails.count }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard !record.call.calling.isEmpty, filter.matches(record) else { return }
        let now = record.call.start
        let key = record.callingKey
        let initial = State(coarse: CoarseCounter(window: rule.window))
        let attempts = state.update(key, at: now, orInsert: initial) { whole -> Int? in
            whole.coarse.add(at: now)
            if !whole.detailed {
                guard Double(whole.coarse.count) >= rule.warn / 2 else { return nil }
                whole.detailed = true
            }
            return whole.coarse.count
        }
        if let attempts {
            details.update(
                key,
                at: now,
                orInsert: Detail(tally: Tally(window: rule.window), answered: SlidingCounter(window: rule.window))
            ) { detail in
                observeInDetail(
                    record,
                    attempts: Double(attempts),
                    subject: record.call.calling,
                    state: &detail,
                    emit: emit
                )
            }
        }
        observeBlock(record, emit: emit)
    }

    /// The same judgement over the calling number's block, once several of its numbers take part.
    private func observeBlock(_ record: FraudRecord, emit: (Alert) -> Void) {
        let calling = record.call.calling
        guard blockDigits > 0, calling.hasPrefix("+"), calling.utf8.count >= 9 + blockDigits else { return }
        let prefix = String(calling.dropLast(blockDigits))
        let key = SubjectKey.number(prefix)
        let now = record.call.start
        let attempts = blocks.update(key, at: now, orInsert: State(coarse: CoarseCounter(window: rule.window))) {
            whole -> Int? in
            whole.coarse.add(at: now)
            if !whole.detailed {
                guard Double(whole.coarse.count) >= rule.warn / 2 else { return nil }
                whole.detailed = true
            }
            return whole.coarse.count
        }
        guard let attempts else { return }
        let subject = "block:" + prefix + String(repeating: "x", count: blockDigits)
        blockDetails.update(
            key,
            at: now,
            orInsert: Detail(tally: Tally(window: rule.window), answered: SlidingCounter(window: rule.window))
        ) { detail in
            detail.callers.add(record.callingKey)
            guard Double(detail.callers.distinct) >= minBlockCallers else {
                detail.tally.note(record)
                if record.answered { detail.answered.add(at: now, value: Double(record.call.billable)) }
                detail.recent.add(SubjectKey.number(record.call.dialled))
                return
            }
            observeInDetail(record, attempts: Double(attempts), subject: subject, state: &detail, emit: emit)
        }
    }

    private func observeInDetail(
        _ record: FraudRecord,
        attempts: Double,
        subject: String,
        state: inout Detail,
        emit: (Alert) -> Void
    ) {
        let now = record.call.start
        state.tally.note(record)
        if record.answered { state.answered.add(at: now, value: Double(record.call.billable)) }
        state.recent.add(SubjectKey.number(record.call.dialled))
        guard attempts >= rule.warn else { return }
        let ratio = Double(state.recent.distinct) / Double(state.recent.observed)
        let answered = Double(state.answered.count)
        let trials = Double(max(1, state.tally.counter.count))
        let asr = answered / trials
        let asrHigh = WilsonInterval(successes: answered, trials: trials, z: asrBoundZ).upper
        let acd = answered > 0 ? state.answered.sum / answered : 0
        guard ratio >= minRatio, asrHigh <= maxASR || acd <= maxACD else { return }
        emitIfDue(
            rule: rule,
            detector: DetectorKind.robocall.rawValue,
            subject: subject,
            value: attempts,
            measures: [
                Measure(name: "attempts", value: attempts, warn: rule.warn, critical: rule.critical),
                Measure(name: "distinct_dialled_ratio", value: ratio, warn: minRatio, critical: minRatio),
                Measure(name: "asr", value: asr, warn: maxASR, critical: maxASR),
                Measure(name: "asr_upper_bound", value: asrHigh, warn: maxASR, critical: maxASR),
                Measure(name: "acd_seconds", value: acd, warn: maxACD, critical: maxACD),
            ],
            tally: &state.tally,
            now: now,
            summary: { _ in
                "\(Int(attempts)) attempts in \(rule.windowMinutes) min to \(Int(ratio * 100)) % different numbers, ASR \(Int(asr * 100)) %"
            },
            emit: emit
        )
    }
}
