/// Every detector cdrpipe has, declared once: its name in rules and alerts, the parameters a rule may set,
/// what it fires on and whom its alerts name (docs/fraud.md's detector table is generated from these and a test
/// compares them), and how to build it.
public enum DetectorKind: String, CaseIterable, Sendable {
    /// International revenue share fraud: calls to test numbers and high-risk ranges.
    case irsfHotlist = "irsf-hotlist"
    /// IRSF: a burst of calls to risky ranges or countries new for the account.
    case irsfBurst = "irsf-burst"
    /// IRSF traffic pumping: many callers with long calls into one range.
    case irsfPump = "irsf-pump"
    /// Wangiri: one international number ringing many subscribers briefly.
    case wangiri
    /// Wangiri: subscribers calling back a number that rang them briefly.
    case wangiriCallback = "wangiri-callback"
    /// PBX hacking: international or premium calls out of hours, and probes.
    case pbxHack = "pbx-hack"
    /// SIM box: a SIM behaving like a gateway.
    case simBox = "simbox"
    /// SIM box on a trunk: home numbers arriving on international ingress.
    case simBoxTrunk = "simbox-trunk"
    /// False answer supervision on a route.
    case falseAnswer = "fas"
    /// Calls to domestic premium-rate ranges.
    case premium
    /// Nuisance and robocall bursts: many mostly unanswered attempts to different numbers.
    case robocall
    /// Simultaneous calls of one number above its usual peak.
    case concurrency
    /// Diversion abuse: diverted legs abroad or to risky ranges.
    case diversion
    /// Usage far above the number's own profile.
    case highUsage = "high-usage"
    /// Subscription fraud: a new number running up international or premium minutes.
    case subscription

    /// One setting a rule may give in `params`: its default (what the detector uses when the rule is
    /// silent), the values allowed and what it means.
    public struct Setting: Sendable {
        /// The name in `params`.
        public let name: String
        /// The value used when a rule does not set it.
        public let defaultValue: Double
        /// The values a rule may set.
        public let range: ClosedRange<Double>
        /// What it means, in one line.
        public let meaning: String
    }

