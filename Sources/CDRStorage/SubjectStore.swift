/// What investigations and data-subject requests read and change, on either store: one number's
/// records, the alerts and cases that concern it, and the erasure of chosen records.
public protocol SubjectStore: RetentionStore, DetectionStore {
    /// Every record in which `number` is the calling, dialled or a diverting party, started in
    /// `from...to`, oldest first.
    func records(number: String, from: Int64?, to: Int64?) throws -> [StoredRecord]
    /// Alerts raised on `subject`, oldest first.
    func alerts(subject: String) throws -> [AlertRow]
    /// Alerts of one case, oldest first.
    func alerts(caseID: Int64) throws -> [AlertRow]
    /// A page of alerts, newest first.
    func alerts(since: Int64?, criticalOnly: Bool, offset: Int, limit: Int) throws -> [AlertRow]
    /// Alerts citing any of `recordIDs` as evidence, with the ids they cite.
    func alertsCiting(_ recordIDs: Set<Int64>) throws -> [(alert: AlertRow, cited: [Int64])]
    /// One fraud case, if it exists.
    func fraudCase(id: Int64) throws -> FraudCase?
    /// Deletes these records (id and call start); returns how many went.
    func deleteRecords(_ records: [(id: Int64, start: Int64)]) throws -> Int64
    /// Calls `body` with every distinct number stored as a party.
    func forEachDistinctNumber(_ body: (String) throws -> Void) throws
}

extension SubjectStore {
    /// Every record concerning `number`, oldest first.
    public func records(number: String) throws -> [StoredRecord] { try records(number: number, from: nil, to: nil) }
}
