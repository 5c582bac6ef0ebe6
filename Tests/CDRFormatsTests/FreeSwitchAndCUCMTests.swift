import CDRModel
import Foundation
import Testing

@testable import CDRFormats

@Suite("FreeSWITCH and Cisco CUCM")
struct FreeSwitchAndCUCMTests {
    static let row =
        #""Alice","07911123456","00331234567","public","2026-01-05 10:00:00","2026-01-05 10:00:04","2026-01-05 10:01:04","#
        + #""64","60","NORMAL_CLEARING","5bf9033d-ee4b-4663-874f-b47090e0211a","","acct7","PCMU","PCMU""# + "\n"

    func read(
        _ text: String,
        format: InputFormat = .auto,
        freeswitch: FreeSwitchDialect? = nil,
        chunk: Int = 7
    )
        throws -> (records: [CallRecord], rejects: [RecordReject])
    {
        try readAll(
            try FormatDetector(format: format, mapping: nil, context: utcContext, freeswitch: freeswitch).open(
                MemorySource(Array(text.utf8), chunk: chunk)
            )
        )
    }

    @Test("the example template is detected and mapped, hangup causes become dispositions")
    func example() throws {
        let busy = Self.row.replacingOccurrences(of: "\"2026-01-05 10:00:04\"", with: "\"\"")
            .replacingOccurrences(of: "\"60\",\"NORMAL_CLEARING\"", with: "\"0\",\"USER_BUSY\"")
        let cancel = busy.replacingOccurrences(of: "USER_BUSY", with: "ORIGINATOR_CANCEL")
        let (records, rejects) = try read(Self.row + busy + cancel)
        #expect(rejects.isEmpty)
        #expect(records.map(\.disposition) == [.answered, .busy, .cancelled])
        let r = try #require(records.first)
        #expect(r.calling == "+447911123456" && r.dialled == "+331234567")
        #expect(r.duration == 64 && r.billable == 60 && r.answer == CivilTime.parseISO("2026-01-05T10:00:04Z"))
        #expect(r.sourceID == "5bf9033d-ee4b-4663-874f-b47090e0211a" && r.account == "acct7" && r.carrier == "public")
    }

    @Test("an unescaped quote in the caller name is recovered from the template's separators", arguments: [1, 5, 4096])
    func unescapedQuote(chunk: Int) throws {
        let broken = Self.row.replacingOccurrences(of: "\"Alice\"", with: "\"Alice \"Al\" Smith\"")
        let (records, rejects) = try read(broken, format: .freeswitch, chunk: chunk)
        #expect(rejects.isEmpty)
        #expect(records.first?.calling == "+447911123456" && records.first?.billable == 60)
    }

    @Test("a quote that makes the row ambiguous is rejected with the reason")
    func ambiguousQuote() throws {
        let broken = Self.row.replacingOccurrences(of: "\"Alice\"", with: "\"Al\",\"ice\"")
            .replacingOccurrences(of: "\"Al\",\"ice\"", with: "\"A\"l\",\"ice\"")
        let (records, rejects) = try read(Self.row + broken, format: .freeswitch)
        #expect(records.count == 1)
        #expect(rejects.first?.reason.contains("unescaped quote") == true)
        #expect(rejects.first?.line == 2)
    }

    @Test("an operator template (epoch times, a leading space, rdnis diversion) sets the column order")
    func customTemplate() throws {
        let dialect = try FreeSwitchDialect(
            template:
                #""${uuid}", "${caller_id_number}","${destination_number}","${rdnis}","${start_epoch}","${answer_epoch}","#
                + #""${end_epoch}","${billsec}","${hangup_cause}","${sip_gateway_name}""#
        )
        let text =
            #""u-1", "07911123456","02079460000","07700900123","1767607200","0","1767607230","0","NO_ANSWER","gw-a""#
        let (records, rejects) = try read(text + "\n", format: .freeswitch, freeswitch: dialect)
        #expect(rejects.isEmpty)
        let r = try #require(records.first)
        #expect(r.diverting == ["+447700900123"] && r.answer == nil && r.duration == 30)
        #expect(r.disposition == .noAnswer && r.carrier == "gw-a" && r.sourceID == "u-1")
    }

