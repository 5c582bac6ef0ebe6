import CDRModel

/// One rule of the rules file: which detector, on which calls, over what window, with which thresholds.
public struct FraudRule: Sendable, Codable, Equatable {
    /// Which calls a rule looks at; every given condition must hold.
    public struct Filter: Sendable, Codable, Equatable {
        /// Dialled-number prefixes (E.164 with `+`); any of them.
        public var prefixes: [String]?
        /// Originating carriers or trunks: a call matches when its carrier contains one of them.
        public var carriers: [String]?
        /// Call directions (`outbound`, `inbound`, `national`, `internal`, `transit`); any of them.
        public var directions: [String]?
        /// Only calls outside business hours: local hours `HH-HH` (e.g. `08-18`) on `businessDays`.
        public var offHours: Bool?
        /// Business hours, `HH-HH` local time (default `08-18`).
        public var businessHours: String?
        /// Business days (default `mon`–`fri`).
        public var businessDays: [String]?
        /// IANA time zone of the hours and days (default UTC).
        public var timezone: String?
    }

    /// Unique rule id, used in alert ids.
    public var id: String
    /// The detector that applies it.
    public var detector: String
    /// False disables the rule.
    public var enabled: Bool?
    /// The sliding event-time window.
    public var windowMinutes: Int
    /// Warning threshold of the detector's main measure.
    public var warn: Double
    /// Critical threshold.
    public var critical: Double
    /// Minutes a subject is not alerted again at the same severity (default 60).
    public var snoozeMinutes: Int?
    /// Which calls count.
    public var filter: Filter?
    /// Detector-specific settings (documented per detector).
    public var params: [String: Double]?

    /// The window in seconds.
    public var window: Int64 { Int64(windowMinutes) * 60 }
    /// The snooze in seconds.
    public var snooze: Int64 { Int64(snoozeMinutes ?? 60) * 60 }
    /// A detector-specific setting, or its default.
    public func param(_ name: String) -> Double {
        if let value = params?[name] { return value }
        guard let setting = DetectorKind(rawValue: detector)?.setting(name) else {
            preconditionFailure("detector \(detector) declares no setting \(name)")
        }
        return setting.defaultValue
    }
}
