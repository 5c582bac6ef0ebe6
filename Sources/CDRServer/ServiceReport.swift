import Foundation
import Hummingbird

/// What the service around the server adds to `/metrics` and `/healthz`: per-source figures, and the sources
/// that have sent nothing for longer than they should (a real alarm: "no CDRs from switch X for 30 minutes").
public struct ServiceReport: Sendable {
    /// Prometheus text lines appended to `/metrics`.
    public var metrics: @Sendable () -> String
    /// Lines describing stale sources; empty when all are live.
    public var stale: @Sendable () -> [String]

    /// Creates a report from its two providers.
    public init(metrics: @escaping @Sendable () -> String, stale: @escaping @Sendable () -> [String]) {
        self.metrics = metrics
        self.stale = stale
    }
}

extension APIServer {
    /// `GET /healthz`: `ok`, or 503 naming each stale source.
    func health() -> Response {
        let stale = service?.stale() ?? []
        if stale.isEmpty { return Self.text("ok\n", type: "text/plain") }
        return Self.text(stale.map { "stale: \($0)\n" }.joined(), type: "text/plain", status: .serviceUnavailable)
    }
}
