import CDRFraud
import CDRModel
import CDRStorage
import Foundation

/// Runs fraud detection over records already stored, in start order across all files: the single consumer
/// behind `ingest --detect after-run` (files from several switches covering the same hours) and
/// `cdrpipe detect` (re-running rules over stored days).
public struct DetectionPass {
    /// What a pass did.
    public struct Outcome: Sendable {
        /// Ids of the alerts it stored (alerts already stored are not repeated).
        public var alertIDs: [String] = []
        /// Records observed.
        public var observed: Int64 = 0
        /// Detector state keys live at the end.
        public var liveKeys = 0
        /// Seconds the pass took.
        public var seconds: Double = 0
    }

    private let engine: FraudEngine

    /// Creates a pass with a fresh engine.
    public init(engine: FraudEngine) {
        self.engine = engine
    }

    /// Observes the stored records of `days` (all when nil) and of `files` (all when nil), then stores the
    /// alerts raised, and the baselines learnt, in one transaction, with whatever `alongside` adds to it (a
    /// consumer's progress).
    public func run(
        store: any DetectionStore,
        days: ClosedRange<Int64>? = nil,
        files: Set<Int64>? = nil,
        alongside: () throws -> Void = {}
    ) throws(StoreError)
        -> Outcome
    {
        let started = Date()
        var raised: [Alert] = []
        var learnt: [String: SubjectBaseline] = [:]
        func keep(_ baselines: [SubjectBaseline]) {
            for baseline in baselines {
                learnt[baseline.key] = learnt[baseline.key].map { $0.merged(with: baseline) } ?? baseline
            }
        }
        var sinceTaken = 0
        let scanner = RecordScanner(store: store, days: days, files: files)
        while let batch = scanner.next() {
            for scanned in batch {
                engine.addInOrder(id: scanned.id, call: scanned.call, source: scanned.fileID) { raised.append($0) }
                sinceTaken += 1
                if sinceTaken == 50_000 {
                    keep(engine.takeBaselines())
                    sinceTaken = 0
                }
            }
        }
        try StoreError.wrapping("reading stored records") { try scanner.finish() }
        engine.finish { raised.append($0) }
        engine.pauseLookups()
        var outcome = Outcome()
        outcome.alertIDs = try StoreError.wrapping("storing alerts") {
            try store.atomically {
                let stored = try raised.filter { try store.insertAlert(AlertRow($0)) }.map(\.id)
                if let profiles = store as? any ProfileStore {
                    try profiles.saveBaselines(Array(learnt.values))
                    try profiles.saveBaselines { engine.takeBaselines(all: true, chunk: 4_096, $0) }
                }
                try alongside()
                return stored
            }
        }
        outcome.observed = engine.observed
        outcome.liveKeys = engine.liveKeys
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }
}
