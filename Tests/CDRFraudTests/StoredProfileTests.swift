import CDRModel
import Synchronization
import Testing

@testable import CDRFraud

/// Profiles as a store would give them, counting how often each key is asked for, with a fixed prior.
final class FixedProfiles: ProfileLookup {
    private let profiles: [String: CallerProfile]
    private let baselines: [String: SubjectBaseline]
    private let prior: Double?
    private let classPriors: [String: Double]
    let asked = Mutex(0)

    init(
        _ profiles: [CallerProfile],
        prior: Double? = nil,
        classPriors: [String: Double] = [:],
        baselines: [SubjectBaseline] = []
    ) {
        self.profiles = Dictionary(uniqueKeysWithValues: profiles.map { ($0.key, $0) })
        self.baselines = Dictionary(uniqueKeysWithValues: baselines.map { ($0.key, $0) })
        self.prior = prior
        self.classPriors = classPriors
    }

    func baseline(_ key: String) -> SubjectBaseline? { baselines[key] }

    func profile(_ key: String) -> CallerProfile? {
        asked.withLock { $0 += 1 }
        return profiles[key]
    }

    func populationMinutes(quantile: Double, minDays: Int64, keyPrefix: String) -> Double? {
        quantile == 0.99 ? classPriors[keyPrefix] ?? prior : nil
    }
}

@Suite("Detectors that read stored usage profiles")
struct StoredProfileTests {
    /// 2026-03-02, the day ``call(_:_:at:ring:talk:answered:disposition:account:diverting:)`` counts from.
    static let today = UTCDay(containing: EpochSeconds(1_772_452_800))

    /// A profile of `days` days at `minutes` a day, the last one yesterday.
    static func profile(_ key: String, days: Int64, minutes: Double) -> CallerProfile {
        var profile = CallerProfile(key: key, day: today.advanced(by: -days), minutes: minutes, calls: 5)
        for back in stride(from: days - 1, through: 1, by: -1) {
            profile.add(day: today.advanced(by: -back), minutes: minutes, calls: 5)
        }
        return profile
    }

    @Test(
        "subscription: a line active for weeks but new to this process is not 'first seen' when its profile is stored"
    )
    func subscriptionKnowsOldLines() throws {
        let line = "+447700900070"
        var calls = (0..<10).map { call("+4479111000\($0)", "+442079460000", at: Int64($0) * 60 - 9 * 86_400) }
        calls += (0..<3).map { call(line, "+33612345678", at: Int64($0) * 2_000, talk: 1_800) }
        let unaided = try alerts(rule: "subscription", calls, profiles: nil)
        #expect(unaided.map(\.subject) == [line], "without profiles the line looks new after the warm-up")
        let stored = FixedProfiles([Self.profile(line, days: 20, minutes: 15)])
        #expect(try alerts(rule: "subscription", calls, profiles: stored).isEmpty)
        #expect(stored.asked.withLock { $0 } == 1, "asked only of the number that would have alerted as new")
    }

    @Test(
        "high usage: a mature stored profile is judged from the first call of a run; a heavy user from day one stays quiet"
    )
    func highUsageFromStoredProfile() throws {
        let light = "+447700900071"
        let heavy = "+447700900072"
        let burst = (0..<10).map { call(light, "+442079460001", at: Int64($0) * 3_000, talk: 2_400) }
        #expect(try alerts(rule: "high-usage", burst, profiles: nil).isEmpty, "no history in memory: immature")
        let stored = FixedProfiles([
            Self.profile(light, days: 10, minutes: 20), Self.profile(heavy, days: 10, minutes: 250),
        ])
        let fired = try alerts(rule: "high-usage", burst, profiles: stored)
        #expect(fired.map(\.severity).last == .critical && fired.allSatisfy { $0.subject == light })
        let usual = try #require(fired.last?.measures.first { $0.name == "usual_daily_minutes" })
        #expect(abs(usual.value - 20) < 0.01, "judged against the stored usual, \(usual.value)")
        let busy = (0..<8).map { call(heavy, "+442079460002", at: Int64($0) * 3_600, talk: 2_400) }
        #expect(try alerts(rule: "high-usage", busy, profiles: stored).isEmpty, "320 min against a usual 250")
    }

