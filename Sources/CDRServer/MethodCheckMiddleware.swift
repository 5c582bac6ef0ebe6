import Hummingbird

/// Answers a known path asked with a method it does not serve with 405 and an `Allow` header, rather than
/// the router's 404, so clients can tell a wrong method from a wrong address.
struct MethodCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path patterns (`*` matches one segment) and the method each serves.
    static var routes: [(pattern: [Substring], method: HTTPRequest.Method)] {
        let table: [(String, HTTPRequest.Method)] = [
            ("/", .get), ("/healthz", .get), ("/metrics", .get), ("/v1/aggregates", .get), ("/v1/kpis", .get),
            ("/v1/alerts", .get), ("/v1/cases/*", .get), ("/v1/records", .get), ("/v1/trace", .get),
            ("/v1/files", .get), ("/v1/holds", .get), ("/v1/audit", .get), ("/v1/subjects/*/export", .get),
            ("/v1/subjects/*/erase", .post), ("/v1/cdrs", .post),
        ]
        return table.map { ($0.0.split(separator: "/"), $0.1) }
    }

    private let routes = Self.routes

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let segments = request.uri.path.split(separator: "/")
        let matching = routes.filter { route in
            route.pattern.count == segments.count
                && zip(route.pattern, segments).allSatisfy { $0 == "*" || $0 == $1 }
        }
        if let allowed = matching.first?.method, !matching.contains(where: { $0.method == request.method }) {
            var response = APIServer.json(
                "{\"error\":{\"message\":\"this address takes \(allowed.rawValue) only\"}}",
                status: .methodNotAllowed
            )
            response.headers[.allow] = allowed.rawValue
            return response
        }
        return try await next(request, context)
    }
}
