import CDRModel

/// One stored record as the detectors see it: the call, its store id, and its parties generalised once.
/// A class, so the fifteen detectors share one instance instead of each copying its strings.
public final class FraudRecord: Sendable {
    /// The record's id in the store (evidence).
    public let id: Int64
    /// The call.
    public let call: CallRecord
    /// Where the calling party is.
    public let origin: Destination
    /// Where the dialled party is.
    public let destination: Destination
    /// The call's direction.
    public let direction: CallDirection
    /// The dialled number is an E.164 number outside the home country.
    public let dialsAbroad: Bool
    /// The calling number is an E.164 number outside the home country.
    public let callsFromAbroad: Bool
    /// The batch (file) it came from, so a failed file's records can be withdrawn.
    public let source: Int64
    /// The risk range the dialled number falls in, if listed.
    public let listed: RiskRanges.Range?
    /// The calling number's state key (see ``SubjectKey``).
    let callingKey: Int64
    /// What kind of record it is, for the engine's dispatch.
    public let traits: RecordTraits

    /// Classifies a stored record.
    public init(
        id: Int64,
        call: CallRecord,
        source: Int64 = 0,
        classifier: NumberClassifier,
        ranges: RiskRanges = RiskRanges()
    ) {
        self.id = id
        self.call = call
        self.source = source
        origin = classifier.classify(call.calling)
        destination = classifier.classify(call.dialled)
        direction = CallDirection(calling: origin, dialled: destination, home: classifier.homeRegion)
        dialsAbroad = destination.isE164 && destination.country != classifier.homeRegion
        callsFromAbroad = origin.isE164 && origin.country != classifier.homeRegion
        listed = ranges.count == 0 ? nil : ranges.match(call.dialled)
        callingKey = SubjectKey.number(call.calling)
        var traits: RecordTraits = .any
        if dialsAbroad { traits.insert(.dialsAbroad) }
        if callsFromAbroad { traits.insert(.fromAbroad) }
        if listed != nil { traits.insert(.listed) }
        if destination.type == .premium { traits.insert(.premium) }
        if !(call.diverting.first ?? "").isEmpty { traits.insert(.diverted) }
        if !call.imsi.isEmpty { traits.insert(.mobile) }
        if call.answer != nil { traits.insert(.answered) }
        self.traits = traits
    }

    /// True when the call was answered.
    public var answered: Bool { call.answer != nil }
    /// Seconds the call rang before it was answered or ended.
    public var ringSeconds: Int64 { (call.answer ?? call.end) - call.start }
}
