import CDRModel
import Testing

@Suite("Caller profiles")
struct CallerProfileTests {
    private let alpha = CallerProfile.alpha

    /// The weighted mean of daily values (oldest first) before a day, written out term by term: what the
    /// profile's running form must equal.
    private func direct(_ days: [Double]) -> Double {
        var sum = 0.0
        var weight = 0.0
        for (age, value) in days.reversed().enumerated() {
            let w = alpha * pow(1 - alpha, Double(age))
            sum += w * value
            weight += w
        }
        return sum / weight
    }

    private func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= base }
        return result
    }

    @Test("a steady user's usual minutes are its daily minutes from the second day on, not diluted by days before")
    func steady() throws {
        var profile = CallerProfile(key: "+447700900001", day: UTCDay(100), minutes: 90, calls: 6)
        #expect(profile.usual(before: UTCDay(100)) == nil, "no day before the first to judge by")
        for day in 101...107 { profile.add(day: UTCDay(Int64(day)), minutes: 90, calls: 6) }
        let usual = try #require(profile.usual(before: UTCDay(108)))
        #expect(abs(usual.minutes - 90) < 1e-9 && abs(usual.calls - 6) < 1e-9 && usual.days == 8)
        #expect(profile.activeDays == 8 && profile.firstDay == UTCDay(100) && profile.lastDay == UTCDay(107))
    }

    @Test("idle days after first seen count as zeros, exactly as the written-out weighted mean")
    func idleDays() throws {
        var profile = CallerProfile(key: "k", day: UTCDay(0), minutes: 40, calls: 2)
        profile.add(day: UTCDay(3), minutes: 100, calls: 5)
        profile.add(day: UTCDay(3), minutes: 20, calls: 1)
        let usual = try #require(profile.usual(before: UTCDay(6)))
        let expected = direct([40, 0, 0, 120, 0, 0])
        #expect(abs(usual.minutes - expected) < 1e-9, "\(usual.minutes) against \(expected)")
        #expect(abs(usual.calls - direct([2, 0, 0, 6, 0, 0])) < 1e-9)
        #expect(profile.activeDays == 2)
    }

    @Test("days folded late, even before the first seen, give the same means as in order")
    func lateDays() throws {
        let days: [(Int64, Double)] = [(10, 30), (11, 0), (12, 75), (15, 12), (16, 200)]
        var inOrder = CallerProfile(key: "k", day: UTCDay(days[0].0), minutes: days[0].1, calls: 1)
        for (day, minutes) in days.dropFirst() { inOrder.add(day: UTCDay(day), minutes: minutes, calls: 1) }
        var shuffled = CallerProfile(key: "k", day: UTCDay(15), minutes: 12, calls: 1)
        for (day, minutes) in [(16, 200.0), (10, 30), (12, 75), (11, 0)] as [(Int64, Double)] {
            shuffled.add(day: UTCDay(day), minutes: minutes, calls: 1)
        }
        #expect(shuffled.firstDay == UTCDay(10) && shuffled.lastDay == UTCDay(16))
        let a = try #require(inOrder.usual(before: UTCDay(20)))
        let b = try #require(shuffled.usual(before: UTCDay(20)))
        #expect(abs(a.minutes - b.minutes) < 1e-9 && abs(a.calls - b.calls) < 1e-9 && a.days == b.days)
        var rolledA = inOrder
        var rolledB = shuffled
        rolledA.add(day: UTCDay(20), minutes: 0, calls: 0)
        rolledB.add(day: UTCDay(20), minutes: 0, calls: 0)
        for (x, y) in zip(rolledA.sketch, rolledB.sketch) {
            #expect(abs(x - y) < 1e-5, "\(rolledA.sketch) \(rolledB.sketch)")
        }
        #expect(rolledA.callSketch.count == CallerProfile.callSketchBounds.count)
        for (x, y) in zip(rolledA.callSketch, rolledB.callSketch) {
            #expect(abs(x - y) < 1e-5, "\(rolledA.callSketch) \(rolledB.callSketch)")
        }
    }

    @Test("the sketch holds the days' weights by minutes: its total is the means' weight, its quantiles the busy days")
    func sketch() throws {
        var profile = CallerProfile(key: "k", day: UTCDay(0), minutes: 10, calls: 2)
        for day in 1..<28 { profile.add(day: UTCDay(Int64(day)), minutes: day % 10 == 5 ? 100 : 10, calls: 2) }
        profile.add(day: UTCDay(30), minutes: 10, calls: 2)
        let total = Double(profile.sketch.reduce(0, +))
        #expect(abs(total - profile.weight) < 1e-5, "\(total) against \(profile.weight)")
        #expect(profile.dailyMinutes(quantile: 0.5, before: UTCDay(31)) == 20, "an ordinary day: 10 min, under 20")
        #expect(profile.dailyMinutes(quantile: 0.95, before: UTCDay(31)) == 120, "a busy day: 100 min, under 120")
        let stored = CallerProfile.sketches(bytes: profile.sketchBytes)
        #expect(stored.minutes == profile.sketch && stored.calls == profile.callSketch)
        #expect(CallerProfile.sketches(bytes: [1, 2, 3]).minutes.isEmpty)
    }

    @Test("the call sketch holds the same weights by calls: quiet days, a dialler's busy days, older profiles")
    func callSketch() throws {
        var profile = CallerProfile(key: "k", day: UTCDay(0), minutes: 10, calls: 4)
        for day in 1..<28 { profile.add(day: UTCDay(Int64(day)), minutes: 10, calls: day % 10 == 5 ? 150 : 4) }
        profile.add(day: UTCDay(30), minutes: 10, calls: 4)
        let total = Double(profile.callSketch.reduce(0, +))
        #expect(abs(total - profile.weight) < 1e-5, "\(total) against \(profile.weight)")
        #expect(profile.dailyCalls(quantile: 0.5, before: UTCDay(31)) == 5, "an ordinary day: 4 calls, under 5")
        #expect(profile.dailyCalls(quantile: 0.95, before: UTCDay(31)) == 233, "a busy day: 150 calls, under 233")
        let minutesOnly = Array(profile.sketchBytes.prefix(4 * CallerProfile.sketchBounds.count))
        var older = profile
        (older.sketch, older.callSketch) = CallerProfile.sketches(bytes: minutesOnly)
        #expect(
            older.sketch == profile.sketch && older.callSketch.isEmpty,
            "a profile stored before calls were sketched"
        )
        older.add(day: UTCDay(31), minutes: 10, calls: 4)
        let olderTotal = Double(older.callSketch.reduce(0, +))
        let minutesTotal = Double(older.sketch.reduce(0, +))
        #expect(abs(olderTotal - minutesTotal) < 1e-5, "its unknown days count as quiet ones, at their full weight")
        #expect(older.dailyCalls(quantile: 0.5, before: UTCDay(32)) == 1)
    }
}
