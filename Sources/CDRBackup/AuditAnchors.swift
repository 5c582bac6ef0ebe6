import CDRStorage

/// Checks an audit log against the heads its backups recorded: every authentic manifest on a shelf names the
/// id and hash of the log's last entry when it was taken, so a log cut short (entries deleted from the end)
/// or rewritten and its chain recomputed, anywhere before the newest backup, no longer matches.
public enum AuditAnchors {
    /// What disagrees between `log` and the anchors of the backups on `shelf`; empty when all match.
    /// Returns the number of anchors checked too.
    public static func check(
        _ log: any AuditLog,
        shelf: BackupShelf,
        key: BackupKey
    ) throws -> (anchors: Int, problems: [String]) {
        var problems: [String] = []
        var anchors = 0
        for entry in shelf.list() {
            guard let manifest = entry.manifest, manifest.keyFingerprint == key.fingerprint,
                manifest.isAuthentic(key), let head = manifest.auditHead
            else { continue }
            anchors += 1
            guard let found = try log.auditEntries(after: head.id - 1, limit: 1).first, found.id == head.id else {
                problems.append(
                    "entry \(head.id), the last one when \(manifest.payload) was taken, is missing: the log was cut short"
                )
                continue
            }
            if hex(found.hash) != head.hash {
                problems.append(
                    "entry \(head.id) does not have the hash \(manifest.payload) recorded: the log was rewritten before it"
                )
            }
        }
        return (anchors, problems)
    }
}
