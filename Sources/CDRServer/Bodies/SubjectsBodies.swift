import CDRModel
import CDRStorage
import CDRSubjects

/// The bodies shared with the CLI, with the schemas they meet and examples for the schema check.
extension RecordJSON: APIBody {
    static let schema = "Record"
    static let example = RecordJSON(exampleRecord)

    /// A stored record with every field set.
    static let exampleRecord = StoredRecord(
        id: 41,
        record: CallRecord(
            calling: "+447700900123",
            dialled: "+882312345678",
            diverting: ["+447700900124"],
            start: 1_767_571_200,
            answer: 1_767_571_205,
            end: 1_767_571_265,
            duration: 65,
            billable: 60,
            disposition: .answered,
            carrier: "carrier-a",
            channel: "SIP/carrier-a-1",
            account: "acme",
            sourceID: "1767571200.1",
            sourceLine: 12
        ),
        file: "/data/switch-a/Master.csv"
    )
}

extension AlertJSON: APIBody {
    static let schema = "Alert"
    static let example = AlertJSON(exampleRow)

    /// A stored alert with every field set.
    static let exampleRow = AlertRow(
        id: "irsf-burst-1",
        detector: "irsf-burst",
        rule: "irsf-burst",
        severity: "critical",
        subject: "acct:acme",
        windowStart: 1_767_571_200,
        firstEvent: 1_767_571_200,
        lastEvent: 1_767_572_400,
        measuresJSON: #"[{"name":"calls_to_risky_or_new","value":21,"warn":10,"critical":20}]"#,
        evidence: [41, 42],
        summary: "21 calls to risk-scored ranges",
        fileID: 1
    )
}

extension HoldJSON: APIBody {
    static let schema = "Hold"
    static let example = HoldJSON(exampleHold)

    /// A released hold (every field set).
    static let exampleHold = Hold(
        id: 3,
        number: "+447700900123",
        from: 1_767_571_200,
        to: 1_767_657_600,
        caseRef: "DISPUTE-1",
        reason: "billing dispute",
        createdAt: 1_767_571_200,
        createdBy: "admin",
        releasedAt: 1_767_700_000,
        releasedBy: "admin"
    )
}

extension CallerTraceJSON: APIBody {
    static let schema = "Trace"
    static let example = CallerTraceJSON(CallerTrace(victim: "+882312345678", records: [RecordJSON.exampleRecord]))
}

extension SubjectReportJSON: APIBody {
    static let schema = "SubjectExport"
    static let example = SubjectReportJSON(
        SubjectReport(
            number: "+447700900123",
            records: [RecordJSON.exampleRecord],
            alerts: [AlertJSON.exampleRow],
            holds: [HoldJSON.exampleHold],
            createdAt: 1_767_571_200,
            profile: CallerProfile(key: "+447700900123", day: UTCDay(20_458), minutes: 12.5, calls: 4)
        )
    )
}
