import CDRPostgres
import CDRSQLite
import Foundation

/// The store an ``IngestJob`` loads into, with what that store needs to know about the run.
public enum IngestTarget {
    /// The embedded store: one writer, files resumed from their last checkpoint, detection while loading.
    case sqlite(SQLiteStore)
    /// PostgreSQL: one of any number of workers, each file claimed with a lease before it is read.
    case postgres(PostgresStore, PostgresWorker)
}

/// One PostgreSQL ingest worker's identity and pacing.
public struct PostgresWorker: Sendable {
    /// This worker's name in claims.
    public var name: String
    /// Seconds a claim holds before another worker may take the file over.
    public var leaseSeconds: Int
    /// With `wait`, the run stays until every file is loaded by some worker.
    public var wait: Bool
    /// Records per `COPY` batch.
    public var copyBatch: Int

    /// Describes a worker.
    public init(
        name: String = PostgresWorker.defaultName,
        leaseSeconds: Int = 60,
        wait: Bool = false,
        copyBatch: Int = 50_000
    ) {
        self.name = name
        self.leaseSeconds = leaseSeconds
        self.wait = wait
        self.copyBatch = max(1, copyBatch)
    }

    /// A default worker name: host and process id.
    public static var defaultName: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}
