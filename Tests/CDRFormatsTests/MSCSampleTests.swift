import CDRModel
import Foundation
import Testing

@testable import CDRFormats

/// One vendor decode (`NNN-….txt` beside each Huawei sample): field name, colon, value.
struct VendorDecode {
    var fields: [String: String] = [:]

    init(_ text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if fields[key] == nil { fields[key] = value }
        }
    }

    subscript(_ key: String) -> String? { fields[key] }

    /// A number as the vendor prints it, `(TON/NPI)digits`, in E.164 for a home country of China (+86):
    /// type of number 1 is international, 2 national; unknown is read as dialled in China (trunk prefix 0; up to 6 digits a short code, kept as it is).
    func number(_ key: String) -> String? {
        guard let value = fields[key], value.hasPrefix("("), let close = value.firstIndex(of: ")") else { return nil }
        let nature = UInt8(value[value.index(after: value.startIndex)..<close], radix: 16).map { ($0 >> 4) & 7 }
        let digits = String(value[value.index(after: close)...])
        switch nature {
        case 1: return "+" + digits
        case 2: return "+86" + digits
        default:
            if digits.count <= 6 { return digits }
            if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
            if digits.hasPrefix("0") { return "+86" + digits.dropFirst() }
            return "+86" + digits
        }
    }

    /// A time as the vendor prints it, `YYYY-MM-DD hh:mm:ss + hhmm`, in UTC epoch seconds.
    func time(_ key: String) -> Int64? {
        guard let value = fields[key] else { return nil }
        let parts = value.split(separator: " ")
        guard parts.count == 4, let local = CivilTime.parseISO(parts[0] + "T" + parts[1] + "Z"),
            let offset = Int64(parts[3])
        else { return nil }
        let seconds = (offset / 100 * 3600 + offset % 100 * 60) * (parts[2] == "-" ? -1 : 1)
        return local - seconds
    }

    /// A route as the vendor prints it, `( 52 4E 43 33 34)` (the bytes of its name) or `{BSC88}`.
    func route(_ key: String) -> String? {
        guard let value = fields[key] else { return nil }
        if value.hasPrefix("{") { return value.trimmingCharacters(in: CharacterSet(charactersIn: "{}")) }
        let bytes = value.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: " ")
            .compactMap { UInt8($0, radix: 16) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The context the Huawei samples decode under: China (+86), times in the file's own UTC offsets.
let chinaContext = DecodeContext(
    numbers: NumberNormaliser(plan: NumberPlan.forCountry("86")),
    clock: LocalTimeConverter(identifier: "UTC")!
)

/// Reads every event of a file, skipped kinds included.
func readEvents(
    _ reader: any RecordReader
) throws -> (records: [CallRecord], rejects: [RecordReject], skipped: [String]) {
    var records: [CallRecord] = []
    var rejects: [RecordReject] = []
    var skipped: [String] = []
    while let event = try reader.next() {
        switch event {
        case .record(let record, _): records.append(record)
        case .reject(let reject): rejects.append(reject)
        case .skipped(let kind): skipped.append(kind)
        }
    }
    return (records, rejects, skipped)
}

@Suite("Huawei MSC samples (the vendor's files and decodes)")
struct MSCSampleTests {
    static let folder = "huawei-msc-ber-samples"

    static var samples: [String] {
        guard let path = Corpus.path(folder) else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".dat") }
            .sorted()
    }

    /// Whether the vendor samples are beside the project; says the test is skipped when they are not.
    static var present: Bool {
        if Corpus.path(folder) != nil { return true }
        print("skipped: ../shared/corpus/\(folder) is absent")
        return false
    }

    static let callKinds: [String: CallLeg] = [
        "moCallRecord": .mobileOriginated, "mtCallRecord": .mobileTerminated, "roamingRecord": .roaming,
        "incGatewayRecord": .incomingGateway, "outGatewayRecord": .outgoingGateway, "transitRecord": .transit,
        "termCAMELRecord": .terminatingCAMEL, "forwardCallRecord": .forwarded,
    ]

    /// Reads one sample through format detection, as `ingest --format auto` does.
    static func read(
        _ name: String,
        chunk: Int = .max
    ) throws -> (
        records: [CallRecord], rejects: [RecordReject], skipped: [String], reader: any RecordReader
    ) {
        let path = Corpus.path(folder + "/" + name)!
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let reader = try FormatDetector(format: .auto, mapping: nil, context: chinaContext)
            .open(MemorySource(bytes, chunk: chunk))
        let (records, rejects, skipped) = try readEvents(reader)
        return (records, rejects, skipped, reader)
    }

    static func decode(_ name: String) throws -> VendorDecode {
        let path =
            Corpus.path(folder + "/" + name.replacingOccurrences(of: ".dat", with: ".txt"))
            ?? Corpus.path(
                folder + "/"
                    + name.replacingOccurrences(of: "partia2", with: "partial2")
                    .replacingOccurrences(of: ".dat", with: ".txt")
            )!
        return VendorDecode(try String(contentsOfFile: path, encoding: .utf8))
    }

    @Test("all 38 samples are found, or the folder is absent")
    func sampleCount() {
        guard Self.present else { return }
        #expect(Self.samples.count == 38)
    }

    @Test("every call sample loads by --format auto with the vendor's A, B, times, duration, IMSI and routes")
    func callSamplesMatchTheVendorDecode() throws {
        guard Self.present else { return }
        var checked = 0
        for name in Self.samples {
            let decode = try Self.decode(name)
            guard let kind = decode["cdr_type"], let leg = Self.callKinds[kind] else { continue }
            for chunk in [7, Int.max] {
                let (records, rejects, skipped, reader) = try Self.read(name, chunk: chunk)
                #expect(reader.dialectName == "msc-ber", "\(name)")
                #expect(rejects.isEmpty, "\(name): \(rejects.map(\.reason))")
                #expect(skipped.isEmpty, "\(name)")
                try #require(records.count == 1, "\(name)")
                let r = records[0]
                #expect(r.leg == leg, "\(name)")
                let calling: String?
                let dialled: String?
                switch leg {
                case .mobileOriginated:
                    calling = decode.number("servedMSISDN") ?? decode.number("callingNumber")
                    dialled = decode.number("calledNumber") ?? decode.number("connectedNumber")
                case .mobileTerminated, .roaming, .terminatingCAMEL:
                    calling = decode.number("callingNumber") ?? decode.number("Calling Number")
                    dialled = decode.number("servedMSISDN") ?? decode.number("calledNumber")
                default:
                    calling = decode.number("callingNumber")
                    dialled = decode.number("calledNumber") ?? decode.number("translatedNumber")
                }
                #expect(r.calling == (calling ?? ""), "\(name): calling")
                if leg != .roaming || decode.number("servedMSISDN") != nil {
                    #expect(r.dialled == (dialled ?? ""), "\(name): dialled")
                }
                let part = Int(decode["sequenceNumber"] ?? "0") ?? 0
                #expect(r.part == part, "\(name): part")
                let expectedStart =
                    part > 1
                    ? decode.time("answerTime")
                    : decode.time("seizureTime") ?? decode.time("interrogationTime") ?? decode.time("answerTime")
                #expect(r.start == expectedStart, "\(name): start")
                #expect(r.answer == decode.time("answerTime"), "\(name): answer")
                #expect(r.end == decode.time("releaseTime"), "\(name): end")
                #expect(r.billable == Int64(decode["callDuration"] ?? ""), "\(name): callDuration")
                #expect(r.duration == r.end - r.start, "\(name): duration")
                #expect(r.imsi == (decode["servedIMSI"] ?? ""), "\(name): IMSI")
                #expect(r.carrier == (decode.route("mscIncomingROUTE") ?? ""), "\(name): incoming route")
                #expect(r.egress == (decode.route("mscOutgoingROUTE") ?? ""), "\(name): outgoing route")
                #expect(r.sourceID == (decode["callReference"] ?? "").lowercased(), "\(name): call reference")
                #expect(r.channel == (decode.number("recordingEntity") ?? ""), "\(name): recording entity")
            }
            checked += 1
        }
        #expect(checked == 25)
    }

    @Test("every non-call sample is skipped by its kind, neither stored nor rejected")
    func nonCallSamplesAreSkippedByKind() throws {
        guard Self.present else { return }
        var checked = 0
        for name in Self.samples {
            let decode = try Self.decode(name)
            guard let kind = decode["cdr_type"], Self.callKinds[kind] == nil else { continue }
            let (records, rejects, skipped, _) = try Self.read(name)
            #expect(records.isEmpty && rejects.isEmpty, "\(name)")
            #expect(skipped == [kind], "\(name)")
            checked += 1
        }
        #expect(checked == 13)
    }

    @Test("the trailers agree with the records read, but for 024, whose trailer counts 2 records and holds 1")
    func trailersAreReconciled() throws {
        guard Self.present else { return }
        for name in Self.samples {
            let reader = try Self.read(name).reader
            if name.hasPrefix("024-") {
                #expect(reader.incompleteness?.contains("the trailer counts 2 records, the file holds 1") == true)
            } else {
                #expect(reader.incompleteness == nil, "\(name): \(reader.incompleteness ?? "")")
            }
        }
    }

    @Test("the seven partial records of one long call add up to the whole call, 388 s from seizure to release")
    func partialRecordsAddUp() throws {
        guard Self.present else { return }
        let parts = try Self.samples.filter { $0.contains("CallRecord(parti") }.map { try Self.read($0).records[0] }
        #expect(parts.map(\.part) == Array(1...7))
        #expect(Set(parts.map(\.sourceID)).count == 1)
        #expect(parts.filter(\.startsCall).count == 1)
        let seconds: Int64 = parts.map(\.duration).reduce(0, +)
        let billable: Int64 = parts.map(\.billable).reduce(0, +)
        #expect(seconds == parts.last!.end - parts.first!.start)
        #expect(seconds == 388)
        #expect(billable == 381)
        for (earlier, later) in zip(parts, parts.dropFirst()) { #expect(later.start == earlier.end) }
    }
}
