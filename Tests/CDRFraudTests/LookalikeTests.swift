import CDRGenerator
import CDRModel
import Testing

@testable import CDRFraud

@Suite("Generated look-alikes against their detector")
struct LookalikeTests {
    /// A generated call as the detector sees it once stored: numbers in E.164, the generator's UK home.
    private static func record(_ call: GeneratedCall) -> CallRecord {
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
