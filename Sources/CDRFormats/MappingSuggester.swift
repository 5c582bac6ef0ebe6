import CDRModel

/// Proposes a ``MappingFile`` for an unknown CSV export from its first rows: the delimiter, whether there
/// is a header, which column is which field (by header name and by what the values look like), the time
/// format that reads every start time, the duration form, dispositions, and the quote mode.
public struct MappingSuggester {
    /// How sure the suggester is of one choice.
    public enum Confidence: String, Sendable, Codable, Comparable {
        case low, medium, high

        public static func < (a: Confidence, b: Confidence) -> Bool {
            let order: [Confidence] = [.low, .medium, .high]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    /// A proposal: the mapping, how sure each field's column is, and notes for the operator.
    public struct Suggestion: Sendable {
        /// The proposed mapping (loadable as it is).
        public var mapping: MappingFile
        /// Per field (`calling`, `start`, `timeFormat`, …), how sure the choice is.
        public var confidence: [String: Confidence]
        /// What the operator should check.
        public var notes: [String]
        /// The rows the proposal was made from (header excluded).
        public var rowsRead: Int
        /// How many of them the proposed mapping decodes.
        public var rowsDecoded: Int

        /// The weakest confidence of the fields that must be right: dialled, start, and end or duration.
        public var overall: Confidence {
            let keys = ["dialled", "start", "timeFormat"] + (confidence["end"] != nil ? ["end"] : ["duration"])
            return keys.compactMap { confidence[$0] }.min() ?? .low
        }
    }

    /// What the suggester failed at.
    public struct Failure: Error, CustomStringConvertible {
        /// Why, for a person.
        public var description: String
    }

    /// How many rows are looked at.
    public static let sampleRows = 500

    /// The time formats tried, most specific first; the first that reads every non-empty value of a column
    /// wins (day-first and month-first patterns are told apart by values over 12).
    public static let timeFormats = [
        "iso8601", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y%m%d%H%M%S",
        "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%y %H:%M:%S",
        "%m/%d/%y %H:%M:%S", "%d/%m/%y %H:%M", "%m/%d/%y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
        "%d-%m-%Y %H:%M:%S", "%d-%b-%Y %H:%M:%S", "%d %b %Y %H:%M:%S", "%b %d %Y %H:%M:%S",
        "%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d/%m/%Y %I:%M %p",
        "%b %d, %Y %I:%M:%S %p", "%Y-%m-%d %I:%M:%S %p", "epoch", "epoch_ms",
    ]

    /// Header words for each field, in the order fields claim columns.
    static let synonyms: [(field: String, words: [String])] = [
        ("sourceID", ["uniqueid", "callid", "call_id", "call id", "cdr_id", "cdrid", "id", "linkedid", "session id"]),
        ("disposition", ["disposition", "status", "result", "call status", "state", "outcome"]),
        (
            "billable",
            ["billsec", "billable", "talk time", "talktime", "talking", "talk", "conversation", "billed", "bill sec"]
        ),
        ("duration", ["duration", "dur", "length", "call duration", "total time", "totals", "total"]),
        (
            "answer",
            [
                "answer", "answered", "answer time", "answer_time", "connect", "connected", "answerstamp",
                "datetimeconnect",
            ]
        ),
        (
            "end",
            [
                "end", "end time", "end_time", "hangup", "hangup time", "endtime", "release", "stop", "ended",
                "endstamp", "datetimedisconnect",
            ]
        ),
        (
            "start",
            [
                "start", "calldate", "call date", "date", "start time", "start_time", "starttime", "call time", "begin",
                "setup", "started", "time", "datetime", "startstamp", "timestamp", "datetimeorigination",
            ]
        ),
        (
            "calling",
            [
                "src", "source", "caller", "calling", "calling number", "clid", "callerid", "caller id", "from",
                "a number", "a_number", "anumber", "ani", "cli", "origin", "originator", "caller_id_number",
                "from number", "callingpartynumber",
            ]
        ),
        (
            "dialled",
            [
                "dst", "destination", "called", "called number", "callee", "to", "b number", "b_number", "bnumber",
                "dnis", "dialed", "dialled", "dialed number", "number", "to number", "destination_number",
                "finalcalledpartynumber",
            ]
        ),
        ("carrier", ["trunk", "carrier", "provider", "route", "gateway", "trunk in", "incoming trunk"]),
        ("egress", ["dstchannel", "dst. channel", "outgoing trunk", "trunk out", "egress", "destination trunk"]),
        ("channel", ["channel", "src. channel", "source channel"]),
        ("account", ["accountcode", "account", "account code"]),
    ]

    private let delimiters: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09, UInt8(ascii: "|")]

