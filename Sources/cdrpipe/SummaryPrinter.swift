import CDRFormats
import CDRIngest
import Foundation

/// Renders an ingest summary for people or machines.
enum SummaryPrinter {
    static func json(_ summary: IngestSummary) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var summary = summary
        summary.peakMemoryBytes = peakMemoryBytes()
        return String(decoding: (try? encoder.encode(summary)) ?? Data(), as: UTF8.self)
    }

    /// This process's peak resident memory so far: `VmHWM` of /proc/self/status (which starts afresh at exec,
    /// where `ru_maxrss` may carry the high-water mark of the process that spawned this one), else
    /// `ru_maxrss` (KiB on Linux).
    static func peakMemoryBytes() -> Int64 {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Int64(line.filter(\.isNumber))
        {
            return kib * 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int64(usage.ru_maxrss) * 1024
    }

    static func text(_ s: IngestSummary) -> String {
        var lines: [String] = []
        for file in s.details {
            var line = "\(file.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(file.path)"
            if let dialect = file.dialect { line += " [\(dialect)]" }
            if file.status == .loaded || file.status == .resumed {
                line += ": \(file.records) stored, \(file.duplicates) duplicates, \(file.rejected) rejected"
                let skipped = file.skippedRecords.values.reduce(0, +)
                if skipped > 0 {
                    let kinds = file.skippedRecords.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    line += ", \(skipped) skipped (no call: \(kinds.joined(separator: ", ")))"
                }
            }
            if let reason = file.reason { line += " — \(reason)" }
            if let incomplete = file.incomplete { line += "\n         INCOMPLETE: \(incomplete)" }
            lines.append(line)
        }
        let rate = s.seconds > 0 ? Double(s.records + s.duplicates + s.rejected) / s.seconds : 0
        lines.append(
            String(
                format:
                    "%d files (%d skipped, %d failed): %lld records stored, %lld duplicates, %lld rejected in %.2f s (%.0f records/s)",
                s.files,
                s.skippedFiles,
                s.failedFiles.count,
                s.records,
                s.duplicates,
                s.rejected,
                s.seconds,
                rate
            )
        )
        if let rejects = s.rejectsFile { lines.append("rejected records are in \(rejects)") }
        return lines.joined(separator: "\n")
    }
}
