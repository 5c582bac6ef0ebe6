import CDRModel
import CDRStorage
import CDRSubjects

/// One row of the ingest registry, as `GET /v1/files` lists it (schema `File`).
struct FileBody: APIBody {
    static let schema = "File"
    static let example = FileBody(
        id: 1,
        path: "/data/switch-a/Master.csv",
        dialect: "asterisk",
        status: "loaded",
        stored: 1000,
        duplicates: 2,
        rejected: 1,
        skipped: "header=1",
        startedAt: "2026-01-05T00:00:00Z",
        finishedAt: Nullable("2026-01-05T00:00:02Z"),
        error: Nullable("a record overruns the file"),
        incomplete: Nullable("the trailer counts 1003 records; 1000 were read")
    )

    var id: Int64
    var path: String
    var dialect: String
    var status: String
    var stored: Int64
    var duplicates: Int64
    var rejected: Int64
    /// Records skipped by kind, as `kind=n` pairs.
    var skipped: String
    var startedAt: String
    var finishedAt: Nullable<String>
    var error: Nullable<String>
    var incomplete: Nullable<String>

    enum CodingKeys: String, CodingKey {
        case id, path, dialect, status, stored, duplicates, rejected, skipped, error, incomplete
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

extension FileBody {
    /// The body of a registry row.
    init(_ file: FileEntry) {
        self.init(
            id: file.id,
            path: file.path,
            dialect: file.dialect,
            status: file.status.rawValue,
            stored: file.counts.stored,
            duplicates: file.counts.duplicates,
            rejected: file.counts.rejected,
            skipped: file.counts.skippedText,
            startedAt: CivilTime.iso8601(file.startedAt),
            finishedAt: Nullable(file.finishedAt.map(CivilTime.iso8601)),
            error: Nullable(file.error),
            incomplete: Nullable(file.incomplete)
        )
    }

    /// The CSV columns, the JSON keys in the same order.
    static let columns = [
        "id", "path", "dialect", "status", "stored", "duplicates", "rejected", "skipped", "started_at",
        "finished_at", "error", "incomplete",
    ]

    /// The CSV fields, in ``columns`` order.
    var fields: [String] {
        [
            String(id), path, dialect, status, String(stored), String(duplicates), String(rejected), skipped,
            startedAt, finishedAt.value ?? "", error.value ?? "", incomplete.value ?? "",
        ]
    }
}
