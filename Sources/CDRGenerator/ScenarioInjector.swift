import CDRModel
import Foundation

/// A fraud scenario type the generator can inject into background traffic.
public enum ScenarioType: String, Sendable, CaseIterable {
    case irsf, burst, pump, wangiri, pbx, simbox, bypass, fas, premium, robocall, concurrency, diversion, usage
    case subscription

    /// The detector expected to raise it.
    public var detector: String {
        switch self {
        case .irsf: "irsf-hotlist"
        case .burst: "irsf-burst"
        case .pump: "irsf-pump"
        case .simbox: "simbox"
        case .bypass: "simbox-trunk"
        case .fas: "fas"
        case .wangiri: "wangiri"
        case .pbx: "pbx-hack"
        case .premium: "premium"
        case .robocall: "robocall"
        case .concurrency: "concurrency"
        case .diversion: "diversion"
        case .usage: "high-usage"
        case .subscription: "subscription"
        }
    }
}

/// One row of the ground-truth file: which injected record belongs to which scenario.
public struct ScenarioLabel: Sendable, Equatable {
    /// The record's id as the store keeps it (`source_id`): the `uniqueid`, or a BER call reference.
    public var uniqueID: String
    /// The scenario (`wangiri-1`).
    public var scenario: String
    /// The scenario type.
    public var type: ScenarioType
    /// `attack`, `test`, `callback` or `confounder`.
    public var role: String
    /// What an alert on it names: an E.164 number or `acct:<code>`.
    public var subject: String

    /// The CSV line.
    public var csv: String { "\(uniqueID),\(scenario),\(type.rawValue),\(role),\(subject)" }
    /// The CSV header.
    public static let header = "uniqueid,scenario_id,type,role,subject"
}

/// Injects labelled fraud scenarios, and legitimate look-alikes (confounders), into generated traffic.
/// It draws from its own random stream, so the background is the same with and without injection.
public struct ScenarioInjector: Sendable {
    /// Scenarios of each type to inject, e.g. parsed from `wangiri:2,irsf:1`.
    public var counts: [(type: ScenarioType, count: Int)]
    /// Legitimate look-alikes injected per injected type that has one, labelled `confounder`: call-centre
    /// dialers (robocall) and busy PBX trunks (simultaneous calls), both busy every day of the traffic;
    /// families calling from abroad (Wangiri), TV votes (premium), expats diverting abroad (diversion),
    /// 2–3× usage growth, new lines ramping up, an account's occasional call to a new country (IRSF burst),
    /// a foreign hotline (pumping), an IVR answering at once (false answer), taxi-dispatch SIMs (SIM box)
    /// and roamers calling home (trunk bypass).
    public var confounders = 0
    /// Subtle scenarios injected per injected type besides the standard ones, named `<type>-subtle-<n>`:
    /// the same pattern at 1 to 1.5 times the default rule's warning threshold (Wangiri ringing 30–45
    /// subscribers, robocalls at 100–150 attempts an hour, 4–6 simultaneous calls, one call to a high-risk
    /// range, …), which detection may or may not reach; benchmarks report their recall apart.
    public var subtle = 0
    var random: SplitMix64
    let start: Int64
    let span: Int64
    private var sequence = 0
    private let tag: UInt64

    /// Parses `type:count[,type:count…]` (`all:N` for every type).
    public static func parse(_ spec: String) -> [(type: ScenarioType, count: Int)]? {
        var result: [(type: ScenarioType, count: Int)] = []
        for part in spec.split(separator: ",") {
            let pieces = part.split(separator: ":")
            guard pieces.count <= 2, let count = pieces.count == 2 ? Int(pieces[1]) : 1, count > 0 else { return nil }
            if pieces[0] == "all" {
                result += ScenarioType.allCases.map { ($0, count) }
            } else if let type = ScenarioType(rawValue: String(pieces[0])) {
                result.append((type, count))
            } else {
                return nil
            }
        }
        return result.isEmpty ? nil : result
    }

    /// Creates an injector for traffic starting at `start` over `days` days.
    public init(counts: [(type: ScenarioType, count: Int)], seed: UInt64, start: Int64, days: Int) {
        self.counts = counts
        random = SplitMix64(seed: seed ^ 0x5CE7_A210_F00D_BEEF)
        tag = seed
        self.start = start
        span = Int64(max(days, 1)) * UTCDay.seconds
    }

