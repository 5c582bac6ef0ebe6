import CDRFormats
import Foundation

/// Appends rejected records to a JSON-lines file created with mode 0600: one object per record with
/// `file`, `line`, `field`, `reason` and `raw` (or `raw_base64` when the bytes are not UTF-8); a record
/// longer than ``RecordReject/maxRawBytes`` keeps its first bytes and says its length in `raw_bytes`.
/// Queued rejects are written once they pass 1 MiB, so memory stays bounded whatever the file holds.
public final class RejectsWriter {
    private let handle: FileHandle
    /// The rejects file path.
    public let path: String
    private var pending = Data()

    /// Opens (creating with mode 0600) the rejects file for appending.
    public init(path: String) throws(SourceError) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SourceError("cannot open rejects file \(path): \(String(cString: strerror(errno)))", io: true)
        }
        guard fchmod(fd, 0o600) == 0 else {
            close(fd)
            throw SourceError(
                "cannot make rejects file \(path) private (mode 0600): \(String(cString: strerror(errno)))"
            )
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Queues one reject; written at the next ``flush()``.
    public func write(_ reject: RecordReject, file: String) {
        var object: [String: Any] = ["file": file, "line": reject.line, "field": reject.field, "reason": reject.reason]
        if let text = String(validating: reject.raw, as: UTF8.self), !reject.raw.contains(0) {
            object["raw"] = text
        } else {
            object["raw_base64"] = Data(reject.raw).base64EncodedString()
        }
        if reject.rawLength > reject.raw.count { object["raw_bytes"] = reject.rawLength }
        if let data = try? JSONSerialization.data(
            withJSONObject: object,
            options: [.sortedKeys, .withoutEscapingSlashes]
        ) {
            pending.append(data)
            pending.append(0x0A)
        }
        if pending.count >= 1 << 20 { try? flush() }
    }

    /// Writes queued rejects to disk.
    public func flush() throws(SourceError) {
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw SourceError("cannot write rejects file \(path): \(error)", io: true)
        }
        pending.removeAll(keepingCapacity: true)
    }
}
