import Crypto
import Foundation

/// What a backup holds, written beside its payload once the payload is complete and synced: a backup
/// without a manifest (an interrupted one) is never listed as good. The manifest is authenticated with a
/// key derived from the backup key, so it cannot be edited to match a swapped payload.
public struct BackupManifest: Codable, Sendable, Equatable {
    /// Format version of the payload.
    public var format: Int
    /// When the snapshot was taken (epoch seconds): the point in time a restore recovers to.
    public var createdAt: Int64
    /// The database file the snapshot was taken from.
    public var source: String
    /// The schema version of the snapshot.
    public var schemaVersion: Int64
    /// Rows per table in the snapshot (`records` counts every partition).
    public var counts: [String: Int64]
    /// The payload file's name (in the same folder).
    public var payload: String
    /// Payload bytes.
    public var payloadBytes: Int64
    /// SHA-256 of the payload file, hex.
    public var payloadSHA256: String
    /// Bytes of the snapshot database before compression.
    public var snapshotBytes: Int64
    /// SHA-256 of the snapshot database, hex.
    public var snapshotSHA256: String
    /// Fingerprint of the key that sealed it.
    public var keyFingerprint: String
    /// HMAC-SHA256 of the other fields under the manifest key, hex.
    public var mac: String = ""
    /// The audit log's last entry when the snapshot was taken (id and hash, hex): an anchor outside the
    /// database, so a log later cut short or rewritten from before it fails ``AuditAnchors/check``.
    public var auditHead: AuditHead?

    /// The id and hash of an audit log's last entry.
    public struct AuditHead: Codable, Sendable, Equatable {
        /// The entry's id.
        public var id: Int64
        /// Its chain hash, hex.
        public var hash: String
    }

    enum CodingKeys: String, CodingKey {
        case format, source, counts, payload, mac
        case createdAt = "created_at"
        case schemaVersion = "schema_version"
        case payloadBytes = "payload_bytes"
        case payloadSHA256 = "payload_sha256"
        case snapshotBytes = "snapshot_bytes"
        case snapshotSHA256 = "snapshot_sha256"
        case keyFingerprint = "key_fingerprint"
        case auditHead = "audit_head"
    }

    /// The manifest file name for a payload name.
    static func fileName(payload: String) -> String { payload + ".manifest.json" }

    /// The full records the snapshot holds.
    public var records: Int64 { counts["records"] ?? 0 }

    func canonical() -> Data {
        var unsigned = self
        unsigned.mac = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(unsigned)) ?? Data()
    }

    /// Sets the MAC.
    mutating func sign(_ key: BackupKey) {
        mac = hex(Array(HMAC<SHA256>.authenticationCode(for: canonical(), using: key.manifestKey)))
    }

    /// True when the MAC matches under `key`.
    func isAuthentic(_ key: BackupKey) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(unhex(mac), authenticating: canonical(), using: key.manifestKey)
    }

    /// The manifest as pretty JSON.
    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? encoder.encode(self)) ?? Data()
    }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

func unhex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var high: UInt8?
    for character in text.utf8 {
        guard let value = character.hexValue else { return [] }
        if let h = high {
            bytes.append(h << 4 | value)
            high = nil
        } else {
            high = value
        }
    }
    return bytes
}

extension UInt8 {
    fileprivate var hexValue: UInt8? {
        switch self {
        case 0x30...0x39: self - 0x30
        case 0x61...0x66: self - 0x61 + 10
        default: nil
        }
    }
}
