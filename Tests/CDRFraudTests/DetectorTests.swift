import CDRModel
import Foundation
import Testing

@testable import CDRFraud

/// A call for detector tests: `at` seconds after 2026-03-02 12:00 UTC (a Monday, business hours).
func call(
    _ calling: String,
    _ dialled: String,
    at offset: Int64,
    ring: Int64 = 5,
    talk: Int64 = 60,
    answered: Bool = true,
    disposition: Disposition? = nil,
    account: String = "",
    diverting: [String] = []
) -> CallRecord {
    let start = 1_772_452_800 + offset
    return CallRecord(
        calling: calling,
        dialled: dialled,
        diverting: diverting,
        start: start,
        answer: answered ? start + ring : nil,
        end: start + ring + (answered ? talk : 0),
        duration: ring + (answered ? talk : 0),
        billable: answered ? talk : 0,
        disposition: disposition ?? (answered ? .answered : .noAnswer),
        carrier: "trunk-a",
        account: account
    )
}

/// Runs one default rule (with overrides) over calls; returns the alerts.
func alerts(
    rule id: String,
    _ calls: [CallRecord],
    ranges: RiskRanges = testRanges,
    calendars: BusinessCalendars = BusinessCalendars(),
    profiles: (any ProfileLookup)? = nil,
    keyCap: Int = 200_000,
    pastOnly: Bool = false,
    adjust: (inout FraudRule) -> Void = { _ in }
) throws -> [Alert] {
    var rule = try #require(FraudRules.defaults().rules.first { $0.id == id })
    adjust(&rule)
    let engine = try FraudEngine(
        rules: FraudRules(rules: [rule]),
        context: DetectorContext(
            ranges: ranges,
            keyCap: keyCap,
            calendars: calendars,
            profiles: profiles,
            pastOnly: pastOnly
        ),
        homeCountryCode: "44"
    )
    var result: [Alert] = []
    for (index, call) in calls.enumerated() { engine.add(id: Int64(index + 1), call: call) { result.append($0) } }
    engine.finish { result.append($0) }
    return result
}

let testRanges = RiskRanges([
    .init(prefix: "+88213", category: .test, weight: 1),
    .init(prefix: "+2529", category: .hrn, weight: 0.8),
    .init(prefix: "+44909", category: .premium, weight: 0.5),
])

@Suite("Fraud detectors: each fires at its threshold and not below it")
struct DetectorTests {
    @Test("IRSF hotlist: a test-number call is critical; high-risk calls warn, then go critical at 3")
    func irsf() throws {
        let test = try alerts(rule: "irsf-hotlist", [call("+447700900001", "+882130001", at: 0)])
        #expect(test.map(\.severity) == [.critical] && test[0].subject == "+447700900001")
        let two = (0..<2).map { call("+447700900002", "+25290000\($0)", at: Int64($0) * 60, talk: 30) }
        #expect(try alerts(rule: "irsf-hotlist", two).map(\.severity) == [.warning])
        let three = (0..<3).map { call("+447700900002", "+25290000\($0)", at: Int64($0) * 60, talk: 30) }
        #expect(try alerts(rule: "irsf-hotlist", three).map(\.severity) == [.warning, .critical])
        #expect(try alerts(rule: "irsf-hotlist", [call("+447700900003", "+33612345678", at: 0)]).isEmpty)
    }

    @Test("Wangiri: 30 distinct subscribers rung briefly from abroad warn; 29 do not; answered traffic does not")
    func wangiri() throws {
        func sweep(_ targets: Int, answered: Bool = false) -> [CallRecord] {
            (0..<targets).map {
                call(
                    "+2348031234567",
                    "+4479111\(String(format: "%05d", $0))",
                    at: Int64($0) * 20,
                    ring: 2,
                    talk: 90,
                    answered: answered
                )
            }
        }
        let fired = try alerts(rule: "wangiri", sweep(30))
        #expect(fired.map(\.severity) == [.warning] && fired[0].subject == "+2348031234567")
        #expect(fired[0].measures.first?.value == 30 && fired[0].evidence.count == 20)
        #expect(try alerts(rule: "wangiri", sweep(29)).isEmpty)
        #expect(try alerts(rule: "wangiri", sweep(60, answered: true)).isEmpty)
    }

    @Test("PBX hacking: 5 off-hours international calls in 30 min warn; 4 do not; the same in business hours do not")
    func pbx() throws {
        let night: Int64 = 11 * 3600
        func burst(_ n: Int, at base: Int64) -> [CallRecord] {
            (0..<n).map { call("201", "+2348031230\($0)", at: base + Int64($0) * 120, account: "acme") }
        }
        let fired = try alerts(rule: "pbx-hack-off-hours", burst(5, at: night))
        #expect(fired.map(\.severity) == [.warning] && fired[0].subject == "acct:acme")
        #expect(try alerts(rule: "pbx-hack-off-hours", burst(4, at: night)).isEmpty)
        #expect(try alerts(rule: "pbx-hack-off-hours", burst(20, at: 0)).isEmpty)
        let probes = (0..<10).map {
            call(
                "201",
                "+2348031231\($0)",
                at: night + Int64($0) * 30,
                answered: false,
                disposition: .failed,
                account: "acme"
            )
        }
        #expect(try alerts(rule: "pbx-hack-off-hours", probes).map(\.severity).contains(.warning))
    }

