import CDRModel
import Foundation
import Testing

@testable import CDRFormats

/// Exports written in the shapes operators' systems produce (fixtures/exports), the first data row of each
/// as it must load.
struct ExportCase: Sendable, CustomStringConvertible {
    var file: String
    var rows: Int
    var start: String
    var calling: String?
    var dialled: String?
    var duration: Int64
    var billable: Int64?
    var disposition: Disposition

    var description: String { file }
}

@Suite("mapping suggest on unknown exports")
struct MappingSuggesterTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/exports")

    static let cases = [
        ExportCase(
            file: "freepbx-cdr-dump.csv",
            rows: 40,
            start: "2017-09-01T14:32:41Z",
            calling: "215",
            dialled: "+441614780389",
            duration: 879,
            billable: 0,
            disposition: .noAnswer
        ),
        ExportCase(
            file: "freepbx-report.csv",
            rows: 30,
            start: "2017-09-03T11:08:00Z",
            calling: "222",
            dialled: "+449607581538",
            duration: 0,
            billable: 0,
            disposition: .noAnswer
        ),
        ExportCase(
            file: "voip-billing.csv",
            rows: 50,
            start: "2020-02-17T06:29:59Z",
            calling: "1117",
            dialled: "+443237170389",
            duration: 18,
            billable: 0,
            disposition: .noAnswer
        ),
        ExportCase(
            file: "3cx-call-log.csv",
            rows: 30,
            start: "2023-12-05T09:22:50Z",
            calling: "100",
            dialled: "+12125558261",
            duration: 3220,
            billable: 3216,
            disposition: .answered
        ),
        ExportCase(
            file: "operator-pipe.txt",
            rows: 25,
            start: "2026-01-05T10:05:18Z",
            calling: nil,
            dialled: "+33659273652",
            duration: 457,
            billable: nil,
            disposition: .busy
        ),
        ExportCase(
            file: "operator-tabs.tsv",
            rows: 20,
            start: "2026-01-05T12:34:00Z",
            calling: "+442055767199",
            dialled: "+447954746807",
            duration: 934,
            billable: 0,
            disposition: .noAnswer
        ),
    ]

    @Test("the suggested mapping loads every row of each export shape, the first row with its values", arguments: cases)
    func suggestsAndLoads(export: ExportCase) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent(export.file)))
        let suggestion = try MappingSuggester().suggest(head: bytes)
        #expect(suggestion.rowsRead == export.rows)
        #expect(suggestion.rowsDecoded == export.rows)
        let (records, rejects) = try readAll(
            try FormatDetector(format: .mapped, mapping: suggestion.mapping, context: utcContext).open(
                MemorySource(bytes, chunk: 97)
            )
        )
        #expect(rejects.isEmpty, "\(rejects.map { "\($0.line) \($0.field): \($0.reason)" })")
        #expect(records.count == export.rows)
        let first = try #require(records.first)
        #expect(first.start == CivilTime.parseISO(export.start))
        if let calling = export.calling { #expect(first.calling == calling) }
        if let dialled = export.dialled { #expect(first.dialled == dialled) }
        #expect(first.duration == export.duration)
        if let billable = export.billable { #expect(first.billable == billable) }
        #expect(first.disposition == export.disposition)
        #expect(first.sourceLine == (suggestion.mapping.header == false ? 1 : 2))
    }

    @Test("what each shape needed is what was proposed")
    func proposals() throws {
        func suggest(_ file: String) throws -> MappingSuggester.Suggestion {
            try MappingSuggester().suggest(head: Array(try Data(contentsOf: Self.folder.appendingPathComponent(file))))
        }
        let dump = try suggest("freepbx-cdr-dump.csv")
        #expect(dump.mapping.timeFormat == "%d/%m/%Y %H:%M:%S" && dump.confidence["timeFormat"] == .medium)
        #expect(dump.mapping.columns.calling == .name("src") && dump.mapping.columns.billable == .name("billsec"))
        let report = try suggest("freepbx-report.csv")
        #expect(report.mapping.delimiter == ";" && report.mapping.timeFormat == "%d/%m/%y %H:%M")
        let billing = try suggest("voip-billing.csv")
        #expect(billing.mapping.quotes == .lenient && billing.mapping.timeFormat == "iso8601")
        #expect(billing.overall == .high)
        let threeCX = try suggest("3cx-call-log.csv")
        #expect(threeCX.mapping.timeFormat == "%m/%d/%Y %I:%M:%S %p")
        #expect(threeCX.mapping.transforms?["calling"]?.nameAddr == true)
        #expect(threeCX.mapping.columns.billable == .name("Talking"))
        let pipe = try suggest("operator-pipe.txt")
        #expect(pipe.mapping.header == false && pipe.mapping.delimiter == "|" && pipe.mapping.timeFormat == "epoch_ms")
        #expect(pipe.mapping.durationFormat == .milliseconds && pipe.overall == .low)
        let tabs = try suggest("operator-tabs.tsv")
        #expect(tabs.mapping.delimiter == "\t" && tabs.mapping.timeFormats == ["iso8601"])
        #expect(tabs.mapping.dispositions == ["16": "answered", "17": "busy", "19": "no_answer"])
    }

    @Test("day-first is proven by a day over 12; month-first by a month-position value over 12")
    func dayOrMonthFirst() throws {
        let dayFirst = "a,b,start,dur\n1,02079460000,25/1/2026 10:00:00,5\n2,02079460001,3/2/2026 10:00:00,6\n"
        let monthFirst = "a,b,start,dur\n1,02079460000,1/25/2026 10:00:00,5\n2,02079460001,2/3/2026 10:00:00,6\n"
        let first = try MappingSuggester().suggest(head: Array(dayFirst.utf8))
        #expect(first.mapping.timeFormat == "%d/%m/%Y %H:%M:%S" && first.confidence["timeFormat"] == .high)
        let second = try MappingSuggester().suggest(head: Array(monthFirst.utf8))
        #expect(second.mapping.timeFormat == "%m/%d/%Y %H:%M:%S" && second.confidence["timeFormat"] == .high)
    }

    @Test("a file with no time column or no number column is refused with the reason")
    func refusals() {
        #expect(throws: MappingSuggester.Failure.self) {
            try MappingSuggester().suggest(head: Array("a,b\nx,y\nz,w\n".utf8))
        }
        #expect(throws: MappingSuggester.Failure.self) {
            try MappingSuggester().suggest(head: Array("when,what\n2026-01-05 10:00:00,hello\n".utf8))
        }
    }

    @Test("the corpus CSV files get a mapping that reads their rows")
    func corpus() throws {
        guard Corpus.available else {
            print("skipped: ../shared/corpus is absent")
            return
        }
        for relative in [
            "asterisk-cdr-csv/BugaDM-TelephonySwitching_Master.csv",
            "freeswitch-cdr-csv/SeanHerbert-freeswitch_Master.csv",
            "cisco-cucm/reminisc3-CSVUtil_cdr_StandAloneCluster_04_201601141231_120716.csv",
        ] {
            guard let path = Corpus.path(relative) else { continue }
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let suggestion = try MappingSuggester().suggest(head: Array(bytes.prefix(FormatDetector.sniffBytes)))
            #expect(suggestion.rowsDecoded * 10 >= suggestion.rowsRead * 9, "\(relative)")
        }
    }
}
