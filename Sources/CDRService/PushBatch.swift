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
            var bytes: [UInt8] = []
            bytes.reserveCapacity(pending.reduce(0) { $0 + $1.lines.count })
            for request in pending { bytes += request.lines }
            try Self.writePrivately(bytes, to: path, in: folder)
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

    /// Writes `bytes` to `path` in `folder` (mode 0700) as a file only its owner reads (0600: the lines hold
    /// numbers), under a temporary name first, so the collector never loads half a spool file.
    static func writePrivately(_ bytes: [UInt8], to path: String, in folder: String) throws {
        try FileManager.default.createDirectory(
            atPath: folder,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        chmod(folder, 0o700)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            written += count
        }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
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
