import CDRModel

/// One stored record as the detectors see it: the call, its store id, and its parties generalised once.
public struct FraudRecord: Sendable {
    /// The record's id in the store (evidence).
    public var id: Int64
    /// The call.
    public var call: CallRecord
    /// Where the calling party is.
    public var origin: Destination
    /// Where the dialled party is.
    public var destination: Destination
    /// The call's direction.
    public var direction: CallDirection
    /// The dialled number is an E.164 number outside the home country.
    public var dialsAbroad: Bool
    /// The calling number is an E.164 number outside the home country.
    public var callsFromAbroad: Bool
    /// The batch (file) it came from, so a failed file's records can be withdrawn.
    public var source: Int64 = 0
    /// The risk range the dialled number falls in, if listed.
    public var listed: RiskRanges.Range?
    /// The calling number's state key (see ``SubjectKey``).
    var callingKey: Int64

    /// Classifies a stored record.
    public init(id: Int64, call: CallRecord, classifier: NumberClassifier, ranges: RiskRanges = RiskRanges()) {
        self.id = id
        self.call = call
        origin = classifier.classify(call.calling)
        destination = classifier.classify(call.dialled)
        direction = CallDirection(calling: origin, dialled: destination, home: classifier.homeRegion)
        dialsAbroad = destination.isE164 && destination.country != classifier.homeRegion
        callsFromAbroad = origin.isE164 && origin.country != classifier.homeRegion
        listed = ranges.count == 0 ? nil : ranges.match(call.dialled)
        callingKey = SubjectKey.number(call.calling)
    }

    /// True when the call was answered.
    public var answered: Bool { call.answer != nil }
    /// Seconds the call rang before it was answered or ended.
    public var ringSeconds: Int64 { (call.answer ?? call.end) - call.start }
}
