import Testing

@testable import CDRModel

@Suite("E.164 normalisation")
struct NumberNormaliserTests {
    static let uk = NumberNormaliser(plan: NumberPlan())

    @Test(
        "UK plan rewrites national and international forms",
        arguments: [
            ("07911123456", "+447911123456", NumberKind.e164),
            ("+447911123456", "+447911123456", .e164),
            ("00447911123456", "+447911123456", .e164),
            ("0044 7911 123456", "+447911123456", .e164),
            ("(020) 7946-0000", "+442079460000", .e164),
            ("0033123456789", "+33123456789", .e164),
            ("7911123456", "+447911123456", .e164),
            ("tel:+12125551234", "+12125551234", .e164),
            ("sip:+353861234567@gw.example.net", "+353861234567", .e164),
            ("<sip:+441134960000@10.0.0.1>;reason=unconditional", "+441134960000", .e164),
            ("tel:+441134960000;phone-context=+44", "+441134960000", .e164),
            ("201", "201", .short),
            ("999", "999", .short),
            ("*97", "*97", .short),
            ("s", "s", .identifier),
            ("client1", "client1", .identifier),
            ("anonymous", "anonymous", .identifier),
            ("900441134900292", "900441134900292", .unnormalised),
            ("011441134900292", "011441134900292", .unnormalised),
            ("000441134900292", "000441134900292", .unnormalised),
            ("", "", .absent),
            ("   ", "", .absent),
        ]
    )
    func normalises(input: String, expected: String, kind: NumberKind) throws {
        let result = try Self.uk.normalise(input)
        #expect(result.number == expected)
        #expect(result.kind == kind)
    }

    @Test(
        "invalid numbers are problems, not crashes",
        arguments: [
            ("+999123456789", NumberProblem.unknownCountryCode),
            ("+4412", .tooShort(digits: 4)),
            ("+4412345678901234567", .tooLong(digits: 19)),
            ("+44abc", .badCharacter),
            ("+210123456789", .unknownCountryCode),
        ]
    )
    func rejects(input: String, problem: NumberProblem) {
        #expect(throws: problem) { try Self.uk.normalise(input) }
    }

    @Test("NANP plan uses 011 and national prefix 1")
    func northAmerica() throws {
        let nanp = NumberNormaliser(plan: .forCountry("1"))
        #expect(try nanp.normalise("0114420794600000").number == "+4420794600000")
        #expect(try nanp.normalise("12125551234").number == "+12125551234")
        #expect(try nanp.normalise("2125551234").number == "+12125551234")
    }

    @Test("PBX access codes are stripped before a full number; over-long national numbers are kept as written")
    func accessCodes() throws {
        let pbx = NumberNormaliser(plan: .forCountry("1", accessPrefixes: ["9"]))
        #expect(try pbx.normalise("912677679721").number == "+12677679721")
        #expect(try pbx.normalise("9011441134900292").number == "+441134900292")
        #expect(try pbx.normalise("9123").number == "9123")
        #expect(try Self.uk.normalise("912677679721") == ("912677679721", .unnormalised))
    }

    @Test("configurable international prefixes are honoured, longest first")
    func customPrefixes() throws {
        let plan = NumberPlan(countryCode: "61", nationalPrefix: "0", internationalPrefixes: ["0011", "00"])
        #expect(try NumberNormaliser(plan: plan).normalise("00114420794600000").number == "+4420794600000")
    }

    @Test("masking keeps the country code and the last three digits only")
    func masking() {
        #expect(NumberNormaliser.mask("+447911123456") == "+44*******456")
        #expect(NumberNormaliser.mask("+12125551234") == "+1*******234")
        #expect(NumberNormaliser.mask("201") == "201")
    }
}

@Suite("Country codes")
struct CountryCodesTests {
    @Test(
        "every E.164 number resolves to its country",
        arguments: [
            ("447911123456", "GB"), ("12125551234", "US"), ("14165551234", "CA"), ("18765551234", "JM"),
            ("77011234567", "KZ"), ("74951234567", "RU"), ("353861234567", "IE"), ("8816123456789", "001"),
            ("6834002", "NU"), ("2348012345678", "NG"),
        ]
    )
    func resolves(digits: String, region: String) {
        #expect(CountryCodes.resolve(Array(digits.utf8))?.region == region)
    }

    @Test("unassigned codes do not resolve")
    func unassigned() {
        #expect(CountryCodes.resolve(Array("2101234567".utf8)) == nil)
        #expect(CountryCodes.resolve(Array("999123456".utf8)) == nil)
    }
}

@Suite("Numbers that are not text")
struct InvalidTextTests {
    @Test("invalid UTF-8 before a number is a fault, not an identifier no lookup can find; valid names stay")
    func invalidUTF8() throws {
        let normaliser = NumberNormaliser(plan: NumberPlan())
        let corrupt: [UInt8] = [0xFF, 0xFE, 0xFD] + Array("07400024044".utf8)
        #expect(throws: NumberProblem.invalidText) {
            try corrupt.withUnsafeBytes { try normaliser.normalise($0) }
        }
        #expect(try normaliser.normalise("José").kind == .identifier)
        #expect(try normaliser.normalise("07400024044").number == "+447400024044")
    }
}