    /// The settings a rule of this detector may give.
    public var settings: [Setting] {
        switch self {
        case .irsfHotlist:
            [
                Setting(
                    name: "criticalMinutes",
                    defaultValue: 10,
                    range: 0.1...100_000,
                    meaning: "answered minutes to high-risk ranges that make the alert critical"
                )
            ]
        case .irsfBurst:
            [
                Setting(
                    name: "criticalMinutes",
                    defaultValue: 60,
                    range: 0.1...100_000,
                    meaning: "answered minutes in the window that make the alert critical"
                ),
                Setting(
                    name: "peakFactor",
                    defaultValue: 3,
                    range: 1...100,
                    meaning: "times the account's usual busiest hour of such calls"
                ),
                Setting(
                    name: "warmUpDays",
                    defaultValue: 7,
                    range: 0...365,
                    meaning: "days of history before an account is judged"
                ),
                Setting(
                    name: "minCalls",
                    defaultValue: 3,
                    range: 1...1000,
                    meaning: "calls in the window before answered minutes alone make it critical"
                ),
                Setting(
                    name: "newCountryDays",
                    defaultValue: 90,
                    range: 1...3650,
                    meaning: "days without a call that make a country new for the account"
                ),
            ]
        case .irsfPump:
            [
                Setting(
                    name: "rangeDigits",
                    defaultValue: 5,
                    range: 1...12,
                    meaning: "digits after the country code that make one range"
                ),
                Setting(
                    name: "minACD",
                    defaultValue: 300,
                    range: 1...86_400,
                    meaning: "average answered seconds per call into the range"
                ),
                Setting(
                    name: "peakFactor",
                    defaultValue: 3,
                    range: 1...1_000,
                    meaning: "times the range's usual busiest hour of callers that counts"
                ),
            ]
        case .wangiri:
            [
                Setting(
                    name: "maxRingSeconds",
                    defaultValue: 6,
                    range: 1...120,
                    meaning: "longest ring counted as a Wangiri ring"
                ),
                Setting(
                    name: "maxAnsweredShare",
                    defaultValue: 0.1,
                    range: 0...1,
                    meaning: "largest share of answered calls"
                ),
            ]
        case .wangiriCallback:
            [
                Setting(
                    name: "maxRingSeconds",
                    defaultValue: 6,
                    range: 1...120,
                    meaning: "longest ring counted as a Wangiri ring"
                ),
                Setting(
                    name: "minTargets",
                    defaultValue: 5,
                    range: 1...100_000,
                    meaning: "subscribers rung briefly before a callback counts"
                ),
            ]
        case .pbxHack:
            [
                Setting(
                    name: "probeDistinct",
                    defaultValue: 10,
                    range: 1...100_000,
                    meaning: "failed probes to distinct destinations that warn"
                ),
                Setting(
                    name: "probeMinutes",
                    defaultValue: 10,
                    range: 1...1440,
                    meaning: "window of the probes, in minutes"
                ),
                Setting(
                    name: "peakFactor",
                    defaultValue: 3,
                    range: 1...100,
                    meaning: "times the subject's usual busiest window of such calls"
                ),
            ]
        case .simBox:
            [
                Setting(
                    name: "warmUpDays",
                    defaultValue: 7,
                    range: 0...365,
                    meaning: "days of history before a SIM can be new"
                ),
                Setting(
                    name: "newDays",
                    defaultValue: 10,
                    range: 1...365,
                    meaning: "days since first seen that make a SIM new"
                ),
                Setting(name: "outInRatio", defaultValue: 10, range: 1...1000, meaning: "calls out per call in"),
                Setting(
                    name: "maxCells",
                    defaultValue: 2,
                    range: 1...1000,
                    meaning: "most cells a SIM box uses in a day"
                ),
                Setting(
                    name: "maxTopShare",
                    defaultValue: 0.1,
                    range: 0...1,
                    meaning: "largest share of calls to the five most-called numbers"
                ),
                Setting(
                    name: "imsiPerIMEI",
                    defaultValue: 3,
                    range: 2...100,
                    meaning: "SIMs in one handset within 24 h"
                ),
            ]
        case .simBoxTrunk: []
        case .falseAnswer:
            [
                Setting(
                    name: "minAttempts",
                    defaultValue: 50,
                    range: 1...1_000_000,
                    meaning: "attempts on a route before it is judged"
                ),
                Setting(
                    name: "maxAnswerSeconds",
                    defaultValue: 1,
                    range: 0...60,
                    meaning: "seconds to answer counted as instant"
                ),
                Setting(
                    name: "minDistinct",
                    defaultValue: 10,
                    range: 1...1_000_000,
                    meaning: "numbers answered instantly before the route is judged"
                ),
            ]
        case .premium:
            [
                Setting(
                    name: "warnMinutes",
                    defaultValue: 60,
                    range: 1...100_000,
                    meaning: "answered minutes to premium ranges that warn"
                )
            ]
        case .robocall:
            [
                Setting(
                    name: "minDistinctRatio",
                    defaultValue: 0.9,
                    range: 0...1,
                    meaning: "share of attempts to different numbers"
                ),
                Setting(
                    name: "maxASR",
                    defaultValue: 0.3,
                    range: 0...1,
                    meaning: "highest answer-seizure ratio, judged by its upper confidence bound"
                ),
                Setting(
                    name: "asrBoundZ",
                    defaultValue: 2.326,
                    range: 0...4,
                    meaning:
                        "standard errors in the ASR's upper Wilson bound (2.326: 99 % one-sided; 0: point estimate)"
                ),
                Setting(name: "maxACD", defaultValue: 30, range: 1...3600, meaning: "highest average answered seconds"),
                Setting(
                    name: "blockDigits",
                    defaultValue: 2,
                    range: 0...6,
                    meaning: "last digits a number block hides (0: no block keying)"
                ),
                Setting(
                    name: "minBlockCallers",
                    defaultValue: 3,
                    range: 2...1000,
                    meaning: "numbers of one block taking part before the block is judged"
                ),
            ]
        case .concurrency:
            [
                Setting(
                    name: "maxCallHours",
                    defaultValue: 4,
                    range: 0.1...48,
                    meaning: "longest call the state remembers, in hours"
                ),
                Setting(
                    name: "peakFactor",
                    defaultValue: 3,
                    range: 1...100,
                    meaning: "times the number's usual daily peak before it warns (twice that is critical)"
                ),
                Setting(
                    name: "lineWarn",
                    defaultValue: 8,
                    range: 1...10_000,
                    meaning:
                        "the floor for a fixed line, trunk or PBX with no usual peak yet (not a mobile, or with an account code)"
                ),
            ]
        case .diversion: []
        case .highUsage:
            [
                Setting(
                    name: "warnFloorMinutes",
                    defaultValue: 120,
                    range: 1...100_000,
                    meaning: "fewest minutes in a day that can warn"
                ),
                Setting(
                    name: "minHistoryDays",
                    defaultValue: 7,
                    range: 1...28,
                    meaning: "days of history before a number is judged"
                ),
                Setting(
                    name: "minActiveDays",
                    defaultValue: 5,
                    range: 1...28,
                    meaning: "days with answered calls before a number's profile is mature"
                ),
                Setting(
                    name: "busyDayQuantile",
                    defaultValue: 0.95,
                    range: 0.5...1,
                    meaning: "quantile of the stored profile's days that makes a busy day"
                ),
                Setting(
                    name: "busyDayFactor",
                    defaultValue: 1.5,
                    range: 0...100,
                    meaning: "times a busy day's minutes that warn (0: off)"
                ),
                Setting(name: "minCalls", defaultValue: 3, range: 1...100_000, meaning: "fewest calls in the day"),
                Setting(
                    name: "callCapMinutes",
                    defaultValue: 60,
                    range: 1...1440,
                    meaning: "most minutes one call counts toward the day"
                ),
                Setting(
                    name: "priorQuantile",
                    defaultValue: 0,
                    range: 0...1,
                    meaning:
                        "quantile of mature numbers' usual minutes, in the same class, a younger number is judged by (0: off, the default)"
                ),
            ]
        case .subscription:
            [
                Setting(
                    name: "warmUpDays",
                    defaultValue: 7,
                    range: 0...365,
                    meaning: "days of history before a number can be new"
                ),
                Setting(
                    name: "newHours",
                    defaultValue: 72,
                    range: 1...720,
                    meaning: "hours since first seen that make a number new"
                ),
                Setting(
                    name: "minCalls",
                    defaultValue: 20,
                    range: 1...100_000,
                    meaning: "calls that judge a new number by its international share"
                ),
                Setting(
                    name: "minCostlyCalls",
                    defaultValue: 3,
                    range: 1...100_000,
                    meaning: "fewest international/premium calls behind a minutes alert"
                ),
                Setting(
                    name: "internationalShare",
                    defaultValue: 0.5,
                    range: 0...1,
                    meaning: "share of calls abroad that counts"
                ),
            ]
        }
    }

