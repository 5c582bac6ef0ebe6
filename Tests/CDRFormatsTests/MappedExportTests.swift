import CDRModel
import Foundation
import Testing

@testable import CDRFormats

/// Reads `text` with one time format, returning UTC seconds (the context is UTC).
private func time(_ format: String, _ text: String) throws -> Int64? {
    let parsed = try TimeFormat(format)
    return Array(text.utf8).withUnsafeBytes { b in
        parsed.read(b).map { $0.seconds }
    }
}

private func seconds(_ format: DurationFormat, _ text: String) -> Int64? {
    Array(text.utf8).withUnsafeBytes { format.read($0) }
}

@Suite("What real operator CSV exports contain")
struct MappedExportTests {
    let tests = MappedDialectTests()

    @Test(
        "time patterns: unpadded, two-digit years, month names, 12-hour clock, fractions, offsets, ISO 8601, epoch",
        arguments: [
            ("%d/%m/%Y %H:%M:%S", "1/9/2017 16:33:01", "2017-09-01T16:33:01Z"),
            ("%d/%m/%Y %H:%M:%S", "13/10/2017 6:03:01", "2017-10-13T06:03:01Z"),
            ("%d/%m/%y %H:%M", "08/09/17 16:33", "2017-09-08T16:33:00Z"),
            ("%d/%m/%y %H:%M", "8/9/99 6:3", "1999-09-08T06:03:00Z"),
            ("%d-%b-%Y %H:%M:%S", "05-JAN-2026 10:00:00", "2026-01-05T10:00:00Z"),
            ("%d %b %Y %H:%M:%S", "5 September 2026 10:00:00", "2026-09-05T10:00:00Z"),
            ("%m/%d/%Y %I:%M:%S %p", "12/5/2023 12:15:07 AM", "2023-12-05T00:15:07Z"),
            ("%m/%d/%Y %I:%M:%S %p", "12/5/2023 12:15:07 pm", "2023-12-05T12:15:07Z"),
            ("%m/%d/%Y %I:%M:%S %p", "12/5/2023 2:15:07 PM", "2023-12-05T14:15:07Z"),
            ("%Y-%m-%d %H:%M:%S.%f", "2026-01-05 10:00:00.123456", "2026-01-05T10:00:00Z"),
            ("%Y-%m-%dT%H:%M:%S%z", "2026-01-05T10:00:00+01:00", "2026-01-05T09:00:00Z"),
            ("%Y-%m-%dT%H:%M:%S%z", "2026-01-05T10:00:00-0530", "2026-01-05T15:30:00Z"),
            ("%Y%m%d%H%M%S", "20260105100000", "2026-01-05T10:00:00Z"),
            ("iso8601", "2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z"),
            ("iso8601", "2026-01-05 10:00:00.250+02:00", "2026-01-05T08:00:00Z"),
            ("iso8601", "2026-01-05T10:00", "2026-01-05T10:00:00Z"),
            ("epoch", "1767607200.75", "2026-01-05T10:00:00Z"),
            ("epoch_ms", "1767607200123", "2026-01-05T10:00:00Z"),
        ]
    )
    func timePatterns(format: String, text: String, expected: String) throws {
        #expect(try time(format, text) == CivilTime.parseISO(expected))
    }

    @Test(
        "what a time pattern refuses",
        arguments: [
            ("%d/%m/%Y %H:%M:%S", "32/9/2017 16:33:01"),
            ("%d/%m/%Y %H:%M:%S", "1/9/17 16:33:01"),
            ("%Y%m%d%H%M%S", "2026015100000"),
            ("%m/%d/%Y %I:%M:%S %p", "12/5/2023 13:15:07 PM"),
            ("%m/%d/%Y %I:%M:%S %p", "12/5/2023 2:15:07 XM"),
            ("%d-%b-%Y %H:%M:%S", "05-Jam-2026 10:00:00"),
            ("%Y-%m-%dT%H:%M:%S%z", "2026-01-05T10:00:00+25:00"),
            ("iso8601", "2026-01-05T10:00:00Zjunk"),
            ("iso8601", "2026-01-05T10:00:0"),
            ("iso8601", "2026-01-05T10:00+0"),
            ("%Y-%m-%d %H:%M:%S%z", "2026-01-05 10:00:00+"),
            ("%Y-%m-%d %H:%M:%S%z", "2026-01-05 10:00:00+01:"),
            ("epoch", "17676072OO"),
        ]
    )
    func refused(format: String, text: String) throws {
        #expect(try time(format, text) == nil)
    }

