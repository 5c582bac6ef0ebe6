import CDRIngest
import Foundation

/// Queued pushes of one source and kind stored as one batch: written to a spool file, loaded through the
/// collector's job like any file (so checked, keyed, deduplicated and seen by detection the same way), then
/// each request answered and the spool file removed. A spool file left by a crash is loaded at the next start;
/// its senders got no answer and post again, and the content keys store nothing twice.
struct PushBatch {
    let folder: String

    /// Loads `pending` (one source and kind) with `job` and answers every request.
    func store(_ pending: [PushDesk.Pending], desk: PushDesk, job: IngestJob) -> FileOutcome? {
        guard let first = pending.first else { return nil }
        let name =
            "\(first.source).\(UInt64(Date().timeIntervalSince1970 * 1000)).\(UUID().uuidString.prefix(8)).\(first.kind.rawValue).csv"
        let path = (folder as NSString).appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(pending.reduce(0) { $0 + $1.lines.count })
            for request in pending { bytes += request.lines }
            try Data(bytes).write(to: URL(fileURLWithPath: path + ".tmp"))
            try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
        } catch {
            for request in pending {
                request.answer(.refused(status: 503, message: "cannot spool the records: \(error)"))
            }
            return nil
        }
        let outcome = load(path, kind: first.kind, source: first.source, desk: desk, job: job)
        for request in pending {
            switch outcome?.status {
            case .loaded, .resumed, .skipped:
                let stored = outcome?.status == .skipped ? 0 : outcome?.records ?? 0
                let total = pending.reduce(0) { $0 + Int64($1.records) }
                request.answer(.stored(records: request.records, batchStored: stored, batchDuplicates: total - stored))
            case .failed, nil:
                request.answer(
                    .refused(status: 503, message: "not stored: \(outcome?.reason ?? "unknown"); post again")
                )
            }
        }
        return outcome
    }

    /// Loads one spool file and removes it unless it failed (a failed one stays for the operator to see).
    func load(_ path: String, kind: PushDesk.Kind, source: String, desk: PushDesk, job: IngestJob) -> FileOutcome? {
        let outcome = job.load([path], options: desk.options(source: source, kind: kind)).first
        if outcome?.status != .failed { try? FileManager.default.removeItem(atPath: path) }
        return outcome
    }

    /// The spool files a crash left, oldest first, with their source and kind.
    func leftovers() -> [(path: String, source: String, kind: PushDesk.Kind)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        return names.compactMap { name in
            let parts = name.split(separator: ".")
            guard parts.count == 5, parts[4] == "csv", let kind = PushDesk.Kind(rawValue: String(parts[3])) else {
                return nil
            }
            return ((folder as NSString).appendingPathComponent(name), String(parts[0]), kind)
        }
    }
}