    @Test("a record that fits two formats is an error naming both and the --format to pass")
    func ambiguity() throws {
        let asteriskTemplate =
            #""${accountcode}","${caller_id_number}","${destination_number}","${context}","${caller_id}","#
            + #""${channel_name}","${bridge_channel}","${last_app}","${last_arg}","${start_stamp}","${answer_stamp}","#
            + #""${end_stamp}","${duration}","${billsec}","${hangup_cause}","${amaflags}","${uuid}","${userfield}""#
        let line =
            #""","201","02079460000","ctx","x <201>","SIP/201-1","","Dial","","2026-01-05 10:00:00","#
            + #""2026-01-05 10:00:01","2026-01-05 10:00:09",9,8,"ANSWERED","DOCUMENTATION","1.1","""# + "\n"
        let detector = FormatDetector(
            format: .auto,
            mapping: nil,
            context: utcContext,
            freeswitch: try FreeSwitchDialect(template: asteriskTemplate)
        )
        #expect {
            _ = try detector.open(MemorySource(Array(line.utf8)))
        } throws: { error in
            let reason = (error as? SourceError)?.reason ?? ""
            return reason.contains("ambiguous") && reason.contains("asterisk and freeswitch")
                && reason.contains("--format asterisk")
        }
    }

    @Test("the template is read from cdr_csv.conf.xml by name")
    func configuration() throws {
        guard let path = Corpus.path("freeswitch-cdr-csv/freeswitch_vanilla_cdr_csv.conf.xml") else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        #expect(try FreeSwitchDialect.load(configuration: path).columns.count == 15)
        let snom = try FreeSwitchDialect.load(configuration: path, template: "snom")
        #expect(snom.columns.count == 20 && snom.columns[12] == "accountcode")
        #expect(throws: SourceError.self) { try FreeSwitchDialect.load(configuration: path, template: "nope") }
    }

    @Test(
        "the FreeSWITCH corpus loads with the expected counts, probes included",
        arguments: [
            ("DuyNguyen2599-freeswitch_Master.csv", 54, 0), ("SeanHerbert-freeswitch_Master.csv", 7, 0),
            ("amitsrepo-FreeSwitch_Configuration_Master.csv", 333, 0),
            ("nrahnemoon-nimatel_freeswitch_Master.csv", 267, 6), ("spicyramen-freeswitch_samples_Master.csv", 82, 0),
        ]
    )
    func freeswitchCorpus(file: String, records: Int, rejected: Int) throws {
        guard let path = Corpus.path("freeswitch-cdr-csv/" + file) else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        let reader = try FormatDetector(format: .auto, mapping: nil, context: utcContext).open(
            try FileSource(path: path)
        )
        #expect(reader.dialectName == "freeswitch")
        let (got, rejects) = try readAll(reader)
        #expect(got.count == records && rejects.count == rejected)
        if file.hasPrefix("amitsrepo") {
            let probes = got.filter { $0.carrier == "public" && $0.dialled.hasSuffix("441134900292") }
            #expect(probes.count >= 165)
            #expect(got.contains { $0.dialled == "900441134900292" })
        }
    }

    @Test("a spreadsheet-edited FreeSWITCH file: every row rejected at start_stamp with its line")
    func spreadsheetEdited() throws {
        guard
            let path = Corpus.path("freeswitch-cdr-csv/spreadsheet-edited/Kxingyunliushui-freeswitch_tools_Master.csv")
        else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        let (records, rejects) = try readAll(
            try FormatDetector(format: .freeswitch, mapping: nil, context: utcContext).open(try FileSource(path: path))
        )
        #expect(records.isEmpty)
        #expect(rejects.count == 10 && rejects.allSatisfy { $0.field == "start_stamp" })
        #expect(rejects.map(\.line) == Array(1...10))
    }

    @Test("the CUCM corpus file binds by header name, decodes IPv4 and maps forwarding to B and C")
    func cucmCorpus() throws {
        guard let path = Corpus.path("cisco-cucm/reminisc3-CSVUtil_cdr_StandAloneCluster_04_201601141231_120716.csv")
        else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        let pennsylvania = DecodeContext(
            numbers: NumberNormaliser(plan: .forCountry("1", accessPrefixes: ["9"])),
            clock: LocalTimeConverter(identifier: "UTC")!
        )
        let reader = try FormatDetector(format: .auto, mapping: nil, context: pennsylvania).open(
            try FileSource(path: path)
        )
        #expect(reader.dialectName == "cucm")
        let (records, rejects) = try readAll(reader)
        #expect(records.count == 2 && rejects.isEmpty)
        let forwarded = try #require(records.first)
        #expect(forwarded.start == 1_452_774_590 && forwarded.answer == 1_452_774_642 && forwarded.end == 1_452_774_657)
        #expect(forwarded.billable == 15 && forwarded.disposition == .answered)
        #expect(forwarded.calling == "+13365585309")
        #expect(forwarded.dialled == "+12677679721" && forwarded.diverting == ["3091"])
        #expect(forwarded.channel == "172.16.11.1" && forwarded.sourceID == "4-872185")
        #expect(forwarded.sourceLine == 3)
    }

    @Test("CUCM: header and type lines, unanswered calls by cause, CMR files skipped with a reason")
    func cucmSynthetic() throws {
        let header =
            #""cdrRecordType","globalCallID_callManagerId","globalCallID_callId","origIpAddr","callingPartyNumber","#
            + #""originalCalledPartyNumber","finalCalledPartyNumber","lastRedirectDn","dateTimeOrigination","#
            + #""dateTimeConnect","dateTimeDisconnect","duration","origCause_value","destCause_value","origDeviceName""#
        let types =
            "INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),VARCHAR(50),VARCHAR(50),VARCHAR(50),INTEGER,INTEGER,"
            + "INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(129)"
        let busy =
            #"1,2,77,-1062731775,"07911123456","02079460000","02079460000","",1767607200,0,1767607203,0,0,17,"SEP001""#
        let (records, rejects) = try read([header, types, busy].joined(separator: "\n") + "\n")
        #expect(rejects.isEmpty)
        #expect(records.first?.disposition == .busy && records.first?.diverting == [])
        #expect(records.first?.channel == "1.0.168.192" && records.first?.carrier == "SEP001")
        #expect(CUCMDialect.ipv4(17_502_380) == "172.16.11.1")
        let cmr =
            #""cdrRecordType","globalCallID_callManagerId","globalCallID_callId","nodeId","directoryNum","#
            + #""callIdentifier","dateTimeStamp","numberPacketsSent","numberOctetsSent","varVQMetrics""#
        #expect {
            _ = try read(cmr + "\n2,1,77,1,\"100\",5,1767607203,100,1000,\"\"\n")
        } throws: { error in
            (error as? SourceError)?.skip == true
        }
    }
}
