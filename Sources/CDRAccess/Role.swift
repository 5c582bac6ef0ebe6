/// A user's role: what an API token may see, on a need-to-know basis.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Loads files and sees ingest status.
    case `operator`
    /// Sees anonymised aggregates and KPIs only.
    case analyst
    /// Fraud investigator: alerts, cases, records of a number, nuisance-call traces.
    case fraud
    /// Manages users, holds, retention, backups and data-subject requests.
    case admin
    /// Reads the audit log.
    case auditor
    /// A switch or SBC pushing its CDRs over HTTP: may post records, read nothing.
    case ingest

    /// True when this role may use `resource`.
    public func may(_ resource: Resource) -> Bool {
        switch resource {
        case .health, .metrics: true
        case .aggregates, .kpis: self == .analyst
        case .alerts, .cases, .records, .trace: self == .fraud
        case .files: self == .operator
        case .holds, .users, .retention, .backups, .subjectExport, .subjectErase: self == .admin
        case .audit: self == .auditor
        case .push: self == .ingest
        }
    }
}

/// What the API serves, named for its purpose rather than its path.
public enum Resource: String, Sendable, CaseIterable {
    /// `/healthz`: liveness, no data.
    case health
    /// `/metrics`: Prometheus counters, no personal data.
    case metrics
    /// `/v1/aggregates`: anonymised aggregate cells.
    case aggregates
    /// `/v1/kpis`: answer-seizure ratio, average call duration and traffic by period.
    case kpis
    /// `/v1/alerts`: fraud alerts (personal data).
    case alerts
    /// `/v1/cases/{id}`: one fraud case with its alerts (personal data).
    case cases
    /// `/v1/records`: full records of a number (personal data).
    case records
    /// `/v1/trace`: who called a number that reports nuisance calls (personal data).
    case trace
    /// `/v1/files`: the ingest registry.
    case files
    /// `/v1/holds`: legal holds.
    case holds
    /// User management.
    case users
    /// Retention runs.
    case retention
    /// Backups.
    case backups
    /// `/v1/subjects/{number}/export`: a data subject's records, alerts and holds.
    case subjectExport
    /// `/v1/subjects/{number}/erase`: erasure of a data subject's records where the law allows.
    case subjectErase
    /// `/v1/audit`: the audit log.
    case audit
    /// `POST /v1/cdrs`: CDRs pushed by a switch (`cdrpipe run` only).
    case push

    /// True when every use of it reads or changes personal data and so goes to the audit log.
    public var isPersonal: Bool {
        switch self {
        case .alerts, .cases, .records, .trace, .subjectExport, .subjectErase, .holds, .users: true
        default: false
        }
    }
}
