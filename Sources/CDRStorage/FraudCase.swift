import CDRModel

/// One fraud case: the alerts on one subject within 24 hours of each other.
public struct FraudCase: Sendable, Equatable, Codable {
    /// Case id.
    public var id: Int64
    /// The subject the alerts concern.
    public var subject: String
    /// The highest severity among its alerts.
    public var severity: String
    /// First event of its first alert (epoch seconds).
    public var firstAt: Int64
    /// Last event of its last alert.
    public var lastAt: Int64
    /// How many alerts it groups.
    public var alerts: Int64
    /// The detectors that raised them.
    public var detectors: [String]

    /// Creates a case.
    public init(
        id: Int64,
        subject: String,
        severity: String,
        firstAt: Int64,
        lastAt: Int64,
        alerts: Int64,
        detectors: [String]
    ) {
        self.id = id
        self.subject = subject
        self.severity = severity
        self.firstAt = firstAt
        self.lastAt = lastAt
        self.alerts = alerts
        self.detectors = detectors
    }

    /// Alerts on one subject closer than this (seconds) belong to one case.
    public static let gap: Int64 = UTCDay.seconds
}
