import Foundation

/// The fraud rules: loaded from a JSON file (`{"rules": [ … ]}`) or the shipped defaults, and checked so a
/// bad rule is an error naming the file, the rule and the field.
public struct FraudRules: Sendable {
    /// The detectors a rule can name, with the parameters each understands.
    public static let detectors: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: DetectorKind.allCases.map { ($0.rawValue, $0.parameters) }
    )

    /// The rules, in file order.
    public var rules: [FraudRule]

    /// Rules given directly (validated).
    public init(rules: [FraudRule], source: String = "rules") throws(FraudConfigError) {
        self.rules = rules
        try validate(source: source)
    }

    /// Reads and validates a rules file.
    public static func load(path: String) throws(FraudConfigError) -> FraudRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FraudConfigError(file: path, line: nil, field: nil, problem: "cannot be read")
        }
        return try parse(data, source: path)
    }

    /// Parses rules JSON.
    public static func parse(_ data: Data, source: String) throws(FraudConfigError) -> FraudRules {
        struct File: Decodable { var rules: [FraudRule] }
        do {
            return try FraudRules(rules: JSONDecoder().decode(File.self, from: data).rules, source: source)
        } catch let error as FraudConfigError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw FraudConfigError(
                file: source,
                line: nil,
                field: Self.path(context.codingPath + [key]),
                problem: "is missing"
            )
        } catch let DecodingError.typeMismatch(type, context) {
            throw FraudConfigError(
                file: source,
                line: nil,
                field: Self.path(context.codingPath),
                problem: "must be \(type)"
            )
        } catch {
            throw FraudConfigError(file: source, line: nil, field: nil, problem: "is not a rules file: \(error)")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    private func validate(source: String) throws(FraudConfigError) {
        var seen = Set<String>()
        for rule in rules {
            func fail(_ field: String, _ problem: String) -> FraudConfigError {
                FraudConfigError(file: source, line: nil, field: "rule \(rule.id): \(field)", problem: problem)
            }
            if rule.id.isEmpty { throw fail("id", "is empty") }
            if !seen.insert(rule.id).inserted { throw fail("id", "is used by two rules") }
            guard let params = Self.detectors[rule.detector] else {
                throw fail(
                    "detector",
                    "\"\(rule.detector)\" is not one of \(Self.detectors.keys.sorted().joined(separator: ", "))"
                )
            }
            if rule.windowMinutes < 1 || rule.windowMinutes > 7 * 24 * 60 {
                throw fail("windowMinutes", "must be 1 to 10080")
            }
            if rule.warn <= 0 { throw fail("warn", "must be above 0") }
            if rule.critical < rule.warn { throw fail("critical", "must be at least warn (\(rule.warn))") }
            if let snooze = rule.snoozeMinutes, snooze < 0 { throw fail("snoozeMinutes", "must not be negative") }
            for (name, value) in (rule.params ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let setting = DetectorKind(rawValue: rule.detector)?.setting(name) else {
                    throw fail(
                        "params.\(name)",
                        "is not a setting of \(rule.detector)"
                            + (params.isEmpty ? "" : " (\(params.sorted().joined(separator: ", ")))")
                    )
                }
                guard setting.range.contains(value) else {
                    throw fail(
                        "params.\(name)",
                        "must be from \(setting.range.lowerBound) to \(setting.range.upperBound) (\(setting.meaning))"
                    )
                }
            }
            _ = try CallFilter(rule.filter, rule: rule.id, file: source)
        }
    }

    /// The shipped default rules (the same as `config/fraud-rules.json`).
    public static func defaults() -> FraudRules {
        // The embedded defaults are validated by the test suite; failing here is a build defect.
        try! parse(Data(defaultJSON.utf8), source: "built-in rules")
    }

    /// The default rules as JSON.
    public static let defaultJSON = """
        {"rules": [
          {"id": "irsf-hotlist", "detector": "irsf-hotlist", "windowMinutes": 60, "warn": 1, "critical": 3,
           "params": {"criticalMinutes": 10}},
          {"id": "irsf-burst", "detector": "irsf-burst", "windowMinutes": 60, "warn": 10, "critical": 20,
           "params": {"criticalMinutes": 60, "peakFactor": 3, "warmUpDays": 7, "newCountryDays": 90}},
          {"id": "irsf-pump", "detector": "irsf-pump", "windowMinutes": 60, "warn": 5, "critical": 10,
           "params": {"rangeDigits": 5, "minACD": 300}},
          {"id": "wangiri", "detector": "wangiri", "windowMinutes": 60, "warn": 30, "critical": 200,
           "params": {"maxRingSeconds": 6, "maxAnsweredShare": 0.1}},
          {"id": "wangiri-callback", "detector": "wangiri-callback", "windowMinutes": 4320, "warn": 1, "critical": 5,
           "snoozeMinutes": 1440, "params": {"maxRingSeconds": 6, "minTargets": 5}},
          {"id": "pbx-hack-off-hours", "detector": "pbx-hack", "windowMinutes": 30, "warn": 5, "critical": 15,
           "filter": {"offHours": true, "businessHours": "08-18", "businessDays": ["mon", "tue", "wed", "thu", "fri"],
                      "timezone": "Europe/London"},
           "params": {"probeDistinct": 10, "probeMinutes": 10}},
          {"id": "premium", "detector": "premium", "windowMinutes": 1440, "warn": 10, "critical": 30,
           "params": {"warnMinutes": 60}},
          {"id": "robocall", "detector": "robocall", "windowMinutes": 60, "warn": 100, "critical": 1000,
           "params": {"minDistinctRatio": 0.9, "maxASR": 0.3, "maxACD": 30}},
          {"id": "concurrency", "detector": "concurrency", "windowMinutes": 60, "warn": 4, "critical": 8},
          {"id": "diversion", "detector": "diversion", "windowMinutes": 60, "warn": 3, "critical": 10},
          {"id": "fas", "detector": "fas", "windowMinutes": 60, "warn": 0.3, "critical": 0.6,
           "params": {"minAttempts": 50, "maxAnswerSeconds": 1, "minDistinct": 10}},
          {"id": "simbox", "detector": "simbox", "windowMinutes": 1440, "warn": 50, "critical": 50, "snoozeMinutes": 1440,
           "params": {"warmUpDays": 7, "newDays": 10, "outInRatio": 10, "maxCells": 2, "maxTopShare": 0.1, "imsiPerIMEI": 3}},
          {"id": "simbox-trunk", "detector": "simbox-trunk", "windowMinutes": 60, "warn": 10, "critical": 50,
           "filter": {"carriers": ["intl-in"]}},
          {"id": "high-usage", "detector": "high-usage", "windowMinutes": 1440, "warn": 5, "critical": 10,
           "snoozeMinutes": 1440, "params": {"warnFloorMinutes": 120, "minHistoryDays": 7, "minCalls": 3,
             "callCapMinutes": 60}},
          {"id": "subscription", "detector": "subscription", "windowMinutes": 1440, "warn": 60, "critical": 300,
           "snoozeMinutes": 1440, "params": {"warmUpDays": 7, "newHours": 72, "minCalls": 20, "internationalShare": 0.5}}
        ]}
        """
}