    @Test("PBX hacking: a line that calls abroad every night is judged against its habit, not the bare threshold")
    func pbxHabit() throws {
        let night: Int64 = 11 * 3600
        func nights(_ days: Int, calls: Int) -> [CallRecord] {
            (0..<days).flatMap { day in
                (0..<calls).map { n in
                    call("202", "+2348031240\(n)", at: Int64(day) * 86_400 + night + Int64(n) * 240, account: "hotel")
                }
            }
        }
        let habit = nights(14, calls: 6)
        let tonight = (0..<7).map {
            call("202", "+2348031250\($0)", at: 14 * 86_400 + night + Int64($0) * 200, account: "hotel")
        }
        let night14 = tonight[0].start
        let quiet = try alerts(rule: "pbx-hack-off-hours", habit + tonight).filter { $0.lastEvent >= night14 }
        #expect(quiet.isEmpty, "seven calls on a night of six: \(quiet.map(\.summary))")
        let attack = (0..<25).map {
            call("202", "+2348031260\($0)", at: 14 * 86_400 + night + Int64($0) * 60, account: "hotel")
        }
        let fired = try alerts(rule: "pbx-hack-off-hours", habit + attack).filter { $0.lastEvent >= night14 }
        #expect(fired.map(\.severity).contains(.warning), "25 calls in half an hour are far above the habit")
    }

    @Test("premium rate: 10 calls in a day warn, 9 do not")
    func premium() throws {
        func calls(_ n: Int) -> [CallRecord] {
            (0..<n).map { call("+447700900010", "+449061234\($0)", at: Int64($0) * 3600, talk: 60) }
        }
        #expect(try alerts(rule: "premium", calls(10)).map(\.severity) == [.warning])
        #expect(try alerts(rule: "premium", calls(9)).isEmpty)
    }

    @Test("premium rate: one 90-minute call is not a pattern; two calls of 35 minutes warn by minutes")
    func premiumMinutes() throws {
        let one = [call("+447700900011", "+449061234000", at: 0, talk: 90 * 60)]
        #expect(try alerts(rule: "premium", one).isEmpty)
        let two = (0..<2).map { call("+447700900011", "+44906123400\($0)", at: Int64($0) * 7200, talk: 35 * 60) }
        #expect(try alerts(rule: "premium", two).map(\.severity) == [.warning])
    }

    @Test(
        "robocall: 100 unanswered attempts to different numbers in an hour warn; 99 do not; a busy line to few numbers does not"
    )
    func robocall() throws {
        func campaign(_ n: Int, distinct: Bool = true) -> [CallRecord] {
            (0..<n).map {
                call(
                    "+447700900020",
                    "+4479111\(String(format: "%05d", distinct ? $0 : $0 % 5))",
                    at: Int64($0) * 30,
                    talk: 20,
                    answered: $0 % 5 == 0
                )
            }
        }
        #expect(try alerts(rule: "robocall", campaign(100)).map(\.severity) == [.warning])
        #expect(try alerts(rule: "robocall", campaign(99)).isEmpty)
        #expect(try alerts(rule: "robocall", campaign(150, distinct: false)).isEmpty)
    }

    @Test("robocall: a campaign spread over 60 numbers of one block alerts on the block; ordinary neighbours do not")
    func robocallBlock() throws {
        func spread(answeredEvery: Int, talk: Int64) -> [CallRecord] {
            (0..<120).map {
                call(
                    "+4477009001\(String(format: "%02d", $0 % 60))",
                    "+4479222\(String(format: "%05d", $0))",
                    at: Int64($0) * 25,
                    talk: talk,
                    answered: $0 % answeredEvery == 0
                )
            }
        }
        let fired = try alerts(rule: "robocall", spread(answeredEvery: 5, talk: 10))
        #expect(fired.map(\.severity) == [.warning], "\(fired.map(\.subject))")
        #expect(fired.first?.subject == "block:+4477009001xx")
        #expect(try alerts(rule: "robocall", spread(answeredEvery: 1, talk: 180)).isEmpty)
    }

