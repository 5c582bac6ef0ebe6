import CDRModel
import CDRStorage
import Foundation
import Testing

@testable import CDRIngest

/// A store holding `count` records in start order that fails after `failAfter` of them when told to,
/// noting the thread each scan ran on.
final class ScriptedRecords: DetectionStore, @unchecked Sendable {
    struct Failure: Error {}

    let count: Int
    let failAfter: Int?
    private(set) var scannedOnMainThread = true

    init(count: Int, failAfter: Int? = nil) {
        self.count = count
        self.failAfter = failAfter
    }

    func atomically<T>(_ body: () throws -> T) throws -> T { try body() }

    func scanRecords(
        days: ClosedRange<Int64>?,
        files: Set<Int64>?,
        _ body: (_ id: Int64, _ fileID: Int64, _ record: CallRecord) -> Void
    ) throws {
        scannedOnMainThread = Thread.isMainThread
        for index in 0..<count {
            if let failAfter, index == failAfter { throw Failure() }
            let start = 1_772_452_800 + Int64(index)
            body(
                Int64(index + 1),
                Int64(index % 3),
                CallRecord(
                    calling: "+4477009\(10_000 + index % 500)",
                    dialled: "+442079460000",
                    diverting: [],
                    start: start,
                    answer: start + 5,
                    end: start + 65,
                    duration: 65,
                    billable: 60,
                    disposition: .answered,
                    carrier: "trunk-a",
                    account: ""
                )
            )
        }
    }

    func insertAlert(_ row: AlertRow) throws -> Bool { true }
    func records(ids: [Int64], startedIn window: ClosedRange<Int64>) throws -> [Int64: CallRecord] { [:] }
    func alerts(ids: [String]) throws -> [AlertRow] { [] }
    func alerts(since: Int64?, criticalOnly: Bool, limit: Int) throws -> [AlertRow] { [] }
}

@Suite("Reading stored records beside detection")
struct RecordScannerTests {
    @Test("every record comes once, in order, in batches read on another thread")
    func inOrder() throws {
        let store = ScriptedRecords(count: 2_500)
        let scanner = RecordScanner(store: store, days: nil, files: nil, batch: 1_000)
        var batches: [[RecordScanner.Scanned]] = []
        while let batch = scanner.next() { batches.append(batch) }
        try scanner.finish()
        #expect(batches.map(\.count) == [1_000, 1_000, 500])
        #expect(batches.joined().map(\.id) == (1...2_500).map(Int64.init))
        #expect(batches.joined().map(\.fileID).prefix(4) == [0, 1, 2, 0])
        #expect(!store.scannedOnMainThread)
    }

    @Test("a scan that fails ends the batches, and finishing throws its error")
    func failure() throws {
        let scanner = RecordScanner(
            store: ScriptedRecords(count: 2_500, failAfter: 1_500),
            days: nil,
            files: nil,
            batch: 1_000
        )
        var read = 0
        while let batch = scanner.next() { read += batch.count }
        #expect(read == 1_000, "the full batch before the failure; the partial one is dropped")
        #expect(throws: ScriptedRecords.Failure.self) { try scanner.finish() }
    }
}
