/// Which leg of a call a record describes: a whole call as a PBX writes it, or one of the records a
/// mobile switch (MSC) writes for its part in a call.
///
/// One call through an MSC network usually leaves two records (MO and MT for an on-net call, MO and
/// outgoing gateway for a call leaving the network, incoming gateway and MT for one arriving). All are
/// stored; aggregates count a call once, at the leg where it entered the network (``countsAsCall``).
public enum CallLeg: UInt8, Sendable, Hashable, Codable, CaseIterable {
    /// A whole call (CSV dialects: Asterisk, FreeSWITCH, CUCM, operator exports).
    case call = 0
    /// Mobile originated (`moCallRecord [0]`): the served subscriber called out.
    case mobileOriginated = 1
    /// Mobile terminated (`mtCallRecord [1]`): the served subscriber was called.
    case mobileTerminated = 2
    /// Roaming (`roamingRecord [2]`): a call routed to a roaming number.
    case roaming = 3
    /// Incoming gateway (`incGatewayRecord [3]`): a call arriving from another network.
    case incomingGateway = 4
    /// Outgoing gateway (`outGatewayRecord [4]`): a call leaving for another network.
    case outgoingGateway = 5
    /// Transit (`transitRecord [5]`): a call passing through between two other networks.
    case transit = 6
    /// Terminating CAMEL (`termCAMELRecord [16]`): an intelligent-network leg of a terminated call.
    case terminatingCAMEL = 7
    /// Mobile terminated roaming forwarding (`mtrfCallRecord [21]`).
    case roamingForwarding = 8
    /// Call forwarding (`forwardCallRecord [100]`): the forwarded leg, charged to the forwarding party.
    case forwarded = 9

    /// The name stored and shown (`mo`, `gateway-in`, …).
    public var name: String {
        switch self {
        case .call: "call"
        case .mobileOriginated: "mo"
        case .mobileTerminated: "mt"
        case .roaming: "roaming"
        case .incomingGateway: "gateway-in"
        case .outgoingGateway: "gateway-out"
        case .transit: "transit"
        case .terminatingCAMEL: "camel-terminating"
        case .roamingForwarding: "mtrf"
        case .forwarded: "forwarded"
        }
    }

    /// Whether aggregates and fraud detection count a call at this leg: where it entered the network
    /// (a whole call, a subscriber calling out, a forwarded leg, a call arriving at a gateway, a transit
    /// call). The other legs of the same call are stored and exported but not counted again.
    public var countsAsCall: Bool {
        switch self {
        case .call, .mobileOriginated, .forwarded, .incomingGateway, .transit: true
        case .mobileTerminated, .roaming, .outgoingGateway, .terminatingCAMEL, .roamingForwarding: false
        }
    }
}
