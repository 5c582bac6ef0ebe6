import CDRModel

/// Decodes one 3GPP TS 32.298 `CSRecord` / Huawei `CallEventRecord` (a context-tagged CHOICE of `SET`s)
/// into a ``CallRecord``.
///
/// Every voice-call record kind is read (``MSCRecordLayout``): MO, MT, roaming, incoming and outgoing
/// gateway, transit, terminating CAMEL, MTRF and call forwarding. Records that describe no voice call
/// (SMS, supplementary-service actions, HLR interrogations, location updates, common equipment, LCS)
/// come back as ``Outcome/skipped(_:)`` with their name. Unknown fields are skipped.
enum CSRecordDecoder {
    /// What one record turned out to be.
    enum Outcome {
        /// A voice-call record.
        case call(CallRecord)
        /// A record of a kind that describes no call, by name.
        case skipped(String)
    }

    /// The record's name for messages, by CHOICE tag.
    static func name(_ tag: UInt32) -> String { MSCRecordLayout.name(tag) }

    /// Decodes the record whose TLV is `b` (header included).
    static func decode(
        _ b: UnsafeRawBufferPointer,
        number: Int,
        context: inout DecodeContext,
        slots fields: inout FieldSlots,
        limit: Int
    ) throws(RecordProblem) -> Outcome {
        let header: BERHeader
        do {
            header = try BERHeader.read(b, at: 0, limit: limit)
        } catch {
            throw RecordProblem(field: "record", reason: "malformed BER header")
        }
        guard header.tagClass == 2, header.constructed else {
            throw RecordProblem(field: "record", reason: "not a CSRecord (expected a context-tagged SET)")
        }
        guard let layout = MSCRecordLayout.of(header.tag) else {
            if let known = MSCRecordLayout.otherRecords[header.tag] { return .skipped(known) }
            throw RecordProblem(field: "recordType", reason: "unknown record kind [\(header.tag)]")
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
                if let length = field.length {
                    size = field.headerLength + length
                } else {
                    size = try BERHeader.extent(b, at: i, limit: limit)
                }
            } catch {
                throw RecordProblem(field: "record", reason: "malformed field at byte \(i) of the record")
            }
            guard i + size <= end + (header.length == nil ? 2 : 0) else {
                throw RecordProblem(field: "record", reason: "a field overruns the record")
            }
            if field.tagClass == 2, field.length != nil {
                fields[field.tag] = UnsafeRawBufferPointer(rebasing: b[(i + field.headerLength)..<(i + size)])
            }
            i += size
        }
        return .call(try record(fields, layout: layout, number: number, context: &context, limit: limit))
    }

    private static func record(
        _ f: FieldSlots,
        layout: MSCRecordLayout,
        number: Int,
        context: inout DecodeContext,
        limit: Int
    ) throws(RecordProblem) -> CallRecord {
        let (calling, dialled, diverting) = try parties(f, layout: layout, context: &context)
        var seizure = try time(f, layout.seizure, "seizureTime", context: &context)
        if seizure == nil { seizure = try time(f, layout.interrogation, "interrogationTime", context: &context) }
        let answer = try time(f, layout.answer, "answerTime", context: &context)
        let release = try time(f, layout.release, "releaseTime", context: &context)
        guard let durationBytes = f[layout.duration], let ticks = BERValue.integer(durationBytes), ticks >= 0 else {
            throw RecordProblem(field: "callDuration", reason: "missing, negative or not an INTEGER")
        }
        let callDuration = (ticks + context.berDurationTicks / 2) / context.berDurationTicks
        let sequence = layout.sequence.flatMap { f[$0] }.flatMap(BERValue.integer) ?? 0
        guard sequence >= 0, sequence < 1 << 20 else {
            throw RecordProblem(field: "sequenceNumber", reason: "sequence number \(sequence) out of range")
        }
        let part = Int(sequence)
        let callStart = part > 1 ? answer ?? seizure : seizure ?? answer
        guard let start = callStart ?? release.map({ $0 - callDuration }) else {
            throw RecordProblem(field: "seizureTime", reason: "the record has no seizure, answer or release time")
        }
        let end = release ?? (answer ?? start) + callDuration
        let cause = f[layout.cause].flatMap(BERValue.integer) ?? 0
        var record = CallRecord(
            calling: calling,
            dialled: dialled,
            diverting: diverting,
            start: start,
            answer: answer,
            end: end,
            duration: end - start,
            billable: answer == nil ? 0 : min(callDuration, end - start),
            disposition: answer != nil ? .answered : cause == 3 || cause == 4 ? .failed : .noAnswer,
            carrier: route(f, layout.incomingRoute, limit: limit),
            channel: layout.recordingEntity.flatMap { f[$0] }.flatMap { BERValue.address($0) } ?? "",
            sourceID: f[layout.reference].map(BERValue.hex) ?? "",
            sourceLine: number
        )
        record.imsi = layout.imsi.flatMap { f[$0] }.flatMap { BERValue.tbcd($0) } ?? ""
        record.imei = layout.imei.flatMap { f[$0] }.flatMap { BERValue.tbcd($0) } ?? ""
        record.cell = layout.location.flatMap { f[$0] }.map(location) ?? ""
        record.egress = route(f, layout.outgoingRoute, limit: limit)
        record.leg = layout.leg
        record.part = part
        return record
    }

    /// The calling and dialled numbers and the diverting ones, by the record's leg: the served MSISDN is
    /// the caller of a mobile-originated record and the callee of a mobile-terminated one.
    private static func parties(
        _ f: FieldSlots,
        layout: MSCRecordLayout,
        context: inout DecodeContext
    ) throws(RecordProblem) -> (calling: String, dialled: String, diverting: [String]) {
        func party(_ tag: UInt32?, _ name: String, address: Bool = false) throws(RecordProblem) -> String? {
            guard let tag, let bytes = f[tag] else { return nil }
            return try context.number(bcd: bytes, address: address, field: name)
        }
        let served = try party(layout.msisdn, "servedMSISDN", address: true)
        let callingNumber = try party(layout.calling, "callingNumber")
        var called = try party(layout.called, "calledNumber")
        if called == nil { called = try party(layout.translated, "translatedNumber") }
        let connected = try party(layout.connected, "connectedNumber")
        let original = try party(layout.originalCalled, "originalCalledNumber")
        var calling = callingNumber ?? ""
        var dialled = called ?? connected ?? ""
        var diverting: [String] = []
        switch layout.leg {
        case .mobileOriginated:
            calling = served ?? callingNumber ?? ""
        case .forwarded:
            for number in [original, served].compactMap({ $0 }) where number != dialled && !diverting.contains(number) {
                diverting.append(number)
            }
        case .mobileTerminated, .roaming, .terminatingCAMEL, .roamingForwarding:
            dialled = served ?? called ?? connected ?? ""
            if let original, original != dialled { diverting.append(original) }
        case .call, .incomingGateway, .outgoingGateway, .transit:
            break
        }
        return (calling, dialled, diverting)
    }

    /// The time in field `tag`, nil when absent or all zero.
    private static func time(
        _ f: FieldSlots,
        _ tag: UInt32?,
        _ name: String,
        context: inout DecodeContext
    ) throws(RecordProblem) -> Int64? {
        guard let tag, let bytes = f[tag] else { return nil }
        switch BERValue.timestamp(bytes, clock: &context.clock) {
        case .some(let value?): return value
        case .some(nil): return nil
        case nil:
            throw RecordProblem(
                field: name,
                reason: "not a TimeStamp (BCD YYMMDDhhmmss, optional tenths or hundredths, optional UTC offset)"
            )
        }
    }

    /// `TrunkGroup ::= CHOICE { tkgpNumber [0] INTEGER, tkgpName [1] GraphicString }` (Huawei `ROUTE`).
    private static func route(_ f: FieldSlots, _ tag: UInt32?, limit: Int) -> String {
        guard let tag, let group = f[tag], let header = try? BERHeader.read(group, at: 0, limit: limit),
            let length = header.length, header.headerLength + length <= group.count
        else { return "" }
        let content = UnsafeRawBufferPointer(rebasing: group[header.headerLength..<(header.headerLength + length)])
        return header.tag == 0 ? String(BERValue.integer(content) ?? 0) : String(decoding: content, as: UTF8.self)
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
    /// Normalises a BCD-coded number (an AddressString, or a BCDDirectoryNumber with its optional octet
    /// 3a) without building intermediate strings: international numbers (type 1) as they are, national
    /// ones (type 2) behind the home country code, numbers of unknown type through the number plan as
    /// dialled. Nil when the number has no digits.
    func number(bcd b: UnsafeRawBufferPointer, address: Bool, field: String) throws(RecordProblem) -> String? {
        guard b.count >= 1, b.count <= 24 else { throw RecordProblem(field: field, reason: "not a BCD number") }
        let skip = address || b[0] & 0x80 != 0 ? 1 : 2
        guard b.count >= skip else { throw RecordProblem(field: field, reason: "not a BCD number") }
        if address && b.count < 2 { throw RecordProblem(field: field, reason: "not a BCD number") }
        let typeOfNumber = (b[0] >> 4) & 0x07
        let result = withUnsafeTemporaryAllocation(byteCount: 64, alignment: 1) {
            out -> Result<String?, RecordProblem> in
            var n = 0
            if typeOfNumber == 1 || typeOfNumber == 2 {
                out[0] = UInt8(ascii: "+")
                n = 1
                if typeOfNumber == 2 {
                    for digit in numbers.plan.countryCode.utf8 where n < 8 {
                        out[n] = digit
                        n += 1
                    }
                }
            }
            let prefix = n
            for byte in b[skip...] {
                let low = byte & 0x0F
                if low == 0x0F { break }
                out[n] = BERValue.symbol(low)
                n += 1
                let high = byte >> 4
                if high == 0x0F { break }
                out[n] = BERValue.symbol(high)
                n += 1
            }
            if n == prefix { return .success(nil) }
            do throws(NumberProblem) {
                return .success(try numbers.normalise(UnsafeRawBufferPointer(rebasing: out[0..<n])).number)
            } catch {
                return .failure(RecordProblem(field: field, reason: error.description))
            }
        }
        return try result.get()
    }
}

/// The fields of one record by context tag: a fixed table for tags 0–511 (Huawei's extensions reach past
/// 270), so decoding allocates nothing per field; only the slots a record set are cleared.
struct FieldSlots {
    private var slots = [UnsafeRawBufferPointer?](repeating: nil, count: 512)
    private var used: [Int] = []

    /// Forgets the previous record's fields, touching only the slots it set.
    mutating func clear() {
        for slot in used { slots[slot] = nil }
        used.removeAll(keepingCapacity: true)
    }

    subscript(tag: UInt32) -> UnsafeRawBufferPointer? {
        get { tag < 512 ? slots[Int(tag)] : nil }
        set {
            guard tag < 512 else { return }
            slots[Int(tag)] = newValue
            used.append(Int(tag))
        }
    }
}
