import Foundation

/// How long each form of the data is kept and how aggregates are protected: the operator's published
/// promise as configuration.
public struct RetentionPolicy: Sendable, Equatable, Codable {
    /// Calendar months full records are kept after the call's start.
    public var fullRecordMonths: Int
    /// Years anonymised aggregates are kept.
    public var aggregateYears: Int
    /// Days backups are kept.
    public var backupDays: Int
    /// Smallest number of distinct callers a published aggregate cell may describe.
    public var smallCellK: Int
    /// Home country calling code, for destination and direction classification.
    public var homeCountryCode: String

    /// The operator's defaults: 6 months full, 6 years aggregated, 30 days of backups, k = 10, UK.
    public init(
        fullRecordMonths: Int = 6,
        aggregateYears: Int = 6,
        backupDays: Int = 30,
        smallCellK: Int = 10,
        homeCountryCode: String = "44"
    ) {
        self.fullRecordMonths = fullRecordMonths
        self.aggregateYears = aggregateYears
        self.backupDays = backupDays
        self.smallCellK = smallCellK
        self.homeCountryCode = homeCountryCode
    }

    /// Reads a JSON policy file; absent keys keep their defaults, unknown keys are errors.
    public static func load(path: String) throws(RetentionError) -> RetentionPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .policy(file: path, field: nil, problem: "cannot be read")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .policy(file: path, field: nil, problem: "is not a JSON object")
        }
        let known = Set(["fullRecordMonths", "aggregateYears", "backupDays", "smallCellK", "homeCountryCode"])
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .policy(
                file: path,
                field: unknown,
                problem: "is not a policy setting (known: \(known.sorted().joined(separator: ", ")))"
            )
        }
        let file: PolicyFile
        do {
            file = try JSONDecoder().decode(PolicyFile.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw .policy(
                file: path,
                field: context.codingPath.last?.stringValue,
                problem: "must be \(type == String.self ? "a string" : "a whole number")"
            )
        } catch {
            throw .policy(file: path, field: nil, problem: "cannot be read as a policy (\(error))")
        }
        var policy = RetentionPolicy()
        if let value = file.fullRecordMonths { policy.fullRecordMonths = value }
        if let value = file.aggregateYears { policy.aggregateYears = value }
        if let value = file.backupDays { policy.backupDays = value }
        if let value = file.smallCellK { policy.smallCellK = value }
        if let value = file.homeCountryCode { policy.homeCountryCode = value }
        try policy.validate(source: path)
        return policy
    }

    private struct PolicyFile: Decodable {
        var fullRecordMonths: Int?
        var aggregateYears: Int?
        var backupDays: Int?
        var smallCellK: Int?
        var homeCountryCode: String?
    }

    /// Checks the settings are coherent: positive, and aggregates outliving full records.
    public func validate(source: String = "command line") throws(RetentionError) {
        if fullRecordMonths < 1 {
            throw .policy(file: source, field: "fullRecordMonths", problem: "must be at least 1")
        }
        if aggregateYears < 1 { throw .policy(file: source, field: "aggregateYears", problem: "must be at least 1") }
        if aggregateYears * 12 <= fullRecordMonths {
            throw .policy(
                file: source,
                field: "aggregateYears",
                problem: "aggregates (\(aggregateYears) years) must outlive full records (\(fullRecordMonths) months)"
            )
        }
        if backupDays < 1 { throw .policy(file: source, field: "backupDays", problem: "must be at least 1") }
        if smallCellK < 2 { throw .policy(file: source, field: "smallCellK", problem: "must be at least 2") }
        if homeCountryCode.isEmpty || homeCountryCode.count > 3 || !homeCountryCode.allSatisfy(\.isASCII)
            || !homeCountryCode.allSatisfy(\.isNumber)
        {
            throw .policy(file: source, field: "homeCountryCode", problem: "must be 1–3 digits (44, 1, 353)")
        }
    }
}
