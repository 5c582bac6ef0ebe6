import CDRModel
import Testing

@testable import CDRFraud

/// Detectors meeting a subject for the first time (a new process, or one dropped at the key cap) judge it
/// against the baseline kept in the store, and hand back what they learn.
@Suite("Detectors that read and keep stored baselines")
struct StoredBaselineTests {
    /// 2026-03-02, the day the test calls start.
    static let today = UTCDay(containing: EpochSeconds(1_772_452_800))

    @Test("concurrency: five calls at once from a line whose stored usual peak is 3 stay quiet; without it they warn")
    func concurrency() throws {
        let calls = (0..<5).map { call("+447700900030", "+44207946100\($0)", at: Int64($0) * 10, talk: 600) }
        let stored = FixedProfiles(
            [],
            baselines: [SubjectBaseline(key: "+447700900030", day: Self.today, concurrency: 3)]
        )
        #expect(try alerts(rule: "concurrency", calls, profiles: stored).isEmpty)
        #expect(try alerts(rule: "concurrency", calls, profiles: FixedProfiles([])).map(\.severity) == [.warning])
    }

    @Test(
        "PBX hacking: eight calls abroad at night from an account whose stored habit is 6 stay quiet; without it they warn"
    )
    func pbxHabit() throws {
        let calls = (0..<8).map {
            call("202", "+2348031250\($0)", at: 11 * 3600 + Int64($0) * 200, account: "hotel")
        }
        let stored = FixedProfiles(
            [],
            baselines: [SubjectBaseline(key: "acct:hotel", day: Self.today.advanced(by: -1), offHours: 6)]
        )
        #expect(try alerts(rule: "pbx-hack-off-hours", calls, profiles: stored).isEmpty)
        #expect(try !alerts(rule: "pbx-hack-off-hours", calls, profiles: FixedProfiles([])).isEmpty)
    }

    @Test("IRSF burst: an account with a stored history is past its warm-up; its stored countries are not new")
    func burstCountries() throws {
        let calls = (0..<10).map { call("201", "+6797000\($0)", at: 86_400 + Int64($0) * 300, account: "acct1") }
        let profile = CallerProfile(key: "acct:acct1", day: Self.today.advanced(by: -30), minutes: 10, calls: 3)
        func baseline(_ countries: [String]) -> SubjectBaseline {
            SubjectBaseline(key: "acct:acct1", day: Self.today, burst: 0, countries: countries)
        }
        let knowsFiji = FixedProfiles([profile], baselines: [baseline(["FR", "FJ"])])
        #expect(try alerts(rule: "irsf-burst", calls, profiles: knowsFiji).isEmpty)
        let knowsFrance = FixedProfiles([profile], baselines: [baseline(["FR"])])
        #expect(try alerts(rule: "irsf-burst", calls, profiles: knowsFrance).map(\.severity) == [.warning])
        #expect(try alerts(rule: "irsf-burst", calls, profiles: FixedProfiles([])).isEmpty, "no history: warm-up")
    }

