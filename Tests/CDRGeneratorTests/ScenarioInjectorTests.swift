import CDRGenerator
import CDRModel
import Testing

@Suite("Scenario injection")
struct ScenarioInjectorTests {
    @Test("specs parse, and bad ones are refused")
    func parsing() {
        #expect(ScenarioInjector.parse("wangiri:2,irsf")?.map(\.count) == [2, 1])
        #expect(ScenarioInjector.parse("all:3")?.count == ScenarioType.allCases.count)
        #expect(ScenarioInjector.parse("phishing:1") == nil)
        #expect(ScenarioInjector.parse("wangiri:0") == nil)
        #expect(ScenarioInjector.parse("") == nil)
    }

    @Test("injection is deterministic, labels every injected call once, and uses subjects of its own per seed")
    func labels() {
        let start = CivilTime.parseISO("2026-03-02")!
        var first = ScenarioInjector(counts: ScenarioInjector.parse("all:2")!, seed: 7, start: start, days: 7)
        var again = ScenarioInjector(counts: ScenarioInjector.parse("all:2")!, seed: 7, start: start, days: 7)
        let made = first.calls()
        let repeated = again.calls()
        #expect(made.calls.map(\.uniqueID) == repeated.calls.map(\.uniqueID))
        #expect(made.labels.count == made.calls.count && Set(made.labels.map(\.uniqueID)).count == made.calls.count)
        #expect(Set(made.labels.map(\.scenario)).count == 2 * ScenarioType.allCases.count)
        #expect(zip(made.calls, made.calls.dropFirst()).allSatisfy { $0.start <= $1.start })
        #expect(
            made.calls.allSatisfy { $0.start >= start && $0.start < start + 12 * 86_400 },
            "scenarios start within the 7 days and last at most 5"
        )
        var other = ScenarioInjector(counts: ScenarioInjector.parse("all:2")!, seed: 8, start: start, days: 7)
        // Subscribers, SIMs and PBX accounts differ per seed; routes, trunks, pumped ranges and the background
        // accounts a burst scenario takes over are network-wide and may recur.
        func subscribers(_ labels: [ScenarioLabel]) -> Set<String> {
            Set(
                labels.map(\.subject).filter {
                    !["route:", "trunk:", "range:", "acct:acct"].contains(where: $0.hasPrefix)
                }
            )
        }
        let others = subscribers(other.calls().labels)
        #expect(others.count > 20 && others.isDisjoint(with: subscribers(made.labels)))
    }

    @Test("subtle scenarios are named apart and sit between the warning threshold and 1.5 times it")
    func subtleTier() {
        let start = CivilTime.parseISO("2026-03-02")!
        var injector = ScenarioInjector(
            counts: ScenarioInjector.parse("wangiri:2,robocall:2,concurrency:2,pump:2,pbx:2")!,
            seed: 11,
            start: start,
            days: 14
        )
        injector.subtle = 3
        let made = injector.calls()
        let byScenario = Dictionary(grouping: zip(made.calls, made.labels), by: { $0.1.scenario })
        #expect(byScenario.keys.filter { $0.contains("-subtle-") }.count == 15)
        #expect(byScenario.keys.filter { !$0.contains("-subtle-") && !$0.contains("lookalike") }.count == 10)
        func attacks(_ name: String) -> [GeneratedCall] {
            byScenario[name, default: []].filter { $0.1.role == "attack" }.map(\.0)
        }
        for index in 1...3 {
            let rung = Set(attacks("wangiri-subtle-\(index)").map(\.destination)).count
            #expect((30...45).contains(rung), "Wangiri warns at 30 distinct subscribers; rang \(rung)")
            let attempts = attacks("robocall-subtle-\(index)")
            #expect((100...150).contains(attempts.count), "robocall warns at 100 attempts; made \(attempts.count)")
            #expect(attempts.last!.start - attempts.first!.start < 3600, "within the hour's window")
            let lines = attacks("concurrency-subtle-\(index)")
            let overlapping = lines.filter { $0.start <= lines.last!.start && $0.end > lines.last!.start }.count
            #expect((4...6).contains(overlapping), "4 calls at once warn; \(overlapping) overlap")
            let callers = Set(attacks("pump-subtle-\(index)").map(\.source)).count
            #expect((5...7).contains(callers), "pumping warns at 5 distinct callers; \(callers) called")
            let probes = attacks("pbx-subtle-\(index)").filter { $0.disposition == .failed }
            #expect(probes.isEmpty, "subtle PBX attacks make no failed probes")
        }
        for index in 1...2 {
            #expect(Set(attacks("wangiri-\(index)").map(\.destination)).count >= 60, "standard strength")
        }
    }
}

@Suite("Background traffic")
struct TrafficGeneratorTests {
    @Test("--subscribers sets how many lines make the calls")
    func subscribers() {
        let start = CivilTime.parseISO("2026-03-02")!
        let few = Set(TrafficGenerator(rows: 5_000, seed: 3, start: start, days: 2, subscribers: 100).map(\.source))
        #expect(few.count <= 100 && few.count > 90)
        let many = Set(
            TrafficGenerator(rows: 5_000, seed: 3, start: start, days: 2, subscribers: 1_000_000).map(\.source)
        )
        #expect(many.count > 4_900, "nearly every call from a different line")
        let fallback = Set(TrafficGenerator(rows: 5_000, seed: 3, start: start, days: 2).map(\.source))
        #expect(fallback.count <= 200)
    }
}