    @Test(
        "robocall: a dialler answering 30 % of its calls with long talk is judged by the ASR's upper bound, and stays quiet"
    )
    func robocallDialler() throws {
        func dialler(answered pattern: Set<Int>, talk: Int64) -> [CallRecord] {
            (0..<240).map {
                call(
                    "+447700900021",
                    "+4479333\(String(format: "%05d", $0))",
                    at: Int64($0) * 15,
                    talk: talk,
                    answered: pattern.contains($0 % 10)
                )
            }
        }
        #expect(try alerts(rule: "robocall", dialler(answered: [0, 3, 6], talk: 120)).isEmpty)
        let pointEstimate = try alerts(rule: "robocall", dialler(answered: [0, 3, 6], talk: 120)) {
            $0.params?["asrBoundZ"] = 0
        }
        #expect(pointEstimate.count == 1, "the same dialler judged by its point estimate (0.30 ≤ 0.3) alerts")
        let campaign = try alerts(rule: "robocall", dialler(answered: [0, 5], talk: 120))
        #expect(campaign.map(\.severity) == [.warning], "ASR 0.2 over 150 attempts is confidently under 0.3")
        let bound = try #require(campaign.first?.measures.first { $0.name == "asr_upper_bound" })
        #expect(bound.value > 0.2 && bound.value <= 0.3)
    }

    @Test("Wilson intervals match the textbook values")
    func wilson() {
        let half = WilsonInterval(successes: 5, trials: 10)
        #expect(abs(half.lower - 0.2366) < 0.0005 && abs(half.upper - 0.7634) < 0.0005)
        let none = WilsonInterval(successes: 0, trials: 10)
        #expect(none.lower == 0 && abs(none.upper - 0.2775) < 0.0005)
        #expect(WilsonInterval(successes: 0, trials: 0) == WilsonInterval(successes: 1, trials: 0))
    }

    @Test("simultaneous calls: 4 at once warn, 3 do not, 8 are critical")
    func concurrency() throws {
        func overlapping(_ n: Int) -> [CallRecord] {
            (0..<n).map { call("+447700900030", "+4420794600\($0)", at: Int64($0) * 10, talk: 600) }
        }
        #expect(try alerts(rule: "concurrency", overlapping(4)).map(\.severity) == [.warning])
        #expect(try alerts(rule: "concurrency", overlapping(3)).isEmpty)
        #expect(try alerts(rule: "concurrency", overlapping(8)).map(\.severity) == [.warning, .critical])
        let sequential = (0..<10).map { call("+447700900031", "+44207946000\($0)", at: Int64($0) * 700, talk: 600) }
        #expect(try alerts(rule: "concurrency", sequential).isEmpty)
    }

    @Test("diversion: a diverted leg to a high-risk range is critical; 3 diverted legs abroad warn, 2 do not")
    func diversion() throws {
        let hrn = [call("+447700900040", "+252900001", at: 0, diverting: ["+447700900041"])]
        let fired = try alerts(rule: "diversion", hrn)
        #expect(fired.map(\.severity) == [.critical] && fired[0].subject == "+447700900041")
        func abroad(_ n: Int) -> [CallRecord] {
            (0..<n).map { call("+44770090005\($0)", "+33612345678", at: Int64($0) * 60, diverting: ["+447700900042"]) }
        }
        #expect(try alerts(rule: "diversion", abroad(3)).map(\.severity) == [.warning])
        #expect(try alerts(rule: "diversion", abroad(2)).isEmpty)
    }

    @Test("out-of-order records within the slack give the same alerts as sorted input, and nothing is late")
    func outOfOrder() throws {
        var calls: [CallRecord] = []
        for n in 0..<40 {
            calls.append(
                call(
                    "+2348031234567",
                    "+4479111\(String(format: "%05d", n))",
                    at: Int64(n) * 20,
                    ring: 2,
                    answered: false
                )
            )
            calls.append(call("+447700900030", "+4420794600\(n % 10)", at: Int64(n) * 10, talk: 600))
        }
        let recordIDs = Dictionary(uniqueKeysWithValues: calls.enumerated().map { ($1, Int64($0 + 1)) })
        let rules = try FraudRules(rules: FraudRules.defaults().rules)
        func run(_ input: [CallRecord]) throws -> ([String], Int64) {
            let engine = try FraudEngine(
                rules: rules,
                context: DetectorContext(ranges: testRanges),
                homeCountryCode: "44"
            )
            var ids: [String] = []
            for call in input { engine.add(id: recordIDs[call]!, call: call) { ids.append($0.id) } }
            engine.finish { ids.append($0.id) }
            return (ids.sorted(), engine.late)
        }
        let sorted = try run(calls.sorted { $0.start < $1.start })
        let byEnd = try run(calls.sorted { $0.end < $1.end })
        #expect(!sorted.0.isEmpty)
        #expect(byEnd.0 == sorted.0 && byEnd.1 == 0)
    }
}

