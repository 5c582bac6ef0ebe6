/// A stored fraud alert, as the store keeps it (measures as JSON text).
public struct AlertRow: Sendable, Equatable, Codable {
    /// Stable id derived from rule, subject and window.
    public var id: String
    /// The detector.
    public var detector: String
    /// The rule id.
    public var rule: String
    /// `warning` or `critical`.
    public var severity: String
    /// Number, account or route.
    public var subject: String
    /// Window start (UTC epoch seconds).
    public var windowStart: Int64
    /// First evidence call start.
    public var firstEvent: Int64
    /// Last evidence call start.
    public var lastEvent: Int64
    /// Measures against thresholds, JSON.
    public var measuresJSON: String
    /// Evidence record ids.
    public var evidence: [Int64]
    /// One sentence.
    public var summary: String
    /// The case it belongs to (set by the store).
    public var caseID: Int64
    /// The file whose record raised it.
    public var fileID: Int64?
    /// When it was stored.
    public var createdAt: Int64

    /// Creates a row; the store assigns the case and the creation time.
    public init(
        id: String,
        detector: String,
        rule: String,
        severity: String,
        subject: String,
        windowStart: Int64,
        firstEvent: Int64,
        lastEvent: Int64,
        measuresJSON: String,
        evidence: [Int64],
        summary: String,
        fileID: Int64?
    ) {
        self.id = id
        self.detector = detector
        self.rule = rule
        self.severity = severity
        self.subject = subject
        self.windowStart = windowStart
        self.firstEvent = firstEvent
        self.lastEvent = lastEvent
        self.measuresJSON = measuresJSON
        self.evidence = evidence
        self.summary = summary
        caseID = 0
        self.fileID = fileID
        createdAt = 0
    }
}