    /// Creates a suggester.
    public init() {}

    /// What the first rows of a file hold: the bytes read, the delimiter, the rows (a row that broke CSV
    /// quoting split leniently) and which rows broke it.
    private struct Sample {
        var text: [UInt8]
        var delimiter: UInt8
        var rows: [[String]]
        var broken: [Int]
    }

    /// The columns bound so far, with how sure each binding is.
    private struct Binding {
        var chosen: [String: Int] = [:]
        var confidence: [String: Confidence] = [:]

        func taken(_ index: Int) -> Bool { chosen.values.contains(index) }

        mutating func bind(_ field: String, _ index: Int, _ level: Confidence) {
            chosen[field] = index
            confidence[field] = level
        }
    }

    /// Proposes a mapping for the CSV whose first bytes are `head`.
    public func suggest(head: [UInt8]) throws(Failure) -> Suggestion {
        let sample = try read(head)
        let rows = sample.rows
        guard rows.count >= 2 || (rows.count == 1 && !looksLikeHeader(rows[0], data: [])) else {
            throw Failure(description: "fewer than two rows: nothing to learn a mapping from")
        }
        let hasHeader = looksLikeHeader(rows[0], data: Array(rows.dropFirst().prefix(50)))
        let header = hasHeader ? rows[0] : nil
        let data = rows.dropFirst(hasHeader ? 1 : 0).filter { row in
            row.contains { $0.first.map { $0.isNumber || $0 == "+" } ?? false }
        }
        let width =
            data.map(\.count).reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }.max { $0.value < $1.value }?
            .key ?? rows[0].count
        let nulls = Set(MappingFile.defaultNulls)
        let columns = (0..<width).map { index in
            ColumnProfile(index: index, values: data.compactMap { $0.count > index ? $0[index] : nil }, nulls: nulls)
        }
        var binding = Binding()
        if let header { bindByName(header, columns: columns, into: &binding) }
        bindByValues(columns, into: &binding)
        let format = try checkRequired(binding, columns: columns)
        var notes: [String] = []
        var mapping = makeMapping(
            sample,
            header: header,
            format: format,
            columns: columns,
            binding: &binding,
            notes: &notes
        )
        annotate(&mapping, header: header, columns: columns, binding: &binding, notes: &notes)
        var decoded = 0
        if let dialect = try? MappedDialect(mapping: mapping) {
            decoded = Self.countDecoded(sample.text, dialect: dialect)
        }
        for field in ["calling", "answer", "billable", "disposition", "carrier"] where binding.chosen[field] == nil {
            notes.append("no column was found for \(field)")
        }
        return Suggestion(
            mapping: mapping,
            confidence: binding.confidence,
            notes: notes,
            rowsRead: data.count,
            rowsDecoded: decoded
        )
    }

