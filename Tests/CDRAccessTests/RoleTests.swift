import Testing

@testable import CDRAccess

@Suite("Roles")
struct RoleTests {
    /// The need-to-know table of the privacy requirements, written out resource by resource.
    static let allowed: [Resource: Set<Role>] = [
        .health: Set(Role.allCases), .metrics: Set(Role.allCases),
        .aggregates: [.analyst], .kpis: [.analyst],
        .alerts: [.fraud], .cases: [.fraud], .records: [.fraud], .trace: [.fraud],
        .files: [.operator],
        .holds: [.admin], .users: [.admin], .retention: [.admin], .backups: [.admin],
        .subjectExport: [.admin], .subjectErase: [.admin],
        .audit: [.auditor],
        .push: [.ingest],
    ]

    @Test("every role × resource pair is allowed exactly as the need-to-know table says", arguments: Role.allCases)
    func matrix(role: Role) {
        for resource in Resource.allCases {
            let expected = Self.allowed[resource]?.contains(role) ?? false
            #expect(role.may(resource) == expected, "\(role.rawValue) on \(resource.rawValue)")
        }
    }

    @Test("an analyst reaches no personal data")
    func analystSeesNoPersonalData() {
        #expect(Resource.allCases.filter { $0.isPersonal && Role.analyst.may($0) }.isEmpty)
    }
}
