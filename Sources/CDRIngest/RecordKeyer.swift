import CDRModel
import Crypto

/// Computes ``RecordKey``s: SHA-256 over a record's normalised fields followed by its raw source
/// bytes, truncated to 128 bits. Reuses one buffer; one per parsing thread.
public struct RecordKeyer {
    private var buffer: [UInt8] = []

    /// Creates a keyer.
    public init() { buffer.reserveCapacity(1024) }

    /// The content key of a record read from `raw`.
    public mutating func key(for r: CallRecord, raw: UnsafeRawBufferPointer) -> RecordKey {
        buffer.removeAll(keepingCapacity: true)
        func text(_ s: String) {
            buffer.append(contentsOf: s.utf8)
            buffer.append(0)
        }
        func int(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
        text(r.calling)
        text(r.dialled)
        for number in r.diverting { text(number) }
        buffer.append(0x1E)
        int(r.start)
        int(r.answer ?? -1)
        int(r.end)
        int(r.duration)
        int(r.billable)
        buffer.append(r.disposition.rawValue)
        text(r.carrier)
        text(r.channel)
        text(r.account)
        text(r.sourceID)
        text(r.imsi)
        text(r.imei)
        text(r.cell)
        buffer.append(contentsOf: raw)
        let digest = SHA256.hash(data: buffer)
        return digest.withUnsafeBytes { bytes in
            RecordKey(
                high: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self).bigEndian,
                low: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self).bigEndian
            )
        }
    }
}
