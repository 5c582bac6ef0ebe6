import CDRAccess
import CDRModel
import CDRRetention
import CDRStorage
import CDRSubjects
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// The HTTP API: every request but `/healthz` and the analysts' page names its user with a bearer token,
/// and the user's role must allow the resource (401 without a valid token, 403 with the wrong role; a
/// refused attempt on personal data is audited). Store work goes through an async ``ServingStore``, under a
/// time limit, never blocking the server's event loops; when the store is saturated a request gets 503.
public final class APIServer: Sendable {
    /// The database, as the server reaches it.
    let store: any ServingStore
    let tokens = Mutex(TokenCache())
    /// Aggregate answers being computed, by query, so concurrent askers share one computation.
    let flights = Mutex<[String: Task<ByteBuffer, any Error>]>([:])
    /// The response header saying how fresh an aggregate answer is: `cached`, `computed`, `shared` (waited
    /// for another request's computation) or `stale-while-refreshing` (the previous answer, served while the
    /// current one is computed).
    static let freshnessField = HTTPField.Name("X-Cdrpipe-Answer")!
    let vault: KeyVault
    let policy: RetentionPolicy
    let billingDays: Int64
    /// Where pushed CDRs go (`cdrpipe run`), or nil when this server takes none.
    let receiver: (any CDRReceiver)?
    /// Extra `/metrics` lines and stale-source names from the service around the server, if any.
    let service: ServiceReport?
    let metrics = APIMetrics()
    let cache = Mutex(ResponseCache())
    /// Most rows one response may carry; larger requests are refused or paged.
    static let maxRows = 1000
    /// Largest request body accepted.
    static let maxBody = 16 * 1024

    /// Creates the API over `store` (SQLite's threaded connections or PostgreSQL's client pool).
    public init(
        store: any ServingStore,
        vault: KeyVault,
        policy: RetentionPolicy,
        billingDays: Int64 = 0,
        receiver: (any CDRReceiver)? = nil,
        service: ServiceReport? = nil
    ) {
        self.store = store
        self.vault = vault
        self.policy = policy
        self.billingDays = billingDays
        self.receiver = receiver
        self.service = service
    }