    /// The names of its settings.
    public var parameters: Set<String> { Set(settings.map(\.name)) }

    /// The setting called `name`, if it has one.
    public func setting(_ name: String) -> Setting? { settings.first { $0.name == name } }

    /// What it fires on (the detector table's second column).
    public var firesOn: String {
        switch self {
        case .irsfHotlist:
            "calls to IPRN test numbers or high-risk ranges from the risk-range list"
        case .irsfBurst:
            "an account calling risk-listed ranges (`test`, `hrn`, `satellite`, `risk`) or countries it has not called in 90 days (known after a 7-day warm-up), and at least 3 × its usual busiest hour of such calls"
        case .irsfPump:
            "many callers reaching one international range (country code + 5 digits) with answered calls averaging ≥ 300 s, at least 3 × the range's usual busiest hour"
        case .wangiri:
            "an international caller ringing many subscribers for ≤ 6 s, ≤ 10 % answered"
        case .wangiriCallback:
            "subscribers calling back, within 72 h, an international number that rang them briefly and rang ≥ 5 subscribers that way"
        case .pbxHack:
            "international/premium calls outside business hours (08–18 Mon–Fri, Europe/London), at least 3 × the account's usual busiest half-hour of such calls; failed probes"
        case .simBox:
            "records with an IMSI: per SIM and day, four signs — new (first seen ≤ 10 days ago, after the warm-up), ≥ 10 × more calls out than in, ≤ 2 cells, five most-called numbers ≤ 10 % of calls; also an IMEI with ≥ 3 SIMs in 24 h"
        case .simBoxTrunk:
            "home-country calling numbers arriving on an international ingress trunk (`filter.carriers`, default names containing `intl-in`)"
        case .falseAnswer:
            "false answer supervision per route (egress trunk × destination country): share of answered calls answered within 1 s, once the route carried ≥ 50 attempts and instant answers reached ≥ 10 numbers; an answered call to `+CC 0…` (outside Italy) is critical at once"
        case .premium:
            "calls to domestic premium ranges"
        case .robocall:
            "many attempts, ≥ 90 % to different numbers, ASR ≤ 0.3 (its 99 % upper bound) or ACD ≤ 30 s, from one number or from ≥ 3 numbers of one 100-number block"
        case .concurrency:
            "overlapping calls of one number"
        case .diversion:
            "diverted legs to high-risk/premium ranges (critical at once) or abroad"
        case .highUsage:
            "today's answered minutes (a call counts at most 60) against the number's 28-day average, not diluted by days before it was first seen (after 7 days of history with ≥ 5 active; ≥ 3 calls today), and at least 1.5 × its busy day (95th percentile of its stored days)"
        case .subscription:
            "a number first seen < 72 h ago (after a 7-day warm-up) running up international/premium minutes over ≥ 3 calls, or ≥ 20 calls ≥ 50 % abroad"
        }
    }

