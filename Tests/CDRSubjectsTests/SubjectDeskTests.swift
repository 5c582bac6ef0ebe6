import CDRModel
import CDRRetention
import CDRSQLite
import CDRStorage
import Foundation
import Testing

@testable import CDRSubjects

/// A store holding a few calls of one subscriber (Alice), calls to her, and unrelated traffic.
struct SubjectFixture {
    static let alice = "+447700900001"
    static let bob = "+447700900002"
    static let carol = "+447700900003"
    let directory: String
    let store: SQLiteStore
    let vault: KeyVault
    /// Ids of the stored records, in the order given.
    var ids: [Int64] = []

    init(now: Int64 = SQLiteStore.now()) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("cdrpipe-subj-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory + "/cdr.db")
        vault = try KeyVault(directory: directory + "/cdr.db.keys")
        let day: Int64 = 86_400
        func call(
            _ from: String,
            _ to: String,
            _ start: Int64,
            answered: Bool = true,
            diverting: [String] = []
        )
            -> CallRecord
        {
            CallRecord(
                calling: from,
                dialled: to,
                diverting: diverting,
                start: start,
                answer: answered ? start + 5 : nil,
                end: start + 65,
                duration: 65,
                billable: answered ? 60 : 0,
                disposition: answered ? .answered : .noAnswer,
                carrier: "CARR"
            )
        }
        let records = [
            call(Self.alice, Self.bob, now - 40 * day),  // 0: Alice's old call
            call(Self.alice, "+33612345678", now - 20 * day),  // 1: Alice abroad
            call(Self.bob, Self.alice, now - 10 * day, answered: false),  // 2: Bob rings Alice
            call(Self.bob, Self.alice, now - 9 * day),  // 3
            call(Self.carol, Self.bob, now - 8 * day, diverting: [Self.alice]),  // 4: Carol, diverted to Alice
            call(Self.alice, Self.carol, now - 2 * day),  // 5: recent
            call(Self.bob, Self.carol, now - 2 * day),  // 6: not Alice's
        ]
        let file = try store.beginFile(
            path: "fixture.csv",
            size: 1,
            headSHA256: [UInt8](repeating: 0, count: 32),
            sha256: nil,
            dialect: "test"
        )
        for (index, record) in records.enumerated() {
            #expect(try store.insert(record, key: RecordKey(high: UInt64(index), low: 1), fileID: file))
            ids.append(store.lastRecordID)
        }
        try store.foldProfiles(fileID: file)
        try store.finishFile(
            id: file,
            sha256: [UInt8](repeating: 1, count: 32),
            size: 1,
            offset: 1,
            line: records.count,
            counts: LoadCounts(stored: Int64(records.count))
        )
    }

    func desk(billingDays: Int64 = 0) -> SubjectDesk {
        SubjectDesk(store: store, vault: vault, actor: "tester", homeCountryCode: "44", billingDays: billingDays)
    }

    /// Raises an alert on `subject` citing `evidence`.
    func alert(_ id: String, subject: String, evidence: [Int64]) throws {
        try store.insertAlert(
            AlertRow(
                id: id,
                detector: "irsf-burst",
                rule: "irsf-burst",
                severity: "critical",
                subject: subject,
                windowStart: 0,
                firstEvent: 1,
                lastEvent: 2,
                measuresJSON: "{\"calls\":3}",
                evidence: evidence,
                summary: "test",
                fileID: nil
            )
        )
    }

    func remaining() throws -> Set<Int64> { Set(try store.records(number: Self.alice).map(\.id)) }
}

@Suite("Data-subject requests and investigations")
struct SubjectDeskTests {
    @Test("export holds every record where the number is A, B or diverting party, its alerts and holds")
    func export() throws {
        let fixture = try SubjectFixture()
        try fixture.alert("a-on-alice", subject: SubjectFixture.alice, evidence: [fixture.ids[1]])
        try fixture.alert("a-on-bob", subject: SubjectFixture.bob, evidence: [fixture.ids[3]])
        try fixture.alert("a-unrelated", subject: SubjectFixture.bob, evidence: [fixture.ids[6]])
        _ = try fixture.store.addHold(
            number: SubjectFixture.alice,
            from: nil,
            to: nil,
            caseRef: "D-1",
            reason: "billing dispute",
            by: "admin"
        )
        let report = try fixture.desk().export("07700 900001")
        #expect(report.number == SubjectFixture.alice)
        #expect(report.records.map(\.id) == Array(fixture.ids[0...5]))
        #expect(Set(report.alerts.map(\.id)) == ["a-on-alice", "a-on-bob"])
        #expect(report.holds.map(\.caseRef) == ["D-1"])
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        #expect((json?["records"] as? [Any])?.count == 6)
        let files = Dictionary(uniqueKeysWithValues: report.csvFiles().map { ($0.name, $0.text) })
        #expect(files["records.csv"]?.split(separator: "\n").count == 7)
        #expect(files["alerts.csv"]?.split(separator: "\n").count == 3)
        let profile = try #require(json?["profile"] as? [String: Any])
        #expect(profile["active_days"] as? Int == 3, "Alice called on three days")
        #expect(report.profile?.key == SubjectFixture.alice)
        #expect(files["profile.csv"]?.split(separator: "\n").count == 2)
        #expect(try fixture.desk().export(SubjectFixture.bob).profile?.activeDays == 3)
    }

