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
}