    @Test("high usage: a number too young for its own history is judged against the population prior")
    func populationPrior() throws {
        let young = "+447700900074"
        /// A day of `minutes`-minute calls, after a first call in the data 9 days before (from another number).
        func day(_ minutes: Int64, watched: Bool = true) -> [CallRecord] {
            (watched ? [call("+447911100000", "+442079460000", at: -9 * 86_400)] : [])
                + (0..<10).map { call(young, "+442079460003", at: Int64($0) * 3_000, talk: minutes * 60) }
        }
        #expect(try alerts(rule: "high-usage", day(30), profiles: nil).isEmpty, "no prior: immature, not judged")
        let prior = FixedProfiles([], prior: 50)
        let on: (inout FraudRule) -> Void = { $0.params?["priorQuantile"] = 0.99 }
        #expect(try alerts(rule: "high-usage", day(30), profiles: prior).isEmpty, "off by default")
        let fired = try alerts(rule: "high-usage", day(30), profiles: prior, adjust: on)
        #expect(fired.map(\.severity) == [.warning], "300 min against 5 × 50")
        #expect(fired.first?.measures.contains { $0.name == "population_prior_minutes" && $0.value == 50 } == true)
        #expect(try alerts(rule: "high-usage", day(24), profiles: prior, adjust: on).isEmpty, "240 min is under 250")
        let heavyPrior = FixedProfiles([], prior: 60)
        #expect(try alerts(rule: "high-usage", day(26), profiles: heavyPrior, adjust: on).isEmpty, "260 under 300")
        let off = try alerts(rule: "high-usage", day(30), profiles: prior) { $0.params?["priorQuantile"] = 0 }
        #expect(off.isEmpty, "priorQuantile 0 turns the prior off")
        #expect(
            try alerts(rule: "high-usage", day(30, watched: false), profiles: prior, adjust: on).isEmpty,
            "seen since the data began, the number may be older than the data: not known to be young"
        )
    }

    @Test(
        "high usage: a young number is judged against its own class, mobiles against mobiles, fixed lines against fixed"
    )
    func classPrior() throws {
        func day(_ number: String) -> [CallRecord] {
            [call("+447911100000", "+442079460000", at: -9 * 86_400)]
                + (0..<10).map { call(number, "+442079460003", at: Int64($0) * 3_000, talk: 20 * 60) }
        }
        let priors = FixedProfiles([], classPriors: ["+447": 60, "+441": 20])
        let on: (inout FraudRule) -> Void = { $0.params?["priorQuantile"] = 0.99 }
        #expect(try alerts(rule: "high-usage", day("+447700900075"), profiles: priors, adjust: on).isEmpty)
        let fixed = try alerts(rule: "high-usage", day("+441134960000"), profiles: priors, adjust: on)
        #expect(fixed.map(\.severity) == [.warning], "200 over max(120, 5 × 20)")
        #expect(fixed.first?.summary.contains("+441") == true, "\(fixed.map(\.summary))")
        #expect(PopulationClass.of("acct:201") == "acct:" && PopulationClass.of("+12125550100") == "+12")
        #expect(PopulationClass.of("201") == nil && PopulationClass.of("+44") == nil)
    }

    @Test("the profile cache holds at most its capacity and asks the store once per cached key")
    func boundedCache() {
        let loads = Mutex(0)
        let cache = CachedProfiles(capacity: 10) { key in
            loads.withLock { $0 += 1 }
            return key.hasSuffix("7") ? CallerProfile(key: key, day: UTCDay(1), minutes: 1, calls: 1) : nil
        }
        for n in 0..<100 { _ = cache.profile("+4477009000\(n)") }
        #expect(cache.count <= 10 && loads.withLock { $0 } == 100)
        #expect(cache.profile("+447700900097")?.key == "+447700900097")
        #expect(cache.profile("+447700900098") == nil)
        #expect(loads.withLock { $0 } == 100, "recent keys, found or not, come from the cache")
    }
}

@Suite("Subscription with profiles folded from the same data")
struct SubscriptionSameDayProfileTests {
    @Test(
        "a profile first seen today (detection after the load) leaves the exact first-call time: the first 24 h span midnight"
    )
    func sameDayProfile() throws {
        let line = "+447700900073"
        var calls = (0..<10).map { call("+4479111000\($0)", "+442079460000", at: Int64($0) * 60 - 9 * 86_400) }
        let evening: Int64 = 10 * 3_600
        calls += (0..<3).map { call(line, "+33612345678", at: evening + Int64($0) * 3_700, talk: 1_500) }
        let unaided = try alerts(rule: "subscription", calls, profiles: nil)
        #expect(unaided.map(\.subject) == [line], "75 min in the first 24 h, the last 25 after midnight")
        let folded = FixedProfiles([
            CallerProfile(key: line, day: StoredProfileTests.today, minutes: 30, calls: 1)
        ])
        #expect(try alerts(rule: "subscription", calls, profiles: folded).map(\.subject) == [line])
    }
}
