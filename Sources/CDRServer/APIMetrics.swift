import CDRStorage
import Foundation
import Hummingbird
import Synchronization

/// Request counters and latency histograms per route, rendered with the store's counters as Prometheus
/// text exposition format.
final class APIMetrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram buckets.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    private struct Route: Hashable {
        var path: String
        var method: String
    }

    private struct Series {
        var counts = [Int64](repeating: 0, count: APIMetrics.buckets.count)
        var total: Int64 = 0
        var sum: Double = 0
        var statuses: [Int: Int64] = [:]
    }

    private let series = Mutex<[Route: Series]>([:])

    /// Records one answered request.
    func observe(path: String, method: String, status: Int, seconds: Double) {
        series.withLock { series in
            var entry = series[Route(path: path, method: method)] ?? Series()
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { entry.counts[index] += 1 }
            entry.total += 1
            entry.sum += seconds
            entry.statuses[status, default: 0] += 1
            series[Route(path: path, method: method)] = entry
        }
    }

    /// The exposition text: store counters, then HTTP counters and latency.
    func render(_ counters: StoreCounters) -> String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func label(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        }
        metric("cdrpipe_ingest_files", "gauge", "Files in the ingest registry by status.")
        for (status, count) in counters.files.sorted(by: { $0.key < $1.key }) {
            out += "cdrpipe_ingest_files{status=\"\(label(status))\"} \(count)\n"
        }
        metric("cdrpipe_ingest_records_total", "counter", "Records read by ingest, by outcome.")
        out += "cdrpipe_ingest_records_total{outcome=\"stored\"} \(counters.stored)\n"
        out += "cdrpipe_ingest_records_total{outcome=\"duplicate\"} \(counters.duplicates)\n"
        out += "cdrpipe_ingest_records_total{outcome=\"rejected\"} \(counters.rejected)\n"
        metric("cdrpipe_ingest_rejects_total", "counter", "Records written to rejects files.")
        out += "cdrpipe_ingest_rejects_total \(counters.rejected)\n"
        metric("cdrpipe_alerts_total", "counter", "Fraud alerts stored, by detector.")
        for (detector, count) in counters.alerts.sorted(by: { $0.key < $1.key }) {
            out += "cdrpipe_alerts_total{detector=\"\(label(detector))\"} \(count)\n"
        }
        metric("cdrpipe_retention_runs_total", "counter", "Retention runs finished.")
        out += "cdrpipe_retention_runs_total \(counters.retentionRuns)\n"
        metric("cdrpipe_retention_last_run_timestamp_seconds", "gauge", "When the last retention run finished.")
        out += "cdrpipe_retention_last_run_timestamp_seconds \(counters.lastRetentionRun ?? 0)\n"
        let snapshot = series.withLock { $0 }.sorted { ($0.key.path, $0.key.method) < ($1.key.path, $1.key.method) }
        metric("cdrpipe_http_requests_total", "counter", "HTTP requests answered, by route, method and status.")
        for (route, entry) in snapshot {
            for (status, count) in entry.statuses.sorted(by: { $0.key < $1.key }) {
                out +=
                    "cdrpipe_http_requests_total{route=\"\(label(route.path))\",method=\"\(route.method)\",status=\"\(status)\"} \(count)\n"
            }
        }
        metric("cdrpipe_http_request_duration_seconds", "histogram", "HTTP request latency by route.")
        for (route, entry) in snapshot {
            let labels = "route=\"\(label(route.path))\",method=\"\(route.method)\""
            for (index, bound) in Self.buckets.enumerated() {
                out +=
                    "cdrpipe_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(entry.counts[index])\n"
            }
            out += "cdrpipe_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(entry.total)\n"
            out += "cdrpipe_http_request_duration_seconds_sum{\(labels)} \(entry.sum)\n"
            out += "cdrpipe_http_request_duration_seconds_count{\(labels)} \(entry.total)\n"
        }
        return out
    }
}

/// Times every request into ``APIMetrics`` under its route template (so numbers in paths never become
/// label values).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: APIMetrics

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let started = ContinuousClock.now
        func record(_ status: Int) {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            metrics.observe(
                path: context.endpointPath ?? "unmatched",
                method: request.method.rawValue,
                status: status,
                seconds: seconds
            )
        }
        do {
            let response = try await next(request, context)
            record(response.status.code)
            return response
        } catch let error as HTTPError {
            record(error.status.code)
            throw error
        } catch {
            record(500)
            throw error
        }
    }
}
