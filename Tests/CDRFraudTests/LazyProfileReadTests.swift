import CDRModel
import Synchronization
import Testing

@testable import CDRFraud

/// Profiles a test can change mid-run as a folding store would (each change moves the generation on),
/// answering which numbers are busy on a day unless told not to, and counting profile reads.
final class ChangingProfiles: ProfileLookup {
    private struct Contents {
        var profiles: [String: CallerProfile]
        var generation = 0
        var reads = 0
    }

    private let contents: Mutex<Contents>
    private let answersBusy: Bool

    init(_ profiles: [CallerProfile], answersBusy: Bool = true) {
        contents = Mutex(Contents(profiles: Dictionary(uniqueKeysWithValues: profiles.map { ($0.key, $0) })))
        self.answersBusy = answersBusy
    }

    func profile(_ key: String) -> CallerProfile? {
        contents.withLock {
            $0.reads += 1
            return $0.profiles[key]
        }
    }

    func busyCallers(on day: UTCDay, minutes: Double, limit: Int) -> [String]? {
        guard answersBusy else { return nil }
        return contents.withLock {
            $0.profiles.values.filter { $0.lastDay == day && $0.dayMinutes >= minutes }.map(\.key)
        }
    }

    var generation: Int { contents.withLock { $0.generation } }

    /// Profile reads so far.
    var reads: Int { contents.withLock { $0.reads } }

    /// Stores `profile` in place of the key's, as a fold would.
    func replace(_ profile: CallerProfile) {
        contents.withLock {
            $0.profiles[profile.key] = profile
            $0.generation += 1
        }
    }
}

@Suite("Stored profiles read only when a number's minutes could matter")
struct LazyProfileReadTests {
    static let today = StoredProfileTests.today

    /// A profile of `days` days at `minutes` a day up to yesterday, and `todayMinutes` stored today if any.
    static func profile(_ key: String, days: Int64, minutes: Double, todayMinutes: Double? = nil) -> CallerProfile {
        var profile = StoredProfileTests.profile(key, days: days, minutes: minutes)
        if let todayMinutes { profile.add(day: today, minutes: todayMinutes, calls: 2) }
        return profile
    }

    static func engine(rule id: String, _ profiles: any ProfileLookup) throws -> FraudEngine {
        let rule = try #require(FraudRules.defaults().rules.first { $0.id == id })
        return try FraudEngine(
            rules: FraudRules(rules: [rule]),
            context: DetectorContext(ranges: testRanges, keyCap: 200_000, profiles: profiles),
            homeCountryCode: "44"
        )
    }

