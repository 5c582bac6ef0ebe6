import CDRModel
import CDRStorage

/// The ingested-files registry: what was loaded, from where, with what counts, and where an
/// interrupted load resumes.
extension SQLiteStore {
    func readFiles(_ statement: Statement) throws(StoreError) -> [FileEntry] {
        var entries: [FileEntry] = []
        while try statement.step() {
            var entry = FileEntry(
                id: statement.int(0),
                path: statement.text(1),
                size: statement.int(2),
                headSHA256: statement.blob(15),
                sha256: statement.optionalBlob(3),
                prefixBytes: statement.int(16),
                prefixSHA256: statement.optionalBlob(17),
                dialect: statement.text(4),
                status: FileEntry.Status(rawValue: statement.text(5)) ?? .failed,
                counts: LoadCounts(
                    stored: statement.int(6),
                    duplicates: statement.int(7),
                    rejected: statement.int(8),
                    skipped: LoadCounts.skipped(fromText: statement.text(18))
                ),
                resumeOffset: statement.int(9),
                resumeLine: Int(statement.int(10)),
                firstRecordID: statement.int(11),
                startedAt: statement.int(12),
                finishedAt: statement.optionalInt(13),
                error: statement.optionalText(14)
            )
            entry.incomplete = statement.optionalText(19)
            entries.append(entry)
        }
        return entries
    }

    static let fileColumns = """
        id, path, size, sha256, dialect, status, records, duplicates, rejected, resume_offset, \
        resume_line, first_record_id, started_at, finished_at, error, head_sha256, prefix_bytes, prefix_sha256, \
        skipped, incomplete
        """

    /// The fully loaded file with this content hash, if any.
    public func loadedFile(sha256: [UInt8]) throws(StoreError) -> FileEntry? {
        let statement = try connection.prepare(
            "SELECT \(Self.fileColumns) FROM files WHERE sha256 = ? AND status = 'loaded' LIMIT 1"
        )
        sha256.withUnsafeBytes { statement.bind(1, blob: $0) }
        return try readFiles(statement).first
    }

    /// Loaded or interrupted registry rows of files with this size and first-64-KiB hash, newest
    /// first: the only files worth hashing in full before a load.
    public func candidates(size: Int64, headSHA256: [UInt8]) throws(StoreError) -> [FileEntry] {
        let statement = try connection.prepare(
            "SELECT \(Self.fileColumns) FROM files WHERE size = ? AND head_sha256 = ? AND status <> 'failed' ORDER BY id DESC"
        )
        statement.bind(1, size)
        headSHA256.withUnsafeBytes { statement.bind(2, blob: $0) }
        return try readFiles(statement)
    }

    /// Every registry row, newest first.
    public func files() throws(StoreError) -> [FileEntry] {
        try readFiles(try connection.prepare("SELECT \(Self.fileColumns) FROM files ORDER BY id DESC"))
    }

    /// Registers a file about to be loaded and opens the load's first transaction.
    /// `sha256` is the content hash when known up front (regular files); standard input's is set
    /// when it finishes.
    public func beginFile(
        path: String,
        size: Int64,
        headSHA256: [UInt8],
        sha256: [UInt8]?,
        dialect: String
    ) throws(StoreError) -> Int64 {
        try begin()
        let statement = try connection.prepare(
            """
            INSERT INTO files(path, size, head_sha256, sha256, dialect, status, first_record_id, started_at)
            VALUES (?, ?, ?, ?, ?, 'loading', ?, ?)
            """
        )
        statement.bind(1, path)
        statement.bind(2, size)
        headSHA256.withUnsafeBytes { statement.bind(3, blob: $0) }
        if let sha256 {
            sha256.withUnsafeBytes { statement.bind(4, blob: $0) }
        } else {
            statement.bind(4, nil as Int64?)
        }
        statement.bind(5, dialect)
        statement.bind(6, nextRecordID)
        statement.bind(7, Self.now())
        try statement.step()
        return connection.lastInsertID
    }

    /// Reopens an interrupted load for resuming; the caller continues from its resume point.
    public func resumeFile(id: Int64, path: String) throws(StoreError) {
        try begin()
        let statement = try connection.prepare("UPDATE files SET path = ? WHERE id = ?")
        statement.bind(1, path)
        statement.bind(2, id)
        try statement.step()
    }