    /// Every injected call, sorted by start, with its labels.
    public mutating func calls() -> (calls: [GeneratedCall], labels: [ScenarioLabel]) {
        var calls: [GeneratedCall] = []
        var labels: [ScenarioLabel] = []
        for (type, count) in counts {
            let tiers =
                (1...count).map { (name: "\(type.rawValue)-\($0)", number: $0, subtle: false) }
                + (0..<subtle).map { (name: "\(type.rawValue)-subtle-\($0 + 1)", number: count + $0 + 1, subtle: true) }
            for (name, index, isSubtle) in tiers {
                let made = scenario(type, name: name, number: Int(tag % 97) * 100 + index, subtle: isSubtle)
                calls += made.map(\.call)
                labels += made.map {
                    ScenarioLabel(
                        uniqueID: $0.call.uniqueID,
                        scenario: name,
                        type: type,
                        role: $0.role,
                        subject: $0.subject
                    )
                }
            }
        }
        for type in [
            ScenarioType.robocall, .wangiri, .concurrency, .premium, .diversion, .usage, .subscription, .burst, .pump,
            .simbox, .bypass, .fas, .pbx,
        ]
        where confounders > 0 && counts.contains(where: { $0.type == type }) {
            for index in 1...confounders {
                let name = "\(type.rawValue)-lookalike-\(index)"
                let made = lookalike(type, number: Int(tag % 97) * 100 + index)
                calls += made.map(\.call)
                labels += made.map {
                    ScenarioLabel(
                        uniqueID: $0.call.uniqueID,
                        scenario: name,
                        type: type,
                        role: "confounder",
                        subject: $0.subject
                    )
                }
            }
        }
        let order = calls.indices.sorted { (calls[$0].start, $0) < (calls[$1].start, $1) }
        return (order.map { calls[$0] }, order.map { labels[$0] })
    }

    typealias Made = (call: GeneratedCall, role: String, subject: String)

    /// Days at the start kept free of scenarios so profiles can fill (7 when the traffic spans 14 days or
    /// more, else none).
    public var warmUpDays: Int64 { span / UTCDay.seconds >= 14 ? 7 : 0 }

    private mutating func scenario(_ type: ScenarioType, name: String, number: Int, subtle: Bool) -> [Made] {
        let day = warmUpDays + Int64(random.below(Int(span / UTCDay.seconds - warmUpDays)))
        let base = start + day * UTCDay.seconds
        switch type {
        case .wangiri: return wangiriAttack(number: number, base: base, subtle: subtle)
        case .irsf: return irsfAttack(number: number, base: base, subtle: subtle)
        case .burst: return burstAttack(number: number, base: base, subtle: subtle)
        case .pump: return pumpAttack(number: number, base: base, subtle: subtle)
        case .fas: return fasAttack(number: number, base: base, subtle: subtle)
        case .simbox: return simboxAttack(number: number, base: base, subtle: subtle)
        case .bypass: return bypassAttack(number: number, base: base, subtle: subtle)
        case .pbx: return pbxAttack(number: number, base: base, subtle: subtle)
        case .premium: return premiumAttack(number: number, base: base, subtle: subtle)
        case .robocall: return robocallAttack(number: number, base: base, subtle: subtle)
        case .concurrency: return concurrencyAttack(number: number, base: base, subtle: subtle)
        case .usage: return usageAttack(number: number, base: base, subtle: subtle)
        case .subscription: return subscriptionAttack(number: number, base: base, subtle: subtle)
        case .diversion: return diversionAttack(number: number, base: base, subtle: subtle)
        }
    }

    /// Where a series of calls goes.
    enum Dial {
        case mobile, london, premium
    }

    /// `calls` calls from `line` from `at`, `spacing` seconds apart, each ringing `ring` seconds; the
    /// `answered` share of them is answered and lasts `talk` seconds, the rest go unanswered.
    mutating func series(
        _ line: String,
        calls: ClosedRange<Int>,
        at: Int64,
        spacing: Int64,
        ring: Int64,
        dial: Dial,
        talk: ClosedRange<Int>,
        answered: Double = 1,
        role: String = "attack"
    ) -> [Made] {
        (0..<(calls.lowerBound + random.below(calls.count))).map { n in
            let dialled =
                switch dial {
                case .mobile: randomMobile()
                case .london: "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))"
                case .premium: "0906\(String(format: "%07d", random.below(9_999_999)))"
                }
            let isAnswered = answered >= 1 || random.unit() < answered
            let duration = isAnswered ? Int64(talk.lowerBound + random.below(talk.count)) : 0
            let call = make(line, dialled, at + Int64(n) * spacing, ring, duration, isAnswered ? .answered : .noAnswer)
            return (call, role, e164(line))
        }
    }

