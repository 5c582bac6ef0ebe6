import CDRModel

/// Where each field cdrpipe reads sits in one kind of voice-call record: the context tags of the
/// record's SET, from 3GPP TS 32.298 (CSChargingDataTypes) and the Huawei CS module's extensions.
struct MSCRecordLayout {
    /// The leg the record describes.
    var leg: CallLeg
    var imsi: UInt32?
    var imei: UInt32?
    var msisdn: UInt32?
    var calling: UInt32?
    var called: UInt32?
    var translated: UInt32?
    var connected: UInt32?
    var originalCalled: UInt32?
    var recordingEntity: UInt32?
    var incomingRoute: UInt32?
    var outgoingRoute: UInt32?
    var location: UInt32?
    /// The time a CAMEL record's service was interrogated: its start when it has no seizure time.
    var interrogation: UInt32?
    var seizure: UInt32
    var answer: UInt32
    var release: UInt32
    var duration: UInt32
    var cause: UInt32
    var reference: UInt32
    var sequence: UInt32?
    var partialType: UInt32?

    /// The layout of the voice-call record with CHOICE tag `tag`, or nil for a record that is no call.
    static func of(_ tag: UInt32) -> MSCRecordLayout? {
        switch tag {
        case 0: mobileOriginated
        case 1: mobileTerminated
        case 2: roaming
        case 3: gateway(.incomingGateway)
        case 4: gateway(.outgoingGateway)
        case 5: transit
        case 16: terminatingCAMEL
        case 21: roamingForwarding
        case 100: forwarding
        default: nil
        }
    }

    /// The names of the records that describe no voice call, by CHOICE tag: counted and skipped.
    static let otherRecords: [UInt32: String] = [
        6: "moSMSRecord", 7: "mtSMSRecord", 8: "moSMSIWRecord", 9: "mtSMSGWRecord", 10: "ssActionRecord",
        11: "hlrIntRecord", 12: "locUpdateHLRRecord", 13: "locUpdateVLRRecord", 14: "commonEquipRecord",
        15: "recTypeExtensions", 17: "mtLCSRecord", 18: "moLCSRecord", 19: "niLCSRecord", 20: "mSCsRVCCRecord",
        22: "iCSregisterRecord", 23: "ssInvocationEventRecord", 96: "soCallRecord", 97: "stCallRecord",
        98: "soSMSRecord", 99: "stSMSRecord",
    ]

    /// The record's name for messages and summaries, by CHOICE tag.
    static func name(_ tag: UInt32) -> String {
        switch tag {
        case 0: "moCallRecord"
        case 1: "mtCallRecord"
        case 2: "roamingRecord"
        case 3: "incGatewayRecord"
        case 4: "outGatewayRecord"
        case 5: "transitRecord"
        case 16: "termCAMELRecord"
        case 21: "mtrfCallRecord"
        case 100: "forwardCallRecord"
        default: otherRecords[tag] ?? "record [\(tag)]"
        }
    }

    static let mobileOriginated = MSCRecordLayout(
        leg: .mobileOriginated,
        imsi: 1,
        imei: 2,
        msisdn: 3,
        calling: 4,
        called: 5,
        translated: 6,
        connected: 7,
        originalCalled: 142,
        recordingEntity: 9,
        incomingRoute: 10,
        outgoingRoute: 11,
        location: 12,
        seizure: 22,
        answer: 23,
        release: 24,
        duration: 25,
        cause: 30,
        reference: 32,
        sequence: 33,
        partialType: 69
    )

    static var forwarding: MSCRecordLayout {
        var layout = mobileOriginated
        layout.leg = .forwarded
        return layout
    }

    static let mobileTerminated = MSCRecordLayout(
        leg: .mobileTerminated,
        imsi: 1,
        imei: 2,
        msisdn: 3,
        calling: 4,
        called: 205,
        translated: 245,
        connected: 5,
        originalCalled: 142,
        recordingEntity: 6,
        incomingRoute: 7,
        outgoingRoute: 8,
        location: 9,
        seizure: 19,
        answer: 20,
        release: 21,
        duration: 22,
        cause: 27,
        reference: 29,
        sequence: 30,
        partialType: 54
    )

    static let roaming = MSCRecordLayout(
        leg: .roaming,
        imsi: 1,
        msisdn: 2,
        calling: 3,
        recordingEntity: 5,
        incomingRoute: 6,
        outgoingRoute: 7,
        seizure: 12,
        answer: 13,
        release: 14,
        duration: 15,
        cause: 17,
        reference: 19,
        sequence: 20,
        partialType: 30
    )

    static func gateway(_ leg: CallLeg) -> MSCRecordLayout {
        MSCRecordLayout(
            leg: leg,
            calling: 1,
            called: 2,
            recordingEntity: 3,
            incomingRoute: 4,
            outgoingRoute: 5,
            seizure: 6,
            answer: 7,
            release: 8,
            duration: 9,
            cause: 11,
            reference: 13,
            sequence: 14
        )
    }

    static let transit = MSCRecordLayout(
        leg: .transit,
        calling: 4,
        called: 5,
        translated: 245,
        recordingEntity: 1,
        incomingRoute: 2,
        outgoingRoute: 3,
        seizure: 7,
        answer: 8,
        release: 9,
        duration: 10,
        cause: 12,
        reference: 14,
        sequence: 15
    )

    static let terminatingCAMEL = MSCRecordLayout(
        leg: .terminatingCAMEL,
        imsi: 1,
        msisdn: 2,
        calling: 13,
        called: 12,
        recordingEntity: 3,
        incomingRoute: 14,
        outgoingRoute: 15,
        interrogation: 4,
        seizure: 16,
        answer: 17,
        release: 18,
        duration: 19,
        cause: 21,
        reference: 23,
        sequence: 24,
        partialType: 42
    )

    static let roamingForwarding = MSCRecordLayout(
        leg: .roamingForwarding,
        imsi: 1,
        imei: 2,
        msisdn: 3,
        calling: 4,
        recordingEntity: 6,
        incomingRoute: 7,
        outgoingRoute: 8,
        seizure: 10,
        answer: 11,
        release: 12,
        duration: 13,
        cause: 14,
        reference: 16,
        sequence: 17,
        partialType: 19
    )
}