    /// Reads the sample: a byte order mark dropped, a last partial line cut, the delimiter chosen, up to
    /// ``sampleRows`` rows tokenized.
    private func read(_ head: [UInt8]) throws(Failure) -> Sample {
        var bytes = head[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let lastBreak = bytes.lastIndex(where: { $0 == 0x0A || $0 == 0x0D }), bytes.count >= 60_000 {
            bytes = bytes[..<lastBreak]
        }
        let text = Array(bytes)
        let delimiter = chooseDelimiter(text)
        var sample = Sample(text: text, delimiter: delimiter, rows: [], broken: [])
        let tokenizer = CSVTokenizer(source: MemorySource(text), delimiter: delimiter)
        do {
            while let record = try tokenizer.next(), sample.rows.count <= Self.sampleRows {
                if record.problem != nil {
                    sample.broken.append(sample.rows.count)
                    sample.rows.append(lenientSplit(Array(record.raw), delimiter: delimiter))
                } else {
                    sample.rows.append((0..<record.count).map { record.string($0) })
                }
            }
        } catch {
            throw Failure(description: "cannot read the file as CSV: \(error.reason)")
        }
        return sample
    }

    /// Binds fields by header name, where the column's values agree with the name.
    private func bindByName(_ header: [String], columns: [ColumnProfile], into binding: inout Binding) {
        let keys = header.map { $0.trimmingSpaces.lowercased().filter { $0 != "\"" } }
        let loose: Set = ["sourceID", "account", "carrier", "egress", "channel"]
        for (field, words) in Self.synonyms {
            for word in words {
                guard let index = keys.indices.first(where: { keys[$0] == word && $0 < columns.count }),
                    !binding.taken(index)
                else { continue }
                let fits =
                    columns[index].fits(field) || (["calling", "dialled"].contains(field) && columns[index].digitsOnly)
                guard fits || loose.contains(field) else { continue }
                binding.bind(field, index, fits ? .high : .medium)
                break
            }
        }
    }

    /// Binds the fields still missing by the values alone: times, numbers, dispositions, durations.
    private func bindByValues(_ columns: [ColumnProfile], into binding: inout Binding) {
        let times = columns.filter { $0.timeFormat != nil && !binding.taken($0.index) }.map(\.index)
        if binding.chosen["start"] == nil, let first = times.first { binding.bind("start", first, .medium) }
        if let start = binding.chosen["start"], let startFormat = columns[start].timeFormat?.name {
            let alike = times.filter { $0 > start && columns[$0].timeFormat?.name == startFormat }
            if binding.chosen["end"] == nil, binding.chosen["duration"] == nil, let last = alike.last {
                binding.bind("end", last, .low)
            }
            if binding.chosen["answer"] == nil, alike.count >= 2, let middle = alike.first,
                middle != binding.chosen["end"]
            {
                binding.bind("answer", middle, .low)
            }
        }
        let numbers = columns.filter { $0.isNumberLike && !binding.taken($0.index) }.map(\.index)
        for field in numbers.count == 1 ? ["dialled"] : ["calling", "dialled"] where binding.chosen[field] == nil {
            if let next = numbers.first(where: { !binding.taken($0) }) { binding.bind(field, next, .low) }
        }
        if binding.chosen["disposition"] == nil,
            let column = columns.first(where: {
                !binding.taken($0.index) && $0.timeFormat == nil && !$0.isNumberLike && !$0.isDuration
                    && !$0.distinct.isEmpty && $0.distinct.count <= 12
                    && $0.distinct.allSatisfy { Self.guessDisposition($0) != "unknown" }
            })
        {
            binding.bind("disposition", column.index, .medium)
        }
        let durations = columns.filter { $0.isDuration && !binding.taken($0.index) }
        if binding.chosen["duration"] == nil, binding.chosen["end"] == nil,
            let longest = durations.max(by: { $0.total < $1.total })
        {
            binding.bind("duration", longest.index, .low)
        }
    }

    /// Refuses a proposal without the dialled number, a start time or an end or duration; returns the
    /// start column's time format.
    private func checkRequired(_ binding: Binding, columns: [ColumnProfile]) throws(Failure) -> ColumnProfile.Format {
        guard binding.chosen["dialled"] != nil else {
            throw Failure(
                description: "no column looks like the dialled number (digits, or a header such as dst, called, to)"
            )
        }
        guard let start = binding.chosen["start"], let format = columns[start].timeFormat else {
            throw Failure(
                description:
                    "no column holds call start times in a known format (tried \(Self.timeFormats.count) formats)"
            )
        }
        guard binding.chosen["end"] != nil || binding.chosen["duration"] != nil else {
            throw Failure(description: "no column holds the call's end time or duration")
        }
        return format
    }

    /// The mapping file the binding describes: delimiter, header, time formats, columns, lenient quotes.
    private func makeMapping(
        _ sample: Sample,
        header: [String]?,
        format: ColumnProfile.Format,
        columns: [ColumnProfile],
        binding: inout Binding,
        notes: inout [String]
    ) -> MappingFile {
        let formats = timeFormats(format, columns: columns, binding: &binding, notes: &notes)
        var mapping = MappingFile(
            delimiter: String(UnicodeScalar(sample.delimiter)),
            header: header != nil,
            timeFormat: formats[0],
            columns: Self.columns(binding.chosen, header: header)
        )
        if formats.count > 1 { mapping.timeFormats = Array(formats.dropFirst()) }
        if !sample.broken.isEmpty {
            mapping.quotes = .lenient
            notes.append(
                "\(sample.broken.count) sampled rows break CSV quoting (unescaped quotes); quotes set to lenient"
            )
        }
        return mapping
    }

    /// The start column's time format first, then any other the answer and end columns use; an ambiguous
    /// day/month order gets a note and medium confidence.
    private func timeFormats(
        _ format: ColumnProfile.Format,
        columns: [ColumnProfile],
        binding: inout Binding,
        notes: inout [String]
    ) -> [String] {
        var formats = [format.name]
        binding.confidence["timeFormat"] = format.ambiguous ? .medium : .high
        if format.ambiguous {
            let order = format.name.hasPrefix("%d") ? "day-first" : "month-first"
            notes.append(
                "\(format.name): no day or month over 12 in the sample, so day-first and month-first both read it; \(order) was chosen (\(order == "day-first" ? "24-hour clock" : "12-hour clock, as US exports write")), check a date"
            )
        }
        for field in ["answer", "end"] {
            if let index = binding.chosen[field], let other = columns[index].timeFormat, !formats.contains(other.name) {
                formats.append(other.name)
            }
        }
        return formats
    }

    /// The mapping's columns for the chosen fields: by header name when the header names the column once,
    /// else by position.
    private static func columns(_ chosen: [String: Int], header: [String]?) -> MappingFile.Columns {
        func column(_ field: String) -> MappingFile.Column? {
            chosen[field].map { index in
                if let header, index < header.count, !header[index].isEmpty,
                    header.firstIndex(of: header[index]) == index
                {
                    return .name(header[index])
                }
                return .position(index + 1)
            }
        }
        return MappingFile.Columns(
            calling: column("calling"),
            dialled: column("dialled")!,
            diverting: nil,
            start: column("start")!,
            answer: column("answer"),
            end: column("end"),
            duration: column("duration"),
            billable: column("billable"),
            disposition: column("disposition"),
            carrier: column("carrier"),
            egress: column("egress"),
            channel: column("channel"),
            account: column("account"),
            sourceID: column("sourceID")
        )
    }

    /// Adds what the values call for: name-addr transforms, a guessed dispositions table, clock or
    /// millisecond durations, nulls; each with a note.
    private func annotate(
        _ mapping: inout MappingFile,
        header: [String]?,
        columns: [ColumnProfile],
        binding: inout Binding,
        notes: inout [String]
    ) {
        func label(_ index: Int) -> String {
            if let header, index < header.count, !header[index].isEmpty { return header[index] }
            return "column \(index + 1)"
        }
        var transforms: [String: MappingFile.Transform] = [:]
        for field in ["calling", "dialled"] {
            if let index = binding.chosen[field], columns[index].hasNameAddr {
                transforms[field] = MappingFile.Transform(nameAddr: true)
                notes.append("\(field) values look like \"Name\" <1234> or Name (1234): the number inside is taken")
            }
        }
        if !transforms.isEmpty { mapping.transforms = transforms }
        if let index = binding.chosen["disposition"] {
            let unknown = columns[index].distinct.filter { Disposition(name: $0) == nil }
            if !unknown.isEmpty {
                var table: [String: String] = [:]
                for value in columns[index].distinct { table[value] = Self.guessDisposition(value) }
                mapping.dispositions = table
                binding.confidence["disposition"] = min(binding.confidence["disposition"] ?? .low, .medium)
                notes.append(
                    "dispositions table guessed from the values \(unknown.sorted().prefix(8).joined(separator: ", ")); check it"
                )
            }
        }
        for index in [binding.chosen["duration"], binding.chosen["billable"]].compactMap({ $0 })
        where columns[index].hasClock {
            notes.append("\(label(index)) holds HH:MM:SS durations: read as such")
        }
        if let index = binding.chosen["duration"], !columns[index].hasClock, columns[index].median > 4 * 3600 {
            mapping.durationFormat = .milliseconds
            binding.confidence["duration"] = .low
            notes.append("\(label(index)) has a median over 4 hours as seconds: read as milliseconds, check it")
        }
        if columns.contains(where: { $0.nullsSeen > 0 }) {
            notes.append("NULL, \\N or - values are read as empty")
        }
    }

    /// Decodes the sample with the proposal: how many rows it reads.
    private static func countDecoded(_ text: [UInt8], dialect: MappedDialect) -> Int {
        let context = DecodeContext(
            numbers: NumberNormaliser(plan: NumberPlan()),
            clock: LocalTimeConverter(identifier: "UTC")!
        )
        let reader = CSVRecordReader(source: MemorySource(text), dialect: dialect, context: context)
        var decoded = 0
        var seen = 0
        while let event = try? reader.next(), seen <= sampleRows {
            seen += 1
            if case .record = event { decoded += 1 }
        }
        return decoded
    }

    static func guessDisposition(_ value: String) -> String {
        let upper = value.uppercased()
        if let known = Disposition(name: value) { return known.name }
        if let code = Int64(value), code >= 0, code < 128 {
            return code == 16 ? "answered" : HangupCause.disposition(code: code).name
        }
        if upper.contains("NO ANS") || upper.contains("NOANS") || upper.contains("UNANS") || upper.contains("MISSED") {
            return "no_answer"
        }
        if upper.contains("ANSW") || upper.contains("COMPLET") || upper.contains("SUCCESS") || upper == "OK" {
            return "answered"
        }
        if upper.contains("BUSY") { return "busy" }
        if upper.contains("CONGEST") { return "congestion" }
        if upper.contains("CANCEL") || upper.contains("ABANDON") { return "cancelled" }
        if upper.contains("FAIL") || upper.contains("ERROR") || upper.contains("REJECT") { return "failed" }
        return "unknown"
    }

    /// The delimiter that splits the first lines into the same number (> 1) of fields most often.
    private func chooseDelimiter(_ text: [UInt8]) -> UInt8 {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        for (i, byte) in text.enumerated() where byte == 0x0A || byte == 0x0D {
            if i > start { lines.append(text[start..<i]) }
            start = i + 1
            if lines.count >= 20 { break }
        }
        if lines.isEmpty { lines = [text[...]] }
        var best = delimiters[0]
        var bestScore = -1
        for delimiter in delimiters {
            var counts: [Int: Int] = [:]
            for line in lines {
                var inQuotes = false
                var count = 0
                for byte in line {
                    if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
                    if byte == delimiter, !inQuotes { count += 1 }
                }
                if count > 0 { counts[count, default: 0] += 1 }
            }
            let score = (counts.values.max() ?? 0) * 100 + (counts.max { $0.value < $1.value }?.key ?? 0)
            if score > bestScore {
                bestScore = score
                best = delimiter
            }
        }
        return best
    }

    /// Splits a row that broke quoting as lenient mode does.
    private func lenientSplit(_ raw: [UInt8], delimiter: UInt8) -> [String] {
        var fields: [String] = []
        var i = 0
        while true {
            if i < raw.count, raw[i] == UInt8(ascii: "\"") {
                var close = i + 1
                while close < raw.count,
                    !(raw[close] == UInt8(ascii: "\"") && (close + 1 == raw.count || raw[close + 1] == delimiter))
                {
                    close += 1
                }
                fields.append(String(decoding: raw[(i + 1)..<min(close, raw.count)], as: UTF8.self))
                i = close + 1
            } else {
                var end = i
                while end < raw.count, raw[end] != delimiter { end += 1 }
                fields.append(String(decoding: raw[i..<end], as: UTF8.self))
                i = end
            }
            guard i < raw.count else { break }
            i += 1
        }
        return fields
    }

    /// A first row is a header when none of its fields reads as a time, and it has a text field where the
    /// data rows have times or numbers.
    private func looksLikeHeader(_ row: [String], data: [[String]]) -> Bool {
        let nulls = Set(MappingFile.defaultNulls)
        let typed = row.enumerated().filter { index, value in
            ColumnProfile(index: index, values: [value], nulls: nulls).timeFormat != nil
                || (Int64(value) != nil && value.count >= 3)
        }
        guard typed.isEmpty else { return false }
        guard !data.isEmpty else { return true }
        return row.indices.contains { index in
            let values = data.compactMap { $0.count > index ? $0[index] : nil }
            let profile = ColumnProfile(index: index, values: values, nulls: nulls)
            return (profile.timeFormat != nil || profile.isNumberLike || profile.isDuration)
                && Int64(row[index]) == nil
        }
    }
}

/// What one column's sampled values look like.
struct ColumnProfile {
    /// A time format that reads every non-empty value, and whether a day-first/month-first twin does too.
    struct Format {
        var name: String
        var ambiguous: Bool
    }

