import CDRModel
import NIOCore

/// Writes records as PostgreSQL `COPY` text-format rows (tab-separated, `\N` for null, backslash escapes).
/// Rows are built in a byte array, text copied whole unless it holds a byte that needs escaping, and
/// handed over as one buffer.
struct CopyEncoder {
    private var bytes: [UInt8] = []
    private(set) var rows = 0

    /// The rows written so far.
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    mutating func append(_ r: CallRecord, key: RecordKey, fileID: Int64) {
        if bytes.isEmpty { bytes.reserveCapacity(1 << 20) }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "x"))
        for byte in key.bytes {
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0xF)])
        }
        tab()
        text(r.calling)
        tab()
        text(r.dialled)
        tab()
        bytes.append(UInt8(ascii: "{"))
        for (index, number) in r.diverting.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in number.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(UInt8(ascii: "\\"))
                }
                escaped(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        tab()
        integer(r.start)
        tab()
        if let answer = r.answer {
            integer(answer)
        } else {
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(UInt8(ascii: "N"))
        }
        for value in [r.end, r.duration, r.billable, Int64(r.disposition.rawValue)] {
            tab()
            integer(value)
        }
        for field in [r.carrier, r.channel, r.account, r.sourceID] {
            tab()
            text(field)
        }
        tab()
        integer(fileID)
        tab()
        integer(Int64(r.sourceLine))
        for field in [r.imsi, r.imei, r.cell, r.egress] {
            tab()
            text(field)
        }
        tab()
        integer(Int64(r.leg.rawValue))
        tab()
        integer(Int64(r.part))
        bytes.append(UInt8(ascii: "\n"))
        rows += 1
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func tab() { bytes.append(UInt8(ascii: "\t")) }

    /// Decimal digits of a value.
    private mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64) = (0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(scratch[index]) }
        }
    }

    /// A text field, escaped where it must be.
    private mutating func text(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(where: Self.needsEscape) {
                bytes.append(contentsOf: utf8)
            } else {
                for byte in utf8 { escaped(byte) }
            }
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        default: bytes.append(byte)
        }
    }
}
