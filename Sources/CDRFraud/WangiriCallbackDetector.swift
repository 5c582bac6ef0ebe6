import CDRModel

/// D05, Wangiri callbacks: a subscriber calling back, within the window (default 72 h), an international
/// number that rang them briefly without an answer (at most `maxRingSeconds`, default 6) and that rang at
/// least `minTargets` (default 5) different subscribers that way, so a relative abroad whose call was
/// missed is not a campaign. Each callback warns; `critical` distinct subscribers calling the same number
/// back is critical. Subject: the number called back (the Wangiri campaign's number).
final class WangiriCallbackDetector: Detector {
    /// Settings read from the rule once, not per record.
    private lazy var minTargets = Int(rule.param("minTargets"))
    private lazy var maxRing = Int64(rule.param("maxRingSeconds"))

    struct Campaign: Sendable {
        var tally: Tally
        var victims: RecentDistinct<String>
    }

    let rule: FraudRule
    private let filter: CallFilter
    /// The last international numbers that rang each subscriber briefly: at most three per subscriber.
    private var missed: KeyedState<String, [(caller: String, at: Int64)]>
    private var campaigns: KeyedState<String, Campaign>
    /// Distinct subscribers each international number rang briefly.
    private var ringers: KeyedState<String, RecentDistinct<String>>

    init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        self.rule = rule
        self.filter = filter
        missed = KeyedState(ttl: rule.window, cap: context.keyCap)
        campaigns = KeyedState(ttl: rule.window + rule.snooze, cap: context.keyCap)
        ringers = KeyedState(ttl: rule.window, cap: context.keyCap)
    }

    var liveKeys: Int { missed.count + campaigns.count + ringers.count }

    /// The records it looks at.
    var interest: RecordTraits { [.fromAbroad, .dialsAbroad] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        let now = record.call.start
        if record.callsFromAbroad {
            guard (!record.answered || record.call.billable <= 2) && record.ringSeconds <= maxRing,
                !record.call.dialled.isEmpty
            else { return }
            missed.update(record.call.dialled, at: now, orInsert: []) { rings in
                rings.append((record.call.calling, now))
                if rings.count > 3 { rings.removeFirst() }
            }
            ringers.update(record.call.calling, at: now, orInsert: RecentDistinct(capacity: minTargets)) {
                $0.add(record.call.dialled, at: now)
            }
            return
        }
        guard record.dialsAbroad, filter.matches(record),
            let rings = missed.state(record.call.calling),
            rings.contains(where: { $0.caller == record.call.dialled && now - $0.at <= rule.window && now >= $0.at }),
            let rung = ringers.state(record.call.dialled), rung.count(now: now, window: rule.window) >= minTargets
        else { return }
        let campaign = record.call.dialled
        let critical = Int(rule.critical)
        campaigns.update(
            campaign,
            at: now,
            orInsert: Campaign(
                tally: Tally(window: rule.window, buckets: 72),
                victims: RecentDistinct(capacity: critical)
            )
        ) { state in
            state.tally.note(record)
            state.victims.add(record.call.calling, at: now)
            let victims = Double(state.victims.count(now: now, window: rule.window))
            emitIfDue(
                rule: rule,
                detector: DetectorKind.wangiriCallback.rawValue,
                subject: campaign,
                value: victims,
                measures: [
                    Measure(name: "subscribers_calling_back", value: victims, warn: rule.warn, critical: rule.critical)
                ],
                tally: &state.tally,
                now: now,
                summary: { _ in
                    "\(Int(victims)) subscriber(s) called back \(record.destination.country) number that rang them briefly: Wangiri revenue"
                },
                emit: emit
            )
        }
    }
}