    let index: Int
    let values: [String]
    var timeFormat: Format?
    var isNumberLike = false
    var hasNameAddr = false
    /// Every value is digits (or `+` digits): a number, an epoch or a count.
    var digitsOnly = false
    var isDuration = false
    var hasClock = false
    var total: Int64 = 0
    /// The middle value as seconds, for duration columns.
    var median: Int64 = 0
    var distinct: Set<String> = []
    var nullsSeen = 0

    init(index: Int, values: [String], nulls: Set<String>) {
        self.index = index
        let present = values.filter { !$0.isEmpty && !nulls.contains($0) }
        nullsSeen = values.count - values.filter { !nulls.contains($0) }.count
        self.values = present
        guard !present.isEmpty else { return }
        distinct = Set(present.prefix(200))
        let times = present.filter { $0 != "0" }
        timeFormat = times.isEmpty ? nil : Self.timeFormat(times)
        let numbers = present.map { Self.numberPart($0) }
        digitsOnly = present.allSatisfy { value in
            value.drop { $0 == "+" }.allSatisfy { $0.isASCII && $0.isNumber } && !value.isEmpty
        }
        hasNameAddr = present.contains { value in
            (value.contains("<") && value.contains(">"))
                || (value.hasSuffix(")") && value.contains("(") && Self.numberPart(value).allSatisfy(\.isNumber))
        }
        isNumberLike =
            timeFormat == nil
            && numbers.allSatisfy { $0.count >= 2 && $0.count <= 20 && $0.allSatisfy { "0123456789+*#".contains($0) } }
            && numbers.contains { $0.count >= 3 }
        var sum: Int64 = 0
        var all: [Int64] = []
        isDuration =
            timeFormat == nil
            && present.allSatisfy { value in
                let seconds = Array(value.utf8).withUnsafeBytes { DurationFormat.seconds.read($0) }
                guard let seconds, seconds >= 0, seconds <= 7 * 86_400 * 1000 else { return false }
                sum += seconds
                all.append(seconds)
                return true
            }
        total = sum
        median = all.sorted().dropFirst(all.count / 2).first ?? 0
        hasClock = isDuration && present.contains { $0.contains(":") }
    }

