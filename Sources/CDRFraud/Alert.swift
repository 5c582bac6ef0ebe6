import CDRModel
import Crypto

/// How urgent an alert is.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    /// Worth a look.
    case warning
    /// Act now.
    case critical

    /// Orders warning before critical.
    public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .critical }
}

/// A measured value beside the thresholds it crossed.
public struct Measure: Sendable, Codable, Equatable {
    /// What was measured (`calls`, `distinct_dialled`, `concurrent`).
    public var name: String
    /// The value.
    public var value: Double
    /// The warning threshold.
    public var warn: Double
    /// The critical threshold.
    public var critical: Double

    /// Creates a measure.
    public init(name: String, value: Double, warn: Double, critical: Double) {
        self.name = name
        self.value = value
        self.warn = warn
        self.critical = critical
    }
}

/// A fraud alert: which rule saw what, on whom, when, with the evidence. Its id is derived from the rule,
/// the subject and the window, so processing the same records again yields the same alert.
public struct Alert: Sendable, Codable, Equatable {
    /// Most evidence record ids an alert carries.
    public static let evidenceLimit = 20

    /// Stable id: hex of SHA-256(rule, subject, window start), 16 bytes.
    public var id: String
    /// The detector (`irsf-hotlist`, `wangiri`, …).
    public var detector: String
    /// The rule id from the rules file.
    public var rule: String
    /// Warning or critical.
    public var severity: Severity
    /// What the alert is about: a number, an account, a route.
    public var subject: String
    /// Start of the window the alert describes (UTC epoch seconds).
    public var windowStart: Int64
    /// Call start of the first evidence record.
    public var firstEvent: Int64
    /// Call start of the last evidence record.
    public var lastEvent: Int64
    /// Measured values against thresholds.
    public var measures: [Measure]
    /// Up to ``evidenceLimit`` record ids.
    public var evidence: [Int64]
    /// One sentence for the fraud team.
    public var summary: String
    /// The source (file) of the record that raised it, when known; not part of the id.
    public var source: Int64?

    /// Creates an alert, deriving its id.
    public init(
        detector: String,
        rule: String,
        severity: Severity,
        subject: String,
        windowStart: Int64,
        firstEvent: Int64,
        lastEvent: Int64,
        measures: [Measure],
        evidence: [Int64],
        summary: String
    ) {
        self.detector = detector
        self.rule = rule
        self.severity = severity
        self.subject = subject
        self.windowStart = windowStart
        self.firstEvent = firstEvent
        self.lastEvent = lastEvent
        self.measures = measures
        self.evidence = Array(evidence.suffix(Self.evidenceLimit))
        self.summary = summary
        id = Self.id(rule: rule, subject: subject, windowStart: windowStart, severity: severity)
    }

    /// The id of the alert a rule raises on a subject for a window at a severity.
    public static func id(rule: String, subject: String, windowStart: Int64, severity: Severity) -> String {
        let digest = SHA256.hash(data: Array("\(rule)|\(subject)|\(windowStart)|\(severity.rawValue)".utf8))
        return digest.prefix(16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