    /// `series` of answered calls on every day in `days`, from `hour` o'clock.
    mutating func busyDays(
        _ line: String,
        days: Range<Int64>,
        calls: ClosedRange<Int>,
        hour: Int64,
        spacing: Int64,
        talk: ClosedRange<Int>,
        mobile: Bool,
        role: String
    ) -> [Made] {
        stride(from: days.lowerBound, to: days.upperBound, by: Int(UTCDay.seconds)).flatMap { day in
            series(
                line,
                calls: calls,
                at: day + hour * 3600,
                spacing: spacing,
                ring: 4,
                dial: mobile ? .mobile : .london,
                talk: talk,
                role: role
            )
        }
    }

    /// A subscriber's ordinary history from the first day up to `until`: a few short calls a day.
    mutating func history(_ number: String, until: Int64, subject: String) -> [Made] {
        var made: [Made] = []
        var day = start
        while day + UTCDay.seconds <= until {
            for n in 0..<(2 + random.below(4)) {
                let begin = day + 8 * 3600 + Int64(n) * 3 * 3600 + Int64(random.below(3600))
                made.append(
                    (
                        make(
                            number,
                            "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))",
                            begin,
                            5,
                            Int64(60 + random.below(300)),
                            .answered
                        ), "history", subject
                    )
                )
            }
            day += UTCDay.seconds
        }
        return made
    }

    /// A legitimate pattern that resembles a fraud type.
    private mutating func lookalike(_ type: ScenarioType, number: Int) -> [Made] {
        let day = Int64(random.below(Int(span / UTCDay.seconds)))
        let base = start + day * UTCDay.seconds
        switch type {
        case .robocall: return robocallLookalike(number: number, base: base)
        case .wangiri: return wangiriLookalike(number: number, base: base)
        case .concurrency: return concurrencyLookalike(number: number, base: base)
        case .premium: return premiumLookalike(number: number, base: base)
        case .diversion: return diversionLookalike(number: number, base: base)
        case .usage: return usageLookalike(number: number, base: base)
        case .subscription: return subscriptionLookalike(number: number, base: base)
        case .burst: return burstLookalike(number: number, base: base)
        case .pump: return pumpLookalike(number: number, base: base)
        case .fas: return fasLookalike(number: number, base: base)
        case .simbox: return simboxLookalike(number: number, base: base)
        case .bypass: return bypassLookalike(number: number, base: base)
        case .pbx: return pbxLookalike(number: number, base: base)
        default: return []
        }
    }

    mutating func make(
        _ source: String,
        _ destination: String,
        _ begin: Int64,
        _ ring: Int64,
        _ talk: Int64,
        _ disposition: Disposition,
        account: String = "",
        egress: String? = nil,
        channel: String? = nil
    ) -> GeneratedCall {
        sequence += 1
        let answer = disposition == .answered ? begin + ring : nil
        return GeneratedCall(
            source: source,
            destination: destination,
            diverting: nil,
            start: begin,
            answer: answer,
            end: begin + ring + (disposition == .answered ? talk : 0),
            disposition: disposition,
            channel: "\(channel ?? "SIP/inject")-\(String(sequence, radix: 16))",
            destinationChannel: "SIP/\(egress ?? TrafficGenerator.route(destination))-\(String(sequence, radix: 16))",
            account: account,
            uniqueID: "inject-\(tag).\(sequence)"
        )
    }

    /// A random UK mobile number, written nationally.
    mutating func randomMobile() -> String {
        "07\(String(format: "%09d", 700_000_000 + random.below(299_999_999)))"
    }

    /// The E.164 form of a UK-written number (`07…` → `+447…`, `00…` → `+…`).
    func e164(_ written: String) -> String {
        if written.hasPrefix("00") { return "+" + written.dropFirst(2) }
        if written.hasPrefix("0") { return "+44" + written.dropFirst() }
        return written
    }
}
