import CDRModel
import NIOCore

/// Writes records as PostgreSQL `COPY` text-format rows (tab-separated, `\N` for null, backslash escapes).
struct CopyEncoder {
    private(set) var buffer = ByteBuffer()
    private(set) var rows = 0

    mutating func append(_ r: CallRecord, key: RecordKey, fileID: Int64) {
        buffer.writeStaticString("\\\\x")
        for byte in key.bytes {
            buffer.writeInteger(Self.hexDigits[Int(byte >> 4)])
            buffer.writeInteger(Self.hexDigits[Int(byte & 0xF)])
        }
        tab()
        text(r.calling)
        tab()
        text(r.dialled)
        tab()
        buffer.writeStaticString("{")
        for (index, number) in r.diverting.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString("\"")
            for byte in number.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { buffer.writeStaticString("\\\\") }
                escaped(byte)
            }
            buffer.writeStaticString("\"")
        }
        buffer.writeStaticString("}")
        for value in [r.start] as [Int64] {
            tab()
            buffer.writeString(String(value))
        }
        tab()
        if let answer = r.answer { buffer.writeString(String(answer)) } else { buffer.writeStaticString("\\N") }
        for value in [r.end, r.duration, r.billable, Int64(r.disposition.rawValue)] {
            tab()
            buffer.writeString(String(value))
        }
        for field in [r.carrier, r.channel, r.account, r.sourceID] {
            tab()
            text(field)
        }
        tab()
        buffer.writeString(String(fileID))
        tab()
        buffer.writeString(String(r.sourceLine))
        for field in [r.imsi, r.imei, r.cell, r.egress] {
            tab()
            text(field)
        }
        buffer.writeStaticString("\n")
        rows += 1
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func tab() { buffer.writeStaticString("\t") }

    private mutating func text(_ value: String) {
        for byte in value.utf8 { escaped(byte) }
    }

    private mutating func escaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
        case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
        case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
        case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
        default: buffer.writeInteger(byte)
        }
    }
}
