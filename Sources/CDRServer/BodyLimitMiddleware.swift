import Hummingbird

/// Refuses a request whose declared body is larger than ``APIServer/maxBody`` (``APIServer/maxPushBody`` for
/// pushed CDRs) with 413 before any of it is read, whoever sends it.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let limit = request.uri.path == "/v1/cdrs" ? APIServer.maxPushBody : APIServer.maxBody
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            var response = APIServer.json(
                "{\"error\":{\"message\":\"request body over \(limit) bytes\"}}",
                status: .contentTooLarge
            )
            response.headers[.connection] = "close"
            return response
        }
        return try await next(request, context)
    }
}
