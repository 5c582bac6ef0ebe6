import CDRModel
import Foundation
import Testing

@testable import CDRFormats

func readAll(_ reader: any RecordReader) throws -> (records: [CallRecord], rejects: [RecordReject]) {
    let (records, rejects, _) = try readEvents(reader)
    return (records, rejects)
}

let utcContext = DecodeContext(
    numbers: NumberNormaliser(plan: NumberPlan()),
    clock: LocalTimeConverter(identifier: "UTC")!
)

@Suite("Asterisk dialects")
struct AsteriskDialectTests {
    static let cdrCSVLine =
        "\"acct\",\"07911123456\",\"00331234567\",\"ctx\",\"\"\"Bob\"\" <07911123456>\",\"SIP/carrier-a-0000001f\",\"SIP/x-1\",\"Dial\",\"SIP/x,60\",\"2026-01-05 10:00:00\",\"2026-01-05 10:00:07\",\"2026-01-05 10:01:07\",67,60,\"ANSWERED\",\"DOCUMENTATION\",\"1767607200.31\",\"\"\n"

    @Test("cdr_csv fields map to the record", arguments: [1, 9, 1 << 20])
    func decodesCDRCSV(chunk: Int) throws {
        let reader = try FormatDetector(format: .auto, mapping: nil, context: utcContext)
            .open(MemorySource(Array(Self.cdrCSVLine.utf8), chunk: chunk))
        #expect(reader.dialectName == "asterisk")
        let (records, rejects) = try readAll(reader)
        #expect(rejects.isEmpty)
        let r = try #require(records.first)
        #expect(r.calling == "+447911123456")
        #expect(r.dialled == "+331234567")
        #expect(r.start == CivilTime.parseISO("2026-01-05T10:00:00Z"))
        #expect(r.answer == CivilTime.parseISO("2026-01-05T10:00:07Z"))
        #expect(r.duration == 67 && r.billable == 60 && r.disposition == .answered)
        #expect(r.carrier == "SIP/carrier-a" && r.channel == "SIP/carrier-a-0000001f")
        #expect(r.account == "acct" && r.sourceID == "1767607200.31" && r.sourceLine == 1)
    }

    @Test("16, 17 and 21 column cdr_csv variants are read", arguments: [16, 17, 21])
    func columnVariants(columns: Int) throws {
        let base = [
            "\"acct\"", "\"201\"", "\"02079460000\"", "\"ctx\"", "\"x <201>\"", "\"SIP/201-00000001\"", "\"\"",
            "\"Dial\"", "\"SIP/a,30\"", "\"2026-01-05 10:00:00\"", "", "\"2026-01-05 10:00:09\"", "9", "0",
            "\"NO ANSWER\"", "\"DOCUMENTATION\"",
        ]
        let extra = ["\"1767607200.7\"", "\"\"", "\"peer\"", "\"1767607200.7\"", "3"]
        let line = (base + extra.prefix(columns - 16)).joined(separator: ",") + "\n"
        let (records, rejects) = try readAll(
            try FormatDetector(format: .asterisk, mapping: nil, context: utcContext).open(
                MemorySource(Array(line.utf8))
            )
        )
        #expect(rejects.isEmpty)
        #expect(records.first?.sourceID == (columns == 16 ? "" : "1767607200.7"))
        #expect(records.first?.answer == nil && records.first?.dialled == "+442079460000")
    }

    @Test("bad rows are rejected with line and field, and the run goes on")
    func rejects() throws {
        let bad = Self.cdrCSVLine.replacingOccurrences(of: "2026-01-05 10:01:07", with: "2026-01-05 25:01:07")
        let noisy = Self.cdrCSVLine.replacingOccurrences(of: "\"ANSWERED\"", with: "\"HELD\"")
        let text = Self.cdrCSVLine + bad + noisy + "\"only\",\"three\",\"fields\"\n" + Self.cdrCSVLine
        let (records, rejects) = try readAll(
            try FormatDetector(format: .auto, mapping: nil, context: utcContext).open(
                MemorySource(Array(text.utf8), chunk: 5)
            )
        )
        #expect(records.count == 2)
        #expect(rejects.map(\.line) == [2, 3, 4])
        #expect(rejects.map(\.field) == ["end", "disposition", "record"])
        #expect(rejects[0].raw == Array(bad.utf8.dropLast()))
    }

    @Test("the wrong --format is a file-level fault")
    func wrongFormat() throws {
        #expect(throws: SourceError.self) {
            _ = try readAll(
                try FormatDetector(format: .asteriskCustom, mapping: nil, context: utcContext).open(
                    MemorySource(Array(Self.cdrCSVLine.utf8))
                )
            )
        }
        #expect(throws: SourceError.self) {
            _ = try FormatDetector(format: .auto, mapping: nil, context: utcContext).open(
                MemorySource(Array("a,b\n1,2\n".utf8))
            )
        }
    }

    @Test("local time zone input is converted to UTC")
    func timezone() throws {
        let context = DecodeContext(
            numbers: NumberNormaliser(plan: NumberPlan()),
            clock: LocalTimeConverter(identifier: "Europe/London")!
        )
        let summer = Self.cdrCSVLine.replacingOccurrences(of: "2026-01-05", with: "2026-07-05")
        let (records, _) = try readAll(
            try FormatDetector(format: .auto, mapping: nil, context: context).open(MemorySource(Array(summer.utf8)))
        )
        #expect(records.first?.start == CivilTime.parseISO("2026-07-05T09:00:00Z"))
    }

    @Test("the corpus Master.csv (cdr_csv, 18 columns) loads with the expected counts")
    func corpusCDRCSV() throws {
        guard let path = Corpus.path("asterisk-cdr-csv/BugaDM-TelephonySwitching_Master.csv") else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        let reader = try FormatDetector(format: .auto, mapping: nil, context: utcContext).open(
            try FileSource(path: path)
        )
        #expect(reader.dialectName == "asterisk")
        let (records, rejects) = try readAll(reader)
        #expect(records.count == 105)
        #expect(rejects.isEmpty)
        let byDisposition = Dictionary(grouping: records, by: \.disposition).mapValues(\.count)
        #expect(byDisposition == [.answered: 94, .noAnswer: 7, .failed: 2, .busy: 2])
        #expect(records.filter { $0.answer == nil }.count == 6)
        #expect(records[0].calling == "100" && records[0].dialled == "700" && records[0].start == 1_427_211_880)
        #expect(records[0].sourceID == "1427211880.0")
    }

    @Test("the corpus cdr_custom Master.csv is told apart from cdr_csv and loads")
    func corpusCustom() throws {
        guard let path = Corpus.path("asterisk-cdr-custom/KelySaina-cdr_Master.csv") else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        let reader = try FormatDetector(format: .auto, mapping: nil, context: utcContext).open(
            try FileSource(path: path)
        )
        #expect(reader.dialectName == "asterisk-custom")
        let (records, rejects) = try readAll(reader)
        #expect(records.count == 14 && rejects.isEmpty)
        #expect(records.filter { $0.disposition == .answered }.count == 11)
        #expect(records[0].calling == "client1" && records[0].dialled == "6789")
        #expect(records[0].duration == 31 && records[0].billable == 13 && records[0].sourceID == "1690325492.2")
        #expect(records[1].answer == nil)
    }
}
