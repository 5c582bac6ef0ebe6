import CDRModel
import Foundation
import Testing

@testable import CDRFraud

/// `call` with the network fields detectors of routes, trunks and SIMs read.
func routed(
    _ record: CallRecord,
    carrier: String? = nil,
    egress: String = "",
    imsi: String = "",
    cell: String = ""
)
    -> CallRecord
{
    var record = record
    if let carrier { record.carrier = carrier }
    record.egress = egress
    record.imsi = imsi
    record.imei = imsi.isEmpty ? "" : "35" + imsi.suffix(12) + "0"
    record.cell = cell
    return record
}

@Suite("Fraud detectors of accounts, ranges, routes, trunks and SIMs")
struct NetworkDetectorTests {
    @Test(
        "IRSF burst: 10 calls in an hour to a country new for the account warn; 9 do not; known countries do not; one long call does not"
    )
    func burst() throws {
        let history = (0..<9).map {
            call("201", "+33612345678", at: Int64($0) * 86_400 - 8 * 86_400, account: "acct1")
        }
        func attack(_ calls: Int, to country: String) -> [CallRecord] {
            (0..<calls).map { call("201", "+\(country)7000\($0)", at: Int64(86_400 + $0 * 300), account: "acct1") }
        }
        let fired = try alerts(rule: "irsf-burst", history + attack(10, to: "679"))
        #expect(fired.map(\.severity) == [.warning] && fired[0].subject == "acct:acct1")
        #expect(try alerts(rule: "irsf-burst", history + attack(9, to: "679")).isEmpty)
        #expect(try alerts(rule: "irsf-burst", history + attack(12, to: "33")).isEmpty)
        #expect(try alerts(rule: "irsf-burst", attack(12, to: "679")).isEmpty, "new subjects have no known countries")
        let answered = (0..<4).map {
            call("201", "+67970001\($0)", at: 86_400 + Int64($0) * 900, talk: 900, account: "acct1")
        }
        #expect(try alerts(rule: "irsf-burst", history + answered).map(\.severity) == [.critical])
        let longCall = call("201", "+6797000100", at: 86_400, talk: 127 * 60, account: "acct1")
        #expect(try alerts(rule: "irsf-burst", history + [longCall]).isEmpty, "one long call to a new country")
        let twoLong = (0..<2).map {
            call("201", "+67970002\($0)", at: 86_400 + Int64($0) * 600, talk: 3600, account: "acct1")
        }
        #expect(try alerts(rule: "irsf-burst", history + twoLong).isEmpty, "two calls are still not a burst")
    }

    @Test("IRSF burst: a second attack on the same country days later alerts again; calls it alerted on teach nothing")
    func burstAgain() throws {
        let history = (0..<9).map {
            call("201", "+33612345678", at: Int64($0) * 86_400 - 8 * 86_400, account: "acct1")
        }
        func attack(day: Int64) -> [CallRecord] {
            (0..<10).map { call("201", "+6797000\($0)", at: day * 86_400 + Int64($0) * 300, account: "acct1") }
        }
        let twice = try alerts(rule: "irsf-burst", history + attack(day: 1) + attack(day: 5))
        #expect(Set(twice.map { CallRecord.dayOf($0.firstEvent) }).count == 2, "both attacks alert")
        let usual = (1..<5).flatMap { day in
            (0..<2).map { call("201", "+6797000\($0)", at: day * 86_400 + 3600 + Int64($0) * 300, account: "acct1") }
        }
        let learned = try alerts(rule: "irsf-burst", history + usual + attack(day: 5))
        #expect(learned.isEmpty, "a country called without an alert is known")
    }

    @Test("IRSF pumping: a range reached by 3 callers an hour every day does not warn at 5; at 9 it does")
    func pumpBusyRange() throws {
        func hour(day: Int64, callers: Int) -> [CallRecord] {
            (0..<callers).map {
                call(
                    "+4477009100\($0 % 10)\($0 / 10)",
                    "+1212555010\($0)",
                    at: day * 86_400 + Int64($0) * 300,
                    talk: 400
                )
            }
        }
        let usual = (0..<6).flatMap { hour(day: $0, callers: 3) }
        #expect(try alerts(rule: "irsf-pump", usual).isEmpty)
        #expect(try alerts(rule: "irsf-pump", usual + hour(day: 6, callers: 5)).isEmpty)
        #expect(try alerts(rule: "irsf-pump", usual + hour(day: 6, callers: 9)).map(\.severity) == [.warning])
        #expect(try alerts(rule: "irsf-pump", hour(day: 6, callers: 5)).map(\.severity) == [.warning])
        let twice = try alerts(rule: "irsf-pump", hour(day: 1, callers: 6) + hour(day: 4, callers: 6))
        #expect(Set(twice.map { CallRecord.dayOf($0.firstEvent) }).count == 2, "an attack teaches the range nothing")
    }

    @Test("IRSF pumping: 5 callers with long calls into one range warn; 4 do not; short calls do not")
    func pump() throws {
        func callers(_ count: Int, talk: Int64) -> [CallRecord] {
            (0..<count).map { call("+4477009000\($0)", "+237990120\($0)", at: Int64($0) * 300, talk: talk) }
        }
        let fired = try alerts(rule: "irsf-pump", callers(5, talk: 400))
        #expect(fired.map(\.severity) == [.warning] && fired[0].subject == "range:+23799012")
        #expect(try alerts(rule: "irsf-pump", callers(4, talk: 400)).isEmpty)
        #expect(try alerts(rule: "irsf-pump", callers(8, talk: 200)).isEmpty)
    }