    @Test("high usage: numbers read when their minutes near the floor raise exactly the alerts of numbers read at once")
    func sameAlerts() throws {
        let day: Int64 = 86_400
        let stored = [
            Self.profile("+447700900201", days: 10, minutes: 20),
            Self.profile("+447700900202", days: 10, minutes: 15, todayMinutes: 100),
            Self.profile("+447700900203", days: 10, minutes: 10, todayMinutes: 20),
            Self.profile("+447700900205", days: 12, minutes: 25),
        ]
        var calls: [CallRecord] = []
        calls += (0..<3).map { call("+447700900201", "+442079460001", at: 600 + Int64($0) * 3_000, talk: 2_400) }
        calls += (0..<5).map { call("+447700900201", "+442079460001", at: 2 * day + Int64($0) * 3_600, talk: 3_000) }
        calls += (0..<2).map { call("+447700900202", "+442079460002", at: 900 + Int64($0) * 3_000, talk: 720) }
        calls += (0..<5).map { call("+447700900203", "+442079460003", at: 1_200 + Int64($0) * 3_000, talk: 1_200) }
        calls.append(call("+447700900205", "+442079460005", at: 1_500, talk: 600))
        calls += (0..<4).map { call("+447700900205", "+442079460005", at: 2 * day + Int64($0) * 3_600, talk: 2_700) }
        calls += (0..<9).flatMap { back in
            (0..<2).map { call("+447700900204", "+442079460004", at: Int64(back) * day + Int64($0) * 600, talk: 300) }
        }
        calls += (0..<3).map { call("+447700900204", "+442079460004", at: 9 * day + Int64($0) * 3_600, talk: 3_000) }
        calls += (0..<400).map { call("+4477009\(10_000 + $0)", "+442079460009", at: Int64($0) * 1_000, talk: 400) }
        calls.sort { $0.start < $1.start }

        func run(_ profiles: ChangingProfiles) throws -> [Alert] {
            let engine = try Self.engine(rule: "high-usage", profiles)
            var raised: [Alert] = []
            for (index, call) in calls.enumerated() {
                engine.add(id: Int64(index + 1), call: call) { raised.append($0) }
            }
            engine.finish { raised.append($0) }
            return raised
        }
        let atOnce = ChangingProfiles(stored, answersBusy: false)
        let whenNeeded = ChangingProfiles(stored)
        let eager = try run(atOnce)
        let lazy = try run(whenNeeded)
        #expect(
            Set(eager.map(\.subject)).isSuperset(of: [
                "+447700900201", "+447700900202", "+447700900203", "+447700900205",
            ]),
            "\(eager.map(\.subject))"
        )
        #expect(lazy.count == eager.count)
        for (read, expected) in zip(lazy, eager) {
            #expect(read.subject == expected.subject && read.severity == expected.severity)
            #expect(read.measures.count == expected.measures.count)
            for (measure, value) in zip(read.measures, expected.measures) {
                #expect(measure.name == value.name && abs(measure.value - value.value) < 1e-9, "\(read.subject)")
            }
        }
        #expect(whenNeeded.reads * 10 < atOnce.reads, "\(whenNeeded.reads) reads against \(atOnce.reads)")
    }

    @Test("high usage: minutes counted before the store folded them in are not added to what it then holds")
    func storeChangedUnderneath() throws {
        let number = "+447700900210"
        let profiles = ChangingProfiles([Self.profile(number, days: 10, minutes: 10)])
        let engine = try Self.engine(rule: "high-usage", profiles)
        var raised: [Alert] = []
        let early = (0..<2).map { call(number, "+442079460010", at: 600 + Int64($0) * 1_200, talk: 720) }
        for (index, call) in early.enumerated() { engine.add(id: Int64(index + 1), call: call) { raised.append($0) } }
        engine.advance(to: 1_772_452_800 + 8_000) { raised.append($0) }
        var folded = Self.profile(number, days: 10, minutes: 10)
        folded.add(day: Self.today, minutes: 24, calls: 2)
        profiles.replace(folded)
        let late = (0..<4).map { call(number, "+442079460010", at: 10_000 + Int64($0) * 3_600, talk: 1_500) }
        for (index, call) in late.enumerated() { engine.add(id: Int64(index + 10), call: call) { raised.append($0) } }
        engine.finish { raised.append($0) }
        let minutes = try #require(
            raised.first?.measures.first { $0.name == "answered_minutes_today" }?.value,
            "\(raised)"
        )
        #expect(abs(minutes - 124) < 0.01, "24 stored and 100 after: \(minutes)")
    }

    @Test(
        "subscription: a line met today whose stored first day was yesterday has no first-day minutes, but its calls count"
    )
    func subscriptionReadsOnAlert() throws {
        let line = "+447700900220"
        var calls = (0..<10).map { call("+4479111000\($0)", "+442079460000", at: Int64($0) * 60 - 9 * 86_400) }
        calls += (0..<3).map { call(line, "+33612345678", at: 3_600 + Int64($0) * 2_000, talk: 1_800) }
        #expect(try alerts(rule: "subscription", calls, profiles: nil).map(\.subject) == [line], "new without profiles")
        let yesterday = CallerProfile(key: line, day: Self.today.advanced(by: -1), minutes: 5, calls: 1)
        let stored = ChangingProfiles([yesterday])
        #expect(try alerts(rule: "subscription", calls, profiles: stored).isEmpty, "its first day ended at midnight")
        #expect(stored.reads == 1, "read once, when it would have alerted")
        calls += (0..<20).map { call(line, "+33612345678", at: 20_000 + Int64($0) * 300, talk: 30) }
        let byShare = try alerts(rule: "subscription", calls, profiles: ChangingProfiles([yesterday]))
        let alert = try #require(byShare.first)
        #expect(alert.summary.contains("first seen \(CivilTime.iso8601(Self.today.advanced(by: -1).start.rawValue))"))
        #expect(alert.measures.first { $0.name == "costly_minutes_first_day" }?.value == 0)
    }
}
