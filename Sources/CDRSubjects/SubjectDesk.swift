import CDRModel
import CDRRetention
import CDRStorage

/// Every read or change of one number's personal data goes through here, so each is checked and lands in
/// the audit log with the number pseudonymised: investigators' record lookups and nuisance traces, and
/// data subjects' export and erasure requests (GDPR art. 15, 17, 20).
public struct SubjectDesk {
    private let store: any SubjectStore
    private let vault: KeyVault
    private let normaliser: NumberNormaliser
    /// Who is asking (a user name or `cli:<login>`), as the audit log records it.
    public let actor: String
    /// Days after a call during which its bill can be challenged, so erasure must keep the record.
    public let billingDays: Int64

    /// Creates a desk for one requester.
    public init(
        store: any SubjectStore,
        vault: KeyVault,
        actor: String,
        homeCountryCode: String,
        billingDays: Int64 = 0
    ) {
        self.store = store
        self.vault = vault
        self.actor = actor
        self.billingDays = billingDays
        normaliser = NumberNormaliser(plan: .forCountry(homeCountryCode))
    }

    /// The number as stored (E.164 for international and national forms); throws naming the problem.
    public func normalise(_ text: String) throws(SubjectError) -> String {
        do { return try normaliser.normalise(text).number } catch { throw .number(text, error) }
    }

    /// The full records in which `number` is a party, started within `from...to`, for a fraud
    /// investigator (audited as `action`).
    public func records(
        _ number: String,
        from: Int64?,
        to: Int64?,
        action: String = "records"
    ) throws(SubjectError) -> [StoredRecord] {
        let number = try normalise(number)
        let rows = try read { try store.records(number: number, from: from, to: to) }
        try audit(action, number, detail: "\(rows.count) records \(Self.range(from, to))")
        return rows
    }

    /// Who called `victim` within `from...to` (audited).
    public func trace(_ victim: String, from: Int64?, to: Int64?) throws(SubjectError) -> CallerTrace {
        let number = try normalise(victim)
        let rows = try read { try store.records(number: number, from: from, to: to) }
        let trace = CallerTrace(victim: number, records: rows)
        try audit("trace", number, detail: "\(trace.rows.count) callers \(Self.range(from, to))")
        return trace
    }

    /// Every full record, alert and hold concerning `number` (audited).
    public func export(_ number: String) throws(SubjectError) -> SubjectReport {
        let number = try normalise(number)
        let report = try read { () throws -> SubjectReport in
            let records = try store.records(number: number)
            var alerts = try store.alerts(subject: number)
            let known = Set(alerts.map(\.id))
            alerts += try store.alertsCiting(Set(records.map(\.id))).map(\.alert).filter { !known.contains($0.id) }
            let holds = try store.holds(includeReleased: true).filter { $0.number == number }
            return SubjectReport(
                number: number,
                records: records,
                alerts: alerts,
                holds: holds,
                createdAt: StoreClock.now(),
                profile: try store.profiles(keys: [number])[number],
                baseline: try store.baselines(keys: [number])[number]
            )
        }
        try audit(
            "subject export",
            number,
            detail: "\(report.records.count) records, \(report.alerts.count) alerts, \(report.holds.count) holds, "
                + (report.profile == nil ? "no profile" : "its profile")
                + (report.baseline == nil ? "" : " and baseline")
        )
        return report
    }