    @Test("high usage after the run: a profile that already holds today's calls does not count them twice")
    func pastOnly() throws {
        var profile = StoredProfileTests.profile("+447700900032", days: 10, minutes: 5)
        profile.add(day: Self.today, minutes: 75, calls: 3)
        let calls = (0..<3).map { call("+447700900032", "+44207946200\($0)", at: Int64($0) * 3600, talk: 25 * 60) }
        let stored = FixedProfiles([profile])
        #expect(try alerts(rule: "high-usage", calls, profiles: stored, pastOnly: true).isEmpty)
        #expect(
            try !alerts(rule: "high-usage", calls, profiles: stored).isEmpty,
            "in a stream, earlier files' minutes count"
        )
    }

    @Test("high usage: a number whose stored days include long ones is held to 1.5 × its busy day, not its mean")
    func busyDay() throws {
        var profile = CallerProfile(key: "+447700900034", day: Self.today.advanced(by: -20), minutes: 10, calls: 4)
        for back in stride(from: 19, through: 1, by: -1) {
            profile.add(day: Self.today.advanced(by: -Int64(back)), minutes: back % 6 == 0 ? 100 : 10, calls: 4)
        }
        func today(_ minutes: Int64) -> [CallRecord] {
            (0..<4).map { call("+447700900034", "+44207946300\($0)", at: Int64($0) * 3600, talk: minutes * 15) }
        }
        let stored = FixedProfiles([profile])
        #expect(try alerts(rule: "high-usage", today(130), profiles: stored).isEmpty, "130 min under 1.5 × 120")
        #expect(try !alerts(rule: "high-usage", today(200), profiles: stored).isEmpty)
        let withoutSketch = FixedProfiles([
            {
                var flat = profile
                flat.sketch = []
                return flat
            }()
        ])
        #expect(try !alerts(rule: "high-usage", today(130), profiles: withoutSketch).isEmpty, "the mean alone warns")
    }

    @Test("a baseline as of a later day (written by a run over later records) is not used")
    func futureBaseline() throws {
        let calls = (0..<5).map { call("+447700900033", "+44207946100\($0)", at: Int64($0) * 10, talk: 600) }
        let later = FixedProfiles(
            [],
            baselines: [SubjectBaseline(key: "+447700900033", day: Self.today.advanced(by: 3), concurrency: 3)]
        )
        #expect(try alerts(rule: "concurrency", calls, profiles: later).map(\.severity) == [.warning])
    }

    @Test("what detectors learn comes back for the store: a day's peaks as of the next day, and countries called")
    func learnt() throws {
        var rules = FraudRules.defaults()
        rules.rules = rules.rules.filter { ["concurrency", "pbx-hack-off-hours", "irsf-burst"].contains($0.id) }
        let engine = try FraudEngine(
            rules: rules,
            context: DetectorContext(ranges: testRanges, profiles: FixedProfiles([])),
            homeCountryCode: "44"
        )
        var calls = (0..<3).map { call("+447700900031", "+44207946100\($0)", at: Int64($0) * 10, talk: 600) }
        calls += (0..<2).map { call("203", "+2348031250\($0)", at: 11 * 3600 + Int64($0) * 200, account: "inn") }
        calls += [call("203", "+33612345678", at: 11 * 3600 + 900, account: "inn")]
        for (index, call) in calls.enumerated() { engine.add(id: Int64(index + 1), call: call) { _ in } }
        engine.finish { _ in }
        let learnt = Dictionary(uniqueKeysWithValues: engine.takeBaselines(all: true).map { ($0.key, $0) })
        let tomorrow = Self.today.next
        #expect(learnt["+447700900031"] == SubjectBaseline(key: "+447700900031", day: tomorrow, concurrency: 3))
        #expect(learnt["acct:inn"]?.offHours == 3 && learnt["acct:inn"]?.day == tomorrow)
        #expect(Set(learnt["acct:inn"]?.countries ?? []) == ["NG", "FR"])
        #expect(engine.takeBaselines().isEmpty, "handed over once")
    }

    @Test("at a run's end every subject's baseline comes in chunks of at most the size asked, and adds up to the same")
    func chunked() throws {
        var rules = FraudRules.defaults()
        rules.rules = rules.rules.filter { ["concurrency", "pbx-hack-off-hours", "irsf-burst"].contains($0.id) }
        func engine() throws -> FraudEngine {
            let engine = try FraudEngine(
                rules: rules,
                context: DetectorContext(ranges: testRanges, profiles: FixedProfiles([])),
                homeCountryCode: "44"
            )
            let lines = (0..<7).flatMap { line in
                (0..<3).map {
                    call("+44770090010\(line)", "+44207946100\($0)", at: Int64(line * 100 + $0 * 10), talk: 600)
                }
            }
            let accounts = (0..<3).flatMap { account in
                (0..<2).map {
                    call("20\(account)", "+2348031250\($0)", at: 11 * 3600 + Int64($0) * 200, account: "a\(account)")
                }
            }
            for (index, call) in (lines + accounts).enumerated() {
                engine.add(id: Int64(index + 1), call: call) { _ in }
            }
            engine.finish { _ in }
            return engine
        }
        var chunks: [[SubjectBaseline]] = []
        try engine().takeBaselines(all: true, chunk: 2) { chunks.append($0) }
        #expect(chunks.allSatisfy { $0.count <= 2 && Set($0.map(\.key)).count == $0.count })
        var merged: [String: SubjectBaseline] = [:]
        for baseline in chunks.joined() {
            merged[baseline.key] = merged[baseline.key].map { $0.merged(with: baseline) } ?? baseline
        }
        let whole = try engine().takeBaselines(all: true)
        #expect(whole.count >= 10, "7 lines and 3 accounts")
        #expect(merged == Dictionary(uniqueKeysWithValues: whole.map { ($0.key, $0) }))
    }
}
