import CDRModel

/// Decodes one 3GPP TS 32.298 `CSRecord` (a context-tagged CHOICE of `SET`s) into a ``CallRecord``.
///
/// Supported: `moCallRecord [0]`, `mtCallRecord [1]`, and the call-forwarding record `[100]`
/// (`MOCFCallRecord`, as Huawei MSCs write it). Unknown fields are skipped; other record types are
/// rejected by name (they describe no call: SMS, location updates, supplementary-service actions).
enum CSRecordDecoder {
    /// Field tags inside each record type's SET.
    private struct Tags {
        var imsi: UInt32, imei: UInt32, msisdn: UInt32, calling: UInt32, called: UInt32?, translated: UInt32?
        var connected: UInt32, recordingEntity: UInt32, incomingTrunk: UInt32, location: UInt32
        var seizure: UInt32, answer: UInt32, release: UInt32, duration: UInt32, cause: UInt32, reference: UInt32
        var originalCalled: UInt32?
    }

    private static let mobileOriginated = Tags(
        imsi: 1,
        imei: 2,
        msisdn: 3,
        calling: 4,
        called: 5,
        translated: 6,
        connected: 7,
        recordingEntity: 9,
        incomingTrunk: 10,
        location: 12,
        seizure: 22,
        answer: 23,
        release: 24,
        duration: 25,
        cause: 30,
        reference: 32,
        originalCalled: nil
    )
    private static let mobileTerminated = Tags(
        imsi: 1,
        imei: 2,
        msisdn: 3,
        calling: 4,
        called: nil,
        translated: nil,
        connected: 5,
        recordingEntity: 6,
        incomingTrunk: 7,
        location: 9,
        seizure: 19,
        answer: 20,
        release: 21,
        duration: 22,
        cause: 27,
        reference: 29,
        originalCalled: nil
    )
    private static var forwarding: Tags {
        var tags = mobileOriginated
        tags.originalCalled = 142
        return tags
    }

    private static let otherRecords: [UInt32: String] = [
        2: "roamingRecord", 3: "incGatewayRecord", 4: "outGatewayRecord", 5: "transitRecord", 6: "moSMSRecord",
        7: "mtSMSRecord", 8: "moSMSIWRecord", 9: "mtSMSGWRecord", 10: "ssActionRecord", 11: "hlrIntRecord",
        12: "locUpdateHLRRecord", 13: "locUpdateVLRRecord", 14: "commonEquipRecord", 15: "recTypeExtensions",
        16: "termCAMELRecord", 17: "mtLCSRecord", 18: "moLCSRecord", 19: "niLCSRecord",
    ]

    /// The record's name for messages, by CHOICE tag.
    static func name(_ tag: UInt32) -> String {
        switch tag {
        case 0: "moCallRecord"
        case 1: "mtCallRecord"
        case 100: "forwardCallRecord"
        default: otherRecords[tag] ?? "record [\(tag)]"
        }
    }

    /// Decodes the record whose TLV is `b` (header included).
    static func decode(
        _ b: UnsafeRawBufferPointer,
        number: Int,
        context: inout DecodeContext,
        slots fields: inout FieldSlots,
        limit: Int
    ) throws(RecordProblem) -> CallRecord {
        let header: BERHeader
        do {
            header = try BERHeader.read(b, at: 0, limit: limit)
        } catch {
            throw RecordProblem(field: "record", reason: "malformed BER header")
        }
        guard header.tagClass == 2, header.constructed else {
            throw RecordProblem(field: "record", reason: "not a CSRecord (expected a context-tagged SET)")
        }
        let tags: Tags
        switch header.tag {
        case 0: tags = mobileOriginated
        case 1: tags = mobileTerminated
        case 100: tags = forwarding
        default:
            throw RecordProblem(field: "recordType", reason: "\(name(header.tag)) carries no call; not loaded")
        }
        fields.clear()
        var i = header.headerLength
        let end = header.length.map { header.headerLength + $0 } ?? b.count - 2
        while i < end {
            if header.length == nil, b[i] == 0, i + 1 < b.count, b[i + 1] == 0 { break }
            let field: BERHeader
            let size: Int
            do {
                field = try BERHeader.read(b, at: i, limit: limit)
                size = try BERHeader.extent(b, at: i, limit: limit)
            } catch {
                throw RecordProblem(field: "record", reason: "malformed field at byte \(i) of the record")
            }
            guard i + size <= end + (header.length == nil ? 2 : 0) else {
                throw RecordProblem(field: "record", reason: "a field overruns the record")
            }
            if field.tagClass == 2, field.length != nil {
                fields[field.tag] = UnsafeRawBufferPointer(
                    rebasing: b[(i + field.headerLength)..<(i + size)]
                )
            }
            i += size
        }
        return try record(fields, tags: tags, kind: header.tag, number: number, context: &context, limit: limit)
    }

