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

    /// The shipped default rules: the package resource `fraud-rules.json` (`config/fraud-rules.json`).
    public static func defaults() -> FraudRules { shipped }

    /// The shipped rules, read once. The test suite validates the file; failing here is an install defect
    /// (the `cdrpipe_CDRFraud.resources` folder must sit beside the executable).
    private static let shipped: FraudRules = {
        guard let url = Bundle.module.url(forResource: "fraud-rules", withExtension: "json") else {
            fatalError("cdrpipe: the built-in fraud-rules.json is missing from \(Bundle.module.bundlePath)")
        }
        do {
            return try load(path: url.path)
        } catch {
            fatalError("cdrpipe: the built-in \(url.path) is invalid: \(error)")
        }
    }()
}