    /// Its default thresholds, as the shipped rules set them (the detector table's third column).
    public var defaultThresholds: String {
        switch self {
        case .irsfHotlist:
            "test number: critical at once; HRN: warn 1, critical 3 calls or 10 answered min in 60 min"
        case .irsfBurst:
            "warn 10, critical 20 calls in 60 min; critical at 60 answered min over ≥ 3 calls"
        case .irsfPump:
            "warn 5, critical 10 distinct callers in 60 min"
        case .wangiri:
            "warn 30, critical 200 distinct numbers in 60 min"
        case .wangiriCallback:
            "warn at the first callback, critical at 5 subscribers"
        case .pbxHack:
            "warn 5, critical 15 calls in 30 min; ≥ 10 failed probes to distinct destinations in 10 min warn"
        case .simBox:
            "≥ 50 calls out and 3 signs warn, 4 critical"
        case .simBoxTrunk:
            "warn 10, critical 50 distinct numbers in 60 min"
        case .falseAnswer:
            "warn 0.3, critical 0.6 in 60 min"
        case .premium:
            "warn 10, critical 30 calls in 24 h; 60/180 answered min over ≥ 2 calls"
        case .robocall:
            "warn 100, critical 1,000 attempts in 60 min"
        case .concurrency:
            "warn max(4, 3 × its usual daily peak), critical max(8, 6 ×); a fixed line, trunk or PBX with no usual peak yet warns at 8, critical 16"
        case .diversion:
            "warn 3, critical 10 legs in 60 min"
        case .highUsage:
            "warn max(120 min, 5 ×), critical 10 ×"
        case .subscription:
            "warn 60, critical 300 min on its first day"
        }
    }

    /// Whom its alerts name (the detector table's last column).
    public var subject: String {
        switch self {
        case .irsfHotlist: "the payer: diverting number of a diverted leg, else caller"
        case .irsfBurst: "`acct:<account code>`, else the line"
        case .irsfPump: "`range:+<prefix>`"
        case .wangiri: "calling number"
        case .wangiriCallback: "the number called back"
        case .pbxHack: "`acct:<account code>`, else the line"
        case .simBox: "`imsi:<IMSI>`, `imei:<IMEI>`"
        case .simBoxTrunk: "`trunk:<carrier>`"
        case .falseAnswer: "`route:<egress>/<country>`"
        case .premium: "calling number"
        case .robocall: "calling number, or `block:<prefix>xx`"
        case .concurrency: "calling number"
        case .diversion: "diverting number"
        case .highUsage: "calling number"
        case .subscription: "calling number"
        }
    }

    /// A detector of this kind applying `rule`.
    func make(rule: FraudRule, filter: CallFilter, context: DetectorContext) -> any Detector {
        switch self {
        case .irsfHotlist: IRSFHotlistDetector(rule: rule, filter: filter, context: context)
        case .irsfBurst: IRSFBurstDetector(rule: rule, filter: filter, context: context)
        case .irsfPump: IRSFPumpDetector(rule: rule, filter: filter, context: context)
        case .wangiri: WangiriDetector(rule: rule, filter: filter, context: context)
        case .wangiriCallback: WangiriCallbackDetector(rule: rule, filter: filter, context: context)
        case .pbxHack: PBXHackDetector(rule: rule, filter: filter, context: context)
        case .simBox: SIMBoxDetector(rule: rule, filter: filter, context: context)
        case .simBoxTrunk: SIMBoxTrunkDetector(rule: rule, filter: filter, context: context)
        case .falseAnswer: FalseAnswerDetector(rule: rule, filter: filter, context: context)
        case .premium: PremiumRateDetector(rule: rule, filter: filter, context: context)
        case .robocall: RobocallDetector(rule: rule, filter: filter, context: context)
        case .concurrency: ConcurrencyDetector(rule: rule, filter: filter, context: context)
        case .diversion: DiversionDetector(rule: rule, filter: filter, context: context)
        case .highUsage: HighUsageDetector(rule: rule, filter: filter, context: context)
        case .subscription: SubscriptionDetector(rule: rule, filter: filter, context: context)
        }
    }

    /// The detector table of docs/fraud.md, rows in declaration order.
    public static var markdownTable: String {
        var lines = ["| detector | fires on | default thresholds (rules file) | subject |", "|---|---|---|---|"]
        for kind in allCases {
            lines.append("| `\(kind.rawValue)` | \(kind.firesOn) | \(kind.defaultThresholds) | \(kind.subject) |")
        }
        return lines.joined(separator: "\n")
    }
}