    /// The routes.
    public func router() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: BodyLimitMiddleware())
        router.add(middleware: MethodCheckMiddleware())
        router.add(middleware: AuthenticationMiddleware(server: self))
        router.get("/") { _, _ in Self.html(AnalystPage.html) }
        router.get("healthz") { [self] _, _ in health() }
        router.get("metrics") { [self] request, context in
            _ = try await authorize(request, context, for: .metrics)
            let counters = try await serving { [store] in try await store.counters() }
            let extra = service?.metrics() ?? ""
            return Self.text(metrics.render(counters) + extra, type: "text/plain; version=0.0.4")
        }
        addAnalystRoutes(router)
        addFraudRoutes(router)
        addAdminRoutes(router)
        addPushRoutes(router)
        return router
    }

    /// The user the middleware found behind the request's bearer token, if their role allows `resource`;
    /// a refusal concerning personal data is audited, the `subject` number pseudonymised.
    func authorize(
        _ request: Request,
        _ context: APIRequestContext,
        for resource: Resource,
        subject: String? = nil
    ) async throws -> UserRow {
        let user: UserRow
        switch context.credential {
        case .missing: throw HTTPError(.unauthorized, message: "send Authorization: Bearer <token>")
        case .user(let found): user = found
        case .unknown:
            if resource.isPersonal {
                await auditRefusal(
                    request,
                    actor: "(unknown or revoked token)",
                    subject: subject,
                    outcome: "unauthorized"
                )
            }
            throw HTTPError(.unauthorized, message: "unknown or revoked token")
        }
        guard let role = Role(rawValue: user.role), role.may(resource) else {
            if resource.isPersonal {
                await auditRefusal(
                    request,
                    actor: user.name,
                    subject: subject,
                    outcome: "denied",
                    detail: "role \(user.role)"
                )
            }
            throw HTTPError(.forbidden, message: "role \(user.role) may not read \(resource.rawValue)")
        }
        return user
    }

    /// The active user of a token: from the cache while the data version is unchanged (a revocation moves
    /// it), else from the store.
    func user(token: String, version: Int64) async throws -> UserRow? {
        if let hit = tokens.withLock({ $0.lookup(token, version: version) }) { return hit.user }
        let user = try await serving { [store] in try await store.user(token: token) }
        tokens.withLock { $0.store(token, user: user, version: version) }
        return user
    }

    /// The data version, or a 500 when it cannot be read.
    func dataVersion() async throws -> Int64 {
        do {
            return try await store.dataVersion()
        } catch {
            FileHandle.standardError.write(Data("cdrpipe serve: reading the data version: \(error)\n".utf8))
            throw HTTPError(.internalServerError, message: "database error; see the server log")
        }
    }

    /// Appends a refused attempt at personal data to the audit log, the number pseudonymised.
    private func auditRefusal(
        _ request: Request,
        actor: String,
        subject: String?,
        outcome: String,
        detail: String = ""
    ) async {
        let normaliser = NumberNormaliser(plan: .forCountry(policy.homeCountryCode))
        let number = subject.map { (try? normaliser.normalise($0).number) ?? $0 }
        let pseudonym = (try? number.map { try vault.auditPseudonym($0) }) ?? nil
        let action = "\(request.method.rawValue) \(Self.auditPath(request.uri.path))".prefix(120).description
        try? await serving { [store] in
            try await store.appendAudit(
                actor: actor,
                action: action,
                subject: pseudonym ?? "",
                outcome: outcome,
                detail: detail
            )
        }
    }

    /// Runs `body` against the store, turning a store failure into a 500 whose details go to the log only,
    /// and a saturated store or work past its time limit into a 503 with `Retry-After`.
    func serving<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as ServingRefusal {
            throw refused(refusal)
        } catch let error as HTTPError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("cdrpipe serve: answering a request: \(error)\n".utf8))
            throw HTTPError(.internalServerError, message: "database error; see the server log")
        }
    }

    /// Runs `body` on a store connection of `lane` (the interactive one unless told) and hands back its typed
    /// failure, except a failure whose store `cause` is the time limit, which becomes a 503 like any other
    /// refusal.
    func outcome<T: Sendable, E: Error>(
        limited: Bool = true,
        on lane: ServingLane = .interactive,
        cause: @escaping @Sendable (E) -> (any Error)?,
        _ body: @escaping @Sendable (any ServingConnection) throws(E) -> T
    ) async throws -> Result<T, E> {
        do {
            return try await store.withConnection(lane, limited: limited) { connection in
                try ConnectionLane.outcome(on: connection, cause: cause, body)
            }
        } catch let refusal as ServingRefusal {
            throw refused(refusal)
        }
    }

    /// The 503 of a refusal.
    func refused(_ refusal: ServingRefusal) -> HTTPError {
        switch refusal {
        case .saturated:
            HTTPError(
                .serviceUnavailable,
                headers: [.retryAfter: "1"],
                message: "the server is busy: every database connection is in use and the queue is full; retry"
            )
        case .timeLimit:
            HTTPError(
                .serviceUnavailable,
                headers: [.retryAfter: "5"],
                message: "the query ran past the \(Self.seconds(store.timeLimit)) s limit and was stopped: narrow the "
                    + "range or the dimensions, or retry when the server is less busy"
            )
        }
    }

    /// The store failure inside a subject desk's error, if that is what it is.
    static func storeCause(_ error: SubjectError) -> (any Error)? {
        if case .store(let cause) = error { cause } else { nil }
    }

    static func seconds(_ value: Double) -> String { String(format: "%g", value) }

    /// Runs `body` with a subject desk for `user`, mapping a bad number to 400.
    func withDesk<T: Sendable>(
        _ user: UserRow,
        limited: Bool = true,
        _ body: @escaping @Sendable (SubjectDesk) throws(SubjectError) -> T
    ) async throws -> T {
        let vault = vault
        let home = policy.homeCountryCode
        let billingDays = billingDays
        let result = try await outcome(limited: limited, cause: Self.storeCause) { store throws(SubjectError) -> T in
            try body(
                SubjectDesk(
                    store: store,
                    vault: vault,
                    actor: user.name,
                    homeCountryCode: home,
                    billingDays: billingDays
                )
            )
        }
        switch result {
        case .success(let value): return value
        case .failure(.number(let text, let problem)):
            throw HTTPError(.badRequest, message: SubjectError.number(text, problem).description)
        case .failure(.invalid(let message)): throw HTTPError(.badRequest, message: message)
        case .failure(let error):
            FileHandle.standardError.write(Data("cdrpipe serve: \(error.description)\n".utf8))
            throw HTTPError(.internalServerError, message: "server error; see the server log")
        }
    }

    /// A request path as the audit log may keep it: a segment with three or more digits (a number in
    /// `/v1/subjects/{number}/export`, percent-encoded or not) becomes `{number}`, so no number is kept in
    /// clear in the append-only log; the entry's subject carries its pseudonym.
    static func auditPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.filter(\.isNumber).count >= 3 ? "{number}" : String(segment)
        }.joined(separator: "/")
    }

    /// A number named in the query, unvalidated, to pseudonymise in the audit entry of a refused request.
    static func queryNumber(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map { $0.first == " " ? "+" + $0.dropFirst() : String($0) }
    }

    /// A JSON response.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        self.text(text, type: "application/json", status: status)
    }

    /// A CSV response.
    static func csv(_ text: String) -> Response { self.text(text, type: "text/csv; charset=utf-8") }

    static func html(_ text: String) -> Response { self.text(text, type: "text/html; charset=utf-8") }

    static func text(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        response(ByteBuffer(string: text), type: type, status: status)
    }

    /// A response with a body already rendered (shared, not copied, when it comes from the cache).
    static func response(
        _ body: ByteBuffer,
        type: String,
        status: HTTPResponse.Status = .ok,
        freshness: String? = nil
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        if let freshness { headers[Self.freshnessField] = freshness }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// A JSON response of an encodable body (an ``APIBody`` or an array of them).
    static func json(_ body: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        json(RecordExport.encode(body), status: status)
    }
}
