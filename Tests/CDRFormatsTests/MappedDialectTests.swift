import CDRModel
import Foundation
import Testing

@testable import CDRFormats

@Suite("Mapped operator CSV")
struct MappedDialectTests {
    func mapping(_ json: String) throws -> MappingFile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapping-\(UUID().uuidString).json")
            .path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return try MappingFile.load(path: path)
    }

    func read(_ text: String, _ mapping: MappingFile, chunk: Int = 3) throws -> ([CallRecord], [RecordReject]) {
        try readAll(
            try FormatDetector(format: .mapped, mapping: mapping, context: utcContext).open(
                MemorySource(Array(text.utf8), chunk: chunk)
            )
        )
    }

    @Test("positions without a header, semicolons, epoch times, derived end and billable seconds")
    func positions() throws {
        let m = try mapping(
            """
            {"delimiter": ";", "header": false, "timeFormat": "epoch",
             "columns": {"calling": 1, "dialled": 2, "start": 3, "answer": 4, "duration": 5}}
            """
        )
        let (records, rejects) = try read("07911123456;+33123456789;1767607200;1767607210;70\n", m)
        #expect(rejects.isEmpty)
        let r = try #require(records.first)
        #expect(r.calling == "+447911123456" && r.dialled == "+33123456789")
        #expect(r.end == 1_767_607_270 && r.billable == 60 && r.disposition == .answered)
    }

    @Test("header names bind columns in any order; a pattern with a fraction and the mapping's zone apply")
    func headerAndZone() throws {
        let m = try mapping(
            """
            {"timeFormat": "%d/%m/%Y %H:%M:%S.%f", "timezone": "Europe/London",
             "columns": {"start": "begin", "end": "finish", "dialled": "to", "calling": "from"}}
            """
        )
        let text = "finish,to,from,begin\n05/07/2026 10:01:00.250,0207946000,07700900001,05/07/2026 10:00:00.000\n"
        let context = DecodeContext(
            numbers: NumberNormaliser(plan: NumberPlan()),
            clock: LocalTimeConverter(identifier: "Europe/London")!
        )
        let (records, rejects) = try readAll(
            try FormatDetector(format: .mapped, mapping: m, context: context).open(MemorySource(Array(text.utf8)))
        )
        #expect(rejects.isEmpty)
        #expect(records.first?.start == CivilTime.parseISO("2026-07-05T09:00:00Z"))
        #expect(records.first?.duration == 60 && records.first?.disposition == .noAnswer)
        #expect(records.first?.sourceLine == 2)
    }

    @Test("a value missing from the dispositions table is a reject naming the field")
    func unmappedDisposition() throws {
        let m = try mapping(
            """
            {"timeFormat": "epoch", "columns": {"dialled": "b", "start": "s", "duration": "d", "disposition": "x"},
             "dispositions": {"16": "answered", "17": "busy"}}
            """
        )
        let (records, rejects) = try read("b,s,d,x\n999,1767607200,5,17\n999,1767607200,5,99\n", m)
        #expect(records.map(\.disposition) == [.busy])
        #expect(rejects.map(\.field) == ["disposition"] && rejects.first?.line == 3)
    }

    @Test(
        "bad mapping files are refused with the reason",
        arguments: [
            #"{"columns": {"dialled": "b"}}"#,
            #"{"columns": {"dialled": "b", "start": "s"}}"#,
            #"{"delimiter": ";;", "columns": {"dialled": "b", "start": "s", "end": "e"}}"#,
            #"{"timeFormat": "%Q", "columns": {"dialled": "b", "start": "s", "end": "e"}}"#,
            #"{"timezone": "Nowhere/City", "columns": {"dialled": "b", "start": "s", "end": "e"}}"#,
            #"{"header": false, "columns": {"dialled": "b", "start": 1, "end": 2}}"#,
            #"{"columns": {"dialled": 0, "start": 1, "end": 2}}"#,
            #"{"dispositions": {"1": "picked-up"}, "columns": {"dialled": "b", "start": "s", "end": "e"}}"#,
        ]
    )
    func badMappings(json: String) {
        #expect(throws: SourceError.self) { try mapping(json) }
    }

    @Test("a header that lacks a mapped column is a file-level fault")
    func missingHeaderColumn() throws {
        let m = try mapping(#"{"columns": {"dialled": "b", "start": "s", "end": "e"}}"#)
        #expect(throws: SourceError.self) { try read("b,s\n1,2\n", m) }
    }
}
