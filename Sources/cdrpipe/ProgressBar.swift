import CDRIngest
import Foundation

/// A one-line progress bar on standard error (bytes, records/s, ETA), redrawn at most 5 times a second.
final class ProgressBar: @unchecked Sendable {
    // Sound: only called from the ingest writer thread, one call at a time.
    private var lastDraw = Date.distantPast

    /// Whether standard error is a terminal.
    static var isTerminal: Bool { isatty(2) == 1 }

    func update(_ p: IngestProgress) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        let rate = p.elapsed > 0 ? Double(p.records) / p.elapsed : 0
        var line = String(format: "%@  %.0f rec/s  %lld records", Self.bytes(p.bytes), rate, p.records)
        if p.totalBytes > 0 {
            let fraction = min(1, Double(p.bytes) / Double(p.totalBytes))
            let width = 30
            let filled = Int(fraction * Double(width))
            let eta = fraction > 0 ? p.elapsed / fraction - p.elapsed : 0
            line =
                "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
                + String(
                    format: "%3.0f%% %@/%@  %.0f rec/s  ETA %.0fs",
                    fraction * 100,
                    Self.bytes(p.bytes),
                    Self.bytes(p.totalBytes),
                    rate,
                    eta
                )
        }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    func finish() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }

    static func bytes(_ n: Int64) -> String {
        n >= 1 << 30 ? String(format: "%.2f GB", Double(n) / 1e9) : String(format: "%.1f MB", Double(n) / 1e6)
    }
}
