import CDRFormats
import CDRGenerator
import CDRModel
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRIngest

@Suite("generate → ingest → records round trip")
struct RoundTripTests {
    @Test(
        "every field written by the generator comes back from the store",
        arguments: [CallFileWriter.Format.asterisk, .mapped, .freeswitch, .cucm]
    )
    func roundTrip(format: CallFileWriter.Format) throws {
        let dir = try temporaryDirectory()
        try generate(dir + "/calls.csv", rows: 600, seed: 41, format: format)
        var options = IngestOptions()
        if format == .mapped {
            options.mapping = try MappingFile.load(path: IngestJobTests.fixture("operator-mapping.json"))
        }
        let summary = try ingest(dir + "/cdr.db", [dir + "/calls.csv"], options: options)
        #expect(summary.details.first?.dialect == (format == .asterisk ? "asterisk" : format.rawValue))
        #expect(summary.records == 600 && summary.rejected == 0 && summary.duplicates == 0)
        let store = try SQLiteStore(path: dir + "/cdr.db")
        let numbers = NumberNormaliser(plan: NumberPlan())
        var checked = 0
        for call in TrafficGenerator(rows: 600, seed: 41, start: 1_767_571_200, days: 2) where checked < 40 {
            let caller = try numbers.normalise(call.source).number
            let candidates = try store.records(number: caller, from: call.start, to: call.start)
            let dialled = try numbers.normalise(call.destination).number
            let matching = candidates.filter { $0.record.dialled == dialled && $0.record.calling == caller }
            let stored = try #require(matching.first?.record, "call \(call.uniqueID) not found")
            #expect(stored.start == call.start && stored.answer == call.answer && stored.end == call.end)
            #expect(stored.duration == call.end - call.start)
            #expect(stored.billable == (call.answer.map { call.end - $0 } ?? 0))
            #expect(stored.disposition == (format == .ber ? Self.berDisposition(call) : call.disposition))
            let diverted = try call.diverting.map { [try numbers.normalise($0).number] } ?? []
            #expect(stored.diverting == (format == .asterisk || format == .freeswitch ? [] : diverted))
            if format == .asterisk {
                #expect(stored.egress == "SIP/" + TrafficGenerator.route(call.destination), "dstchannel's trunk")
            }
            checked += 1
        }
        #expect(checked == 40)
    }

    /// BER CDRs only tell answered calls, normal releases (no answer) and unsuccessful attempts apart.
    static func berDisposition(_ call: GeneratedCall) -> Disposition {
        call.answer != nil ? .answered : call.disposition == .noAnswer ? .noAnswer : .failed
    }
}
