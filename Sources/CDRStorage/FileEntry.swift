import CDRModel

/// One row of the ingested-files registry.
public struct FileEntry: Sendable, Equatable {
    /// Whether a file is being loaded, fully loaded, or failed (and nothing of it is stored).
    public enum Status: String, Sendable {
        case loading, loaded, failed
    }

    /// The registry row id.
    public var id: Int64
    /// Where the file was loaded from (the latest path for a resumed load).
    public var path: String
    /// The file's size in bytes.
    public var size: Int64
    /// SHA-256 of the first 64 KiB: with the size, the cheap test for "maybe seen before".
    public var headSHA256: [UInt8]
    /// SHA-256 of the whole file, once known (at the end of a load, or up front when checked).
    public var sha256: [UInt8]?
    /// How many leading raw bytes the last checkpoint had read: a resume is only accepted for a file
    /// whose first `prefixBytes` bytes hash to ``prefixSHA256``.
    public var prefixBytes: Int64
    /// The SHA-256 of those `prefixBytes` bytes.
    public var prefixSHA256: [UInt8]?
    /// The format it was read as.
    public var dialect: String
    /// Loading, loaded or failed.
    public var status: Status
    /// What the load stored, found duplicated and rejected.
    public var counts: LoadCounts
    /// The decoded-stream offset an interrupted load resumes at.
    public var resumeOffset: Int64
    /// The line an interrupted load resumes at.
    public var resumeLine: Int
    /// The first record row id the load could have written (for undoing a failed load).
    public var firstRecordID: Int64
    /// When the load started (epoch seconds).
    public var startedAt: Int64
    /// When it finished or failed.
    public var finishedAt: Int64?
    /// Why it failed.
    public var error: String?
    /// Why a loaded file looks incomplete (its trailer disagrees with what was read); nil when it does not.
    public var incomplete: String? = nil

    /// Creates a registry row.
    public init(
        id: Int64,
        path: String,
        size: Int64,
        headSHA256: [UInt8],
        sha256: [UInt8]?,
        prefixBytes: Int64,
        prefixSHA256: [UInt8]?,
        dialect: String,
        status: Status,
        counts: LoadCounts,
        resumeOffset: Int64,
        resumeLine: Int,
        firstRecordID: Int64,
        startedAt: Int64,
        finishedAt: Int64?,
        error: String?
    ) {
        self.id = id
        self.path = path
        self.size = size
        self.headSHA256 = headSHA256
        self.sha256 = sha256
        self.prefixBytes = prefixBytes
        self.prefixSHA256 = prefixSHA256
        self.dialect = dialect
        self.status = status
        self.counts = counts
        self.resumeOffset = resumeOffset
        self.resumeLine = resumeLine
        self.firstRecordID = firstRecordID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
    }
}

/// What a load did with a file's records.
public struct LoadCounts: Sendable, Equatable {
    /// New records stored.
    public var stored: Int64 = 0
    /// Records already stored (from this file or another) and not stored again.
    public var duplicates: Int64 = 0
    /// Records written to the rejects file.
    public var rejected: Int64 = 0
    /// Records of kinds that describe no call (an MSC's SMS, location-update records), by kind: not stored.
    public var skipped: [String: Int64] = [:]

    /// Creates counts.
    public init(stored: Int64 = 0, duplicates: Int64 = 0, rejected: Int64 = 0, skipped: [String: Int64] = [:]) {
        self.stored = stored
        self.duplicates = duplicates
        self.rejected = rejected
        self.skipped = skipped
    }

    /// Records skipped by kind, all kinds together.
    public var skippedTotal: Int64 { skipped.values.reduce(0, +) }

    /// The skipped counts as stored: `kind=n` pairs, sorted, comma-separated.
    public var skippedText: String {
        skipped.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Reads the stored form of ``skippedText``.
    public static func skipped(fromText text: String) -> [String: Int64] {
        var counts: [String: Int64] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let count = Int64(parts[1]) { counts[String(parts[0])] = count }
        }
        return counts
    }

    /// What a load added to `before`.
    public func since(_ before: LoadCounts) -> LoadCounts {
        LoadCounts(
            stored: stored - before.stored,
            duplicates: duplicates - before.duplicates,
            rejected: rejected - before.rejected,
            skipped: skipped.merging(before.skipped) { $0 - $1 }.filter { $0.value != 0 }
        )
    }
}

/// A stored record as read back, with its storage identity.
public struct StoredRecord: Sendable, Equatable {
    /// The database row id.
    public var id: Int64
    /// The record.
    public var record: CallRecord
    /// The path of the file it was loaded from.
    public var file: String

    /// Creates a stored record.
    public init(id: Int64, record: CallRecord, file: String) {
        self.id = id
        self.record = record
        self.file = file
    }
}