    /// The number in a value: inside `<…>` when there is one, else the value without spaces.
    static func numberPart(_ value: String) -> String {
        if let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            return String(value[value.index(after: open)..<close])
        }
        if value.hasSuffix(")"), let open = value.lastIndex(of: "(") {
            return String(value[value.index(after: open)..<value.index(before: value.endIndex)])
        }
        return value.filter { $0 != " " }
    }

    /// Whether the values fit what `field` holds.
    func fits(_ field: String) -> Bool {
        switch field {
        case "start", "answer", "end": timeFormat != nil
        case "calling", "dialled": isNumberLike || values.allSatisfy { !$0.isEmpty }
        case "duration", "billable": isDuration
        case "disposition": timeFormat == nil && distinct.count <= 30
        default: true
        }
    }

    private static func timeFormat(_ values: [String]) -> Format? {
        let sample = Array(values.prefix(200))
        let bytes = sample.map { Array($0.utf8) }
        /// Whether the format reads every value as a plausible call time; epoch values must also lie within
        /// two years of each other and have no leading zero (ten-digit phone numbers read as epoch seconds
        /// spread over decades, national ones start with 0).
        func readsAll(_ name: String) -> Bool {
            guard let format = try? TimeFormat(name) else { return false }
            var low = Int64.max
            var high = Int64.min
            let all = bytes.allSatisfy { value in
                value.withUnsafeBytes { b in
                    guard let (seconds, _) = format.read(b) else { return false }
                    low = min(low, seconds)
                    high = max(high, seconds)
                    return seconds >= CallRecord.earliestStart && seconds < 4_102_444_800
                }
            }
            guard all else { return false }
            return !name.hasPrefix("epoch")
                || (bytes.allSatisfy { $0.first != UInt8(ascii: "0") } && high - low <= 2 * 366 * 86_400)
        }
        for name in MappingSuggester.timeFormats where readsAll(name) {
            let twin: String? =
                name.hasPrefix("%d/%m")
                ? "%m/%d" + name.dropFirst(5)
                : name.hasPrefix("%m/%d") ? "%d/%m" + name.dropFirst(5) : nil
            return Format(name: name, ambiguous: twin.map(readsAll) ?? false)
        }
        return nil
    }
}
