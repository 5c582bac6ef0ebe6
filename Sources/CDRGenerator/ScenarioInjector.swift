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
    private var random: SplitMix64
    private let start: Int64
    private let span: Int64
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
        span = Int64(max(days, 1)) * 86_400
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
            .simbox, .bypass, .fas,
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

    private typealias Made = (call: GeneratedCall, role: String, subject: String)

    /// Days at the start kept free of scenarios so profiles can fill (7 when the traffic spans 14 days or
    /// more, else none).
    public var warmUpDays: Int64 { span / 86_400 >= 14 ? 7 : 0 }

    private mutating func scenario(_ type: ScenarioType, name: String, number: Int, subtle: Bool) -> [Made] {
        let day = warmUpDays + Int64(random.below(Int(span / 86_400 - warmUpDays)))
        let base = start + day * 86_400
        switch type {
        case .wangiri:
            let caller = "002348\(String(format: "%09d", 30_000_000 + number * 1_000 + random.below(999)))"
            let at = base + 2 * 3600 + Int64(random.below(4 * 3600))
            let targets = subtle ? 30 + random.below(16) : 60 + random.below(140)
            var made: [Made] = (0..<targets).map { n in
                let ring = Int64(1 + random.below(3))
                let begin = at + Int64(n) * Int64(3 + random.below(25))
                return (
                    make(caller, "07700\(String(format: "%06d", random.below(999_999)))", begin, ring, 0, .noAnswer),
                    "attack", e164(caller)
                )
            }
            for victim in made.map(\.call) where random.unit() < 0.045 {
                let delay = Int64(300 + random.below(48 * 3600))
                let talk = Int64(60 + random.below(180))
                made.append(
                    (
                        make(victim.destination, caller, victim.start + delay, 5, talk, .answered), "callback",
                        e164(caller)
                    )
                )
            }
            return made
        case .irsf:
            let account = "victim\(number)"
            let at = base + 19 * 3600 + Int64(random.below(3 * 3600))
            if subtle {
                let line = "2\(10 + number)"
                let dialled = "002529\(String(format: "%06d", random.below(50)))"
                let talk = Int64(60 + random.below(480))
                return [(make(line, dialled, at, 3, talk, .answered, account: account), "attack", e164(line))]
            }
            var made: [Made] = [
                (
                    make(
                        "2\(10 + number)",
                        "0088213\(String(format: "%06d", random.below(999_999)))",
                        at,
                        4,
                        Int64(10 + random.below(50)),
                        .answered,
                        account: account
                    ), "test", "+44\(number)"
                )
            ]
            let end = at + 600 + Int64(3600 + random.below(2 * 3600))
            for _ in 0..<(2 + random.below(4)) {
                var begin = at + 600 + Int64(random.below(300))
                while begin < end {
                    let talk = Int64(300 + random.below(1500))
                    made.append(
                        (
                            make(
                                "2\(10 + number)",
                                "002529\(String(format: "%06d", random.below(50)))",
                                begin,
                                3,
                                talk,
                                .answered,
                                account: account
                            ), "attack", ""
                        )
                    )
                    begin += 3 + talk + Int64(1 + random.below(10))
                }
            }
            let caller = e164(made[0].call.source)
            return made.map { ($0.call, $0.role, caller) }
        case .burst:
            let account = "acct\(number % 50)"
            let caller = "2\(10 + number)"
            let at = base + 18 * 3600 + Int64(random.below(4 * 3600))
            let channels = subtle ? 3 : 3 + random.below(4)
            var made: [Made] = []
            for _ in 0..<channels {
                var begin = at + Int64(random.below(300))
                for _ in 0..<(subtle ? 4 + random.below(2) : 3 + random.below(3)) {
                    let talk = Int64(subtle ? 120 + random.below(480) : 300 + random.below(1200))
                    let dialled = "00679\(String(format: "%07d", 9_000_000 + random.below(999_999)))"
                    made.append(
                        (
                            make(caller, dialled, begin, 3, talk, .answered, account: account),
                            "attack", "acct:" + account
                        )
                    )
                    begin += 3 + talk + Int64(1 + random.below(10))
                }
            }
            return made
        case .pump:
            let at = base + 10 * 3600 + Int64(random.below(8 * 3600))
            let range = "0023799\(String(format: "%02d", number % 100))0"
            let callers = subtle ? 5 + random.below(3) : 6 + random.below(10)
            return (0..<callers).flatMap { n -> [Made] in
                let caller = "07700\(String(format: "%06d", 800_000 + number * 20 + n))"
                let first = at + Int64(random.below(50 * 60))
                return (0..<(subtle ? 1 : 1 + random.below(3))).map { k in
                    let talk = Int64(400 + random.below(1600))
                    let dialled = range + String(format: "%03d", random.below(99))
                    return (
                        make(caller, dialled, first + Int64(k) * 2400, 4, talk, .answered), "attack",
                        "range:+23799\(String(format: "%02d", number % 100))0"
                    )
                }
            }
        case .fas:
            let route = "intl-gw3"
            let at = base + 9 * 3600 + Int64(random.below(6 * 3600))
            let hours = 2 + random.below(5)
            let fake = subtle ? 0.3 + random.unit() * 0.15 : 0.3 + random.unit() * 0.5
            let calls = hours * (60 + random.below(60))
            return (0..<calls).map { n in
                let begin = at + Int64(n) * Int64(hours * 3600 / calls)
                let invalid = !subtle && n == calls / 2 && number % 3 == 0
                let dialled =
                    invalid
                    ? "00910\(String(format: "%09d", random.below(999_999_999)))"
                    : "0091\(String(format: "%010d", 7_000_000_000 + random.below(999_999_999)))"
                let caller = randomMobile()
                let call: GeneratedCall
                if invalid || random.unit() < fake {
                    call = make(
                        caller,
                        dialled,
                        begin,
                        Int64(random.below(2)),
                        Int64(20 + random.below(40)),
                        .answered,
                        egress: route
                    )
                } else {
                    let ring = Int64(4 + random.below(20))
                    let talk = Int64(subtle ? 30 + random.below(270) : random.below(300))
                    let unanswered: Disposition = random.unit() < 0.5 ? .failed : .noAnswer
                    call = make(
                        caller,
                        dialled,
                        begin,
                        ring,
                        talk,
                        subtle ? .answered : unanswered,
                        egress: route
                    )
                }
                return (call, "attack", "route:SIP/\(route)/IN")
            }
        case .simbox:
            let sims = 8 + random.below(9)
            let sharedIMEI = number % 2 == 0
            let days = Int64(2 + random.below(3))
            let cells = [UInt16(0x7000 + number % 4096), UInt16(0x7000 + (number + 1) % 4096)]
            var made: [Made] = []
            for sim in 0..<sims {
                let msisdn = "07400\(String(format: "%06d", number * 20 + sim))"
                let imsi = "23410\(String(format: "%010d", 7_000_000 + number * 20 + sim))"
                let imei =
                    sharedIMEI
                    ? "3577\(String(format: "%011d", number * 10 + sim / 4))"
                    : "3588\(String(format: "%011d", number * 20 + sim))"
                for day in 0..<days {
                    let calls = subtle ? 50 + random.below(26) : 60 + random.below(90)
                    for n in 0..<calls {
                        let begin =
                            base + day * 86_400 + 8 * 3600 + Int64(n) * Int64(14 * 3600 / calls)
                            + Int64(random.below(60))
                        let answered = random.unit() < 0.6
                        var call = make(
                            msisdn,
                            randomMobile(),
                            begin,
                            5,
                            answered ? Int64(30 + random.below(270)) : 0,
                            answered ? .answered : .noAnswer
                        )
                        call.imsi = imsi
                        call.imei = imei
                        call.cellID = cells[sim % 2]
                        made.append((call, "attack", "imsi:" + imsi))
                    }
                }
            }
            return made
        case .bypass:
            let at = base + 8 * 3600 + Int64(random.below(8 * 3600))
            let hours = subtle ? 1 : 2 + random.below(4)
            let calls = subtle ? 10 + random.below(6) : hours * (30 + random.below(90))
            let seconds = subtle ? 50 * 60 : hours * 3600
            return (0..<calls).map { n in
                let begin = at + Int64(n) * Int64(seconds / calls)
                let answered = random.unit() < 0.6
                let call = make(
                    randomMobile(),
                    randomMobile(),
                    begin,
                    5,
                    answered ? Int64(30 + random.below(400)) : 0,
                    answered ? .answered : .noAnswer,
                    channel: "SIP/intl-in-\(number % 3)"
                )
                return (call, "attack", "trunk:SIP/intl-in-\(number % 3)")
            }
        case .pbx:
            let account = "pbx\(number)"
            let at = base + 86_400 - 3 * 3600 + Int64(random.below(2 * 3600))
            var made: [Made] = []
            for n in 0..<(subtle ? 0 : 10 + random.below(10)) {
                made.append(
                    (
                        make(
                            "3\(10 + number)",
                            "00\(["33", "49", "53", "234"][n % 4])\(String(format: "%09d", 100_000_000 + random.below(899_999_999)))",
                            at + Int64(n * 20),
                            2,
                            0,
                            .failed,
                            account: account
                        ), "attack", "acct:" + account
                    )
                )
            }
            for n in 0..<(subtle ? 5 + random.below(3) : 20 + random.below(30)) {
                made.append(
                    (
                        make(
                            "3\(10 + number)",
                            "0053\(String(format: "%08d", 10_000_000 + random.below(89_999_999)))",
                            at + 600 + Int64(n * (subtle ? 240 : 45)),
                            4,
                            Int64(60 + random.below(600)),
                            .answered,
                            account: account
                        ), "attack", "acct:" + account
                    )
                )
            }
            return made
        case .premium:
            let caller = "07700\(String(format: "%06d", 900_000 + number))"
            return series(
                caller,
                calls: subtle ? 10...15 : 20...39,
                at: base + 8 * 3600,
                spacing: subtle ? 3600 : 1800,
                ring: 5,
                dial: .premium,
                talk: subtle ? 60...239 : 600...2399
            )
        case .robocall:
            let caller = "01632\(String(format: "%06d", 960_000 + number))"
            return series(
                caller,
                calls: subtle ? 100...150 : 150...349,
                at: base + 10 * 3600,
                spacing: subtle ? 20 : 15,
                ring: 6,
                dial: .mobile,
                talk: 5...24,
                answered: 0.2
            )
        case .concurrency:
            let caller = "07700\(String(format: "%06d", 950_000 + number))"
            return series(
                caller,
                calls: subtle ? 4...6 : 8...19,
                at: base + 14 * 3600,
                spacing: 30,
                ring: 3,
                dial: .london,
                talk: 1800...3599
            )
        case .usage:
            let line = "07700\(String(format: "%06d", 990_000 + number))"
            let burst = subtle ? 1 : Int64(1 + random.below(3))
            return history(line, until: base, subject: e164(line))
                + busyDays(
                    line,
                    days: base..<(base + burst * 86_400),
                    calls: subtle ? 6...8 : 12...31,
                    hour: 7,
                    spacing: 1800,
                    talk: subtle ? 1200...1259 : 700...1900,
                    mobile: true,
                    role: "attack"
                )
        case .subscription:
            let line = "07700\(String(format: "%06d", 910_000 + number))"
            var made: [Made] = []
            let abroadCalls = subtle ? 6 + random.below(3) : 0
            for day in 0..<Int64(subtle ? 1 : 2 + random.below(3)) {
                for n in 0..<(subtle ? 12 : 20 + random.below(30)) {
                    let abroad = subtle ? n < abroadCalls : random.unit() < 0.8
                    let dialled =
                        abroad
                        ? "00\(["234", "53", "880", "63"][random.below(4)])\(String(format: "%09d", 100_000_000 + random.below(899_999_999)))"
                        : "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))"
                    let begin = base + day * 86_400 + 9 * 3600 + Int64(n) * 900
                    let talk = Int64(subtle ? 600 + random.below(60) : 300 + random.below(900))
                    made.append((make(line, dialled, begin, 5, talk, .answered), "attack", e164(line)))
                }
            }
            return made
        case .diversion:
            let diverter = "07700\(String(format: "%06d", 970_000 + number))"
            let at = base + 12 * 3600
            return (0..<(subtle ? 3 + random.below(2) : 5 + random.below(20))).map { n in
                let caller = "07700\(String(format: "%06d", random.below(999_999)))"
                let target =
                    subtle
                    ? "00336\(String(format: "%08d", random.below(99_999_999)))"
                    : "002529\(String(format: "%06d", random.below(50)))"
                var call = make(
                    caller,
                    target,
                    at + Int64(n) * (subtle ? 900 : 600),
                    3,
                    Int64(600 + random.below(1200)),
                    .answered
                )
                call.diverting = diverter
                return (call, "attack", e164(diverter))
            }
        }
    }

    /// Where a series of calls goes.
    private enum Dial {
        case mobile, london, premium
    }

    /// `calls` calls from `line` from `at`, `spacing` seconds apart, each ringing `ring` seconds; the
    /// `answered` share of them is answered and lasts `talk` seconds, the rest go unanswered.
    private mutating func series(
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
    private mutating func busyDays(
        _ line: String,
        days: Range<Int64>,
        calls: ClosedRange<Int>,
        hour: Int64,
        spacing: Int64,
        talk: ClosedRange<Int>,
        mobile: Bool,
        role: String
    ) -> [Made] {
        stride(from: days.lowerBound, to: days.upperBound, by: 86_400).flatMap { day in
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
    private mutating func history(_ number: String, until: Int64, subject: String) -> [Made] {
        var made: [Made] = []
        var day = start
        while day + 86_400 <= until {
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
            day += 86_400
        }
        return made
    }

    /// A legitimate pattern that resembles a fraud type.
    private mutating func lookalike(_ type: ScenarioType, number: Int) -> [Made] {
        let day = Int64(random.below(Int(span / 86_400)))
        let base = start + day * 86_400
        switch type {
        case .robocall:
            let dialer = "0161\(String(format: "%07d", 4_960_000 + number))"
            var made: [Made] = []
            for workday in 0..<(span / 86_400) {
                for n in 0..<(120 + random.below(80)) {
                    let answered = random.unit() < 0.5
                    let begin = start + workday * 86_400 + 9 * 3600 + Int64(n) * 25
                    made.append(
                        (
                            make(
                                dialer,
                                "07700\(String(format: "%06d", random.below(999_999)))",
                                begin,
                                8,
                                answered ? Int64(90 + random.below(90)) : 0,
                                answered ? .answered : .noAnswer
                            ), "confounder", e164(dialer)
                        )
                    )
                }
            }
            return made
        case .wangiri:
            let family = "0033\(String(format: "%09d", 600_000_000 + number * 7_919 % 99_999_999))"
            let relatives = (0..<3).map { _ in "07700\(String(format: "%06d", random.below(999_999)))" }
            var made: [Made] = []
            for n in 0..<(4 + random.below(6)) {
                let answered = random.unit() < 0.6
                let begin = base + 18 * 3600 + Int64(n) * 1200
                let talk = answered ? Int64(300 + random.below(1200)) : 0
                made.append(
                    (
                        make(
                            family,
                            relatives[n % 3],
                            begin,
                            Int64(answered ? 8 : 3),
                            talk,
                            answered ? .answered : .noAnswer
                        ), "confounder", e164(family)
                    )
                )
                if !answered {
                    made.append(
                        (
                            make(relatives[n % 3], family, begin + 600, 6, Int64(120 + random.below(600)), .answered),
                            "confounder", e164(family)
                        )
                    )
                }
            }
            return made
        case .concurrency:
            let trunk = "0207\(String(format: "%07d", 9_460_000 + number))"
            return busyDays(
                trunk,
                days: start..<(start + span),
                calls: 60...99,
                hour: 9,
                spacing: 240,
                talk: 600...1799,
                mobile: false,
                role: "confounder"
            )
        case .premium:
            let line = "0909\(String(format: "%07d", 8_800_000 + number))"
            return (0..<(50 + random.below(50))).map { n in
                (
                    make(
                        randomMobile(),
                        line,
                        base + 20 * 3600 + Int64(n) * 20,
                        2,
                        60,
                        .answered
                    ), "confounder", e164(line)
                )
            }
        case .diversion:
            let expat = "07700\(String(format: "%06d", 980_000 + number))"
            return (0..<(1 + random.below(3))).map { n in
                var call = make(
                    "07700\(String(format: "%06d", random.below(999_999)))",
                    "0034\(String(format: "%09d", 612_000_000 + number))",
                    base + 11 * 3600 + Int64(n) * 7200,
                    5,
                    Int64(120 + random.below(600)),
                    .answered
                )
                call.diverting = expat
                return (call, "confounder", e164(expat))
            }
        case .usage:
            let line = "07700\(String(format: "%06d", 930_000 + number))"
            var made = history(line, until: base, subject: e164(line)).map { ($0.call, "confounder", $0.subject) }
            for n in 0..<(8 + random.below(6)) {
                let begin = base + 8 * 3600 + Int64(n) * 3600
                made.append(
                    (
                        make(
                            line,
                            "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))",
                            begin,
                            5,
                            Int64(120 + random.below(300)),
                            .answered
                        ), "confounder", e164(line)
                    )
                )
            }
            return made
        case .subscription:
            let line = "07700\(String(format: "%06d", 920_000 + number))"
            var made: [Made] = []
            for day in 0..<Int64(4) {
                for n in 0..<(10 + Int(day) * 12 + random.below(8)) {
                    let dialled = "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))"
                    let begin = base + day * 86_400 + 8 * 3600 + Int64(n) * 1200
                    made.append(
                        (
                            make(line, dialled, begin, 5, Int64(60 + random.below(400)), .answered), "confounder",
                            e164(line)
                        )
                    )
                }
            }
            return made
        case .burst:
            let account = "acct\(number % 50)"
            let dialled = "00685\(String(format: "%07d", 7_000_000 + number))"
            return (0..<(1 + random.below(3))).map { n in
                let call = make(
                    "2\(10 + number)",
                    dialled,
                    base + 19 * 3600 + Int64(n) * 1800,
                    6,
                    Int64(300 + random.below(1200)),
                    .answered,
                    account: account
                )
                return (call, "confounder", "acct:" + account)
            }
        case .pump:
            let hotline = "0033140\(String(format: "%06d", 100_000 + number))"
            return (0..<(10 + random.below(20))).map { n in
                let caller = randomMobile()
                let call = make(
                    caller,
                    hotline,
                    base + 9 * 3600 + Int64(n) * 150,
                    10,
                    Int64(60 + random.below(200)),
                    .answered
                )
                return (call, "confounder", "range:+331401")
            }
        case .fas:
            let ivr = "0033170\(String(format: "%06d", 200_000 + number))"
            return (0..<(60 + random.below(60))).map { n in
                let caller = randomMobile()
                let call = make(
                    caller,
                    ivr,
                    base + 10 * 3600 + Int64(n) * 45,
                    0,
                    Int64(60 + random.below(240)),
                    .answered
                )
                return (call, "confounder", "route:SIP/\(TrafficGenerator.route(ivr))/FR")
            }
        case .simbox:
            let msisdn = "07401\(String(format: "%06d", number))"
            let imsi = "23410\(String(format: "%010d", 8_000_000 + number))"
            let drivers = (0..<20).map { _ in randomMobile() }
            var made: [Made] = []
            for day in 0..<Int64(3) {
                for n in 0..<(70 + random.below(50)) {
                    var call = make(
                        msisdn,
                        drivers[random.below(drivers.count)],
                        base + day * 86_400 + 7 * 3600 + Int64(n) * 400,
                        4,
                        Int64(20 + random.below(60)),
                        .answered
                    )
                    call.imsi = imsi
                    call.imei = "3599\(String(format: "%011d", number))"
                    call.cellID = UInt16(0x6000 + random.below(200))
                    made.append((call, "confounder", "imsi:" + imsi))
                }
            }
            return made
        case .bypass:
            let roamer = randomMobile()
            return (0..<(1 + random.below(4))).map { n in
                let call = make(
                    roamer,
                    "020\(String(format: "%08d", 30_000_000 + random.below(9_999_999)))",
                    base + 12 * 3600 + Int64(n) * 3600,
                    5,
                    Int64(60 + random.below(600)),
                    .answered,
                    channel: "SIP/intl-in-\(number % 3)"
                )
                return (call, "confounder", "trunk:SIP/intl-in-\(number % 3)")
            }
        default:
            return []
        }
    }

    private mutating func make(
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
    private mutating func randomMobile() -> String {
        "07\(String(format: "%09d", 700_000_000 + random.below(299_999_999)))"
    }

    /// The E.164 form of a UK-written number (`07…` → `+447…`, `00…` → `+…`).
    private func e164(_ written: String) -> String {
        if written.hasPrefix("00") { return "+" + written.dropFirst(2) }
        if written.hasPrefix("0") { return "+44" + written.dropFirst() }
        return written
    }
}
