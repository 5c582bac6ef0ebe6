import CDRModel
import Foundation

/// D03, IRSF pumping: many different callers reaching one international number range (the country code
/// and the next `rangeDigits` digits, default 5) with long answered calls — traffic pumped into a range
/// whose revenue is shared with the fraudster. Main measure: distinct callers among answered calls to the
/// range in the window; fires only while their average call lasts at least `minACD` seconds (default 300).
/// The callers must also reach `peakFactor` (default 3) times the range's usual busiest hour: a range that
/// ordinary traffic reaches from several callers an hour (a capital's area code) is judged against that,
/// a range nobody calls against the thresholds alone. Subject: `range:+<prefix>`.
///
/// Most ranges only ever see one caller (international numbers are spread thin), so a range starts with a
/// single inline call, its latest; the window's tally and caller set are kept only once a second caller
/// reaches the range, starting from that held call.
final class IRSFPumpDetector: KeyedDetector<Int64, IRSFPumpDetector.State>, Detector {
    /// Settings read from the rule once, not per record.
    private lazy var minACD = rule.param("minACD")
    private lazy var rangeDigits = Int(rule.param("rangeDigits"))
    private lazy var factor = rule.param("peakFactor")
    /// The usual busiest hour of ranges that have had two or more callers in a window, kept 14 days.
    private var peaks: KeyedState<Int64, RangePeak>

    /// A range's busiest window of distinct callers today and the usual one of earlier days (the highest
    /// daily peak, decaying 10 % a day); a window that alerted takes back what it added to today's peak.
    struct RangePeak: Sendable {
        var day: Int64
        var today: Float = 0
        var usual: Float = 0

        /// The usual peak as of `day`.
        mutating func roll(to day: Int64) -> Double {
            if day > self.day {
                usual = max(usual * pow(0.9, Float(day - self.day)), today)
                today = 0
                self.day = day
            }
            return Double(usual)
        }
    }

    override init(rule: FraudRule, filter: CallFilter, context: DetectorContext) {
        peaks = KeyedState(ttl: 14 * UTCDay.seconds, cap: context.keyCap)
        super.init(rule: rule, filter: filter, context: context)
    }

    override var liveKeys: Int { state.count + peaks.count }

    /// The latest call into a range that one caller alone has reached.
    struct Held: Sendable {
        var caller: Int64
        var id: Int64
        var start: Int64
        var seconds: Double
    }

    struct State: Sendable {
        var held: Held
        var detail: Detail?
    }

    struct Detail: Sendable {
        var tally: Tally
        var callers: RecentDistinct<Int64>
    }

    /// The records it looks at.
    var interest: RecordTraits { [.dialsAbroad] }

    func observe(_ record: FraudRecord, emit: (Alert) -> Void) {
        guard record.answered, record.dialsAbroad, !record.call.calling.isEmpty, filter.matches(record) else {
            return
        }
        guard let (key, range) = Self.range(of: record.call.dialled, digits: rangeDigits) else { return }
        let now = record.call.start
        let call = Held(caller: record.callingKey, id: record.id, start: now, seconds: Double(record.call.billable))
        state.update(key, at: now, orInsert: State(held: call)) { state in
            if state.detail == nil {
                let held = state.held
                state.held = call
                guard held.caller != call.caller, now - held.start < rule.window else { return }
                var detail = Detail(
                    tally: Tally(window: rule.window),
                    callers: RecentDistinct(capacity: Int(rule.critical))
                )
                Self.note(held, in: &detail)
                state.detail = detail
            }
            Self.note(call, in: &state.detail!)
            evaluate(&state.detail!, key: key, range: range, now: now, emit: emit)
        }
    }

    private static func note(_ call: Held, in detail: inout Detail) {
        detail.tally.counter.add(at: call.start, value: call.seconds)
        detail.tally.remember(id: call.id, at: call.start)
        detail.callers.add(call.caller, at: call.start)
    }

    private func evaluate(_ detail: inout Detail, key: Int64, range: String, now: Int64, emit: (Alert) -> Void) {
        let callers = Double(detail.callers.count(now: now, window: rule.window))
        let today = CallRecord.dayOf(now)
        let usual = peaks.update(key, at: now, orInsert: RangePeak(day: today)) { $0.roll(to: today) }
        var adjusted = rule
        adjusted.warn = max(rule.warn, factor * usual)
        adjusted.critical = max(rule.critical, 2 * adjusted.warn)
        let acd = detail.tally.counter.sum / Double(max(1, detail.tally.counter.count))
        let alerting = acd >= minACD && callers >= adjusted.warn
        let recent = detail.tally.lastEmitted.emitted(within: rule.window, of: now)
        peaks.update(key, at: now, orInsert: RangePeak(day: today)) { peak in
            peak.today = alerting || recent ? min(peak.today, peak.usual) : max(peak.today, Float(callers))
        }
        guard acd >= minACD else { return }
        emitIfDue(
            rule: adjusted,
            detector: DetectorKind.irsfPump.rawValue,
            subject: "range:" + range,
            value: callers,
            measures: [
                Measure(name: "distinct_callers", value: callers, warn: adjusted.warn, critical: adjusted.critical),
                Measure(name: "acd_seconds", value: acd, warn: minACD, critical: minACD),
                Measure(name: "usual_peak_callers", value: usual, warn: 0, critical: 0),
            ],
            tally: &detail.tally,
            now: now,
            summary: { _ in
                "\(Int(callers)) callers reached \(range) in \(rule.windowMinutes) min, average call \(Int(acd)) s: traffic pumped into one range"
            },
            emit: emit
        )
    }

    /// The range name (`+CC` and `digits` more digits) of an E.164 number and its state key, or nil when
    /// the number is too short or its country code unassigned.
    static func range(of number: String, digits extra: Int) -> (key: Int64, name: String)? {
        var number = number
        let name = number.withUTF8 { bytes -> String? in
            guard bytes.first == UInt8(ascii: "+") else { return nil }
            let digits = UnsafeBufferPointer(rebasing: bytes[1...])
            guard let code = CountryCodes.resolve(digits)?.code else { return nil }
            let length = CountryCodes.length(of: code) + extra
            guard digits.count > length else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes.prefix(length + 1)), as: UTF8.self)
        }
        return name.map { (SubjectKey.number($0), $0) }
    }
}