    @Test("False answer: a route answering 30 % at once over 50 attempts warns; 49 attempts do not; one IVR does not")
    func falseAnswer() throws {
        func route(_ attempts: Int, instantEvery: Int = 3, sameNumber: Bool = false) -> [CallRecord] {
            (0..<attempts).map { n in
                let instant = n % instantEvery == 0
                let dialled = sameNumber ? "+919876500000" : "+9198765\(String(format: "%05d", n))"
                return routed(
                    call(
                        "+447700900\(String(format: "%03d", n))",
                        dialled,
                        at: Int64(n) * 60,
                        ring: instant ? 0 : 5,
                        answered: instant || n % 2 == 0
                    ),
                    egress: "SIP/gw9"
                )
            }
        }
        let fired = try alerts(rule: "fas", route(50))
        #expect(fired.first?.severity == .warning && fired.first?.subject == "route:SIP/gw9/IN")
        #expect(try alerts(rule: "fas", route(49)).isEmpty)
        #expect(try alerts(rule: "fas", route(60, instantEvery: 1, sameNumber: true)).isEmpty)
        let invalid = routed(call("+447700900001", "+9101234567", at: 0, ring: 0), egress: "SIP/gw9")
        #expect(try alerts(rule: "fas", [invalid]).map(\.severity) == [.critical])
        #expect(
            try alerts(rule: "fas", [routed(call("+447700900001", "+390212345678", at: 0), egress: "SIP/gw9")]).isEmpty
        )
    }

    @Test("SIM box: a new SIM making 50 flat calls from one cell is critical; 49 are not; a taxi dispatcher is not")
    func simBox() throws {
        let established = routed(call("+447700100000", "+447700100001", at: -9 * 86_400), imsi: "234100000000001")
        func sim(_ calls: Int, cells: Int = 1, distinct: Bool = true) -> [CallRecord] {
            [established]
                + (0..<calls).map { n in
                    routed(
                        call(
                            "+447400000001",
                            distinct ? "+4477009\(String(format: "%05d", n))" : "+44770090000\(n % 4)",
                            at: Int64(n) * 600
                        ),
                        imsi: "234107000000001",
                        cell: "23410-1234-\(n % cells)"
                    )
                }
        }
        let fired = try alerts(rule: "simbox", sim(50))
        #expect(fired.map(\.severity) == [.critical] && fired[0].subject == "imsi:234107000000001")
        #expect(try alerts(rule: "simbox", sim(49)).isEmpty)
        #expect(try alerts(rule: "simbox", sim(80, cells: 6, distinct: false)).isEmpty)
        let warned = try alerts(rule: "simbox", sim(50, cells: 5))
        #expect(warned.map(\.severity) == [.warning], "three signs of four warn")
    }

    @Test("SIM box on a trunk: 10 home numbers on an international ingress trunk warn; 9 do not; other trunks do not")
    func trunk() throws {
        func inbound(_ callers: Int, carrier: String) -> [CallRecord] {
            (0..<callers).map {
                routed(
                    call("+4477009000\(String(format: "%02d", $0))", "+442079460000", at: Int64($0) * 120),
                    carrier: carrier
                )
            }
        }
        let fired = try alerts(rule: "simbox-trunk", inbound(10, carrier: "SIP/intl-in-2"))
        #expect(fired.map(\.severity) == [.warning] && fired[0].subject == "trunk:SIP/intl-in-2")
        #expect(try alerts(rule: "simbox-trunk", inbound(9, carrier: "SIP/intl-in-2")).isEmpty)
        #expect(try alerts(rule: "simbox-trunk", inbound(30, carrier: "SIP/carrier-a")).isEmpty)
    }

    @Test(
        "Business calendars: a holiday is off-hours for PBX hacking; an account's own week overrides; bad files name the field"
    )
    func calendars() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("calendars.json").path
        try """
        {"default": {"timezone": "Europe/London", "hours": "08-18", "holidays": ["2026-03-02"]},
         "accounts": {"shop": {"hours": "00-24", "holidays": [], "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let calendars = try BusinessCalendars.load(path: path)
        func burst(_ account: String) -> [CallRecord] {
            (0..<5).map { call("201", "+5355500\($0)", at: Int64($0) * 60, account: account) }
        }
        #expect(try alerts(rule: "pbx-hack-off-hours", burst("acct1")).isEmpty, "Monday noon without calendars")
        #expect(try !alerts(rule: "pbx-hack-off-hours", burst("acct1"), calendars: calendars).isEmpty)
        #expect(try alerts(rule: "pbx-hack-off-hours", burst("shop"), calendars: calendars).isEmpty)
        try #"{"accounts": {"shop": {"holidays": ["2026-13-01"]}}}"#.write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let error = #expect(throws: FraudConfigError.self) { try BusinessCalendars.load(path: path) }
        #expect(error?.field == "accounts.shop.holidays")
    }
}