@Suite("Fraud rules and reference files")
struct FraudRulesTests {
    @Test("the built-in defaults are config/fraud-rules.json, read from the package resource, and validate")
    func shippedDefaults() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let config = root.appendingPathComponent("config/fraud-rules.json")
        let resource = root.appendingPathComponent("Sources/CDRFraud/Resources/fraud-rules.json")
        #expect(
            config.resolvingSymlinksInPath().path == resource.path,
            "config/ must link to the resource, not copy it"
        )
        let shipped = try FraudRules.load(path: config.path)
        #expect(shipped.rules == FraudRules.defaults().rules)
        #expect(!FraudRules.defaults().rules.isEmpty)
        #expect(Set(shipped.rules.map(\.detector)) == Set(FraudRules.detectors.keys))
        let ranges = try RiskRanges.load(path: root.appendingPathComponent("config/risk-ranges.csv").path)
        #expect(ranges.count > 0 && ranges.match("+8821312345")?.category == .test)
    }

    @Test("a bad rule is an error naming the rule and the field")
    func errors() throws {
        func problem(_ json: String) -> String {
            do {
                _ = try FraudRules.parse(Data(json.utf8), source: "r.json")
                return "accepted"
            } catch {
                return error.description
            }
        }
        let base = #""id": "x", "windowMinutes": 60, "warn": 5, "critical": 10"#
        #expect(
            problem(#"{"rules": [{"# + base + #", "detector": "nope"}]}"#).contains(
                "rule x: detector: \"nope\" is not one of"
            )
        )
        #expect(
            problem(#"{"rules": [{"id": "x", "detector": "wangiri", "windowMinutes": 60, "warn": 5, "critical": 1}]}"#)
                .contains("rule x: critical: must be at least warn")
        )
        #expect(
            problem(#"{"rules": [{"# + base + #", "detector": "wangiri", "params": {"maxRing": 3}}]}"#)
                .contains("params.maxRing: is not a setting of wangiri")
        )
        #expect(
            problem(#"{"rules": [{"# + base + #", "detector": "pbx-hack", "filter": {"timezone": "Mars/Base"}}]}"#)
                .contains("filter.timezone")
        )
        #expect(
            problem(#"{"rules": [{"# + base + #", "detector": "pbx-hack", "filter": {"businessHours": "18-08"}}]}"#)
                .contains("filter.businessHours")
        )
        #expect(
            problem(#"{"rules": [{"id": "x", "detector": "wangiri", "warn": 5, "critical": 10}]}"#)
                .contains("windowMinutes: is missing")
        )
        #expect(
            problem(#"{"rules": [{"# + base + #", "detector": "wangiri"}, {"# + base + #", "detector": "premium"}]}"#)
                .contains("is used by two rules")
        )
    }

    @Test("risk ranges: longest prefix wins; bad lines name line and field")
    func ranges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cdr-ranges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("r.csv").path
        try "# test\nprefix,category,weight,source,added\n+252,risk,0.3,x,2026-01-01\n+2529,hrn,0.9,x,2026-01-01\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let ranges = try RiskRanges.load(path: path)
        #expect(ranges.match("+25290001")?.category == .hrn)
        #expect(ranges.match("+25210001")?.category == .risk)
        #expect(ranges.match("+44") == nil)
        try "+252,bogus,0.3\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: FraudConfigError.self) { try RiskRanges.load(path: path) }
        do {
            _ = try RiskRanges.load(path: path)
        } catch {
            #expect(error.description.contains(":1: category:"))
        }
    }
}

@Suite("Fraud detector profiles")
struct DetectorProfileTests {
    @Test(
        "simultaneous calls: a trunk busy every day is under the line floor on its first day and its usual after; a line whose usual peak is 2 is quiet at 5, not at 7"
    )
    func busyTrunk() throws {
        var calls: [CallRecord] = []
        for day in 0..<4 {
            for n in 0..<60 {
                calls.append(
                    call("+442079460999", "+4420794600\(n % 100)", at: Int64(day) * 86_400 + Int64(n) * 240, talk: 1500)
                )
            }
        }
        let fired = try alerts(rule: "concurrency", calls)
        #expect(fired.isEmpty, "\(fired.map(\.summary))")
        let asMobile = calls.map {
            var mobile = $0
            mobile.calling = "+447700900099"
            return mobile
        }
        let mobileFired = try alerts(rule: "concurrency", asMobile)
        #expect(!mobileFired.isEmpty, "a mobile at the same peak alerts on its first day")
        var pbx: [CallRecord] = []
        for day in 0..<7 {
            for n in 0..<2 {
                pbx.append(call("+442079460888", "+4420794611\(n)", at: Int64(day) * 86_400 + Int64(n) * 60, talk: 900))
            }
        }
        func burst(_ n: Int) -> [CallRecord] {
            (0..<n).map { call("+442079460888", "+4420794622\($0)", at: 7 * 86_400 + Int64($0) * 30, talk: 900) }
        }
        let seventhDay: Int64 = 1_772_452_800 + 7 * 86_400
        #expect(
            try alerts(rule: "concurrency", pbx + burst(5)).filter { $0.firstEvent >= seventhDay }.isEmpty,
            "a line whose usual peak is 2, at 5"
        )
        #expect(try !alerts(rule: "concurrency", pbx + burst(7)).filter { $0.firstEvent >= seventhDay }.isEmpty)
        #expect(
            mobileFired.allSatisfy { $0.firstEvent < 1_772_452_800 + 86_400 },
            "\(mobileFired.map { CivilTime.iso8601($0.firstEvent) })"
        )
    }
}

