/// A legal hold: the full records concerning a number (optionally within a window of call starts) are kept
/// past their retention limit until the hold is released.
public struct Hold: Sendable, Hashable, Codable {
    /// The hold's id.
    public var id: Int64
    /// The held number (E.164 or as stored).
    public var number: String
    /// Earliest call start covered (UTC epoch seconds), nil for no lower bound.
    public var from: Int64?
    /// Latest call start covered, nil for no upper bound.
    public var to: Int64?
    /// The dispute or case reference.
    public var caseRef: String
    /// Why the records are held.
    public var reason: String
    /// When it was placed.
    public var createdAt: Int64
    /// Who placed it.
    public var createdBy: String
    /// When it was released, nil while active.
    public var releasedAt: Int64?
    /// Who released it.
    public var releasedBy: String?

    /// Creates a hold from its fields.
    public init(
        id: Int64,
        number: String,
        from: Int64?,
        to: Int64?,
        caseRef: String,
        reason: String,
        createdAt: Int64,
        createdBy: String,
        releasedAt: Int64? = nil,
        releasedBy: String? = nil
    ) {
        self.id = id
        self.number = number
        self.from = from
        self.to = to
        self.caseRef = caseRef
        self.reason = reason
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.releasedAt = releasedAt
        self.releasedBy = releasedBy
    }

    /// The call-start window the hold covers.
    public var window: ClosedRange<Int64> { (from ?? Int64.min)...(to ?? Int64.max) }

    /// True while the hold is in force.
    public var isActive: Bool { releasedAt == nil }
}
