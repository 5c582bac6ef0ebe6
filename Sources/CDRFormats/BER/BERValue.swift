import CDRModel

/// Decoders for the primitive 3GPP/MAP types CS CDRs carry.
enum BERValue {
    /// An unsigned or two's-complement INTEGER up to 8 octets.
    static func integer(_ b: UnsafeRawBufferPointer) -> Int64? {
        guard !b.isEmpty, b.count <= 8 else { return nil }
        var value: Int64 = b[0] & 0x80 != 0 ? -1 : 0
        for byte in b { value = value << 8 | Int64(byte) }
        return value
    }

    /// TBCD digits (IMSI, IMEI, and the digits of address strings): low nibble first, `F` filler.
    static func tbcd(_ b: UnsafeRawBufferPointer) -> String? {
        String(unsafeUninitializedCapacity: b.count * 2) { out in
            var n = 0
            for byte in b {
                let low = byte & 0x0F
                guard low != 0x0F else { return n }
                out[n] = symbol(low)
                n += 1
                let high = byte >> 4
                guard high != 0x0F else { return n }
                out[n] = symbol(high)
                n += 1
            }
            return n
        }
    }

    @inline(__always)
    static func symbol(_ nibble: UInt8) -> UInt8 {
        switch nibble {
        case 0...9: nibble + 0x30
        case 0x0A: UInt8(ascii: "*")
        case 0x0B: UInt8(ascii: "#")
        default: nibble - 0x0C + UInt8(ascii: "a")
        }
    }

    /// An AddressString (recording entity, MSC address) as written: `+` and the digits for an international
    /// one (nature of address 1), the digits alone otherwise.
    static func address(_ b: UnsafeRawBufferPointer) -> String? {
        guard b.count >= 2, let digits = tbcd(UnsafeRawBufferPointer(rebasing: b.dropFirst())) else { return nil }
        return (b[0] >> 4) & 0x07 == 1 ? "+" + digits : digits
    }

    /// A TimeStamp as UTC epoch seconds; `.some(nil)` for the all-zero "not given" value, nil when malformed.
    ///
    /// Accepted: TS 32.298's 9 octets (BCD `YYMMDDhhmmss`, an ASCII sign, BCD `hhmm` offset from UTC); the
    /// vendor variants with one more BCD octet of tenths or hundredths after the seconds (10 octets with an
    /// offset, 7 without); and 6 octets without an offset, read as the switch's local time under `clock`.
    /// Fractions of a second are dropped. Years 00–69 are 2000–2069, 70–99 are 1970–1999.
    static func timestamp(_ b: UnsafeRawBufferPointer, clock: inout LocalTimeConverter) -> Int64?? {
        guard [6, 7, 9, 10].contains(b.count) else { return nil }
        if b.allSatisfy({ $0 == 0 }) { return .some(nil) }
        func bcd(_ i: Int) -> Int64? {
            let high = b[i] >> 4
            let low = b[i] & 0x0F
            guard high < 10, low < 10 else { return nil }
            return Int64(high) * 10 + Int64(low)
        }
        guard let yy = bcd(0), let month = bcd(1), let day = bcd(2), let hour = bcd(3), let minute = bcd(4),
            let second = bcd(5)
        else { return nil }
        let year = yy < 70 ? 2000 + yy : 1900 + yy
        guard
            let local = CivilTime.epoch(
                year: year,
                month: month,
                day: day,
                hour: hour,
                minute: minute,
                second: second
            )
        else { return nil }
        if b.count == 7, bcd(6) == nil { return nil }
        guard b.count >= 9 else { return clock.utc(fromLocal: local) }
        let sign = b.count - 3
        guard b[sign] == UInt8(ascii: "+") || b[sign] == UInt8(ascii: "-"), let offsetHours = bcd(sign + 1),
            let offsetMinutes = bcd(sign + 2), offsetHours <= 14, offsetMinutes < 60
        else { return nil }
        if b.count == 10, bcd(6) == nil { return nil }
        let offset = (offsetHours * 3600 + offsetMinutes * 60) * (b[sign] == UInt8(ascii: "+") ? 1 : -1)
        return local - offset
    }

    /// MCC and MNC as TS 24.008 packs them in 3 octets (MCC2|MCC1, MNC3|MCC3, MNC2|MNC1): `23415`.
    static func mccMNC(_ b: UnsafeRawBufferPointer) -> String {
        guard b.count == 3 else { return hex(b) }
        let nibbles: [UInt8] = [b[0] & 0x0F, b[0] >> 4, b[1] & 0x0F, b[2] & 0x0F, b[2] >> 4, b[1] >> 4]
        return String(nibbles.prefix { $0 < 10 }.map { Character(Unicode.Scalar($0 + 0x30)) })
    }

    /// Octets as lower-case hex (call reference numbers).
    static func hex(_ b: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: b.count * 2) { out in
            for (i, byte) in b.enumerated() {
                out[2 * i] = hexDigit(byte >> 4)
                out[2 * i + 1] = hexDigit(byte & 0x0F)
            }
            return b.count * 2
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble + 0x30 : nibble - 10 + 0x61 }
}