@Suite("Wangiri callbacks")
struct WangiriCallbackTests {
    @Test("a subscriber calling back a number that rang them briefly warns; five subscribers are critical")
    func callbacks() throws {
        let campaign = "+2348031234567"
        var calls: [CallRecord] = (0..<10).map {
            call(campaign, "+4479111000\($0)", at: Int64($0) * 30, ring: 2, answered: false)
        }
        calls.append(call("+44791110000", campaign, at: 3600))
        let one = try alerts(rule: "wangiri-callback", calls)
        #expect(one.map(\.severity) == [.warning] && one[0].subject == campaign)
        for n in 1..<5 { calls.append(call("+4479111000\(n)", campaign, at: 7200 + Int64(n) * 600)) }
        #expect(try alerts(rule: "wangiri-callback", calls).map(\.severity) == [.warning, .critical])
        let unrelated = [
            call(campaign, "+447911100009", at: 0, ring: 20, answered: false), call("+447911100009", campaign, at: 600),
        ]
        #expect(try alerts(rule: "wangiri-callback", unrelated).isEmpty, "a long ring is not a Wangiri ring")
        let late = [
            call(campaign, "+447911100008", at: 0, ring: 2, answered: false),
            call("+447911100008", campaign, at: 4 * 86_400),
        ]
        #expect(try alerts(rule: "wangiri-callback", late).isEmpty, "a callback after 72 h is not linked")
        let family = (0..<4).flatMap { n in
            [
                call("+33612345678", "+44791110010\(n % 2)", at: Int64(n) * 3600, ring: 3, answered: false),
                call("+44791110010\(n % 2)", "+33612345678", at: Int64(n) * 3600 + 600),
            ]
        }
        #expect(
            try alerts(rule: "wangiri-callback", family).isEmpty,
            "relatives calling back a missed call from abroad"
        )
    }
}

@Suite("High usage against the subscriber's profile")
struct HighUsageTests {
    /// Ten days of three 5-minute calls, then a day of `calls` calls of `minutes` minutes.
    func usage(calls: Int, minutes: Int64) -> [CallRecord] {
        var records: [CallRecord] = []
        for day in 0..<10 {
            for n in 0..<3 {
                records.append(
                    call("+447700900060", "+44207946000\(n)", at: Int64(day) * 86_400 + Int64(n) * 3600, talk: 300)
                )
            }
        }
        for n in 0..<calls {
            records.append(
                call("+447700900060", "+44207946001\(n % 10)", at: 10 * 86_400 + Int64(n) * 1800, talk: minutes * 60)
            )
        }
        return records
    }

    @Test("a day far above the usual 15 minutes warns; a busier but ordinary day does not; a new number does not")
    func profile() throws {
        let fired = try alerts(rule: "high-usage", usage(calls: 10, minutes: 20))
        #expect(fired.map(\.severity) == [.warning] && fired[0].subject == "+447700900060")
        #expect(try alerts(rule: "high-usage", usage(calls: 10, minutes: 4)).isEmpty)
        let fresh = (0..<10).map { call("+447700900061", "+44207946002\($0)", at: Int64($0) * 1800, talk: 1800) }
        #expect(try alerts(rule: "high-usage", fresh).isEmpty)
    }

    @Test("a heavy user from its first day is judged against its own mean, not one diluted by days before it was seen")
    func heavyFromDayOne() throws {
        func dialler(todayCalls: Int, talk: Int64 = 600) -> [CallRecord] {
            var records: [CallRecord] = []
            for day in 0..<8 {
                for n in 0..<26 {
                    records.append(
                        call(
                            "+447700900070",
                            "+4420794600\(n % 100)",
                            at: Int64(day) * 86_400 + Int64(n) * 1200,
                            talk: 600
                        )
                    )
                }
            }
            for n in 0..<todayCalls {
                records.append(
                    call("+447700900070", "+4420794611\(n % 100)", at: 8 * 86_400 + Int64(n) * 600, talk: talk)
                )
            }
            return records
        }
        #expect(try alerts(rule: "high-usage", dialler(todayCalls: 60)).isEmpty)
        let far = try alerts(rule: "high-usage", dialler(todayCalls: 70, talk: 1200))
        #expect(far.map(\.severity) == [.warning], "\(far.map(\.summary))")
        #expect(far.first?.summary.contains("against a usual 260 a day") == true, "\(far.map(\.summary))")
    }

