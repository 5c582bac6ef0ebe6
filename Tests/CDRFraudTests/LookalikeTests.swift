import CDRGenerator
import CDRModel
import Testing

@testable import CDRFraud

@Suite("Generated look-alikes against their detector")
struct LookalikeTests {
    /// A generated call as the detector sees it once stored: numbers in E.164, the generator's UK home.
    static func record(_ call: GeneratedCall) -> CallRecord {
        func e164(_ written: String) -> String {
            written.hasPrefix("00")
                ? "+" + written.dropFirst(2) : written.hasPrefix("0") ? "+44" + written.dropFirst() : written
        }
        return CallRecord(
            calling: e164(call.source),
            dialled: e164(call.destination),
            start: call.start,
            answer: call.answer,
            end: call.end,
            duration: call.end - call.start,
            billable: call.answer.map { call.end - $0 } ?? 0,
            disposition: call.disposition,
            carrier: "trunk-a",
            account: call.account
        )
    }

    /// The robocall alerts on 20 generated dialler look-alikes and one campaign, over two weeks.
    private static func robocallAlerts(
        seed: UInt64,
        asrBoundZ: Double? = nil
    ) throws -> (
        confounders: Set<String>, alerted: Set<String>
    ) {
        var injector = ScenarioInjector(
            counts: ScenarioInjector.parse("robocall:1")!,
            seed: seed,
            start: CivilTime.parseISO("2026-03-02")!,
            days: 14
        )
        injector.confounders = 20
        let made = injector.calls()
        let confounders = Set(made.labels.filter { $0.role == "confounder" }.map(\.subject))
        let fired = try alerts(rule: "robocall", made.calls.map(Self.record)) { rule in
            if let asrBoundZ { rule.params?["asrBoundZ"] = asrBoundZ }
        }
        return (confounders, Set(fired.map(\.subject)))
    }

    @Test(
        "call-centre diallers answering 35–50 % raise no robocall alert; the campaign beside them does",
        arguments: [1, 2, 3] as [UInt64]
    )
    func diallers(seed: UInt64) throws {
        let (confounders, alerted) = try Self.robocallAlerts(seed: seed)
        #expect(confounders.count == 20)
        #expect(alerted.isDisjoint(with: confounders), "\(alerted.intersection(confounders))")
        #expect(alerted.contains { !confounders.contains($0) }, "the injected campaign is found")
    }

    @Test("the same diallers judged by the ASR point estimate do raise alerts: the look-alikes test the bound")
    func pointEstimateFails() throws {
        var flagged = 0
        for seed in [1, 2, 3] as [UInt64] {
            let (confounders, alerted) = try Self.robocallAlerts(seed: seed, asrBoundZ: 0)
            flagged += alerted.intersection(confounders).count
        }
        #expect(flagged > 0)
    }
}

@Suite("Look-alikes of issue 20's failure classes against their detector")
struct FailureClassLookalikeTests {
    /// Generated scenarios of `type` with 10 look-alikes over two weeks, through the rule `rule`: the
    /// look-alike scenarios an alert after the first week's warm-up cites with no injected fraud beside them
    /// (scored as `fraud.sh` scores), and whether the fraud was found.
    static func run(
        _ type: String,
        rule: String,
        seed: UInt64,
        adjust: (inout FraudRule) -> Void = { _ in }
    ) throws -> (lookalikes: Int, cited: Set<String>, found: Bool) {
        var injector = ScenarioInjector(
            counts: ScenarioInjector.parse("\(type):4")!,
            seed: seed,
            start: CivilTime.parseISO("2026-03-02")!,
            days: 14
        )
        injector.confounders = 10
        let made = injector.calls()
        let labels = Dictionary(made.labels.map { ($0.uniqueID, $0) }) { first, _ in first }
        // Background traffic too, so that the detector's state lives through expiry sweeps as it does in a
        // real load (a sweep runs every few thousand records).
        let background = TrafficGenerator(rows: 200_000, seed: seed, start: CivilTime.parseISO("2026-03-02")!, days: 14)
        let calls = (made.calls + Array(background)).enumerated().sorted {
            ($0.element.start, $0.offset) < ($1.element.start, $1.offset)
        }
        .map(\.element)
        let roles = calls.map { labels[$0.uniqueID] }
        let fired = try alerts(rule: rule, calls.map(LookalikeTests.record), adjust: adjust)
        var cited = Set<String>()
        var found = false
        let warmUpEnd = CivilTime.parseISO("2026-03-09")!
        for alert in fired where alert.firstEvent >= warmUpEnd {
            let evidence = alert.evidence.compactMap { roles[Int($0) - 1] }
            if evidence.contains(where: { $0.role == "attack" }) {
                found = true
            } else {
                cited.formUnion(evidence.filter { $0.role == "confounder" }.map(\.scenario))
            }
        }
        let lookalikes = Set(made.labels.filter { $0.role == "confounder" }.map(\.scenario)).count
        return (lookalikes, cited, found)
    }

    @Test(
        "habitual callers abroad out of hours, heavy users from day 1, lines with a usual peak of 2–3 and single long calls to new countries stay quiet",
        arguments: [
            ("pbx", "pbx-hack-off-hours"), ("usage", "high-usage"), ("concurrency", "concurrency"),
            ("burst", "irsf-burst"),
        ],
        [11, 12] as [UInt64]
    )
    func quiet(type: (String, String), seed: UInt64) throws {
        let (lookalikes, cited, found) = try Self.run(type.0, rule: type.1, seed: seed)
        #expect(lookalikes == 10)
        #expect(cited.isEmpty, "\(type.1) alerted on look-alikes alone: \(cited.sorted())")
        #expect(found, "\(type.1) still finds the injected fraud")
    }

    @Test(
        "judged without the line's own baseline (factor 1) or the several-calls rule, the same look-alikes alert",
        arguments: [
            ("pbx", "pbx-hack-off-hours", "peakFactor"), ("concurrency", "concurrency", "peakFactor"),
            ("burst", "irsf-burst", "minCalls"),
        ]
    )
    func controls(type: (String, String, String)) throws {
        var cited = Set<String>()
        for seed in [11, 12] as [UInt64] {
            cited.formUnion(
                try Self.run(type.0, rule: type.1, seed: seed) {
                    $0.params = ($0.params ?? [:]).merging([type.2: 1]) { $1 }
                }.cited
            )
        }
        #expect(!cited.isEmpty, "\(type.1) with \(type.2) off still quiet: the look-alikes do not test it")
    }
}
