import Testing

@testable import CDRModel

@Suite("Destination classification and calendar months")
struct ClassificationTests {
    let classifier = NumberClassifier(homeCountryCode: "44")

    @Test(
        "UK, NANP, foreign and on-net numbers generalise to country, type and area",
        arguments: [
            ("+447911123456", "GB", NumberType.mobile, ""),
            ("+447624123456", "GB", .mobile, ""),
            ("+447012345678", "GB", .nonGeographic, ""),
            ("+447612345678", "GB", .nonGeographic, ""),
            ("+442079460123", "GB", .geographic, "20"),
            ("+441614960123", "GB", .geographic, "161"),
            ("+441134960123", "GB", .geographic, "113"),
            ("+441632960123", "GB", .geographic, "1632"),
            ("+443001234567", "GB", .nonGeographic, ""),
            ("+448001234567", "GB", .freephone, ""),
            ("+448451234567", "GB", .nonGeographic, ""),
            ("+449061234567", "GB", .premium, ""),
            ("+12125550123", "US", .geographic, "212"),
            ("+18005550123", "US", .freephone, ""),
            ("+19005550123", "US", .premium, ""),
            ("+14165550123", "CA", .geographic, "416"),
            ("+33612345678", "FR", .international, ""),
            ("+882123456789", "001", .international, ""),
            ("201", "", .internal, ""),
            ("", "", .withheld, ""),
            ("90044123456789", "", .other, ""),
        ]
    )
    func destinations(number: String, country: String, type: NumberType, area: String) {
        #expect(classifier.classify(number) == Destination(country: country, type: type, area: area))
    }

    @Test("direction follows where the two parties are")
    func directions() {
        func direction(_ a: String, _ b: String) -> CallDirection {
            CallDirection(calling: classifier.classify(a), dialled: classifier.classify(b), home: classifier.homeRegion)
        }
        #expect(classifier.homeRegion == "GB")
        #expect(direction("201", "202") == .internal)
        #expect(direction("201", "+33612345678") == .outbound)
        #expect(direction("+447911123456", "+33612345678") == .outbound)
        #expect(direction("+33612345678", "+447911123456") == .inbound)
        #expect(direction("+33612345678", "201") == .inbound)
        #expect(direction("+447911123456", "+442079460123") == .national)
        #expect(direction("+33612345678", "+12125550123") == .transit)
        #expect(direction("", "+442079460123") == .outbound)
    }

    @Test("calendar months clamp to the target month's length and keep the time of day")
    func months() throws {
        func at(_ text: String) throws -> Int64 { try #require(CivilTime.parseISO(text)) }
        #expect(CivilTime.adding(months: -6, to: try at("2026-08-31T13:45:00Z")) == (try at("2026-02-28T13:45:00Z")))
        #expect(CivilTime.adding(months: -6, to: try at("2024-08-31T00:00:00Z")) == (try at("2024-02-29T00:00:00Z")))
        #expect(CivilTime.adding(months: -6, to: try at("2026-03-15T10:00:00Z")) == (try at("2025-09-15T10:00:00Z")))
        #expect(CivilTime.adding(months: -72, to: try at("2026-11-25T00:00:00Z")) == (try at("2020-11-25T00:00:00Z")))
        #expect(CivilTime.adding(months: 13, to: try at("2025-01-31T00:00:00Z")) == (try at("2026-02-28T00:00:00Z")))
        let july = CivilTime.monthIndex(days: CallRecord.dayOf(try at("2025-07-04T00:00:00Z")))
        #expect(CivilTime.monthName(july) == "2025-07")
        #expect(CivilTime.firstDay(ofMonth: july) == CallRecord.dayOf(try at("2025-07-01T00:00:00Z")))
    }
}