    @Test("one four-hour call among short ones counts an hour and stays quiet; four 31-minute calls warn")
    func longCallsCapped() throws {
        let longCall = call("+447700900060", "+447700900999", at: 10 * 86_400 + 7200, talk: 4 * 3600)
        #expect(try alerts(rule: "high-usage", usage(calls: 2, minutes: 1) + [longCall]).isEmpty)
        #expect(try alerts(rule: "high-usage", usage(calls: 4, minutes: 31)).map(\.severity) == [.warning])
    }
}

extension HighUsageTests {
    @Test("a line with answered calls on too few days has no usual to be far above; the same day after daily use warns")
    func sparseLine() throws {
        func day(_ n: Int64, _ line: String) -> [CallRecord] {
            (0..<3).map { call(line, "+44207946001\($0)", at: n * 86_400 + Int64($0) * 3600, talk: 50 * 60) }
        }
        let sparse = [call("+447700900061", "+442079460000", at: 0, talk: 120)] + day(10, "+447700900061")
        #expect(try alerts(rule: "high-usage", sparse).isEmpty)
        let daily = (0..<10).map { call("+447700900062", "+442079460000", at: Int64($0) * 86_400, talk: 120) }
        #expect(try alerts(rule: "high-usage", daily + day(10, "+447700900062")).map(\.severity) == [.warning])
    }
}

@Suite("Subscription fraud")
struct SubscriptionTests {
    @Test(
        "a number new after the warm-up that calls abroad heavily at once alerts; an old one or a new domestic one does not"
    )
    func newNumbers() throws {
        var calls = [call("+447700900070", "+442079460000", at: 0)]
        let day8: Int64 = 8 * 86_400
        calls += (0..<8).map { call("+447700900071", "+2348031234\($0)", at: day8 + Int64($0) * 900, talk: 600) }
        let fired = try alerts(rule: "subscription", calls)
        #expect(fired.map(\.severity) == [.warning] && fired[0].subject == "+447700900071")
        let old =
            [call("+447700900072", "+442079460000", at: 0)]
            + (0..<8).map { call("+447700900072", "+2348031234\($0)", at: day8 + Int64($0) * 900, talk: 600) }
        #expect(try alerts(rule: "subscription", old).filter { $0.subject == "+447700900072" }.isEmpty)
        let domestic =
            calls.prefix(1)
            + (0..<30).map { call("+447700900073", "+44207946\(1000 + $0)", at: day8 + Int64($0) * 600, talk: 600) }
        #expect(try alerts(rule: "subscription", Array(domestic)).isEmpty)
    }

    @Test("a new number's one long call abroad is not a pattern; three calls of the same minutes warn")
    func oneLongCall() throws {
        let day8: Int64 = 8 * 86_400
        let warmUp = [call("+447700900070", "+442079460000", at: 0)]
        let one = warmUp + [call("+447700900074", "+2348031234000", at: day8, talk: 119 * 60)]
        #expect(try alerts(rule: "subscription", one).isEmpty)
        let three =
            warmUp
            + (0..<3).map { call("+447700900074", "+2348031234\($0)", at: day8 + Int64($0) * 3600, talk: 40 * 60) }
        #expect(try alerts(rule: "subscription", three).map(\.severity) == [.warning])
    }

    @Test("a line dropped from the first-seen table at the key cap is not new when it calls again; a new one is")
    func droppedAtCap() throws {
        let day9: Int64 = 9 * 86_400
        var calls = [call("+447700900075", "+442079460000", at: 0)]
        calls += (0..<400).map { call("+4477009\(10_000 + $0)", "+442079460000", at: 60 + Int64($0) * 300) }
        let burst = { (line: String) in
            (0..<8).map { call(line, "+2348031234\($0)", at: day9 + Int64($0) * 900, talk: 600) }
        }
        calls += burst("+447700900075") + burst("+447700900076")
        let fired = try alerts(rule: "subscription", calls, keyCap: 100)
        #expect(fired.map(\.subject) == ["+447700900076"])
    }
}

@Suite("Seen filter")
struct SeenFilterTests {
    @Test("every key inserted is known; of keys never inserted, under 0.1 % seem known at a million keys")
    func falsePositives() {
        var filter = SeenFilter()
        var fresh = 0
        for key in 0..<Int64(1_000_000) where !filter.insert(key * 7_919 + 13) { fresh += 1 }
        #expect(fresh >= 999_000, "at most a thousand keys seem known on first insert")
        #expect((0..<Int64(1_000_000)).allSatisfy { filter.contains($0 * 7_919 + 13) })
        let strangers = (0..<Int64(100_000)).filter { filter.contains(-($0 + 1) * 104_729) }.count
        #expect(strangers < 100)
    }
}

