import CDRIngest
import Foundation

/// Puts a handled file where its source says: left in place, or moved to `processed/` (loaded, or already
/// loaded before) or `failed/` with a `<name>.reason.txt` saying why. A marker file goes with its file.
struct FileDisposal {
    let source: FolderSource

    /// Where the file went, for the log; nil when it stays.
    func dispose(_ path: String, outcome: FileOutcome) throws -> String? {
        guard source.after == .move else { return nil }
        let failed = outcome.status == .failed
        let folder = (source.folder as NSString).appendingPathComponent(failed ? "failed" : "processed")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let target = Self.free(in: folder, name: (path as NSString).lastPathComponent)
        try FileManager.default.moveItem(atPath: path, toPath: target)
        if source.complete == .marker {
            try? FileManager.default.removeItem(atPath: path + source.markerSuffix)
        }
        if failed {
            let reason = "\(outcome.reason ?? "failed")\n"
            try Data(reason.utf8).write(to: URL(fileURLWithPath: target + ".reason.txt"))
        }
        return target
    }

    /// `name` in `folder`, or `name.1`, `name.2`, … when taken (a file of the same name handled before).
    static func free(in folder: String, name: String) -> String {
        var candidate = (folder as NSString).appendingPathComponent(name)
        var suffix = 1
        while FileManager.default.fileExists(atPath: candidate)
            || FileManager.default.fileExists(atPath: candidate + ".reason.txt")
        {
            candidate = (folder as NSString).appendingPathComponent("\(name).\(suffix)")
            suffix += 1
        }
        return candidate
    }
}