    /// Commits what the load has stored so far together with its resume point, counts and prefix hash,
    /// then opens the next transaction: a crash after this resumes here.
    public func checkpoint(
        fileID: Int64,
        offset: Int64,
        line: Int,
        counts: LoadCounts,
        prefixBytes: Int64,
        prefixSHA256: [UInt8]
    ) throws(StoreError) {
        try updateFile(
            fileID: fileID,
            offset: offset,
            line: line,
            counts: counts,
            prefix: (prefixBytes, prefixSHA256)
        )
        try commit()
        try begin()
    }

    /// Marks a file loaded with its full hash and final counts, and commits.
    public func finishFile(
        id: Int64,
        sha256: [UInt8],
        size: Int64,
        offset: Int64,
        line: Int,
        counts: LoadCounts,
        incomplete: String? = nil
    ) throws(StoreError) {
        try updateFile(
            fileID: id,
            offset: offset,
            line: line,
            counts: counts,
            status: .loaded,
            sha256: sha256,
            size: size,
            incomplete: incomplete
        )
        try commit()
    }

    /// Removes everything a failed load stored (including committed checkpoints) and records why.
    public func failFile(id: Int64, reason: String) throws(StoreError) {
        rollback()
        try connection.transaction { () throws(StoreError) in
            let first = try connection.prepare("SELECT first_record_id FROM files WHERE id = ?")
            first.bind(1, id)
            guard try first.step() else { return }
            let firstID = first.int(0)
            try deleteAlerts(fileID: id)
            for month in knownPartitions {
                let name = Self.partitionName(month: month)
                let diversions = try connection.prepare(
                    "DELETE FROM diversions WHERE record_id >= ?1 AND record_id IN (SELECT id FROM \(name) WHERE id >= ?1 AND file_id = ?2)"
                )
                diversions.bind(1, firstID)
                diversions.bind(2, id)
                try diversions.step()
                let records = try connection.prepare("DELETE FROM \(name) WHERE id >= ? AND file_id = ?")
                records.bind(1, firstID)
                records.bind(2, id)
                try records.step()
            }
            try discardStagedUsage(fileID: id)
            try updateFile(
                fileID: id,
                offset: 0,
                line: 1,
                counts: LoadCounts(),
                status: .failed,
                error: reason
            )
        }
    }

    /// Writes a load's progress; nil arguments leave their columns as they are (except `error`).
    private func updateFile(
        fileID: Int64,
        offset: Int64,
        line: Int,
        counts: LoadCounts,
        status: FileEntry.Status? = nil,
        sha256: [UInt8]? = nil,
        size: Int64? = nil,
        prefix: (bytes: Int64, sha256: [UInt8])? = nil,
        error: String? = nil,
        incomplete: String? = nil
    ) throws(StoreError) {
        let statement = try connection.prepare(
            """
            UPDATE files SET resume_offset = ?1, resume_line = ?2, records = ?3, duplicates = ?4, rejected = ?5,
                status = coalesce(?6, status), sha256 = coalesce(?7, sha256), error = ?8,
                finished_at = CASE WHEN ?6 IS NULL THEN finished_at ELSE ?9 END, size = coalesce(?10, size),
                prefix_bytes = coalesce(?11, prefix_bytes), prefix_sha256 = coalesce(?12, prefix_sha256),
                skipped = ?14, incomplete = ?15
            WHERE id = ?13
            """
        )
        statement.bind(1, offset)
        statement.bind(2, Int64(line))
        statement.bind(3, counts.stored)
        statement.bind(4, counts.duplicates)
        statement.bind(5, counts.rejected)
        statement.bind(6, status?.rawValue)
        if let sha256 { sha256.withUnsafeBytes { statement.bind(7, blob: $0) } }
        statement.bind(8, error)
        statement.bind(9, Self.now())
        statement.bind(10, size)
        statement.bind(11, prefix?.bytes)
        if let prefix { prefix.sha256.withUnsafeBytes { statement.bind(12, blob: $0) } }
        statement.bind(13, fileID)
        statement.bind(14, counts.skippedText)
        statement.bind(15, incomplete)
        try statement.step()
        let sequence = try cached(
            "saveNextRecordID",
            """
            INSERT INTO store_state(name, value) VALUES ('next_record_id', ?)
            ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)
            """
        )
        sequence.bind(1, nextRecordID)
        defer { sequence.reset() }
        try sequence.step()
    }
}