@Suite("Subject keys")
struct SubjectKeyTests {
    @Test("numbers differing in digits, length or the plus sign get different keys; other names never meet them")
    func distinct() {
        let numbers = ["+4412", "4412", "+04412", "04412", "+441", "+44120", "12345678901234567", "+12345678901234567"]
        #expect(Set(numbers.map(SubjectKey.number)).count == numbers.count)
        #expect(SubjectKey.number("+447700900123") == SubjectKey.number("+447700900123"))
        #expect(SubjectKey.number("+447700900123") >= 0)
        #expect(SubjectKey.number("anonymous") < 0)
        #expect(SubjectKey.number("123456789012345678") < 0)
        #expect(SubjectKey.account("201") != SubjectKey.number("201"))
        #expect(SubjectKey.number("sip:alice") != SubjectKey.number("sip:alicf"))
    }

    @Test("a risk range matches by its longest listed prefix, byte for byte")
    func longestRange() {
        let ranges = RiskRanges([
            .init(prefix: "+882", category: .satellite, weight: 0.5),
            .init(prefix: "+88213", category: .test, weight: 1),
        ])
        #expect(ranges.match("+882130001")?.category == .test)
        #expect(ranges.match("+882990001")?.category == .satellite)
        #expect(ranges.match("+88") == nil)
        #expect(ranges.match("882130001") == nil)
        let short = RiskRanges([
            .init(prefix: "+53", category: .risk, weight: 0.4),
            .init(prefix: "+7", category: .risk, weight: 0.2),
            .init(prefix: "+44909", category: .premium, weight: 0.5),
        ])
        #expect(short.match("+5399123456")?.prefix == "+53")
        #expect(short.match("+79161234567")?.prefix == "+7")
        #expect(short.match("+449091234567")?.category == .premium)
        #expect(short.match("+449081234567") == nil)
        #expect(short.match("+5499123456") == nil)
        #expect(short.match("+53")?.prefix == "+53")
    }
}

@Suite("Rolling distinct count")
struct RollingDistinctTests {
    @Test("counts distinct values among the last N observations, forgetting the oldest exactly")
    func rolling() {
        var recent = RollingDistinct<Int64>(capacity: 4)
        for value: Int64 in [1, 2, 2, 3] { recent.add(value) }
        #expect(recent.observed == 4)
        #expect(recent.distinct == 3)
        recent.add(4)
        #expect(recent.distinct == 3, "1 left the last four: 2, 2, 3, 4")
        recent.add(4)
        #expect(recent.distinct == 3, "2, 3, 4, 4")
        recent.add(4)
        #expect(recent.distinct == 2, "3, 4, 4, 4")
        recent.add(4)
        #expect(recent.distinct == 1)
        #expect(recent.observed == 4)
    }
}

@Suite("Keyed state")
struct KeyedStateTests {
    @Test("keys untouched for the time to live are swept once the table has seen several times its size in updates")
    func expiry() {
        var state = KeyedState<Int64, Int>(ttl: 3600, cap: 100_000)
        for key: Int64 in 0..<5_000 { state.update(key, at: key / 5, orInsert: 0) { $0 += 1 } }
        #expect(state.count == 5_000)
        for _ in 0..<25_000 { state.update(-1, at: 10_000, orInsert: 0) { $0 += 1 } }
        #expect(state.count == 1, "the 5,000 keys older than an hour are gone: \(state.count) left")
        #expect(state.state(-1) == 25_000 && state.state(0) == nil)
    }

    @Test("beyond the cap the least recently touched keys go first")
    func cap() {
        var state = KeyedState<Int64, Int>(ttl: 86_400, cap: 100)
        for key: Int64 in 0..<150 { state.update(key, at: 1_000 + key, orInsert: 0) { $0 += 1 } }
        #expect(state.count <= 100)
        #expect(state.state(149) != nil && state.state(0) == nil)
        #expect(state.capEvictions > 0)
    }

    @Test("beyond the cap the least recently touched key goes: a key touched again is kept")
    func shedsOldest() {
        var state = KeyedState<Int64, Int>(ttl: 1_000_000, cap: 1_000)
        for key: Int64 in 0..<1_000 { state.update(key, at: 5_000 + key, orInsert: 0) { $0 += 1 } }
        for key in stride(from: Int64(0), to: 200, by: 2) { state.update(key, at: 7_000, orInsert: 0) { $0 += 1 } }
        for key: Int64 in 1_000..<1_150 { state.update(key, at: 7_000 + key, orInsert: 0) { $0 += 1 } }
        #expect(state.count == 1_000)
        let dropped = (0..<Int64(1_150)).filter { state.state($0) == nil }
        #expect(dropped == Array(stride(from: Int64(1), to: 200, by: 2)) + Array(200..<250))
        #expect(state.capEvictions == 150)
        #expect(state.state(0) == 2, "a kept key keeps its state")
    }

