import CDRModel

/// Encodes generated calls as 3GPP TS 32.298 `CSRecord`s in BER: an `moCallRecord` per call, or the
/// call-forwarding record `[100]` (Huawei `MOCFCallRecord`) when the call was diverted. Busy, failed and congested calls become
/// unsuccessful attempts (`causeForTerm` 3), unanswered ones normal releases (0).
public enum BERWriter {
    /// The record bytes for one call.
    /// In a forwarding record the served subscriber is the one who diverted the call (`diverting`), the
    /// calling number is the original caller and the called number is where the call was forwarded to.
    public static func record(_ c: GeneratedCall, number: Int) -> [UInt8] {
        let msisdn = international(c.diverting ?? c.source)
        var fields: [UInt8] = []
        fields += tlv(0, primitive: integer(c.diverting == nil ? 0 : 100))
        fields += tlv(1, primitive: tbcd(c.imsi ?? "23415" + String(msisdn.suffix(10))))
        fields += tlv(2, primitive: tbcd(c.imei ?? "35" + String(msisdn.suffix(12)) + "0"))
        fields += tlv(3, primitive: [0x91] + tbcd(msisdn))
        if c.diverting != nil { fields += tlv(4, primitive: [0x81] + tbcd(c.source)) }
        fields += tlv(5, primitive: [0x81] + tbcd(c.destination))
        fields += tlv(9, primitive: [0x91] + tbcd("447700900001"))
        let trunk = GeneratedCall.trunk(of: c.channel)
        fields += tlv(10, constructed: tlv(1, primitive: Array(trunk.utf8)))
        let egress = GeneratedCall.trunk(of: c.destinationChannel)
        fields += tlv(11, constructed: tlv(1, primitive: Array(egress.utf8)))
        let cell: [UInt8] = c.cellID.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? [0x56, UInt8(number % 256)]
        fields += tlv(12, constructed: tlv(0, primitive: [0x12, 0x34]) + tlv(1, primitive: cell))
        fields += tlv(22, primitive: timestamp(c.start))
        if let answer = c.answer { fields += tlv(23, primitive: timestamp(answer)) }
        fields += tlv(24, primitive: timestamp(c.end))
        fields += tlv(25, primitive: integer(c.answer.map { c.end - $0 } ?? (c.end - c.start)))
        fields += tlv(30, primitive: integer(c.answer != nil || c.disposition == .noAnswer ? 0 : 3))
        fields += tlv(32, primitive: Array(withUnsafeBytes(of: UInt32(number).bigEndian) { Array($0) }))
        if let diverting = c.diverting { fields += tlv(142, primitive: [0x81] + tbcd(diverting)) }
        return tlv(c.diverting == nil ? 0 : 100, constructed: fields)
    }

    /// How generated records are framed in a file.
    public enum Framing: String, Sendable, CaseIterable {
        /// `CSRecord` after `CSRecord`.
        case records
        /// One MSC `CallEventDataFile`: header, the records, and a trailer with their count and first and
        /// last call times, every length definite (4-octet long form).
        case msc
    }

    /// The bytes an MSC `CallEventDataFile` puts before and after `recordBytes` bytes of `records` records
    /// whose calls start between `firstCall` and `lastCall`, produced at `produced`.
    public static func callEventDataFile(
        recordBytes: Int,
        records: Int,
        firstCall: Int64,
        lastCall: Int64,
        produced: Int64
    ) -> (head: [UInt8], tail: [UInt8]) {
        let entity = [UInt8(0x91)] + tbcd("447700900001")
        let header = tlv(
            0,
            constructed: tlv(0, primitive: timestamp(produced)) + tlv(1, primitive: entity) + tlv(2, constructed: [])
        )
        let trailer = tlv(
            2,
            constructed: tlv(0, primitive: timestamp(produced)) + tlv(1, primitive: entity)
                + tlv(2, primitive: timestamp(firstCall)) + tlv(3, primitive: timestamp(lastCall))
                + tlv(4, primitive: integer(Int64(records))) + tlv(5, constructed: [])
        )
        let list = [0xA1, 0x84] + fourOctets(recordBytes)
        let outer = header.count + list.count + recordBytes + trailer.count
        return ([0x30, 0x84] + fourOctets(outer) + header + list, trailer)
    }

    private static func fourOctets(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }

    /// `07911123456` → `447911123456`; numbers already international keep their digits.
    private static func international(_ number: String) -> String {
        if number.hasPrefix("00") { return String(number.dropFirst(2)) }
        if number.hasPrefix("0") { return "44" + number.dropFirst() }
        return number
    }

    private static func tbcd(_ digits: String) -> [UInt8] {
        var nibbles = digits.utf8.map { $0 &- 0x30 }
        if nibbles.count % 2 == 1 { nibbles.append(0x0F) }
        return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] | nibbles[$0 + 1] << 4 }
    }

    private static func timestamp(_ epoch: Int64) -> [UInt8] {
        let day = CallRecord.dayOf(epoch)
        let (y, m, d) = CivilTime.date(days: day)
        let seconds = epoch - day * UTCDay.seconds
        let parts = [y % 100, m, d, seconds / 3600, seconds / 60 % 60, seconds % 60]
        return parts.map { UInt8($0 / 10) << 4 | UInt8($0 % 10) } + [UInt8(ascii: "+"), 0, 0]
    }

    private static func integer(_ value: Int64) -> [UInt8] {
        var bytes = withUnsafeBytes(of: value.bigEndian) { Array($0) }
        while bytes.count > 1, bytes[0] == 0, bytes[1] & 0x80 == 0 { bytes.removeFirst() }
        return bytes
    }

    private static func identifier(_ tag: UInt32, constructed: Bool) -> [UInt8] {
        let first: UInt8 = 0x80 | (constructed ? 0x20 : 0)
        if tag < 31 { return [first | UInt8(tag)] }
        var groups: [UInt8] = [UInt8(tag & 0x7F)]
        var rest = tag >> 7
        while rest > 0 {
            groups.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
            rest >>= 7
        }
        return [first | 0x1F] + groups
    }

    private static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var rest = count
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    private static func tlv(_ tag: UInt32, primitive content: [UInt8]) -> [UInt8] {
        identifier(tag, constructed: false) + length(content.count) + content
    }

    private static func tlv(_ tag: UInt32, constructed content: [UInt8]) -> [UInt8] {
        identifier(tag, constructed: true) + length(content.count) + content
    }
}
