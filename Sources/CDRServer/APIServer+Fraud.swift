import CDRAccess
import CDRModel
import CDRRetention
import CDRStorage
import CDRSubjects
import Hummingbird

/// Fraud investigators' endpoints: alerts, cases, a number's records and nuisance traces. Every answer
/// holds personal data, so every read is audited.
extension APIServer {
    func addFraudRoutes(_ router: Router<APIRequestContext>) {
        router.get("v1/alerts") { [self] request, context in try await alerts(request, context) }
        router.get("v1/cases/:id") { [self] request, context in try await fraudCase(request, context) }
        router.get("v1/records") { [self] request, context in try await records(request, context) }
        router.get("v1/trace") { [self] request, context in try await trace(request, context) }
    }

    /// `GET /v1/alerts`: a page of fraud alerts (fraud investigators; audited).
    func alerts(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .alerts)
        let query = try QueryParameters(request, allowed: ["since", "severity", "offset", "limit", "format"])
        let since = try query.time("since")
        let severity = query["severity"] ?? "warning"
        guard ["warning", "critical"].contains(severity) else {
            throw HTTPError(.badRequest, message: "severity \"\(severity)\" must be warning or critical")
        }
        let offset = try query.int("offset", default: 0, in: 0...1_000_000)
        let limit = try query.int("limit", default: 100, in: 1...Self.maxRows)
        let rows = try await serving { [store] in
            let rows = try await store.alerts(
                since: since,
                criticalOnly: severity == "critical",
                offset: offset,
                limit: limit + 1
            )
            try await store.appendAudit(
                actor: user.name,
                action: "GET /v1/alerts",
                outcome: "ok",
                detail: "\(min(rows.count, limit)) alerts from offset \(offset)"
            )
            return rows
        }
        let page = Array(rows.prefix(limit))
        if try query.format() == .csv { return Self.csv(RecordExport.csv(page)) }
        return Self.json(PageBody(page.map(AlertJSON.init), offset: offset, limit: limit, more: rows.count > limit))
    }

    /// `GET /v1/cases/{id}`: one case with its alerts (fraud investigators; audited).
    func fraudCase(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .cases)
        _ = try QueryParameters(request, allowed: [])
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw HTTPError(.badRequest, message: "case id must be a positive whole number")
        }
        let vault = vault
        let found = try await serving { [store] () async throws -> (FraudCase, [AlertRow])? in
            guard let fraudCase = try await store.fraudCase(id: id) else { return nil }
            let alerts = try await store.alerts(caseID: id)
            try await store.appendAudit(
                actor: user.name,
                action: "GET /v1/cases",
                subject: (try? vault.auditPseudonym(fraudCase.subject)) ?? "",
                outcome: "ok",
                detail: "case \(id), \(alerts.count) alerts"
            )
            return (fraudCase, alerts)
        }
        guard let (fraudCase, alerts) = found else { throw HTTPError(.notFound, message: "no case \(id)") }
        return Self.json(CaseBody(fraudCase, alerts: alerts))
    }

    /// `GET /v1/records`: full records in which a number takes part (fraud investigators; audited).
    func records(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .records, subject: Self.queryNumber(request, "number"))
        let query = try QueryParameters(request, allowed: ["number", "from", "to", "offset", "limit", "format"])
        let number = try query.number("number")
        let (from, to) = try query.timeRange()
        let offset = try query.int("offset", default: 0, in: 0...10_000_000)
        let limit = try query.int("limit", default: 100, in: 1...Self.maxRows)
        let rows = try await withDesk(user) { desk throws(SubjectError) in
            try desk.records(number, from: from, to: to, action: "GET /v1/records")
        }
        let page = Array(rows.dropFirst(offset).prefix(limit))
        if try query.format() == .csv { return Self.csv(RecordExport.csv(page)) }
        return Self.json(
            PageBody(page.map(RecordJSON.init), offset: offset, limit: limit, more: rows.count > offset + limit)
        )
    }

    /// `GET /v1/trace`: who called a victim, directly or diverted (fraud investigators; audited).
    func trace(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try await authorize(request, context, for: .trace, subject: Self.queryNumber(request, "victim"))
        let query = try QueryParameters(request, allowed: ["victim", "from", "to", "format"])
        let victim = try query.number("victim")
        let (from, to) = try query.timeRange()
        let trace = try await withDesk(user) { desk throws(SubjectError) in
            try desk.trace(victim, from: from, to: to)
        }
        return try query.format() == .csv ? Self.csv(trace.csv()) : Self.json(CallerTraceJSON(trace))
    }
}
