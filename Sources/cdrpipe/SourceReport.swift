import CDRServer
import CDRService
import Foundation

/// The collector's per-source figures as `/metrics` lines and `/healthz` alarms.
struct SourceReport {
    let collector: Collector

    var report: ServiceReport {
        let collector = collector
        return ServiceReport(
            metrics: { Self.metrics(collector.status, now: Date()) },
            stale: {
                let now = Date()
                return collector.status.filter { $0.isStale(now: now) }.map { status in
                    let since =
                        status.lastFileAt.map { "since \(Int(now.timeIntervalSince($0) / 60)) minutes" }
                        ?? "since start"
                    return "\(status.name): no CDRs \(since) (alarm after \(Int(status.staleMinutes ?? 0)) minutes)"
                }
            }
        )
    }

    /// Prometheus lines: files pending, files loaded and failed, records stored, seconds since the last file.
    static func metrics(_ statuses: [SourceStatus], now: Date) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ value: (SourceStatus) -> String) {
            lines.append("# HELP cdrpipe_source_\(name) \(help)")
            lines.append("# TYPE cdrpipe_source_\(name) \(type)")
            for status in statuses {
                lines.append("cdrpipe_source_\(name){source=\"\(status.name)\"} \(value(status))")
            }
        }
        family("files_pending", "gauge", "Complete files waiting to be loaded.") { "\($0.pending)" }
        family("files_loaded_total", "counter", "Files loaded since start.") { "\($0.loaded)" }
        family("files_failed_total", "counter", "Files that failed since start.") { "\($0.failed)" }
        family("pushes_total", "counter", "Requests pushed over HTTP and stored since start.") { "\($0.pushed)" }
        family("records_total", "counter", "Records stored since start.") { "\($0.records)" }
        family("records_per_second", "gauge", "Records stored per second over the last full minute.") {
            String(format: "%.1f", $0.recordsPerSecond)
        }
        family("lag_seconds", "gauge", "Seconds the oldest complete file still waiting has waited.") {
            String(format: "%.1f", $0.lagSeconds(now: now))
        }
        family("seconds_since_last_file", "gauge", "Seconds since the source's last file (or since start).") {
            String(format: "%.0f", now.timeIntervalSince($0.lastFileAt ?? $0.since))
        }
        family("stale", "gauge", "1 when the source has sent nothing for its configured interval.") {
            $0.isStale(now: now) ? "1" : "0"
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
