import CDRStorage
import Foundation
import Hummingbird

/// A request's context: Hummingbird's core storage and who the request's bearer token says it is, worked out
/// once by ``AuthenticationMiddleware`` before any route runs.
public struct APIRequestContext: RequestContext {
    /// What the request's `Authorization` header established.
    enum Credential: Sendable {
        /// No bearer token was sent (or not in the `Bearer <token>` form).
        case missing
        /// A token that names no active user: unknown, revoked or malformed.
        case unknown
        /// The active user the token belongs to.
        case user(UserRow)
    }

    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The request's credential (`missing` until the middleware has run).
    var credential = Credential.missing
    /// The store's data version when the request arrived, read once for the token check and the caches.
    var dataVersion: Int64?

    /// Creates the context of a new request.
    public init(source: Source) { coreContext = .init(source: source) }
}

/// Looks up the user of the request's bearer token (the scheme compared case-insensitively, RFC 7235) and
/// puts it into the context; refusing is left to each route, which knows the resource and its subject.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let server: APIServer

    func handle(
        _ request: Request,
        context: APIRequestContext,
        next: (Request, APIRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.count > 7, header.prefix(7).lowercased() == "bearer " {
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            let version = try await server.dataVersion()
            context.dataVersion = version
            if token.utf8.count <= 128, let user = try await server.user(token: token, version: version) {
                context.credential = .user(user)
            } else {
                context.credential = .unknown
            }
        }
        return try await next(request, context)
    }
}
