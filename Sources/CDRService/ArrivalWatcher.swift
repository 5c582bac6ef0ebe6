import Foundation

/// Finds the files in one source's folder that are complete and not yet handled, by the source's
/// ``FolderSource/Completion`` rule. Only the folder itself is listed, never its sub-folders.
final class ArrivalWatcher {
    /// A file's size and modification time: a file whose stamp changes is a new version of it.
    struct Stamp: Equatable {
        var size: Int64
        var modified: Double
    }

    let source: FolderSource
    private var seen: [String: Stamp] = [:]
    private var handled: [String: Stamp] = [:]
    /// Names a switch writes under before renaming a file into place.
    static let temporarySuffixes = [".tmp", ".part", ".partial", ".filepart", ".swp", "~"]

    init(source: FolderSource) {
        self.source = source
    }

    /// The complete, not yet handled files, oldest first.
    func ready(now: Date) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: source.folder)) ?? []
        let present = Set(names)
        var ready: [(path: String, modified: Double)] = []
        var stillThere = Set<String>()
        for name in names where isCandidate(name) {
            let path = (source.folder as NSString).appendingPathComponent(name)
            guard let stamp = Self.stamp(path) else { continue }
            stillThere.insert(path)
            if handled[path] == stamp { continue }
            handled[path] = nil
            if isComplete(path: path, name: name, stamp: stamp, now: now, names: present) {
                ready.append((path, stamp.modified))
            }
        }
        seen = seen.filter { stillThere.contains($0.key) }
        handled = handled.filter { stillThere.contains($0.key) }
        return ready.sorted { ($0.modified, $0.path) < ($1.modified, $1.path) }.map(\.path)
    }

    /// Remembers a file handled and left in place, so it is not read again unless it changes.
    func markHandled(_ path: String) {
        if let stamp = Self.stamp(path) { handled[path] = stamp }
        seen[path] = nil
    }

    private func isCandidate(_ name: String) -> Bool {
        if name.hasPrefix(".") { return false }
        if Self.temporarySuffixes.contains(where: { name.hasSuffix($0) }) { return false }
        if source.complete == .marker, name.hasSuffix(source.markerSuffix) { return false }
        return true
    }

    private func isComplete(path: String, name: String, stamp: Stamp, now: Date, names: Set<String>) -> Bool {
        switch source.complete {
        case .rename: return true
        case .marker: return names.contains(name + source.markerSuffix)
        case .settle:
            // Unchanged since the last look and not written to for the settle time: a file found already
            // old (it arrived while the service was down) is complete at once.
            let unchanged = seen[path].map { $0 == stamp } ?? true
            seen[path] = stamp
            return unchanged && now.timeIntervalSince1970 - stamp.modified >= source.settleSeconds
        }
    }

    /// A regular file's stamp; nil for anything else or a file that is gone.
    static func stamp(_ path: String) -> Stamp? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        #if os(Linux)
        let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
        #else
        let modified = Double(status.st_mtimespec.tv_sec) + Double(status.st_mtimespec.tv_nsec) / 1e9
        #endif
        return Stamp(size: Int64(status.st_size), modified: modified)
    }
}
