import CDRModel
import Foundation
import Testing

@testable import CDRFormats

/// What `scripts/make-ber-testdata.py` (asn1tools, from the 3GPP and Huawei modules) says each record of
/// `fixtures/ber/msc-file.ber` must decode to.
struct ExpectedMSCRecord: Decodable {
    var record: Int
    var kind: String
    var name: String?
    var calling: String?
    var dialled: String?
    var start: Int64?
    var answer: Int64?
    var end: Int64?
    var duration: Int64?
    var billable: Int64?
    var carrier: String?
    var egress: String?
    var part: Int?
}

@Suite("MSC CallEventDataFile framing (independent encoder)")
struct MSCFileTests {
    static func expected() throws -> [ExpectedMSCRecord] {
        try JSONDecoder().decode(
            [ExpectedMSCRecord].self,
            from: Data(contentsOf: BERFixtures.folder.appendingPathComponent("msc-file.json"))
        )
    }

    static func read(
        _ name: String,
        chunk: Int = .max
    ) throws -> (
        records: [CallRecord], rejects: [RecordReject], skipped: [String], reader: any RecordReader
    ) {
        let reader = try FormatDetector(format: .auto, mapping: nil, context: chinaContext)
            .open(MemorySource(try BERFixtures.bytes(name), chunk: chunk))
        let (records, rejects, skipped) = try readEvents(reader)
        return (records, rejects, skipped, reader)
    }

    @Test(
        "every voice-call record kind of an asn1tools-encoded MSC file decodes; SMS and HLR records are skipped",
        arguments: [1, 5, 64, 1 << 20]
    )
    func decodesEveryKind(chunk: Int) throws {
        let expected = try Self.expected()
        let (records, rejects, skipped, reader) = try Self.read("msc-file.ber", chunk: chunk)
        #expect(reader.dialectName == "msc-ber")
        #expect(rejects.isEmpty, "\(rejects.map(\.reason))")
        #expect(skipped == expected.compactMap(\.name))
        let calls = expected.filter { $0.kind != "skipped" }
        try #require(records.count == calls.count)
        for (r, e) in zip(records, calls) {
            #expect(r.leg.name == e.kind, "record \(e.record)")
            #expect(r.sourceLine == e.record, "record \(e.record)")
            #expect(r.calling == e.calling && r.dialled == e.dialled, "record \(e.record)")
            #expect(r.start == e.start && r.answer == e.answer && r.end == e.end, "record \(e.record)")
            #expect(r.duration == e.duration && r.billable == e.billable, "record \(e.record)")
            #expect(r.carrier == e.carrier && r.egress == e.egress, "record \(e.record)")
            #expect(r.part == e.part, "record \(e.record)")
            #expect(r.channel == "+8613900022", "record \(e.record)")
        }
        #expect(reader.incompleteness == nil)
    }

    @Test("callDuration in tenths or hundredths of a second, for switches configured so", arguments: [10, 100])
    func durationUnits(ticks: Int64) throws {
        var context = chinaContext
        context.berDurationTicks = ticks
        let reader = try FormatDetector(format: .auto, mapping: nil, context: context)
            .open(MemorySource(try BERFixtures.bytes("msc-file.ber")))
        let (records, rejects, _) = try readEvents(reader)
        #expect(rejects.isEmpty)
        let expected = try Self.expected().filter { $0.kind != "skipped" }
        #expect(records.map(\.billable) == expected.map { ($0.billable! + ticks / 2) / ticks })
        #expect(records.map(\.end) == expected.map(\.end!))
    }

    @Test("a file with one record cut out is reported incomplete by its trailer's count")
    func cutFileIsIncomplete() throws {
        let (records, rejects, _, reader) = try Self.read("msc-file-cut.ber")
        #expect(rejects.isEmpty)
        #expect(records.count == 8)
        #expect(reader.incompleteness == "CallEventDataFile 1: the trailer counts 11 records, the file holds 10")
    }

    @Test("a file cut short inside its records rejects the rest and is reported incomplete", arguments: [100, 700])
    func truncatedFile(keep: Int) throws {
        let bytes = Array(try BERFixtures.bytes("msc-file.ber").prefix(keep))
        let reader = try FormatDetector(format: .auto, mapping: nil, context: chinaContext).open(MemorySource(bytes))
        let (_, rejects, _) = try readEvents(reader)
        #expect(rejects.count == 1)
        #expect(rejects.first?.field == "record")
        #expect(reader.incompleteness?.contains("cut short") == true)
    }

    @Test("a trailer whose call times do not cover the calls read is reported")
    func trailerTimesAreChecked() {
        var file = CallEventDataFile(index: 1)
        file.records = 2
        file.saw(start: 1_000_000)
        file.saw(start: 1_000_900)
        file.trailer = .init(records: 2, firstCall: 1_000_000, lastCall: 1_000_500)
        #expect(file.mismatches.count == 1)
        #expect(file.mismatches.first?.contains("after the trailer's last call time") == true)
        file.trailer = .init(records: 2, firstCall: 1_000_000, lastCall: 1_000_900)
        #expect(file.mismatches.isEmpty)
        file.trailer = nil
        #expect(file.mismatches == ["CallEventDataFile 1 has no trailer record: its completeness cannot be checked"])
    }

    @Test("vendor TimeStamp variants: 10 octets with hundredths, 6 and 7 octets in the switch's local time")
    func timestampVariants() {
        var clock = LocalTimeConverter(identifier: "Asia/Shanghai")!
        let standard: [UInt8] = [0x26, 0x01, 0x05, 0x16, 0x01, 0x40, 0x2B, 0x08, 0x00]
        let hundredths: [UInt8] = [0x26, 0x01, 0x05, 0x16, 0x01, 0x40, 0x57, 0x2B, 0x08, 0x00]
        let local: [UInt8] = [0x26, 0x01, 0x05, 0x16, 0x01, 0x40]
        let localTenths: [UInt8] = [0x26, 0x01, 0x05, 0x16, 0x01, 0x40, 0x05]
        let expected: Int64 = 1_767_600_100
        for bytes in [standard, hundredths, local, localTenths] {
            let value = bytes.withUnsafeBytes { BERValue.timestamp($0, clock: &clock) }
            #expect(value == .some(expected), "\(bytes)")
        }
        let zero = [UInt8](repeating: 0, count: 9).withUnsafeBytes { BERValue.timestamp($0, clock: &clock) }
        #expect(zero == .some(nil))
        let bad: [UInt8] = [0x26, 0x13, 0x05, 0x16, 0x01, 0x40, 0x2B, 0x08, 0x00]
        #expect(bad.withUnsafeBytes { BERValue.timestamp($0, clock: &clock) } == nil)
        let badSign: [UInt8] = [0x26, 0x01, 0x05, 0x16, 0x01, 0x40, 0x20, 0x08, 0x00]
        #expect(badSign.withUnsafeBytes { BERValue.timestamp($0, clock: &clock) } == nil)
    }
}
