import CDRModel
import Foundation
import Testing

@testable import CDRFormats

/// The expected values `scripts/make-ber-testdata.py` wrote beside the BER fixtures.
struct ExpectedBERRecord: Decodable {
    var record: Int
    var kind: String
    var calling: String
    var dialled: String
    var diverting: [String]
    var start: Int64
    var answer: Int64?
    var end: Int64
    var duration: Int64
    var billable: Int64
    var disposition: String
    var carrier: String
    var channel: String
    var sourceID: String
    var imsi: String
    var imei: String
    var cell: String
}

enum BERFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/ber")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func expected() throws -> [ExpectedBERRecord] {
        try JSONDecoder().decode(
            [ExpectedBERRecord].self,
            from: Data(contentsOf: folder.appendingPathComponent("cs-records.json"))
        )
    }

    static func read(_ bytes: [UInt8], chunk: Int = .max) throws -> (records: [CallRecord], rejects: [RecordReject]) {
        try readAll(
            try FormatDetector(format: .auto, mapping: nil, context: utcContext).open(MemorySource(bytes, chunk: chunk))
        )
    }
}

@Suite("3GPP TS 32.298 BER")
struct BERTests {
    @Test(
        "every field of MO, MT and forwarding records decodes, in every framing and chunking",
        arguments: ["cs-records.ber", "cs-records-indefinite.ber", "cs-records-ts32297.ber"],
        [1, 13, 1 << 20]
    )
    func decodesEveryField(file: String, chunk: Int) throws {
        let expected = try BERFixtures.expected()
        let (records, rejects) = try BERFixtures.read(try BERFixtures.bytes(file), chunk: chunk)
        #expect(rejects.isEmpty)
        try #require(records.count == expected.count)
        for (r, e) in zip(records, expected) {
            #expect(
                r.calling == e.calling && r.dialled == e.dialled && r.diverting == e.diverting,
                "record \(e.record)"
            )
            #expect(r.start == e.start && r.answer == e.answer && r.end == e.end, "record \(e.record) times")
            #expect(r.duration == e.duration && r.billable == e.billable, "record \(e.record) durations")
            #expect(r.disposition.name == e.disposition && r.sourceLine == e.record)
            #expect(r.carrier == e.carrier && r.channel == e.channel && r.sourceID == e.sourceID)
            #expect(r.imsi == e.imsi && r.imei == e.imei && r.cell == e.cell, "record \(e.record) identities")
        }
    }

    @Test("a truncated file keeps the whole records and rejects the cut one")
    func truncated() throws {
        let bytes = try BERFixtures.bytes("cs-records.ber")
        let (records, rejects) = try BERFixtures.read(Array(bytes.prefix(bytes.count - 40)), chunk: 7)
        #expect(records.count == 29)
        #expect(rejects.count == 1 && rejects[0].reason.contains("truncated"))
    }

    @Test(
        "hostile lengths, nesting and garbage are rejected, never crash or allocate without bound",
        arguments: [
            [0xA0, 0x84, 0x7F, 0xFF, 0xFF, 0xFF],
            [0xA0, 0x85, 1, 2, 3, 4, 5],
            [0xA0, 0x80] + [UInt8](repeating: 0xA0, count: 40) + [UInt8](repeating: 0x80, count: 40),
            Array(repeating: 0xA0, count: 3) + [0x80],
            [0xA1, 0x03, 0x80, 0x01],
            [0xBF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x00],
            [0xA0, 0x04, 0x99, 0x02, 0x00, 0x00],
        ] as [[UInt8]]
    )
    func hostile(bytes: [UInt8]) throws {
        let reader = BERRecordReader(source: MemorySource(bytes), framing: .concatenated, context: utcContext)
        var events = 0
        while let event = try reader.next() {
            if case .record = event { Issue.record("garbage decoded as a record") }
            events += 1
            #expect(events < 100)
        }
        #expect(events >= 1)
    }

    @Test("records of kinds that describe no call are skipped by name; unknown kinds are rejected")
    func unknownFieldsAndTypes() throws {
        var bytes = try BERFixtures.bytes("cs-records.ber")
        let expected = try BERFixtures.expected()
        let smsLike: [UInt8] = [0xA7, 0x03, 0x80, 0x01, 0x07]
        let unknown: [UInt8] = [0xBF, 0x32, 0x03, 0x80, 0x01, 0x07]
        bytes += smsLike + unknown
        let reader = try FormatDetector(format: .auto, mapping: nil, context: utcContext).open(MemorySource(bytes))
        let (records, rejects, skipped) = try readEvents(reader)
        #expect(records.count == expected.count)
        #expect(skipped == ["mtSMSRecord"])
        #expect(rejects.count == 1 && rejects[0].reason == "unknown record kind [50]" && rejects[0].line == 32)
    }
}
