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
        let files = try await withStore { store in
            try store.files(offset: offset, limit: limit + 1)
        }
        let page = files.prefix(limit)
        let header = [
            "id", "path", "dialect", "status", "stored", "duplicates", "rejected", "skipped", "started_at",
            "finished_at", "error", "incomplete",
        ]
        let rows = page.map { file in
            [
                String(file.id), file.path, file.dialect, file.status.rawValue, String(file.counts.stored),
                String(file.counts.duplicates), String(file.counts.rejected), file.counts.skippedText,
                CivilTime.iso8601(file.startedAt), file.finishedAt.map(CivilTime.iso8601) ?? "", file.error ?? "",
                file.incomplete ?? "",
            ]
        }
        if try query.format() == .csv { return Self.csv(RecordExport.csv(header: header, rows)) }
        let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0).map { ($0, $1 as Any) }) }
        return Self.page(objects, offset: offset, limit: limit, more: files.count > limit)
    }

    /// `GET /v1/holds`: the legal holds (admins; audited).
    func holds(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .holds)
        let query = try QueryParameters(request, allowed: ["released", "format"])
        let released = try query.flag("released")
        let holds = try await withStore { store in
            let holds = try store.holds(includeReleased: released)
            try store.appendAudit(
                actor: user.name,
                action: "GET /v1/holds",
                outcome: "ok",
                detail: "\(holds.count) holds"
            )
            return holds
        }
        if try query.format() == .csv { return Self.csv(RecordExport.csv(holds)) }
        return Self.json(RecordExport.json(RecordExport.objects(holds)))
    }

    /// `GET /v1/audit`: a page of the audit log, verified on request (auditors).
    func audit(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try await authorize(request, context, for: .audit)
        let query = try QueryParameters(request, allowed: ["after", "limit", "verify"])
        let after = try query.int("after", default: 0, in: 0...Int(Int32.max))
        let limit = try query.int("limit", default: 100, in: 1...Self.maxRows)
        let verify = try query.flag("verify")
        let (entries, check) = try await withStore { store in
            (
                try store.auditEntries(after: Int64(after), limit: limit),
                verify ? try StoreError.wrapping("verifying the audit log") { try store.verifyAudit() } : nil
            )
        }
        let objects = entries.map { entry -> [String: Any] in
            [
                "id": entry.id, "at": CivilTime.iso8601(entry.at), "actor": entry.actor, "action": entry.action,
                "subject": entry.subject, "outcome": entry.outcome, "detail": entry.detail,
                "hash": entry.hash.map { String(format: "%02x", $0) }.joined(),
            ]
        }
        var body: [String: Any] = [
            "items": objects, "next_after": entries.count == limit ? entries.last!.id as Any : NSNull(),
        ]
        switch check {
        case .intact(let count)?: body["chain"] = ["intact": true, "entries": count]
        case .broken(let id, let reason)?: body["chain"] = ["intact": false, "broken_at": id, "reason": reason]
        case nil: break
        }
        return Self.json(RecordExport.json(body))
    }

    /// `GET /v1/subjects/{number}/export`: everything held on one number (admins; audited).
    func subjectExport(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .subjectExport, subject: Self.rawPathNumber(context))
        let number = try Self.pathNumber(context)
        let query = try QueryParameters(request, allowed: ["format", "part"])
        let report = try await withDesk(user) { desk throws(SubjectError) in try desk.export(number) }
        guard try query.format() == .csv else { return Self.json(report.json()) }
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
        let kept = outcome.kept.sorted { $0.key.description < $1.key.description }.map {
            reason,
            ids -> [String: Any] in
            ["reason": reason.description, "records": ids]
        }
        return Self.json(
            RecordExport.json(
                [
                    "dry_run": outcome.dryRun, "erased": outcome.erased, "kept": kept,
                    "note": "aggregates are anonymous and were not touched",
                ] as [String: Any]
            )
        )
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
