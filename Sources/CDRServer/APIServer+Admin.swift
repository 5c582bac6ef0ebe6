import CDRAccess
import CDRModel
import CDRRetention
import CDRStorage
import CDRSubjects
import Foundation
import Hummingbird
import Synchronization

/// Operators', administrators' and auditors' endpoints: the ingest registry, legal holds, data-subject
/// requests and the audit log.
extension APIServer {
    func addAdminRoutes(_ router: Router<APIRequestContext>) {
        router.get("v1/files") { [self] request, context in try await files(request, context) }
        router.get("v1/holds") { [self] request, context in try await holds(request, context) }
        router.get("v1/audit") { [self] request, context in try await audit(request, context) }
        router.get("v1/subjects/:number/export") { [self] request, context in try await subjectExport(request, context)
        }
        router.post("v1/subjects/:number/erase") { [self] request, context in try await subjectErase(request, context) }
    }

    /// `GET /v1/files`: a page of the ingest registry (operators).
    func files(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try await authorize(request, context, for: .files)
        let query = try QueryParameters(request, allowed: ["offset", "limit", "format"])
        let offset = try query.int("offset", default: 0, in: 0...10_000_000)
        let limit = try query.int("limit", default: 100, in: 1...Self.maxRows)
        let files = try await serving { [store] in try await store.files(offset: offset, limit: limit + 1) }
        let bodies = files.prefix(limit).map(FileBody.init)
        if try query.format() == .csv {
            return Self.csv(RecordExport.csv(header: FileBody.columns, bodies.map(\.fields)))
        }
        return Self.json(PageBody(bodies, offset: offset, limit: limit, more: files.count > limit))
    }

    /// `GET /v1/holds`: the legal holds (admins; audited).
    func holds(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .holds)
        let query = try QueryParameters(request, allowed: ["released", "format"])
        let released = try query.flag("released")
        let holds = try await serving { [store] in
            let holds = try await store.holds(includeReleased: released)
            try await store.appendAudit(
                actor: user.name,
                action: "GET /v1/holds",
                outcome: "ok",
                detail: "\(holds.count) holds"
            )
            return holds
        }
        if try query.format() == .csv { return Self.csv(RecordExport.csv(holds)) }
        return Self.json(holds.map(HoldJSON.init))
    }

    /// `GET /v1/audit`: a page of the audit log, verified on request (auditors).
    func audit(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try await authorize(request, context, for: .audit)
        let query = try QueryParameters(request, allowed: ["after", "limit", "verify"])
        let after = try query.int("after", default: 0, in: 0...Int(Int32.max))
        let limit = try query.int("limit", default: 100, in: 1...Self.maxRows)
        let verify = try query.flag("verify")
        let (entries, check) = try await serving { [store] in
            (
                try await store.auditEntries(after: Int64(after), limit: limit),
                verify ? try await store.withConnection(.interactive, limited: true) { try $0.verifyAudit() } : nil
            )
        }
        return Self.json(AuditPageBody(entries, limit: limit, check: check))
    }

    /// `GET /v1/subjects/{number}/export`: everything held on one number (admins; audited).
    func subjectExport(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .subjectExport, subject: Self.rawPathNumber(context))
        let number = try Self.pathNumber(context)
        let query = try QueryParameters(request, allowed: ["format", "part"])
        let report = try await withDesk(user) { desk throws(SubjectError) in try desk.export(number) }
        guard try query.format() == .csv else { return Self.json(SubjectReportJSON(report)) }
        let part = (query["part"] ?? "records") + ".csv"
        guard let file = report.csvFiles().first(where: { $0.name == part }) else {
            throw HTTPError(.badRequest, message: "part must be records, alerts or holds")
        }
        return Self.csv(file.text)
    }

    /// `POST /v1/subjects/{number}/erase`: erase one number where the law allows (admins; audited).
    func subjectErase(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .subjectErase, subject: Self.rawPathNumber(context))
        let number = try Self.pathNumber(context)
        let query = try QueryParameters(request, allowed: ["dry_run"])
        let dryRun = try query.flag("dry_run")
        let outcome = try await withDesk(user, limited: false) { desk throws(SubjectError) in
            try desk.erase(number, dryRun: dryRun)
        }
        cache.withLock { $0.clear() }
        return Self.json(ErasureBody(outcome))
    }

    /// The path's number as sent, unvalidated, to pseudonymise in the audit entry of a refused request.
    static func rawPathNumber(_ context: APIRequestContext) -> String? {
        context.parameters.get("number").map { $0.removingPercentEncoding ?? $0 }
    }

    /// The path's number, validated.
    static func pathNumber(_ context: APIRequestContext) throws -> String {
        guard let number = rawPathNumber(context), QueryParameters.isNumber(number) else {
            throw HTTPError(
                .badRequest,
                message: "the path needs a number: an optional + and 3 to 15 ASCII digits (E.164, e.g. +447700900123)"
            )
        }
        return number
    }
}