    /// Erases `number`'s full records except those a legal hold, a fraud alert or the billing period
    /// requires keeping; `dryRun` only reports. Audited either way, and entered in the erasure ledger
    /// (synced before anything is deleted, so no erasure can exist without its entry) so a restore can
    /// erase again; aggregates are not touched. `through` limits it to calls started by then
    /// and `reapplying` marks a ledger entry applied again (not entered twice); `now` and `action` are for
    /// re-applying at another time under another audit action.
    public func erase(
        _ number: String,
        dryRun: Bool = false,
        through: Int64? = nil,
        billingDays: Int64? = nil,
        reapplying: Bool = false,
        now: Int64? = nil,
        action: String? = nil
    ) throws(SubjectError) -> ErasureOutcome {
        let number = try normalise(number)
        let now = now ?? StoreClock.now()
        let billingDays = billingDays ?? self.billingDays
        let pseudonym: String
        do { pseudonym = try vault.auditPseudonym(number) } catch { throw .key(error) }
        if !dryRun && !reapplying {
            try ErasureLedger(vault: vault).append(
                ErasureLedger.Entry(at: now, subject: pseudonym, billingDays: billingDays)
            )
        }
        do {
            let outcome = try store.atomically { () throws -> ErasureOutcome in
                let records = try store.records(number: number).filter { $0.record.start <= (through ?? Int64.max) }
                let (kept, doomed) = try sortForErasure(records, number: number, now: now, billingDays: billingDays)
                let erased = dryRun ? Int64(doomed.count) : try store.deleteRecords(doomed)
                let profiles = dryRun ? 0 : try store.deleteProfiles(keys: [number])
                let outcome = ErasureOutcome(erased: erased, kept: kept, dryRun: dryRun)
                let named =
                    dryRun
                    ? "subject erase (dry run)"
                    : reapplying ? "subject erase (re-applied after restore)" : "subject erase"
                try store.appendAudit(
                    actor: actor,
                    action: action ?? named,
                    subject: pseudonym,
                    outcome: "ok",
                    detail: outcome.summary.split(separator: "\n").joined(separator: "; ")
                        + (profiles > 0 ? "; usage profile erased" : "")
                )
                return outcome
            }
            return outcome
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .invalid("\(error)")
        }
    }

    /// Sorts `records` into those that must stay, by reason (a legal hold, fraud evidence, the billing
    /// period, in that order), and those an erasure may delete.
    private func sortForErasure(
        _ records: [StoredRecord],
        number: String,
        now: Int64,
        billingDays: Int64
    ) throws -> (kept: [ErasureOutcome.Reason: [Int64]], doomed: [(id: Int64, start: Int64)]) {
        let holds = try store.activeHolds().filter { $0.number == number }
        var evidence: [Int64: ErasureOutcome.Reason] = [:]
        for (alert, cited) in try store.alertsCiting(Set(records.map(\.id))) {
            for id in cited where evidence[id] == nil { evidence[id] = .fraud(alert: alert.id, caseID: alert.caseID) }
        }
        let billingFrom = now - billingDays * UTCDay.seconds
        var kept: [ErasureOutcome.Reason: [Int64]] = [:]
        var doomed: [(id: Int64, start: Int64)] = []
        for stored in records {
            let start = stored.record.start
            if let hold = holds.first(where: { $0.window.contains(start) }) {
                kept[.hold(id: hold.id, caseRef: hold.caseRef), default: []].append(stored.id)
            } else if let reason = evidence[stored.id] {
                kept[reason, default: []].append(stored.id)
            } else if billingDays > 0, start >= billingFrom {
                kept[.billing(until: start + billingDays * UTCDay.seconds), default: []].append(stored.id)
            } else {
                doomed.append((stored.id, start))
            }
        }
        return (kept, doomed)
    }

    /// Records a refused or failed attempt on `number`'s data.
    public func auditRefusal(_ action: String, number: String, outcome: String) throws(SubjectError) {
        let subject = (try? normalise(number)) ?? number
        try audit(action, subject, outcome: outcome)
    }

    private func audit(
        _ action: String,
        _ number: String,
        outcome: String = "ok",
        detail: String = ""
    )
        throws(SubjectError)
    {
        do {
            let subject = try vault.auditPseudonym(number)
            try store.appendAudit(actor: actor, action: action, subject: subject, outcome: outcome, detail: detail)
        } catch let error as RetentionError {
            throw .key(error)
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .invalid("\(error)")
        }
    }

    private func read<T>(_ body: () throws -> T) throws(SubjectError) -> T {
        do { return try StoreError.wrapping("reading a subject's data", body) } catch { throw .store(error) }
    }

    static func range(_ from: Int64?, _ to: Int64?) -> String {
        "from \(from.map(CivilTime.iso8601) ?? "the first record") to \(to.map(CivilTime.iso8601) ?? "the last record")"
    }
}