    @Test("erasure keeps held, fraud-evidence and still-billable records and says why; deletes the rest")
    func erase() throws {
        let now = SQLiteStore.now()
        let fixture = try SubjectFixture(now: now)
        let ids = fixture.ids
        try fixture.alert("evidence", subject: SubjectFixture.bob, evidence: [ids[3]])
        let hold = try fixture.store.addHold(
            number: SubjectFixture.alice,
            from: now - 21 * 86_400,
            to: now - 19 * 86_400,
            caseRef: "D-7",
            reason: "dispute",
            by: "admin"
        )
        let dry = try fixture.desk(billingDays: 5).erase(SubjectFixture.alice, dryRun: true)
        #expect(dry.erased == 3)
        #expect(try fixture.store.profiles(keys: [SubjectFixture.alice]).count == 1, "a dry run keeps the profile")
        #expect(try fixture.remaining().count == 6)

        let outcome = try fixture.desk(billingDays: 5).erase(SubjectFixture.alice)
        #expect(outcome.erased == 3)
        #expect(outcome.kept[.hold(id: hold.id, caseRef: "D-7")] == [ids[1]])
        #expect(outcome.kept[.fraud(alert: "evidence", caseID: 1)] == [ids[3]])
        #expect(outcome.kept.values.flatMap { $0 }.sorted() == [ids[1], ids[3], ids[5]])
        #expect(outcome.summary.contains("billing"))
        #expect(try fixture.remaining() == [ids[1], ids[3], ids[5]])
        #expect(try fixture.store.profiles(keys: [SubjectFixture.alice]).isEmpty, "the usage profile is erased")
        #expect(try fixture.store.profiles(keys: [SubjectFixture.bob]).count == 1)
        #expect(try fixture.store.records(number: SubjectFixture.carol).map(\.id) == [ids[5], ids[6]])

        let entries = try fixture.store.auditEntries()
        #expect(entries.map(\.action) == ["subject erase (dry run)", "subject erase"])
        #expect(entries.allSatisfy { !$0.subject.isEmpty && !$0.subject.contains("7700") })
        #expect(entries.allSatisfy { !$0.detail.contains("900001") })
        #expect(try fixture.store.verifyAudit() == .intact(entries: 2))
    }

    @Test("the audit pseudonym of a number is the same across requests and differs between numbers")
    func pseudonyms() throws {
        let fixture = try SubjectFixture()
        _ = try fixture.desk().records(SubjectFixture.alice, from: nil, to: nil)
        _ = try fixture.desk().export(SubjectFixture.alice)
        _ = try fixture.desk().records(SubjectFixture.bob, from: nil, to: nil)
        let subjects = try fixture.store.auditEntries().map(\.subject)
        #expect(subjects[0] == subjects[1])
        #expect(subjects[0] != subjects[2])
    }

    @Test("a trace lists who called the victim, directly or diverted, busiest first")
    func trace() throws {
        let fixture = try SubjectFixture()
        let trace = try fixture.desk().trace(SubjectFixture.alice, from: nil, to: nil)
        #expect(trace.rows.map(\.calling) == [SubjectFixture.bob, SubjectFixture.carol])
        #expect(trace.rows[0].calls == 2)
        #expect(trace.rows[0].answered == 1)
        #expect(trace.rows[0].evidence == [fixture.ids[2], fixture.ids[3]])
        #expect(try fixture.store.auditEntries().map(\.action) == ["trace"])
    }

    @Test("a malformed number is refused naming the problem, with the number masked")
    func badNumber() throws {
        let fixture = try SubjectFixture()
        #expect {
            try fixture.desk().export("+44abc7700900001")
        } throws: { error in
            "\(error)".contains("number") && !"\(error)".contains("7700900001")
        }
    }
}