    private static func record(
        _ f: FieldSlots,
        tags: Tags,
        kind: UInt32,
        number: Int,
        context: inout DecodeContext,
        limit: Int
    ) throws(RecordProblem) -> CallRecord {
        func party(_ tag: UInt32?, _ name: String, address: Bool = false) throws(RecordProblem) -> String? {
            guard let tag, let bytes = f[tag] else { return nil }
            guard let digits = address ? BERValue.address(bytes) : BERValue.directoryNumber(bytes) else {
                throw RecordProblem(field: name, reason: "not a BCD number")
            }
            return try context.number(digits, field: name)
        }
        func time(_ tag: UInt32, _ name: String) throws(RecordProblem) -> Int64? {
            guard let bytes = f[tag] else { return nil }
            guard let value = BERValue.timestamp(bytes) else {
                throw RecordProblem(field: name, reason: "not a TimeStamp (9 octets BCD with UTC offset)")
            }
            return value
        }
        let served = try party(tags.msisdn, "servedMSISDN", address: true)
        let callingNumber = try party(tags.calling, "callingNumber")
        var called = try party(tags.called, "calledNumber")
        if called == nil { called = try party(tags.translated, "translatedNumber") }
        let connected = try party(tags.connected, "connectedNumber")
        let seizure = try time(tags.seizure, "seizureTime")
        let answer = try time(tags.answer, "answerTime")
        let release = try time(tags.release, "releaseTime")
        guard let durationBytes = f[tags.duration], let callDuration = BERValue.integer(durationBytes) else {
            throw RecordProblem(field: "callDuration", reason: "missing or not an INTEGER")
        }
        guard let start = seizure ?? answer ?? release.map({ $0 - callDuration }) else {
            throw RecordProblem(field: "seizureTime", reason: "the record has no seizure, answer or release time")
        }
        let end = release ?? (answer ?? start) + callDuration
        let cause = f[tags.cause].flatMap(BERValue.integer) ?? 0
        var calling: String
        var dialled: String
        var diverting: [String] = []
        switch kind {
        case 1:
            calling = callingNumber ?? ""
            dialled = served ?? connected ?? ""
        case 100:
            calling = callingNumber ?? ""
            dialled = called ?? connected ?? ""
            let original = try party(tags.originalCalled, "originalCalledNumber")
            for number in [original, served].compactMap({ $0 }) where number != dialled && !diverting.contains(number) {
                diverting.append(number)
            }
        default:
            calling = served ?? callingNumber ?? ""
            dialled = called ?? connected ?? ""
        }
        /// `TrunkGroup ::= CHOICE { tkgpNumber [0] INTEGER, tkgpName [1] GraphicString }`.
        func trunkGroup(_ tag: UInt32) -> String {
            guard let group = f[tag], let header = try? BERHeader.read(group, at: 0, limit: limit) else { return "" }
            let content = UnsafeRawBufferPointer(rebasing: group[header.headerLength...])
            return header.tag == 0 ? String(BERValue.integer(content) ?? 0) : String(decoding: content, as: UTF8.self)
        }
        let trunk = trunkGroup(tags.incomingTrunk)
        var record = CallRecord(
            calling: calling,
            dialled: dialled,
            diverting: diverting,
            start: start,
            answer: answer,
            end: end,
            duration: end - start,
            billable: answer == nil ? 0 : callDuration,
            disposition: answer != nil ? .answered : cause == 3 || cause == 4 ? .failed : .noAnswer,
            carrier: trunk,
            channel: f[tags.recordingEntity].flatMap(BERValue.address) ?? "",
            sourceID: f[tags.reference].map(BERValue.hex) ?? "",
            sourceLine: number
        )
        record.imsi = f[tags.imsi].flatMap { BERValue.tbcd($0) } ?? ""
        record.imei = f[tags.imei].flatMap { BERValue.tbcd($0) } ?? ""
        record.cell = f[tags.location].map(location) ?? ""
        record.egress = trunkGroup(tags.incomingTrunk + 1)
        return record
    }

    /// `LocationAreaAndCell ::= SEQUENCE { locationAreaCode [0], cellId [1], mCC-MNC [2] OPTIONAL }` as
    /// `MCCMNC-LAC-CI` (hex LAC and CI, as operators write them).
    private static func location(_ b: UnsafeRawBufferPointer) -> String {
        var lac: UnsafeRawBufferPointer?
        var cell: UnsafeRawBufferPointer?
        var network: UnsafeRawBufferPointer?
        var i = 0
        while i < b.count, let header = try? BERHeader.read(b, at: i, limit: b.count), let length = header.length,
            i + header.headerLength + length <= b.count
        {
            let value = UnsafeRawBufferPointer(
                rebasing: b[(i + header.headerLength)..<(i + header.headerLength + length)]
            )
            switch header.tag {
            case 0: lac = value
            case 1: cell = value
            case 2: network = value
            default: break
            }
            i += header.headerLength + length
        }
        return (network.map(BERValue.mccMNC) ?? "") + "-" + (lac.map(BERValue.hex) ?? "") + "-"
            + (cell.map(BERValue.hex) ?? "")
    }
}

extension DecodeContext {
    /// Normalises a number already decoded from BCD.
    func number(_ digits: String, field: String) throws(RecordProblem) -> String {
        do {
            return try numbers.normalise(digits).number
        } catch {
            throw RecordProblem(field: field, reason: error.description)
        }
    }
}

/// The fields of one record by context tag: a fixed table for the tags cdrpipe reads (0–63 and the
/// forwarding record's 142), so decoding allocates nothing per field.
struct FieldSlots {
    private var low = [UnsafeRawBufferPointer?](repeating: nil, count: 64)
    private var originalCalled: UnsafeRawBufferPointer?
    private var used: [Int] = []

    /// Forgets the previous record's fields, touching only the slots it set.
    mutating func clear() {
        for slot in used { low[slot] = nil }
        used.removeAll(keepingCapacity: true)
        originalCalled = nil
    }

    subscript(tag: UInt32) -> UnsafeRawBufferPointer? {
        get { tag < 64 ? low[Int(tag)] : tag == 142 ? originalCalled : nil }
        set {
            if tag < 64 {
                low[Int(tag)] = newValue
                used.append(Int(tag))
            } else if tag == 142 {
                originalCalled = newValue
            }
        }
    }
}
