import CDRAccess
import CDRModel
import CDRRetention
import CDRStore
import Foundation
import Hummingbird
import Synchronization

/// The HTTP API: every request but `/healthz` names its user with a bearer token, and the user's role must
/// allow the resource (401 without a valid token, 403 with the wrong role). SQLite work is serialised
/// through one connection.
public final class APIServer: Sendable {
    private let store: Mutex<SQLiteStore>
    private let policy: RetentionPolicy

    /// Creates the API over an opened store.
    public init(store: consuming sending SQLiteStore, policy: RetentionPolicy) {
        self.store = Mutex(store)
        self.policy = policy
    }

    /// The routes.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in "ok\n" }
        router.get("v1/aggregates") { [self] request, _ -> Response in
            _ = try authorize(request, for: .aggregates)
            return try aggregates(request)
        }
        return router
    }

    /// The user behind the request's bearer token, if their role allows `resource`.
    func authorize(_ request: Request, for resource: Resource) throws -> UserRow {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw HTTPError(.unauthorized, message: "send Authorization: Bearer <token>")
        }
        let token = String(header.dropFirst("Bearer ".count))
        let user = try store.withLock { store throws(StoreError) in try store.user(token: token) }
        guard let user else { throw HTTPError(.unauthorized, message: "unknown or revoked token") }
        guard let role = Role(rawValue: user.role), role.may(resource) else {
            throw HTTPError(.forbidden, message: "role \(user.role) may not read \(resource.rawValue)")
        }
        return user
    }

    /// `GET /v1/aggregates?from=YYYY-MM-DD&to=YYYY-MM-DD&by=dim[,dim]`: the CLI's query, as JSON.
    func aggregates(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        func day(_ name: String) throws -> Int64 {
            guard let text = query[Substring(name)].map(String.init) else {
                throw HTTPError(.badRequest, message: "\(name) is required (YYYY-MM-DD)")
            }
            guard text.utf8.count == 10, let epoch = CivilTime.parseISO(text) else {
                throw HTTPError(.badRequest, message: "\(name) \"\(text)\" is not a date (YYYY-MM-DD)")
            }
            return CallRecord.dayOf(epoch)
        }
        let first = try day("from")
        let last = try day("to")
        guard first <= last else { throw HTTPError(.badRequest, message: "from is after to") }
        guard last - first <= 6 * 366 else { throw HTTPError(.badRequest, message: "at most six years per request") }
        var dimensions: [AggregateDimension] = []
        for name in (query["by"].map(String.init) ?? "day").split(separator: ",") {
            guard let dimension = AggregateDimension(rawValue: String(name)) else {
                throw HTTPError(
                    .badRequest,
                    message:
                        "by \"\(name)\" is not one of \(AggregateDimension.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            dimensions.append(dimension)
        }
        let policy = policy
        let rows = try store.withLock { store throws(RetentionError) in
            try AggregateQuery(store: store, policy: policy).run(days: first...last, by: dimensions)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(
                byteBuffer: ByteBuffer(string: AggregateRow.json(rows, dimensions: dimensions.map(\.rawValue)))
            )
        )
    }
}
