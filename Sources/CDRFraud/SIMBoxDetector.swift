import CDRModel

/// D07, SIM box on mobile CDRs (records carrying an IMSI): a SIM that terminates international traffic as
/// local calls. Per IMSI and UTC day, four signs: the SIM is new (first seen within `newDays`, default 10,
/// after the first `warmUpDays`, default 7, of data); it makes at least `warn` calls and `outInRatio`
/// (default 10) times as many as it receives; it stays in at most `maxCells` cells (default 2); and its
/// five most-called numbers take at most `maxTopShare` (default 0.1) of its calls. All four are critical,
/// three are a warning; the call count must reach `warn` either way. An IMEI carrying `imsiPerIMEI`
/// (default 3) or more IMSIs in a day is a warning. Subject: `imsi:<IMSI>` or `imei:<IMEI>`.
///
/// Which party a record's IMSI serves is learnt per IMSI: the number the IMSI's first two records share
/// (its MSISDN), so mobile-originated records count as out and mobile-terminated ones as in.
final class SIMBoxDetector: KeyedDetector<String, SIMBoxDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var warmUp = Int64(rule.param("warmUpDays") * 86_400)
    private lazy var newDays = Int64(rule.param("newDays") * 86_400)
    private lazy var ratio = rule.param("outInRatio")
    private lazy var maxCells = Int(rule.param("maxCells"))
    private lazy var maxTop = rule.param("maxTopShare")
    private lazy var limit = Int(rule.param("imsiPerIMEI"))

    struct State: Sendable {
        var firstSeen: Int64
        var candidates: (String, String)
        var msisdn: String?
        var records = 0
        var day: Int64 = .min
        var out = 0
        var incoming = 0
        var cells: [String] = []
        var dialled: [String: Int] = [:]
        var tally: Tally
    }

    struct Handset: Sendable {
        var imsis: RecentDistinct<String>
        var tally: Tally
    }

    private var handsets: KeyedState<String, Handset>
    private var origin: Int64?
    /// How many distinct dialled numbers and cells a SIM's day keeps.
    static let dialledKept = 64
    static let cellsKept = 8

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        handsets = KeyedState(ttl: UTCDay.seconds + rule.snooze, cap: context.keyCap)
        super.init(rule: rule, filter: filter, context: context)
        state = KeyedState(ttl: Int64(rule.param("newDays") * 86_400), cap: context.keyCap)
    }

    override var liveKeys: Int { state.count + handsets.count }

    /// The records it looks at.
    var interest: RecordTraits { [.mobile] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        let call = record.call
        guard !call.imsi.isEmpty, filter.matches(record) else { return }
        let now = call.start
        let start = origin ?? now
        origin = start
        observeHandset(record, emit: emit)
        state.update(
            call.imsi,
            at: now,
            orInsert: State(
                firstSeen: now,
                candidates: (call.calling, call.dialled),
                tally: Tally(window: UTCDay.seconds)
            )
        ) { state in
            guard state.count(call, at: now) else { return }
            state.tally.note(record)
            guard Double(state.out) >= rule.warn else { return }
            judge(&state, call: call, start: start, now: now, emit: emit)
        }
    }

    /// Counts the signs of a SIM box on a SIM that has made `warn` calls today and alerts on three or more.
    private func judge(_ state: inout State, call: CallRecord, start: Int64, now: Int64, emit: (Alert) -> Void) {
        let top = state.dialled.values.sorted(by: >).prefix(5).reduce(0, +)
        let topShare = Double(top) / Double(state.out)
        let isNew = state.firstSeen >= start + warmUp && now - state.firstSeen <= newDays
        let outHeavy = Double(state.out) >= ratio * Double(max(1, state.incoming))
        let static_ = state.cells.count <= maxCells
        let flat = topShare <= maxTop
        let signs = [isNew, outHeavy, static_, flat].filter { $0 }.count
        guard signs >= 3 else { return }
        let out = state.out
        let incoming = state.incoming
        let cells = state.cells.count
        emitIfDue(
            rule: rule,
            detector: DetectorKind.simBox.rawValue,
            subject: "imsi:" + call.imsi,
            value: Double(out),
            measures: [
                Measure(name: "calls_out_today", value: Double(out), warn: rule.warn, critical: rule.warn),
                Measure(name: "calls_in_today", value: Double(incoming), warn: 0, critical: 0),
                Measure(name: "cells_today", value: Double(cells), warn: Double(maxCells), critical: Double(maxCells)),
                Measure(name: "top5_dialled_share", value: topShare, warn: maxTop, critical: maxTop),
                Measure(name: "signs", value: Double(signs), warn: 3, critical: 4),
            ],
            tally: &state.tally,
            now: now,
            summary: { _ in
                "SIM \(call.imsi)\(isNew ? " (new)" : ""): \(out) calls out, \(incoming) in, \(cells) cell(s), top five numbers \(Int(topShare * 100)) % of calls today: a SIM box terminating bypassed traffic"
            },
            emit: emit,
            forced: signs == 4 ? .critical : .warning
        )
    }

    private func observeHandset(_ record: FraudRecord, emit: (Alert) -> Void) {
        let call = record.call
        guard !call.imei.isEmpty else { return }
        let now = call.start
        handsets.update(
            call.imei,
            at: now,
            orInsert: Handset(imsis: RecentDistinct(capacity: limit), tally: Tally(window: UTCDay.seconds))
        ) { handset in
            handset.imsis.add(call.imsi, at: now)
            handset.tally.note(record)
            let imsis = handset.imsis.count(now: now, window: UTCDay.seconds)
            guard imsis >= limit else { return }
            emitIfDue(
                rule: rule,
                detector: DetectorKind.simBox.rawValue,
                subject: "imei:" + call.imei,
                value: Double(imsis),
                measures: [
                    Measure(name: "imsis_in_24h", value: Double(imsis), warn: Double(limit), critical: Double(limit))
                ],
                tally: &handset.tally,
                now: now,
                summary: { _ in "handset \(call.imei) carried \(imsis) SIMs in 24 h: SIMs rotated through a SIM box" },
                emit: emit,
                forced: .warning
            )
        }
    }
}

extension SIMBoxDetector.State {
    /// Counts `call` into the SIM's day (a new UTC day starts afresh); true when the SIM made the call.
    mutating func count(_ call: CallRecord, at now: Int64) -> Bool {
        if msisdn == nil && records > 0 {
            let (a, b) = candidates
            msisdn = call.calling == a || call.calling == b ? call.calling : call.dialled
        }
        records += 1
        let day = CallRecord.dayOf(now)
        if day != self.day {
            self.day = day
            out = 0
            incoming = 0
            cells.removeAll(keepingCapacity: true)
            dialled.removeAll(keepingCapacity: true)
        }
        if !call.cell.isEmpty && !cells.contains(call.cell) && cells.count < SIMBoxDetector.cellsKept {
            cells.append(call.cell)
        }
        guard msisdn.map({ $0 == call.calling }) ?? true else {
            incoming += 1
            return false
        }
        out += 1
        if dialled[call.dialled] != nil || dialled.count < SIMBoxDetector.dialledKept {
            dialled[call.dialled, default: 0] += 1
        }
        return true
    }
}
