import Testing

@testable import CDRModel

@Suite("Civil time and zones")
struct TimeTests {
    @Test("days_from_civil round-trips across eras", arguments: [-800_000, -1, 0, 1, 19_000, 20_000, 2_932_896])
    func roundTrip(days: Int64) {
        let (y, m, d) = CivilTime.date(days: days)
        #expect(CivilTime.days(year: y, month: m, day: d) == days)
    }

    @Test("known instants")
    func known() {
        #expect(CivilTime.epoch(year: 2015, month: 3, day: 24, hour: 15, minute: 44, second: 40) == 1_427_211_880)
        #expect(CivilTime.epoch(year: 2024, month: 2, day: 30, hour: 0, minute: 0, second: 0) == nil)
        #expect(CivilTime.iso8601(1_427_211_880) == "2015-03-24T15:44:40Z")
        #expect(CivilTime.parseISO("2015-03-24T16:44:40+01:00") == 1_427_211_880)
        #expect(CivilTime.parseISO("2015-03-24") == 1_427_155_200)
        #expect(CivilTime.parseISO("2015-3-24") == nil)
    }

    @Test("local times convert through summer time, ambiguous hour takes summer time")
    func london() throws {
        var clock = try #require(LocalTimeConverter(identifier: "Europe/London"))
        let winter = CivilTime.epoch(year: 2026, month: 1, day: 15, hour: 12, minute: 0, second: 0)!
        let summer = CivilTime.epoch(year: 2026, month: 7, day: 15, hour: 12, minute: 0, second: 0)!
        #expect(clock.utc(fromLocal: winter) == winter)
        #expect(clock.utc(fromLocal: summer) == summer - 3600)
        let repeated = CivilTime.epoch(year: 2026, month: 10, day: 25, hour: 1, minute: 30, second: 0)!
        #expect(clock.utc(fromLocal: repeated) == repeated - 3600)
        #expect(LocalTimeConverter(identifier: "Mars/Olympus") == nil)
    }

    @Test("dispositions read switch spellings and reject others")
    func dispositions() {
        #expect(Disposition(name: "NO ANSWER") == .noAnswer)
        #expect(Disposition(name: "no_answer") == .noAnswer)
        #expect(Disposition(name: "Congestion") == .congestion)
        #expect(Disposition(name: "CANCEL") == .cancelled)
        #expect(Disposition(name: "ANSWERED ") == nil)
        #expect(Disposition(name: "HELD") == nil)
        for disposition in Disposition.allCases { #expect(Disposition(name: disposition.name) == disposition) }
    }

    @Test("validation names the broken field")
    func validation() {
        let good = CallRecord(
            calling: "+441",
            dialled: "+442",
            start: 1_700_000_000,
            answer: 1_700_000_005,
            end: 1_700_000_065,
            duration: 65,
            billable: 60,
            disposition: .answered
        )
        #expect(good.validate() == nil)
        var bad = good
        bad.end = good.start - 1
        #expect(bad.validate()?.field == "end")
        bad = good
        bad.billable = 70
        #expect(bad.validate()?.field == "billsec")
        bad = good
        bad.dialled = ""
        #expect(bad.validate()?.field == "dialled")
    }
}

@Suite("Call timing")
struct CallTimingTests {
    @Test("missing end, duration and billable seconds are derived from what the record has")
    func derivation() {
        #expect(
            CallTiming(start: 100, answer: 105, end: nil, duration: 65, billable: nil)
                == CallTiming(start: 100, answer: 105, end: 165, duration: nil, billable: nil)
        )
        let derived = CallTiming(start: 100, answer: 105, end: 165, duration: nil, billable: nil)
        #expect(derived.end == 165 && derived.duration == 65 && derived.billable == 60)
        let unanswered = CallTiming(start: 100, answer: nil, end: nil, duration: nil, billable: nil)
        #expect(unanswered.end == 100 && unanswered.duration == 0 && unanswered.billable == 0)
        #expect(CallTiming(start: 100, answer: nil, end: 130, duration: 30, billable: 12).billable == 12)
    }
}
