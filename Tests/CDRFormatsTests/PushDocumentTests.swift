import CDRModel
import Foundation
import Testing

@testable import CDRFormats

@Suite("Pushed JSON CDRs")
struct PushDocumentTests {
    /// A `mod_json_cdr` document shaped as FreeSWITCH 1.10 posts it: string values in `variables`, numbers
    /// only in the `callflow` caller profile, `callflow` an array, one unanswered leg's fields.
    static let document = """
        {"core-uuid":"6f5d7c","switchname":"fs-edge-1","channel_data":{"state":"CS_REPORTING","direction":"inbound"},
         "variables":{"uuid":"0c9e7a55-3d1c-4b1e-9a53-8c1d1f2d3a41","direction":"inbound","sip_gateway_name":"carrier-b",
           "accountcode":"tenant42","start_stamp":"2026-11-02 09:15:01","start_epoch":"1793610901",
           "answer_epoch":"1793610906","end_epoch":"1793611027","duration":"126","billsec":"121",
           "hangup_cause":"NORMAL_CLEARING","hangup_cause_q850":"16","sip_hangup_disposition":"send_bye"},
         "app_log":{"applications":[{"app_name":"bridge","app_data":"sofia/gateway/carrier-b/0033612345678"}]},
         "callflow":[{"dialplan":"XML","profile_index":"2","caller_profile":{"caller_id_number":"1001",
             "destination_number":"transfer-target"}},
           {"dialplan":"XML","profile_index":"1","caller_profile":{"username":"1001","caller_id_number":"07700900461",
             "destination_number":"0033612345678","rdnis":"","uuid":"0c9e7a55-3d1c-4b1e-9a53-8c1d1f2d3a41"}}]}
        """

    func read(_ lines: [UInt8]) throws -> (records: [CallRecord], rejects: [RecordReject]) {
        var context = utcContext
        context.numbers = NumberNormaliser(plan: NumberPlan.forCountry("44", accessPrefixes: []))
        return try readAll(
            try FormatDetector(format: .freeswitch, mapping: nil, context: context, freeswitch: PushDocument.dialect)
                .open(MemorySource(lines))
        )
    }

    @Test("a mod_json_cdr document becomes one record: numbers from the first dialplan pass, times from variables")
    func freeswitchDocument() throws {
        let line = try PushDocument.freeswitchLine(Array(Self.document.utf8))
        let (records, rejects) = try read(line)
        #expect(rejects.isEmpty)
        let record = try #require(records.first)
        #expect(record.calling == "+447700900461" && record.dialled == "+33612345678")
        #expect(record.start == 1_793_610_901 && record.answer == 1_793_610_906 && record.end == 1_793_611_027)
        #expect(record.duration == 126 && record.billable == 121 && record.disposition == .answered)
        #expect(record.carrier == "carrier-b" && record.account == "tenant42")
        #expect(record.sourceID == "0c9e7a55-3d1c-4b1e-9a53-8c1d1f2d3a41")
        #expect(try PushDocument.freeswitchLine(Array(Self.document.utf8)) == line, "the same document, the same bytes")
    }

    @Test("form-encoded cdr=… and the older one-object callflow read the same")
    func encodings() throws {
        let plain = try PushDocument.freeswitchLine(Array(Self.document.utf8))
        let encoded = "cdr=" + Self.document.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(try PushDocument.freeswitchLine(Array(encoded.utf8)) == plain)
        let single = """
            {"variables":{"start_epoch":"1793610901","end_epoch":"1793610911","duration":"10","billsec":"0",
             "answer_epoch":"0","hangup_cause":"USER_BUSY"},
             "callflow":{"profile_index":"1","caller_profile":{"caller_id_number":"07700900461",
               "destination_number":"01632960001"}}}
            """
        let (records, _) = try read(try PushDocument.freeswitchLine(Array(single.utf8)))
        #expect(records.first?.disposition == .busy && records.first?.answer == nil)
        #expect(records.first?.dialled == "+441632960001")
    }

    @Test(
        "a bad document is refused naming the field",
        arguments: [
            (#"{"callflow":[]}"#, "variables"),
            (#"{"variables":{"end_epoch":"5"}}"#, "variables.start_epoch"),
            (#"{"variables":{"start_epoch":"5"}}"#, "variables.destination_number"),
            (#"{"variables":{"start_epoch":"5 ","destination_number":"1"}}"#, "variables.start_epoch"),
            (#"{"variables":{"start_epoch":"5","destination_number":"1\n2"}}"#, "destination_number"),
            (#"[1]"#, ""),
            (#"{"variables": "#, ""),
        ]
    )
    func badDocuments(json: String, field: String) {
        #expect(throws: PushError.self) { try PushDocument.freeswitchLine(Array(json.utf8)) }
        do {
            _ = try PushDocument.freeswitchLine(Array(json.utf8))
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test("an array of records: epoch or ISO 8601 times, dispositions, each bad key named with its index")
    func records() throws {
        let json = """
            [{"calling":"07700900461","dialled":"0033612345678","start":"2026-11-02T09:15:01Z","answer":1793610906,
              "end":"2026-11-02T10:17:07+01:00","duration":126,"billable":121,"disposition":"answered","id":"r1"},
             {"calling":"07700900461","dialled":"01632960001","start":1793610901,"duration":10,"disposition":"busy"}]
            """
        let (records, rejects) = try read(try PushDocument.recordLines(Array(json.utf8)))
        #expect(rejects.isEmpty && records.count == 2)
        #expect(records[0].start == 1_793_610_901 && records[0].end == 1_793_611_027 && records[0].sourceID == "r1")
        #expect(records[1].disposition == .busy)
        for (bad, field) in [
            (#"[{"dialled":"1","start":1,"answr":2}]"#, "[0].answr"),
            (#"[{"dialled":"1"}]"#, "[0].start"),
            (#"[{"dialled":"1","start":1},{"dialled":"1","start":"yesterday"}]"#, "[1].start"),
            (#"[{"dialled":"1","start":1,"disposition":"ok"}]"#, "[0].disposition"),
            (#"[{"dialled":"1","start":1,"billable":1.5}]"#, "[0].billable"),
            (#"[{"dialled":true,"start":1}]"#, "[0].dialled"),
        ] {
            do {
                _ = try PushDocument.recordLines(Array(bad.utf8))
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.field == field, "\(bad): \(error)")
            }
        }
    }
}
