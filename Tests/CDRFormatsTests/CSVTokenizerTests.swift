import Testing

@testable import CDRFormats

/// Tokenizes everything with a given chunk size and returns (line, fields, problem) per record.
func tokenize(_ text: String, chunk: Int, delimiter: UInt8 = 44) throws -> [(Int, [String], String?)] {
    let tokenizer = CSVTokenizer(
        source: MemorySource(Array(text.utf8), chunk: chunk),
        delimiter: delimiter,
        chunkSize: 64,
        maxRecordBytes: 4096
    )
    var out: [(Int, [String], String?)] = []
    while let record = try tokenizer.next() {
        out.append((record.line, (0..<record.count).map { record.string($0) }, record.problem))
    }
    return out
}

@Suite("CSV tokenizer")
struct CSVTokenizerTests {
    static let chunks = [1, 2, 3, 7, 64, 1 << 20]

    static let tricky =
        "a,b,c\n"
        + #""quoted, with comma","doubled ""quotes""",plain"# + "\r\n"
        + "\"multi\nline\",,\" \"\n"
        + ",,\n"
        + #""x""y""",1,"2""# + "\n"
        + #"last,row,"without newline""#

    static let expected: [(Int, [String])] = [
        (1, ["a", "b", "c"]),
        (2, ["quoted, with comma", "doubled \"quotes\"", "plain"]),
        (3, ["multi\nline", "", " "]),
        (5, ["", "", ""]),
        (6, ["x\"y\"", "1", "2"]),
        (7, ["last", "row", "without newline"]),
    ]

    @Test("splits records identically for any chunking", arguments: chunks)
    func chunkingIsInvisible(chunk: Int) throws {
        let got = try tokenize(Self.tricky, chunk: chunk)
        #expect(got.map(\.0) == Self.expected.map(\.0))
        #expect(got.map(\.1) == Self.expected.map(\.1))
        #expect(got.allSatisfy { $0.2 == nil })
    }

    @Test("a record straddling the buffer grows it and still parses", arguments: [1, 5, 4096])
    func longRecord(chunk: Int) throws {
        let long = String(repeating: "z", count: 500)
        let got = try tokenize("\(long),\"\(long)\"\nnext,1\n", chunk: chunk)
        #expect(got.count == 2)
        #expect(got[0].1 == [long, long])
        #expect(got[1].1 == ["next", "1"])
    }

    @Test("CRLF and LF line ends, blank lines skipped, lines still counted", arguments: chunks)
    func lineEnds(chunk: Int) throws {
        let got = try tokenize("a,1\r\n\r\nb,2\n\nc,3", chunk: chunk)
        #expect(got.map(\.1) == [["a", "1"], ["b", "2"], ["c", "3"]])
        #expect(got.map(\.0) == [1, 3, 5])
    }

    @Test("stray quotes are reported, not fatal", arguments: chunks)
    func strayQuotes(chunk: Int) throws {
        let got = try tokenize("ok,1\nab\"c,2\n\"x\"y,3\nok,4\n", chunk: chunk)
        #expect(got.count == 4)
        #expect(got[1].2?.contains("quote inside unquoted field 1") == true)
        #expect(got[2].2?.contains("text after the closing quote") == true)
        #expect(got[3].1 == ["ok", "4"])
        #expect(got[3].0 == 4)
    }

    @Test("an unterminated quote at the end is cut at its line and reported", arguments: chunks)
    func unterminated(chunk: Int) throws {
        let got = try tokenize("ok,1\n\"never closed,2\nmore,3\n", chunk: chunk)
        #expect(got.count == 3)
        #expect(got[1].0 == 2)
        #expect(got[1].2 == "unterminated quoted field")
        #expect(got[2].1 == ["more", "3"])
    }

    @Test("a runaway quote longer than the record limit resyncs at the next line")
    func runaway() throws {
        let filler = (0..<600).map { "line \($0),x" }.joined(separator: "\n")
        let got = try tokenize("ok,1\n\"runaway\n" + filler + "\n", chunk: 100)
        #expect(got[1].2?.contains("longer than 4096 bytes") == true)
        #expect(got.count > 450)
        #expect(got.last?.1 == ["line 599", "x"])
    }

    @Test("a record far over the limit, quoted or not, is one problem on its own line; the lines after it keep theirs")
    func oversized() throws {
        let head = (1...100).map { "row \($0),x" }.joined(separator: "\n") + "\n"
        let tail = (102...111).map { "row \($0),x" }.joined(separator: "\n") + "\n"
        for huge in [
            "\"" + String(repeating: "z", count: 100_000) + "\",x", String(repeating: "z", count: 100_000) + ",x",
        ] {
            for chunk in [7, 1000, 1 << 20] {
                let got = try tokenize(head + huge + "\n" + tail, chunk: chunk)
                #expect(got.count == 111, "chunk \(chunk)")
                let problems = got.filter { $0.2 != nil }
                #expect(problems.map(\.0) == [101], "chunk \(chunk)")
                #expect(problems.first?.2?.contains("at byte \(head.utf8.count) longer than 4096 bytes") == true)
                #expect(problems.first?.2?.contains("\(huge.utf8.count) bytes skipped") == true, "\(problems)")
                #expect(got.last?.1 == ["row 111", "x"])
                #expect(got[101].0 == 102 && got[101].1 == ["row 102", "x"])
            }
        }
    }

    @Test("resume offsets skip exactly the records already seen")
    func resume() throws {
        let text = "a,1\nb,2\n\"c\nc\",3\nd,4\n"
        let first = CSVTokenizer(source: MemorySource(Array(text.utf8)), chunkSize: 64)
        _ = try first.next()
        _ = try first.next()
        let (offset, line) = (first.offset, first.line)
        let second = CSVTokenizer(source: MemorySource(Array(text.utf8), chunk: 3), chunkSize: 64)
        try second.skip(to: offset, line: line)
        let record = try #require(try second.next())
        #expect(record.string(0) == "c\nc")
        #expect(record.line == 3)
        #expect(try second.next()?.line == 5)
    }

    @Test("other delimiters work")
    func semicolons() throws {
        #expect(try tokenize("a;\"b;c\";d\n", chunk: 2, delimiter: 59).map(\.1) == [["a", "b;c", "d"]])
    }
}
