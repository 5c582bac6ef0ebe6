import CDRModel

/// ITU-T Q.850 release causes, by FreeSWITCH name and by number, mapped to dispositions of calls that
/// were not answered.
public enum HangupCause {
    /// The disposition of an unanswered call released with this FreeSWITCH cause name.
    public static func disposition(_ name: String) -> Disposition {
        switch name {
        case "USER_BUSY": .busy
        case "NO_ANSWER", "NO_USER_RESPONSE", "ALLOTTED_TIMEOUT", "NORMAL_CLEARING", "MEDIA_TIMEOUT": .noAnswer
        case "ORIGINATOR_CANCEL", "LOSE_RACE", "PICKED_OFF", "CALL_AWARDED_DELIVERED", "ATTENDED_TRANSFER",
            "BLIND_TRANSFER":
            .cancelled
        case "NORMAL_CIRCUIT_CONGESTION", "SWITCH_CONGESTION", "NETWORK_OUT_OF_ORDER", "NORMAL_TEMPORARY_FAILURE",
            "REQUESTED_CHAN_UNAVAIL", "RESOURCE_UNAVAILABLE", "GATEWAY_DOWN", "SERVICE_UNAVAILABLE":
            .congestion
        case "CALL_REJECTED", "UNALLOCATED_NUMBER", "NO_ROUTE_DESTINATION", "NO_ROUTE_TRANSIT_NET",
            "INVALID_NUMBER_FORMAT", "INCOMPATIBLE_DESTINATION", "FACILITY_REJECTED", "USER_NOT_REGISTERED",
            "SUBSCRIBER_ABSENT", "DESTINATION_OUT_OF_ORDER", "MANDATORY_IE_MISSING", "RECOVERY_ON_TIMER_EXPIRE",
            "NUMBER_CHANGED", "BEARERCAPABILITY_NOTAUTH", "OUTGOING_CALL_BARRED", "INCOMING_CALL_BARRED",
            "PROGRESS_TIMEOUT", "NORMAL_UNSPECIFIED", "EXCHANGE_ROUTING_ERROR", "CHAN_NOT_IMPLEMENTED":
            .failed
        default: .unknown
        }
    }

    /// The disposition of an unanswered call released with this Q.850 cause number (CUCM writes them).
    public static func disposition(code: Int64) -> Disposition {
        switch code {
        case 17: .busy
        case 18, 19: .noAnswer
        case 0, 16, 31: .cancelled
        case 34, 38, 41, 42, 44, 47: .congestion
        case 1...15, 20...30, 50...127: .failed
        default: .unknown
        }
    }
}
