import Hummingbird

/// Refuses a request whose declared body is larger than ``APIServer/maxBody`` with 413 before any of it is
/// read, whoever sends it (no endpoint takes a body larger than that).
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > APIServer.maxBody {
            var response = APIServer.json(
                "{\"error\":{\"message\":\"request body over \(APIServer.maxBody) bytes\"}}",
                status: .contentTooLarge
            )
            response.headers[.connection] = "close"
            return response
        }
        return try await next(request, context)
    }
}
