import CDRModel
import Foundation
import Testing

@testable import CDRFraud

/// The parts an MSC writes for one long call: part 1 from seizure, then `lengths` stretches back to back.
func parts(reference: String, at offset: Int64, lengths: [Int64]) -> [CallRecord] {
    var result: [CallRecord] = []
    var start = 1_772_452_800 + offset
    for (index, length) in lengths.enumerated() {
        let ring: Int64 = index == 0 ? 6 : 0
        var part = CallRecord(
            calling: "+447700900001",
            dialled: "+882345678901",
            start: start,
            answer: start + ring,
            end: start + ring + length,
            duration: ring + length,
            billable: length,
            disposition: .answered,
            channel: "+447700900099",
            sourceID: reference
        )
        part.leg = .mobileOriginated
        part.part = index + 1
        result.append(part)
        start = part.end
    }
    return result
}

@Suite("Partial records joined for fraud detection")
struct PartialCallStitcherTests {
    @Test("three parts become one call with the whole duration when the short last part arrives")
    func joinsOnShortLastPart() {
        var stitcher = PartialCallStitcher()
        let long = parts(reference: "00160001fe31", at: 0, lengths: [1800, 1800, 700])
        var ready: [PartialCallStitcher.Pending] = []
        for (index, part) in long.enumerated() {
            ready += stitcher.take(.init(id: Int64(index + 1), call: part, source: 1))
            if index < 2 { #expect(ready.isEmpty) }
        }
        #expect(ready.count == 1)
        let joined = ready[0].call
        #expect(ready[0].id == 1)
        #expect(joined.start == long[0].start && joined.end == long[2].end)
        #expect(joined.duration == 6 + 1800 + 1800 + 700 && joined.billable == 4300)
        #expect(stitcher.openChains == 0)
    }

    @Test("a chain whose last part never comes is closed by event time, or at the end of input")
    func closesByGapAndFinish() {
        var stitcher = PartialCallStitcher(gap: 3600)
        let long = parts(reference: "a", at: 0, lengths: [1800, 1800])
        for part in long { #expect(stitcher.take(.init(id: 1, call: part, source: 1)).isEmpty) }
        #expect(stitcher.expire(before: long[1].end + 3000).isEmpty)
        let closed = stitcher.expire(before: long[1].end + 3601)
        #expect(closed.map(\.call.duration) == [3606])
        let other = parts(reference: "b", at: 100, lengths: [1800])
        #expect(stitcher.take(.init(id: 2, call: other[0], source: 1)).isEmpty)
        #expect(stitcher.finish().map(\.id) == [2])
    }

    @Test("whole records pass straight through; a part whose part 1 was never seen is dropped")
    func passThroughAndOrphans() {
        var stitcher = PartialCallStitcher()
        let whole = call("+447700900001", "+447700900002", at: 0)
        #expect(stitcher.take(.init(id: 9, call: whole, source: 1)).map(\.id) == [9])
        let orphan = parts(reference: "c", at: 0, lengths: [1800, 1800, 60])[2]
        #expect(stitcher.take(.init(id: 10, call: orphan, source: 1)).isEmpty)
        #expect(stitcher.openChains == 0)
    }

    @Test("the engine observes a long call once, and interleaved calls as they come")
    func engineObservesOnce() throws {
        let engine = try FraudEngine(
            rules: FraudRules.defaults(),
            context: DetectorContext(ranges: testRanges),
            homeCountryCode: "44"
        )
        var calls = parts(reference: "d", at: 0, lengths: [1800, 1800, 900])
        calls.insert(call("+447700900005", "+447700900006", at: 2000), at: 2)
        for (index, record) in calls.enumerated() { engine.add(id: Int64(index + 1), call: record) { _ in } }
        engine.finish { _ in }
        #expect(engine.observed == 2)
    }
}