    @Test("%I goes with %p, and a pattern needs a year, a month and a day")
    func badPatterns() {
        #expect(throws: SourceError.self) { try TimeFormat("%d/%m/%Y %I:%M") }
        #expect(throws: SourceError.self) { try TimeFormat("%H:%M:%S") }
    }

    @Test("durations: seconds, fractions, milliseconds, HH:MM:SS and MM:SS")
    func durations() {
        #expect(seconds(.seconds, "65") == 65)
        #expect(seconds(.seconds, "65.5") == 66)
        #expect(seconds(.milliseconds, "65499") == 65)
        #expect(seconds(.seconds, "01:02:03") == 3723)
        #expect(seconds(.milliseconds, "01:02:03") == 3723)
        #expect(seconds(.seconds, "2:05") == 125)
        #expect(seconds(.seconds, "0:00") == 0)
        #expect(seconds(.seconds, "1:02:03.6") == 3724)
        #expect(seconds(.seconds, "1:75") == nil)
        #expect(seconds(.seconds, "1:2:3:4") == nil)
        #expect(seconds(.seconds, "abc") == nil)
        #expect(seconds(.seconds, ":") == nil)
        #expect(seconds(.seconds, "99999999999999999999:00") == nil)
        #expect(seconds(.milliseconds, "9999999999999999999") == nil)
    }

    @Test("a list of time formats is tried in order; a value none reads is a reject naming them all")
    func formatList() throws {
        let m = try tests.mapping(
            """
            {"timeFormat": "%d/%m/%Y %H:%M:%S", "timeFormats": ["iso8601", "epoch"],
             "columns": {"dialled": "b", "start": "s", "duration": "d"}}
            """
        )
        let (records, rejects) = try tests.read(
            "b,s,d\n999,5/1/2026 10:00:00,5\n999,2026-01-05T10:00:00Z,5\n999,1767607200,5\n999,yesterday,5\n",
            m
        )
        #expect(records.map(\.start) == Array(repeating: CivilTime.parseISO("2026-01-05T10:00:00Z")!, count: 3))
        #expect(rejects.count == 1 && rejects[0].field == "start" && rejects[0].line == 5)
        #expect(rejects.first?.reason.contains("%d/%m/%Y %H:%M:%S or iso8601 or epoch") == true)
    }

    @Test("NULL, \\N and - read as empty; the null list can be set")
    func nulls() throws {
        let m = try tests.mapping(
            """
            {"timeFormat": "iso8601", "columns": {"calling": "a", "dialled": "b", "start": "s", "answer": "r",
             "end": "e", "carrier": "c"}}
            """
        )
        let text = """
            a,b,s,r,e,c
            NULL,999,2026-01-05T10:00:00Z,NULL,2026-01-05T10:00:30Z,\\N
            -,999,2026-01-05T10:00:00Z,2026-01-05T10:00:05Z,2026-01-05T10:00:30Z,-

            """
        let (records, rejects) = try tests.read(text, m)
        #expect(rejects.isEmpty)
        #expect(records.map(\.calling) == ["", ""] && records.map(\.carrier) == ["", ""])
        #expect(records.map(\.answer) == [nil, CivilTime.parseISO("2026-01-05T10:00:05Z")])
        let strict = try tests.mapping(
            """
            {"timeFormat": "iso8601", "nulls": ["n/a"], "columns": {"calling": "a", "dialled": "b", "start": "s",
             "end": "e"}}
            """
        )
        let (kept, _) = try tests.read("a,b,s,e\nn/a,999,2026-01-05T10:00:00Z,2026-01-05T10:00:30Z\n", strict)
        #expect(kept.first?.calling == "")
    }