    @Test("a later file going back in event time still has its own stale keys expired")
    func earlierFile() {
        var state = KeyedState<Int64, Int>(ttl: 100, cap: 100_000)
        for key: Int64 in 0..<10 { state.update(key, at: 100_000, orInsert: 0) { $0 += 1 } }
        for step: Int64 in 0..<10_000 { state.update(1_000 + step, at: 1_000 + step, orInsert: 0) { $0 += 1 } }
        #expect(state.count < 2_100, "keys an hour behind the later file's time go: \(state.count) live")
        #expect((0..<Int64(10)).allSatisfy { state.state($0) == 1 }, "the earlier file's later keys stay")
        #expect(state.state(10_999) == 1)
    }

    @Test("a late event does not make a key look younger or older, and expiry goes by the latest touch")
    func lateTouch() {
        var state = KeyedState<Int64, Int>(ttl: 100, cap: 1_000)
        state.update(1, at: 1_000, orInsert: 0) { $0 += 1 }
        state.update(2, at: 1_050, orInsert: 0) { $0 += 1 }
        state.update(1, at: 900, orInsert: 0) { $0 += 1 }
        #expect(state.state(1) == 2, "a late record still counts")
        var visited: [Int64] = []
        state.visit { key, _ in visited.append(key) }
        #expect(visited == [2, 1], "most recently touched first; the late touch leaves key 1 behind key 2")
        state.update(3, at: 1_120, orInsert: 0) { $0 += 1 }
        #expect(
            state.state(1) == nil && state.state(2) == 1 && state.count == 2,
            "key 1, touched at 1,000, lived until 1,100"
        )
    }
}

@Suite("Dispatch by record traits")
struct DispatchTests {
    @Test("handing records only to interested detectors raises exactly what showing every detector every record does")
    func sameAlerts() throws {
        var calls: [CallRecord] = []
        calls += (0..<40).map {
            call(
                "+2348031234567",
                "+4479111\(String(format: "%05d", $0))",
                at: Int64($0) * 20,
                ring: 2,
                answered: false
            )
        }
        calls += (0..<12).map { call("+447700900111", "+449091234\($0)", at: 2_000 + Int64($0) * 600, talk: 900) }
        calls += (0..<4).map { call("+447700900222", "+2529001\($0)", at: 3_000 + Int64($0) * 60, talk: 300) }
        calls += (0..<6).map {
            call(
                "+447700900\(300 + $0)",
                "+2529555\($0)",
                at: 4_000 + Int64($0) * 90,
                talk: 1200,
                diverting: ["+447700900999"]
            )
        }
        calls += (0..<8).map { call("201", "+5355512\($0)", at: 40_000 + Int64($0) * 120, account: "acme") }
        calls += (0..<300).map {
            var record = call(
                "+4477009\(String(format: "%05d", $0 % 37))",
                "+4420794\($0)",
                at: Int64($0) * 97,
                talk: 30
            )
            if $0 % 3 == 0 { record.imsi = "23410000000\($0 % 5)" }
            return record
        }
        calls.sort { $0.start < $1.start }
        let rules = FraudRules.defaults()
        let context = DetectorContext(ranges: testRanges)
        let dispatched = try FraudEngine(rules: rules, context: context, homeCountryCode: "44")
        var viaTraits: [String] = []
        for (index, record) in calls.enumerated() {
            dispatched.addInOrder(id: Int64(index + 1), call: record) { viaTraits.append($0.id) }
        }
        dispatched.finish { viaTraits.append($0.id) }
        let everyone = try FraudEngine(rules: rules, context: context, homeCountryCode: "44")
        let classifier = NumberClassifier(homeCountryCode: "44")
        var broadcast = Set<String>()
        for (index, record) in calls.enumerated() {
            let seen = FraudRecord(id: Int64(index + 1), call: record, classifier: classifier, ranges: testRanges)
            for detector in everyone.detectors { detector.observe(seen) { broadcast.insert($0.id) } }
        }
        #expect(Set(viaTraits) == broadcast)
        #expect(viaTraits.count >= 5, "the stream raises alerts of several detectors: \(viaTraits)")
    }
}

@Suite("Detector context")
struct DetectorContextTests {
    @Test("loading keeps fewer keys per table than judging stored records; an explicit cap wins")
    func keyCapByMode() {
        #expect(DetectorContext(ranges: RiskRanges()).keyCap == DetectorContext.streamKeyCap)
        #expect(DetectorContext(ranges: RiskRanges(), pastOnly: true).keyCap == DetectorContext.pastOnlyKeyCap)
        #expect(DetectorContext.streamKeyCap < DetectorContext.pastOnlyKeyCap)
        #expect(DetectorContext(ranges: RiskRanges(), keyCap: 7, pastOnly: true).keyCap == 7)
    }
}