    @Test("lenient quotes recover a clid like \"\"Name\" <1115>\" and reject only the ambiguous row")
    func lenientQuotes() throws {
        let json = """
            {"timeFormat": "iso8601", "quotes": "lenient", "transforms": {"calling": {"nameAddr": true}},
             "columns": {"calling": "clid", "dialled": "dst", "start": "start", "duration": "duration"}}
            """
        let text = """
            id,clid,dst,start,duration
            1,""Ramana Ulsa" <1115>",+441632960001,2026-01-05T10:00:00Z,30
            2,"Plain, Name <1116>",+441632960002,2026-01-05T10:01:00Z,31
            3,""Two" "Quotes" <1117>",+441632960003,2026-01-05T10:02:00Z,32
            4,""Broken", <1118>",+441632960004,2026-01-05T10:03:00Z,33

            """
        let (records, rejects) = try tests.read(text, try tests.mapping(json))
        #expect(records.map(\.calling) == ["1115", "1116", "1117"])
        #expect(records.map(\.duration) == [30, 31, 32])
        #expect(rejects.count == 1 && rejects[0].line == 5 && rejects[0].reason.contains("ambiguous"))
        let strict = try tests.mapping(json.replacingOccurrences(of: "\"lenient\"", with: "\"strict\""))
        let (strictRecords, strictRejects) = try tests.read(text, strict)
        #expect(strictRecords.count == 1 && strictRejects.count == 3)
    }

    @Test(
        "BOM, CR, LF and CRLF line ends, and , ; tab | delimiters read the same records",
        arguments: [("\r\n", ","), ("\n", ";"), ("\r", "\t"), ("\r\n", "|")]
    )
    func lineEndsAndDelimiters(end: String, delimiter: String) throws {
        let escaped = delimiter == "\t" ? "\\t" : delimiter
        let m = try tests.mapping(
            """
            {"delimiter": "\(escaped)", "timeFormat": "%d/%m/%Y %H:%M",
             "columns": {"calling": "from", "dialled": "to", "start": "when", "duration": "secs"}}
            """
        )
        let rows = [["from", "to", "when", "secs"], ["07700900001", "02079460000", "5/1/2026 10:00", "65"]]
        let text = "\u{FEFF}" + rows.map { $0.joined(separator: delimiter) }.joined(separator: end) + end
        let (records, rejects) = try tests.read(text, m)
        #expect(rejects.isEmpty)
        #expect(records.count == 1)
        #expect(records.first?.calling == "+447700900001" && records.first?.duration == 65)
        #expect(records.first?.start == CivilTime.parseISO("2026-01-05T10:00:00Z"))
    }

    @Test("transforms strip prefixes and suffixes; constants fill the carrier the file does not carry")
    func transformsAndConstants() throws {
        let m = try tests.mapping(
            """
            {"timeFormat": "epoch", "transforms": {"dialled": {"stripPrefix": ["9", "8"], "stripSuffix": ["#"]},
             "calling": {"nameAddr": true}}, "constants": {"carrier": "VOIP-GW-1"},
             "columns": {"calling": "a", "dialled": "b", "start": "s", "duration": "d"}}
            """
        )
        let (records, rejects) = try tests.read("a,b,s,d\nReception (100),902079460000#,1767607200,5\n", m)
        #expect(rejects.isEmpty)
        #expect(records.first?.calling == "100")
        #expect(records.first?.dialled == "+442079460000")
        #expect(records.first?.carrier == "VOIP-GW-1")
        #expect(throws: SourceError.self) {
            try tests.mapping(
                #"{"constants": {"dialled": "1"}, "columns": {"dialled": "b", "start": "s", "end": "e"}}"#
            )
        }
        #expect(throws: SourceError.self) {
            try tests.mapping(
                #"{"transforms": {"start": {}}, "columns": {"dialled": "b", "start": "s", "end": "e"}}"#
            )
        }
    }
}
